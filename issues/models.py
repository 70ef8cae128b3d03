"""Bottlenecks (难点堵点) and their state machine.

The transitions are methods on `Issue`, each with its source, target and permission on
its `@transition`; each checks its inputs, keeps the invariants and records its effect.
They never save: `issues.services` runs them under permission, inside a transaction, and
writes the one history row. What else a transition has - its public name, label, input,
button and notification - is its row in `issues.transitions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_fsm import Transition as FSMTransition

from issues import deadlines
from issues.deadlines import today
from issues.permissions import (
    FSMRule,
    is_current_officer_of_chain,
    is_secretariat,
    is_staff_of_handling_department,
)
from issues.states import OPEN_STATES, Satisfaction, State
from liaison.history import TransitionFields
from organisation.models import Department, IndustryChain, IssueCategory, Measure

# State, its groups and `today` are imported from here by most of the project.
__all__ = [
    "OPEN_STATES",
    "Attachment",
    "Issue",
    "IssueDepartment",
    "IssueQuerySet",
    "IssueUpdate",
    "Satisfaction",
    "State",
    "attachment_path",
    "today",
]


class IssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> IssueQuerySet:
        """DESIGN "Roles and visibility": the one definition of who sees which issue."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.sees_everything:
            return self
        if user.is_officer:
            return self.filter(chain__union_id__in=user.union_ids)
        if user.is_department_staff:
            involved = IssueDepartment.objects.filter(department_id=user.department_id)
            return self.filter(pk__in=involved.values("issue_id"))
        return self.none()

    def open(self) -> IssueQuerySet:
        return self.filter(state__in=OPEN_STATES)

    # The deadline rules of `issues.deadlines`; `on` is the reference date (default today).

    def overdue(self, on: date | None = None, *, by_more_than: int = 0) -> IssueQuerySet:
        """Past the due date on `on`; `by_more_than=n`: `days_overdue` greater than n."""
        return self.filter(deadlines.overdue_q(on or today(), by_more_than=by_more_than))

    def due_soon(self, on: date | None = None) -> IssueQuerySet:
        return self.filter(deadlines.due_soon_q(on or today()))

    def warning(self, level: str, on: date | None = None) -> IssueQuerySet:
        """The issues whose `warning` on `on` is `level` (`red` or `yellow`)."""
        if level == "red":
            return self.overdue(on)
        if level == "yellow":
            return self.due_soon(on)
        raise ValueError(f"unknown warning level {level!r}")

    def escalated(self, on: date | None = None) -> IssueQuerySet:
        """督导事项 on `on`."""
        return self.filter(deadlines.escalated_q(on or today()))

    def with_related(self) -> IssueQuerySet:
        return self.select_related("chain__union", "category", "measure", "department", "raised_by")


class Issue(ConcurrentTransitionMixin, models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    sequence = models.PositiveIntegerField(_("年度序号"), editable=False)
    number = models.CharField(_("编号"), max_length=12, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("问题描述"))
    company = models.CharField(_("涉及企业"), max_length=200, blank=True)
    chain = models.ForeignKey(
        IndustryChain, on_delete=models.PROTECT, related_name="issues", verbose_name=_("产业链")
    )
    category = models.ForeignKey(
        IssueCategory, on_delete=models.PROTECT, related_name="issues", verbose_name=_("类别")
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("相关措施"),
    )
    state = FSMField(_("状态"), default=State.RAISED, choices=State.choices, protected=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("承办部门"),
    )
    due_date = models.DateField(_("办理时限"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="raised_issues",
        verbose_name=_("提出人"),
    )
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    first_assigned_at = models.DateTimeField(_("首次交办时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IssueQuerySet.as_manager()
    history = HistoricalRecords(bases=[TransitionFields], excluded_fields=["updated_at"])

    if TYPE_CHECKING:  # added by the FSMField `state` when the class is created

        def get_available_user_state_transitions(self, user: Any) -> Iterator[FSMTransition]: ...

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("难点堵点")
        verbose_name_plural = _("难点堵点")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="issue_number_per_year"),
            models.CheckConstraint(
                name="assigned_has_department_and_due_date",
                condition=~Q(state="assigned")
                | Q(department__isnull=False, due_date__isnull=False),
            ),
            models.CheckConstraint(
                name="raised_or_withdrawn_has_no_department",
                condition=~Q(state__in=["raised", "withdrawn"]) | Q(department__isnull=True),
            ),
            models.CheckConstraint(
                name="resolved_has_resolution",
                condition=~Q(state__in=["resolved", "verified"]) | ~Q(resolution=""),
            ),
            models.CheckConstraint(
                name="verified_has_satisfaction",
                condition=~Q(state="verified") | ~Q(satisfaction=""),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["department", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # --- numbering -------------------------------------------------------------------

    def save(self, *args, **kwargs):
        if self._state.adding and not self.number:
            return self._save_with_new_number(*args, **kwargs)
        return super().save(*args, **kwargs)

    def _save_with_new_number(self, *args, **kwargs):
        """Give a new issue the next number of its year; retry if someone took it meanwhile."""
        self.year = timezone.localtime(self.raised_at).year
        for _attempt in range(5):
            last = Issue.objects.filter(year=self.year).aggregate(m=Max("sequence"))["m"] or 0
            self.sequence = last + 1
            self.number = f"{self.year}-{self.sequence:04d}"
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                self.pk = None
                self._state.adding = True
                continue
        raise IntegrityError("could not allocate an issue number")

    # --- deadlines -------------------------------------------------------------------

    @property
    def union(self):
        return self.chain.union

    # The deadline rules of `issues.deadlines`, on a reference date (default today); the
    # properties are today's answer, for templates and the JSON.

    def days_overdue_on(self, on: date | None = None) -> int:
        return deadlines.days_overdue(self.state, self.due_date, on or today())

    def is_overdue_on(self, on: date | None = None) -> bool:
        return deadlines.is_overdue(self.state, self.due_date, on or today())

    def warning_on(self, on: date | None = None) -> str | None:
        return deadlines.warning(self.state, self.due_date, on or today())

    def is_escalated_on(self, on: date | None = None) -> bool:
        return deadlines.is_escalated(self.state, self.due_date, self.reopen_count, on or today())

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on()

    @property
    def days_overdue(self) -> int:
        return self.days_overdue_on()

    @property
    def warning(self) -> str | None:
        """`red` when overdue, `yellow` when due within three days, else None."""
        return self.warning_on()

    @property
    def days_to_resolve(self) -> int | None:
        if self.resolved_at and self.first_assigned_at:
            return (
                timezone.localdate(self.resolved_at) - timezone.localdate(self.first_assigned_at)
            ).days
        return None

    # --- the state machine (DESIGN "The bottleneck state machine") ----------------------
    # Inputs are checked here so that UI, API and meeting decisions share one rule set.

    @transition(
        field=state,
        source=State.RAISED,
        target=State.ASSIGNED,
        permission=FSMRule(is_secretariat),
    )
    def assign(self, *, department: Department, due_date: date, note: str = "") -> None:
        _require_department(department)
        _require_future_due_date(due_date)
        self.department, self.due_date = department, due_date
        self.assigned_at = timezone.now()
        self.first_assigned_at = self.first_assigned_at or self.assigned_at

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ASSIGNED,
        permission=FSMRule(is_secretariat),
    )
    def reassign(
        self,
        *,
        department: Department | None = None,
        due_date: date | None = None,
        reason: str = "",
    ) -> None:
        # What equals the current value is no change: a reassign that changes nothing is refused
        # rather than written to the history as if something had happened.
        if department is not None and department.pk == self.department_id:
            department = None
        if due_date is not None and due_date == self.due_date:
            due_date = None
        if department is None and due_date is None:
            raise ValidationError({"department": [_("请指定新的承办部门或新的办理时限。")]})
        if due_date is not None:
            _require_future_due_date(due_date)
            self.due_date = due_date
        if department is not None:
            self.department = department
            self.assigned_at = timezone.now()

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.RAISED,
        permission=FSMRule(is_staff_of_handling_department),
    )
    def return_to_secretariat(self, *, reason: str) -> None:
        _require_text("reason", reason, _("退回须说明理由。"))
        self.department, self.due_date = None, None
        self.assigned_at = None
        self.return_count += 1

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.RESOLVED,
        permission=FSMRule(is_staff_of_handling_department),
    )
    def resolve(self, *, resolution: str) -> None:
        _require_text("resolution", resolution, _("请填写办理结果。"))
        self.resolution = resolution.strip()
        self.resolved_at = timezone.now()

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.VERIFIED,
        permission=FSMRule(is_current_officer_of_chain),
    )
    def verify(self, *, satisfaction: str, note: str = "") -> None:
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": _("请选择满意或基本满意。")})
        self.satisfaction = satisfaction
        self.verified_at = timezone.now()

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.ASSIGNED,
        permission=FSMRule(is_current_officer_of_chain),
    )
    def reopen(self, *, reason: str) -> None:
        # The department keeps the issue; its earlier resolution stays in the history.
        _require_text("reason", reason, _("重新办理须说明理由。"))
        self.resolution = ""
        self.resolved_at = None
        self.reopen_count += 1

    @transition(
        field=state,
        source=State.RAISED,
        target=State.WITHDRAWN,
        permission=FSMRule(is_current_officer_of_chain | is_secretariat),
    )
    def withdraw(self, *, reason: str) -> None:
        _require_text("reason", reason, _("撤回须说明理由。"))
        self.closed_at = timezone.now()


def _require_text(field: str, value: str | None, message) -> None:
    if not (value or "").strip():
        raise ValidationError({field: [message]})


def _require_department(department) -> None:
    if department is None:
        raise ValidationError({"department": [_("请选择承办部门。")]})


def _require_future_due_date(due_date) -> None:
    if due_date is None:
        raise ValidationError({"due_date": [_("请填写办理时限。")]})
    if due_date < today():
        raise ValidationError({"due_date": [_("办理时限不能早于今天。")]})


class IssueDepartment(models.Model):
    """Every department an issue was ever assigned to: such staff keep seeing it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="involvements")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="involvements"
    )
    first_assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("问题承办记录")
        verbose_name_plural = _("问题承办记录")
        constraints = [
            models.UniqueConstraint(fields=["issue", "department"], name="issue_department_once")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.department_id}"


class IssueUpdate(models.Model):
    """A progress note (办理进展) by the department's staff or the secretariat."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="updates", verbose_name=_("问题")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="issue_updates",
        verbose_name=_("填写人"),
    )
    text = models.TextField(_("进展"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理进展")
        verbose_name_plural = _("办理进展")

    def __str__(self) -> str:
        return f"{self.issue.number} · {self.created_at:%Y-%m-%d}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: user file names never become paths on disk.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("问题")
    )
    update = models.ForeignKey(
        IssueUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("办理进展"),
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name
