"""Signals of the issues app."""

from django.dispatch import Signal

# Sent inside the transaction of a transition, after its history row (notifications listen
# here and write their rows and tasks in that same transaction; a receiver that raises rolls
# the transition back): sender=Issue, issue, name ("raise", "assign", …), user, from_state,
# reason, and for a supervision notice `notice`.
issue_transitioned = Signal()

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
