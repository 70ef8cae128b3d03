"""Meeting signals, and the transition columns of a meeting's history row."""

from django.dispatch import Signal, receiver
from simple_history.signals import pre_create_historical_record

from meetings.models import Meeting

# Sent after the transaction that published an agenda commits (notifications listen here):
# sender=Meeting, meeting=the meeting, user=who published it.
agenda_published = Signal()


@receiver(pre_create_historical_record, sender=Meeting.history.model)
def record_transition(sender, instance, history_instance, **kwargs):
    history_instance.transition = getattr(instance, "_transition", "") or ""
    history_instance.from_state = getattr(instance, "_from_state", "") or ""
