"""Signals of the meetings app: sent inside the transaction that makes the change, so that what
a listener writes (notifications, deliveries, task rows) commits with the change and a change
that rolls back leaves nothing (a listener that raises rolls the change back). Notifications
(and anything else) listen here: the meetings app never imports them."""

from django.dispatch import Signal

# Every operation on a meeting (a lifecycle transition or an edit of a draft):
# sender=Meeting, meeting=the meeting, user=who, operation=its name in
# meetings.transitions (MEETING_TRANSITIONS or EDITS), reason=what the history row says.
meeting_changed = Signal()

# The agenda was published (besides `meeting_changed`): sender=Meeting, meeting=…, user=….
agenda_published = Signal()

# A decision tracked to 销号 changed state (report, close, reopen): sender=Decision,
# decision=…, user=who, transition=its name in DECISION_TRANSITIONS, reason=the text given.
decision_changed = Signal()
