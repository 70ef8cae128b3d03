"""The states of an issue and the groups of them that rules speak about.

Kept apart from `issues.models` so that the deadline rules (`issues.deadlines`) can name
states without importing the model.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RAISED = "raised", _("待交办")
    ASSIGNED = "assigned", _("办理中")
    RESOLVED = "resolved", _("待核实")
    VERIFIED = "verified", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")


# Not yet finished: the annual agenda's open problems, the dashboard's "未办结".
OPEN_STATES: tuple[State, ...] = (State.RAISED, State.ASSIGNED, State.RESOLVED)

# A department holds the issue under a due date: the states a deadline runs in (overdue,
# warning, reminders, the department's inbox). DESIGN's `accepted` (签收) joins this tuple.
HANDLING_STATES: tuple[State, ...] = (State.ASSIGNED,)
