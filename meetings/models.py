"""Meetings of the liaison mechanism (DESIGN "Meetings").

Regular liaison-officer meetings (产业链联络员会议, numbered per year) and the annual
union–government joint meeting (年度工会和政府联席会议, one a year). The lifecycle is a
django-fsm-2 state machine; `meetings.services` runs the transitions under permission,
inside a transaction, and writes the one history row with who and why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from issues.models import Issue
from liaison.history import TransitionFields
from organisation.models import Department


class Kind(models.TextChoices):
    REGULAR = "regular", _("产业链联络员会议")
    ANNUAL = "annual", _("年度工会和政府联席会议")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    AGENDA_PUBLISHED = "agenda_published", _("议程已发布")
    HELD = "held", _("已召开")
    MINUTES_APPROVED = "minutes_approved", _("纪要已审定")
    CANCELLED = "cancelled", _("已取消")


# A meeting "was held" once it reached either of these states (agenda rule P).
HELD_STATES = (MeetingState.HELD, MeetingState.MINUTES_APPROVED)


class Section(models.TextChoices):
    # Regular meeting, in this fixed order.
    FOLLOW_UP = "follow_up", _("上次会议议定事项落实情况")
    NEW = "new", _("新提出问题")
    RETURNED = "returned", _("退回问题")
    OVERDUE = "overdue", _("超期未办结问题")
    AWAITING_VERIFICATION = "awaiting_verification", _("待核实问题")
    VERIFIED_SINCE_LAST = "verified_since_last", _("上次会议以来已办结问题")
    # Annual meeting, in this fixed order.
    REPORT = "report", _("年度工作情况通报")
    ESCALATED = "escalated", _("督导事项")
    OPEN_PROBLEMS = "open_problems", _("存在问题")
    # Added by hand by the secretariat.
    OTHER = "other", _("其他事项")


REGULAR_SECTIONS = [
    Section.FOLLOW_UP,
    Section.NEW,
    Section.RETURNED,
    Section.OVERDUE,
    Section.AWAITING_VERIFICATION,
    Section.VERIFIED_SINCE_LAST,
]
# The annual meeting's follow-up shares the code `follow_up` but has its own heading.
ANNUAL_SECTIONS = [Section.REPORT, Section.ESCALATED, Section.OPEN_PROBLEMS, Section.FOLLOW_UP]
ANNUAL_FOLLOW_UP_HEADING = _("上年度联席会议议定事项落实情况")


def section_heading(kind: str, section: str) -> str:
    """The Chinese heading of a section for a meeting of this kind."""
    if kind == Kind.ANNUAL and section == Section.FOLLOW_UP:
        return str(ANNUAL_FOLLOW_UP_HEADING)
    return str(Section(section).label)


class MeetingQuerySet(models.QuerySet):
    def upcoming_first(self) -> MeetingQuerySet:
        """Meetings still ahead (soonest first), then past ones (latest first)."""
        now = timezone.now()
        is_past = models.Case(
            models.When(scheduled_at__lt=now, then=models.Value(1)),
            default=models.Value(0),
            output_field=models.IntegerField(),
        )
        # Past rows get NULL here, so they fall through to "-scheduled_at".
        upcoming_at = models.Case(models.When(scheduled_at__gte=now, then="scheduled_at"))
        return self.order_by(
            is_past.asc(), upcoming_at.asc(nulls_last=True), "-scheduled_at", "-pk"
        )


class Meeting(ConcurrentTransitionMixin, models.Model):
    kind = models.CharField(
        _("会议类型"), max_length=10, choices=Kind.choices, default=Kind.REGULAR
    )
    # Year of the meeting's Beijing date: numbering and "one annual meeting a year" use it.
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    # Regular meetings: 第N次 of their year; the annual meeting has no number.
    number = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True, editable=False)
    title = models.CharField(_("会议名称"), max_length=200, blank=True)
    # False while the title is the generated one: it then follows year and number.
    title_is_custom = models.BooleanField(_("自定义名称"), default=False)
    scheduled_at = models.DateTimeField(_("会议时间"))
    location = models.CharField(_("会议地点"), max_length=200, blank=True)
    state = FSMField(
        _("状态"), default=MeetingState.PLANNED, choices=MeetingState.choices, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    agenda_generated_at = models.DateTimeField(_("议程生成时间"), null=True, blank=True)
    agenda_published_at = models.DateTimeField(_("议程发布时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("确认召开时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(bases=[TransitionFields], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-scheduled_at", "-pk"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(kind="regular"),
                name="regular_meeting_number_per_year",
            ),
            # One annual joint meeting a year; a cancelled one may be replaced.
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(kind="annual") & ~Q(state="cancelled"),
                name="one_annual_meeting_per_year",
                violation_error_message=_("每年只能召开一次工会和政府联席会议。"),
            ),
            models.CheckConstraint(
                condition=Q(kind="annual") | Q(number__isnull=False),
                name="regular_meeting_has_number",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self._state.adding and self.title and not self.title_is_custom:
            self.title_is_custom = True  # a title given at creation is kept as given
        year = timezone.localdate(self.scheduled_at).year
        numbered_wrongly = bool(self.number) != self.is_regular
        if self._state.adding or year != self.year or numbered_wrongly:
            return self._save_with_number(year, *args, **kwargs)
        if not self.title_is_custom:
            self.title = self.generated_title()
        return super().save(*args, **kwargs)

    def _save_with_number(self, year: int, *args, **kwargs):
        """Give a regular meeting the next number of its year; retry if someone took it."""
        adding = self._state.adding
        self.year = year
        for _attempt in range(5):
            if self.kind == Kind.REGULAR:
                last = (
                    Meeting.objects.filter(kind=Kind.REGULAR, year=year)
                    .exclude(pk=self.pk)
                    .aggregate(m=Max("number"))["m"]
                    or 0
                )
                self.number = last + 1
            else:
                self.number = None
            if not self.title_is_custom or not self.title:
                self.title_is_custom = False
                self.title = self.generated_title()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if self.kind == Kind.ANNUAL:
                    raise
                if adding:
                    self.pk = None
                    self._state.adding = True
        raise IntegrityError("could not allocate a meeting number")

    # --- numbering and title ------------------------------------------------------------

    @property
    def date(self):
        return timezone.localdate(self.scheduled_at)

    @property
    def is_regular(self) -> bool:
        return self.kind == Kind.REGULAR

    @property
    def is_annual(self) -> bool:
        return self.kind == Kind.ANNUAL

    def generated_title(self) -> str:
        if self.kind == Kind.ANNUAL:
            return f"{self.year}年度工会和政府联席会议"
        return f"{self.year}年第{self.number}次产业链联络员会议"

    @property
    def number_label(self) -> str:
        """The document number of the minutes, e.g. 〔2024〕3号 (the annual meeting: 1号)."""
        return f"〔{self.year}〕{self.number or 1}号"

    def clean(self) -> None:
        if self.scheduled_at and self.kind == Kind.ANNUAL:
            year = timezone.localdate(self.scheduled_at).year
            clash = (
                Meeting.objects.filter(kind=Kind.ANNUAL, year=year)
                .exclude(state=MeetingState.CANCELLED)
                .exclude(pk=self.pk)
            )
            if clash.exists():
                raise ValidationError(
                    {"kind": [_("%(year)s年度的联席会议已经存在。") % {"year": year}]}
                )

    # --- the lifecycle (transitions never save; services do, with history) ---------------

    @transition(field=state, source=MeetingState.PLANNED, target=MeetingState.AGENDA_PUBLISHED)
    def publish_agenda(self) -> None:
        if not self.agenda_items.exists():
            raise ValidationError({"agenda": [_("请先生成或添加议程，再发布。")]})
        self.agenda_published_at = timezone.now()

    @transition(field=state, source=MeetingState.AGENDA_PUBLISHED, target=MeetingState.HELD)
    def hold(self) -> None:
        self.held_at = timezone.now()

    @transition(field=state, source=MeetingState.HELD, target=MeetingState.MINUTES_APPROVED)
    def approve_minutes(self) -> None:
        """The state change only: applying decisions and the PDF are in `services.approve_minutes`."""

    @transition(
        field=state,
        source=[MeetingState.PLANNED, MeetingState.AGENDA_PUBLISHED],
        target=MeetingState.CANCELLED,
    )
    def cancel(self, *, reason: str = "") -> None:
        self.cancelled_at = timezone.now()

    @property
    def agenda_is_editable(self) -> bool:
        return self.state == MeetingState.PLANNED

    @property
    def minutes_are_editable(self) -> bool:
        # Notes are taken during the meeting (agenda published) and after it, until approval.
        return self.state in (MeetingState.AGENDA_PUBLISHED, MeetingState.HELD)

    @property
    def attendance_is_editable(self) -> bool:
        return self.state not in (MeetingState.MINUTES_APPROVED, MeetingState.CANCELLED)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("会议")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    section = models.CharField(
        _("议程类别"), max_length=30, choices=Section.choices, default=Section.OTHER
    )
    title = models.CharField(_("议题"), max_length=200)
    notes = models.TextField(_("说明"), blank=True)
    # Snapshot taken when the agenda is generated, so a published agenda never changes:
    # [{id, number, title, state, department, due_date}].
    issues = models.JSONField(_("问题快照"), default=list, blank=True)
    # follow_up sections: the earlier meeting's decisions with their state at generation.
    decisions = models.JSONField(_("议定事项快照"), default=list, blank=True)
    # The annual `report` item: the year's figures (issues.stats.annual_figures).
    report = models.JSONField(_("年度数据"), null=True, blank=True)
    generated = models.BooleanField(_("自动生成"), default=False)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("议程事项")
        verbose_name_plural = _("议程事项")

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def issue_ids(self) -> list[int]:
        return [entry["id"] for entry in self.issues]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("请假")
    OBSERVER = "observer", _("列席")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("人员"),
    )
    name = models.CharField(_("姓名"), max_length=60)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    status = models.CharField(
        _("出席情况"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")

    def __str__(self) -> str:
        return f"{self.name} · {self.get_status_display()}"


class Minutes(models.Model):
    """纪要: one per meeting; locked once approved."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("会议")
    )
    summary = models.TextField(_("会议概述"), blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审定人"),
    )
    pdf = models.FileField(_("纪要PDF"), upload_to="minutes/%Y/", max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("会议纪要")
        verbose_name_plural = _("会议纪要")

    def __str__(self) -> str:
        return f"{self.meeting.title} 纪要"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class ItemNote(models.Model):
    """The discussion of one agenda item, as recorded in the minutes."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="item_notes", verbose_name=_("纪要")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="notes_in_minutes",
        verbose_name=_("议程事项"),
    )
    discussion = models.TextField(_("讨论情况"), blank=True)

    class Meta:
        ordering = ["agenda_item__order", "pk"]
        verbose_name = _("议题讨论")
        verbose_name_plural = _("议题讨论")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agenda_item"], name="one_note_per_agenda_item"
            )
        ]

    def __str__(self) -> str:
        return str(self.agenda_item)


# What approval did to a decision's issue, in words (Decision.applied_transition).
APPLIED_LABELS = {"assign": _("已交办"), "reassign": _("已改派")}


class Decision(models.Model):
    """议定事项: what the meeting decided; approval applies it to its issue."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("纪要")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.TextField(_("议定内容"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("责任部门"),
    )
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    issue = models.ForeignKey(
        Issue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("相关问题"),
    )
    # What approval did to the issue: "assign", "reassign", or "" (recorded only).
    applied_transition = models.CharField(_("执行操作"), max_length=20, blank=True)
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)

    class Meta:
        ordering = ["minutes", "order", "pk"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    @property
    def number(self) -> int:
        """The decision's number as printed (1-based position)."""
        return self.order

    @property
    def applied_label(self) -> str:
        return str(APPLIED_LABELS.get(self.applied_transition, ""))
