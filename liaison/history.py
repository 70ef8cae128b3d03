"""State-machine history shared by issues and meetings (django-simple-history).

A model's history gets two extra columns (`transition`, `from_state`); a transition saves
through `save_transition` so that its one history row says who, which transition, from
where and why.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

_TRANSITION_ATTRS = ("_change_reason", "_transition", "_from_state")


class TransitionFields(models.Model):
    """Extra columns of the history table: which transition wrote the row, and from where."""

    transition = models.CharField(_("操作"), max_length=20, blank=True)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)

    class Meta:
        abstract = True


def save_transition(instance, user, name: str, from_state: str, reason: str) -> None:
    """Save `instance`, writing one history row with the user, transition and reason."""
    instance._history_user = user
    instance._change_reason = reason
    # marks of this module on the instance, read back by record_transition below
    instance._transition, instance._from_state = name, from_state  # noqa: SLF001
    try:
        instance.save()
    finally:
        # simple-history's reason sticks to the instance: never let it leak into a later save.
        for attr in _TRANSITION_ATTRS:
            instance.__dict__.pop(attr, None)


def save_with_history(instance, user, reason: str = "") -> None:
    """Save a model with plain history (no transition columns): the row names `user` and why."""
    save_transition(instance, user, "", "", reason)


@receiver(pre_create_historical_record)
def record_transition(sender, instance, history_instance, **kwargs):
    if isinstance(history_instance, TransitionFields):
        history_instance.transition = getattr(instance, "_transition", "") or ""
        history_instance.from_state = getattr(instance, "_from_state", "") or ""
