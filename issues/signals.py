"""Fill the transition columns of an issue's history row from the instance being saved."""

from django.dispatch import Signal, receiver
from simple_history.signals import pre_create_historical_record

from issues.models import Issue


@receiver(pre_create_historical_record, sender=Issue.history.model)
def record_transition(sender, instance, history_instance, **kwargs):
    history_instance.transition = getattr(instance, "_transition", "") or ""
    history_instance.from_state = getattr(instance, "_from_state", "") or ""


# Sent after the transaction of a transition commits (notifications listen here):
# sender=Issue, issue, name ("raise", "assign", …), user, from_state, reason.
issue_transitioned = Signal()
