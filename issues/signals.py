"""Signals of the issues app."""

from django.dispatch import Signal

# Sent after the transaction of a transition commits (notifications listen here):
# sender=Issue, issue, name ("raise", "assign", …), user, from_state, reason.
issue_transitioned = Signal()
