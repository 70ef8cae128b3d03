"""Signals of the issues app."""

from django.dispatch import Signal

# Sent inside the transaction of a transition, after its history row (notifications listen
# here and write their rows and tasks in that same transaction; a receiver that raises rolls
# the transition back): sender=Issue, issue, name ("raise", "assign", …), user, from_state,
# reason, and for a supervision notice `notice`.
issue_transitioned = Signal()

# Supervision notices (催办/督办) were issued, by hand (one) or by send_reminders (a batch):
# sender=SupervisionNotice, notices (a list, each with its `issue` and `department` loaded),
# user (None for the automatic ones). Sent once per batch inside its transaction, after the
# history rows, so that a listener writes the notifications of the whole batch in bulk.
notices_issued = Signal()

# Issues were written without `save()` (`Issue.objects.update()`, `bulk_update`, `bulk_create`),
# which sends no post_save: sender=Issue. Reports listen (the change stamp of cached documents).
issues_written_in_bulk = Signal()


def announce(issue, name: str, user, from_state: str, reason: str, **extra) -> None:
    """Tell listeners (notifications) inside the change's transaction, as
    DESIGN "Notifications and background work" says: what they write - in-app rows,
    deliveries and their task rows - commits with the change or rolls back with it.
    Listeners only write rows; nothing is sent from here.

    `name` is a transition or an event of `issues.transitions.EVENTS`.
    """
    issue_transitioned.send(
        sender=type(issue),
        issue=issue,
        name=name,
        user=user,
        from_state=from_state,
        reason=reason,
        **extra,
    )


def announce_notices(notices, user) -> None:
    """Tell listeners of supervision notices just issued, once for the whole batch, inside
    the transaction that issued them (as `announce` does for a transition)."""
    if notices:
        notices_issued.send(sender=type(notices[0]), notices=list(notices), user=user)
