"""Signals of the issues app."""

from django.db import transaction
from django.dispatch import Signal

# Sent after the transaction of a transition commits (notifications listen here):
# sender=Issue, issue, name ("raise", "assign", …), user, from_state, reason.
issue_transitioned = Signal()


def announce(issue, name: str, user, from_state: str, reason: str) -> None:
    """Tell listeners (notifications) once the change is committed, never for a rolled-back one.

    `name` is a transition or an event of `issues.transitions.EVENTS`.
    """
    transaction.on_commit(
        lambda: issue_transitioned.send(
            sender=type(issue),
            issue=issue,
            name=name,
            user=user,
            from_state=from_state,
            reason=reason,
        )
    )
