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

from issues.models import Issue, random_upload_name
from liaison.history import TransitionFields, save_transition
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
# The agenda went out with the meeting's number on it.
PUBLISHED_STATES = (MeetingState.AGENDA_PUBLISHED, *HELD_STATES)


class Section(models.TextChoices):
    # Regular meeting, in this fixed order.
    FOLLOW_UP = "follow_up", _("上次会议议定事项落实情况")
    NEW = "new", _("新提出问题")
    RETURNED = "returned", _("退回问题")
    OVERDUE = "overdue", _("超期未办结问题")
    AWAITING_VERIFICATION = "awaiting_verification", _("待评价问题")
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


def sections_for(kind: str) -> list[str]:
    """The sections a hand-made item of a meeting of this kind may go in: the kind's own and
    其他事项 (an annual-only section on a regular agenda would print under a wrong heading)."""
    return [*(ANNUAL_SECTIONS if kind == Kind.ANNUAL else REGULAR_SECTIONS), Section.OTHER]


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
    # The published agenda, rendered once when it is published (services.publish): downloads
    # read this file. A draft agenda has none and is rendered on each download.
    agenda_pdf = models.FileField(_("议程PDF"), upload_to="agendas/%Y/", max_length=200, blank=True)
    agenda_pdf_sha256 = models.CharField(_("议程PDF SHA-256"), max_length=64, blank=True)
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
            # Numbers are unique among the meetings in the sequence (`Meeting.in_sequence`).
            models.UniqueConstraint(
                fields=["year", "number"],
                condition=Q(kind="regular")
                & (~Q(state="cancelled") | Q(agenda_published_at__isnull=False)),
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
        if not self._state.adding and not numbered_wrongly and year == self.year:
            if self.is_regular and self._date_or_sequence_changed():
                with transaction.atomic():
                    super().save(*args, **kwargs)
                    self._renumber_years({year})
                return None
            if not self.title_is_custom:
                self.title = self.generated_title()
            return super().save(*args, **kwargs)
        return self._save_with_number(year, *args, **kwargs)

    def _date_or_sequence_changed(self) -> bool:
        """Whether this save may move meetings of its year: its date, or leaving the
        sequence (cancelled before its agenda was published)."""
        stored = (
            Meeting.objects.filter(pk=self.pk)
            .values_list("scheduled_at", "state", "agenda_published_at")
            .first()
        )
        return stored != (self.scheduled_at, self.state, self.agenda_published_at)

    def _save_with_number(self, year: int, *args, **kwargs):
        """Save under a provisional number (the next free one), then put the year in date order."""
        adding = self._state.adding
        old_year = None if adding else self.year
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
                    super().save(*args, **kwargs)
                    self._renumber_years({year, old_year} - {None})
                    return None
            except IntegrityError:
                if self.kind == Kind.ANNUAL:
                    raise
                if adding:
                    self.pk = None
                    self._state.adding = True
        raise IntegrityError("could not allocate a meeting number")

    def _renumber_years(self, years) -> None:
        for y in sorted(years):
            renumber_regular_meetings(y)
        if self.is_regular:
            self.number, self.title = (
                Meeting.objects.filter(pk=self.pk).values_list("number", "title").get()
            )

    # --- numbering and title ------------------------------------------------------------

    @property
    def number_is_fixed(self) -> bool:
        """A published agenda carries the number: from then on it never changes."""
        return self.agenda_published_at is not None or self.state in PUBLISHED_STATES

    @property
    def in_sequence(self) -> bool:
        """Counted in its year's numbering: every regular meeting but one cancelled before
        its agenda went out (the later ones then move up). Mirrors the unique constraint."""
        return self.is_regular and (
            self.state != MeetingState.CANCELLED or self.agenda_published_at is not None
        )

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

    def has_come(self) -> bool:
        """Its Beijing date has come: a meeting is never marked held before it (it may be
        recorded after the fact, so any past date is fine)."""
        return timezone.localdate() >= self.date

    def not_yet_message(self) -> str:
        return _("会议定于%(date)s召开，当天或之后才能确认召开。") % {
            "date": f"{self.date.year}年{self.date.month}月{self.date.day}日"
        }

    @transition(
        field=state,
        source=MeetingState.AGENDA_PUBLISHED,
        target=MeetingState.HELD,
        # django-fsm types conditions over Model; these read the meeting's own fields.
        conditions=[has_come],  # type: ignore[list-item]
    )
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


# Above any real number of meetings in a year: where numbers wait while others move.
_PARKED = 30000


def renumber_regular_meetings(year: int) -> None:
    """Number the year's regular meetings in order of their dates (DESIGN "Meetings").

    A number on a published agenda never changes; every other meeting in the sequence takes
    the next number after the meetings dated before it that is not already fixed. So a
    meeting added between two unpublished ones takes its place and the later ones move up,
    while one added before a published meeting takes the next number no published meeting
    holds (the dates and numbers then disagree once, visibly, instead of a printed 纪要
    changing its number). Each moved meeting gets a history row saying from what to what.
    """
    meetings = list(
        Meeting.objects.select_for_update()
        .filter(kind=Kind.REGULAR, year=year)
        .order_by("scheduled_at", "pk")
    )
    in_sequence = [m for m in meetings if m.in_sequence]
    fixed = {m.number for m in in_sequence if m.number_is_fixed}
    moves: list[tuple[Meeting, int]] = []
    last = 0
    for meeting in in_sequence:
        if meeting.number_is_fixed:
            last = max(last, meeting.number or 0)
            continue
        number = last + 1
        while number in fixed:
            number += 1
        last = number
        if meeting.number != number:
            moves.append((meeting, number))
    if not moves:
        return
    # Park the moving ones first: the unique constraint is checked row by row.
    for n, (meeting, _number) in enumerate(moves, start=1):
        Meeting.objects.filter(pk=meeting.pk).update(number=_PARKED + n)
    for meeting, number in moves:
        old = meeting.number
        meeting.number = number
        reason = f"第{old}次 → 第{number}次（按会议日期排序）"
        save_transition(meeting, None, "renumber", meeting.state, reason)


class LiveAgendaItems(models.Manager):
    """The agenda as it stands: items deleted by hand wait in the trash (`removed_at`) until
    they are restored or the agenda is published, and appear nowhere else."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


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
    # Hand edits of a generated item, kept when the agenda is regenerated (DESIGN "Meetings").
    title_edited = models.BooleanField(_("名称已手工修改"), default=False)
    notes_edited = models.BooleanField(_("说明已手工修改"), default=False)
    # Issues taken off this item by hand ([snapshot + "position"]): they stay off when the
    # agenda is regenerated and can be put back (undo) until it is published.
    removed_issues = models.JSONField(_("已移出的问题"), default=list, blank=True)
    # A long section lists its most urgent issues (LIAISON_AGENDA_SECTION_LIMIT) and says how
    # many more there were at generation, with the issue list's query that shows them all.
    more_count = models.PositiveIntegerField(_("未列出的问题数"), default=0)
    more_query = models.CharField(_("完整清单的筛选条件"), max_length=300, blank=True)
    # Deleted by hand (the trash): restorable until the agenda is published.
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    objects = LiveAgendaItems()
    # The trash included: restoring, regenerating, and the base manager (deletes, relations).
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        base_manager_name = "all_objects"
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


class DecisionState(models.TextChoices):
    """A decision without an issue is tracked on its own to 销号 (DESIGN "Meetings")."""

    OPEN = "open", _("未办结")
    REPORTED = "reported", _("已报办结")
    CLOSED = "closed", _("已销号")


# The state a decision with an issue shows: it follows the issue.
FOLLOWING_ISSUE = "following_issue"
FOLLOWING_ISSUE_LABEL = _("随问题办理")
# Issue states in which a decision that follows its issue is done. Strings, not the issue
# app's enum: the set of issue states grows (merged) and a decision only needs these three.
ISSUE_DONE_STATES = ("verified", "merged", "withdrawn")


def past_due_message(today) -> str:
    """A decision's due date is never in the past: said when the minutes are saved."""
    return _("完成时限不能早于今天（%(today)s）。") % {"today": today.isoformat()}


class DecisionQuerySet(models.QuerySet):
    def overdue_on(self, day) -> DecisionQuerySet:
        """Past due and not done: still open, or following an issue that is not done."""
        return self.filter(due_date__lt=day).filter(
            Q(issue__isnull=True, state=DecisionState.OPEN)
            | (Q(issue__isnull=False) & ~Q(issue__state__in=ISSUE_DONE_STATES))
        )

    def in_state(self, state: str) -> DecisionQuerySet:
        if state == FOLLOWING_ISSUE:
            return self.filter(issue__isnull=False)
        return self.filter(issue__isnull=True, state=state)


class Decision(ConcurrentTransitionMixin, models.Model):
    """议定事项: what the meeting decided; approval applies it to its issue. Once the minutes
    are approved it is tracked to 销号: with an issue it follows the issue; without one it has
    its own small state machine (`meetings.transitions.DECISION_TRANSITIONS`)."""

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
    co_departments = models.ManyToManyField(
        Department, blank=True, related_name="co_decisions", verbose_name=_("协办部门")
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
    state = FSMField(
        _("落实状态"), default=DecisionState.OPEN, choices=DecisionState.choices, protected=True
    )
    report_text = models.TextField(_("办结情况"), blank=True)
    reported_at = models.DateTimeField(_("报办结时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报办结人"),
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("销号人"),
    )

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(bases=[TransitionFields])

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

    # --- tracking to 销号 -------------------------------------------------------------------

    @property
    def tracking_state(self) -> str:
        """open | reported | closed, or following_issue for a decision with an issue."""
        return FOLLOWING_ISSUE if self.issue_id else self.state

    @property
    def tracking_label(self) -> str:
        if self.issue_id:
            return str(FOLLOWING_ISSUE_LABEL)
        return str(DecisionState(self.state).label)

    @property
    def is_done(self) -> bool:
        if self.issue is not None:
            return self.issue.state in ISSUE_DONE_STATES
        return self.state == DecisionState.CLOSED

    def is_overdue_on(self, day) -> bool:
        if self.due_date is None or self.due_date >= day:
            return False
        if self.issue_id:
            return not self.is_done
        return self.state == DecisionState.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_tracked_alone(self) -> bool:
        """Its own state machine runs: no issue, and the minutes are approved."""
        return self.issue_id is None and self.minutes.approved_at is not None

    # Transitions never save; meetings.decisions runs them under permission, with history.

    @transition(
        field=state,
        source=DecisionState.OPEN,
        target=DecisionState.REPORTED,
        conditions=[is_tracked_alone],  # type: ignore[list-item]  # (see hold)
    )
    def report(self, *, text: str, user) -> None:
        self.report_text, self.reported_at, self.reported_by = text, timezone.now(), user

    @transition(
        field=state,
        source=DecisionState.REPORTED,
        target=DecisionState.CLOSED,
        conditions=[is_tracked_alone],  # type: ignore[list-item]  # (see hold)
    )
    def close(self, *, user) -> None:
        self.closed_at, self.closed_by = timezone.now(), user

    @transition(
        field=state,
        source=[DecisionState.REPORTED, DecisionState.CLOSED],
        target=DecisionState.OPEN,
        conditions=[is_tracked_alone],  # type: ignore[list-item]  # (see hold)
    )
    def reopen(self, *, user) -> None:
        self.closed_at = self.closed_by = None


def decision_file_path(instance, filename: str) -> str:
    return random_upload_name("decisions", filename)


class DecisionFile(models.Model):
    """A file the lead department sends with its report (办结材料)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="files", verbose_name=_("议定事项")
    )
    file = models.FileField(_("文件"), upload_to=decision_file_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("办结材料")
        verbose_name_plural = _("办结材料")

    def __str__(self) -> str:
        return self.original_name
