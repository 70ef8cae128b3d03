"""The states of an issue and the groups of them that rules speak about.

Kept apart from `issues.models` so that the deadline rules (`issues.deadlines`) can name
states without importing the model. The labels are DESIGN's one vocabulary of the
work-order practice (交办 → 签收 → 报结 → 评价).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RAISED = "raised", _("待交办")
    ASSIGNED = "assigned", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    RESOLVED = "resolved", _("待评价")
    VERIFIED = "verified", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


# Each state's label (lazy: translated when shown). Django's generated `get_state_display()`
# builds the field's choices into a dict on every call, ~36 µs, once per row of every list.
STATE_LABELS = dict(State.choices)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Outcome(models.TextChoices):
    """How a department ends its handling: a solution, or a reasoned reply (答复)."""

    SOLVED = "solved", _("已解决")
    EXPLAINED = "explained", _("已答复")


class Source(models.TextChoices):
    """How an issue filed by the secretariat on a chain's behalf (代录) reached it."""

    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    MEETING = "meeting", _("会议")
    LETTER = "letter", _("来函")


class Role(models.TextChoices):
    """A department's part in an issue: the lead (主办) or a co-department (协办)."""

    LEAD = "lead", _("主办")
    CO = "co", _("协办")


# Not yet finished: the annual agenda's open problems, the dashboard's "未办结".
OPEN_STATES: tuple[State, ...] = (State.RAISED, State.ASSIGNED, State.ACCEPTED, State.RESOLVED)

# A department holds the issue under a due date: the states a deadline runs in (overdue,
# warning, reminders, the department's inbox).
HANDLING_STATES: tuple[State, ...] = (State.ASSIGNED, State.ACCEPTED)

# Final: nothing more happens to these.
FINAL_STATES: tuple[State, ...] = (State.VERIFIED, State.WITHDRAWN, State.MERGED)
