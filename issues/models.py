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
from django.db.models import Count, Max, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

if TYPE_CHECKING:
    from django_fsm import Transition as FSMTransition

from issues import deadlines
from issues.deadlines import today
from issues.permissions import (
    FSMRule,
    is_current_officer_of_chain,
    is_secretariat,
    is_staff_of_current_department,
    is_staff_of_handling_department,
)
from issues.signals import issues_written_in_bulk
from issues.states import OPEN_STATES, STATE_LABELS, Outcome, Role, Satisfaction, Source, State
from liaison.history import TransitionFields
from organisation import reference_cache
from organisation.models import Department, IndustryChain, IssueCategory, Measure

# State, its groups and `today` are imported from here by most of the project.
__all__ = [
    "OPEN_STATES",
    "Attachment",
    "Outcome",
    "Source",
    "Issue",
    "IssueDepartment",
    "IssueQuerySet",
    "IssueUpdate",
    "ExtensionRequest",
    "FigureBucket",
    "FigureMonth",
    "ResolvedDay",
    "SupervisionNotice",
    "Satisfaction",
    "State",
    "attachment_path",
    "today",
]


# What a row of an issue shows beside it (`IssueQuerySet.with_related`, `with_row_related`):
# reference rows (served from memory, organisation.reference_cache), and who raised it.
ROW_REFERENCES = ("chain", "category", "measure", "department")  # a chain comes with its union
ROW_PREFETCHED = ("raised_by",)


def with_row_related(*lists: list[Issue]) -> None:
    """Set what the rows of several lists show (see `with_related`) once for them all: a
    home page's four lists cost one query (who raised them), not one per list."""
    rows = [issue for rows in lists for issue in rows]
    missing = reference_cache.attach(rows, ROW_REFERENCES)
    prefetch_related_objects(rows, *ROW_PREFETCHED, *missing)


class IssueQuerySet(models.QuerySet):
    # Writes that bypass `save()` send no post_save: listeners hear them here instead (the
    # reports' change stamp, reports/cached.py), so no write of the app goes unnoticed.
    # They keep the figures' rollup too (`issues.rollup`: the buckets before and after),
    # except `bulk_create`, the bulk load path, whose caller rebuilds it once at the end.
    def update(self, **kwargs):
        from issues import rollup  # noqa: PLC0415 - issues.rollup imports this module

        with transaction.atomic():
            raised, resolved = rollup.families_of(self)
            moved = {"raised_at", "resolved_at", "chain", "chain_id"} & set(kwargs)
            pks = list(self.values_list("pk", flat=True)) if moved else []
            rows = super().update(**kwargs)
            if moved:
                now = rollup.families_of(Issue.objects.filter(pk__in=pks))
                raised, resolved = raised | now[0], resolved | now[1]
            rollup.refresh_families((raised, resolved))
        if rows:
            issues_written_in_bulk.send(sender=Issue)
        return rows

    def bulk_update(self, objs, fields, batch_size=None):
        from issues import rollup  # noqa: PLC0415 - issues.rollup imports this module

        with transaction.atomic():
            rows = super().bulk_update(objs, fields, batch_size=batch_size)
            rollup.refresh_issues(objs)
        if rows:
            issues_written_in_bulk.send(sender=Issue)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            issues_written_in_bulk.send(sender=Issue)
        return created

    # What `count_source` counts instead of these rows, set by `visible_to` (None: the rows).
    counted_as: models.QuerySet | None = None

    # Whether the rows get their reference rows from memory once read (`with_related`).
    attaches_references = False

    def _clone(self):
        # Every chained call (filter, select_related, order_by …) clones: the hints go along.
        clone = super()._clone()  # type: ignore[misc]  # private to Django, absent from stubs
        clone.counted_as = self.counted_as
        clone.attaches_references = self.attaches_references
        return clone

    def _fetch_all(self):
        read = self._result_cache is None
        super()._fetch_all()
        if read and self.attaches_references and self._iterable_class is models.query.ModelIterable:
            with_row_related(self._result_cache)  # type: ignore[arg-type]

    def visible_to(self, user) -> IssueQuerySet:
        """DESIGN "Roles and visibility": the one definition of who sees which issue."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.sees_everything:
            return self
        if user.is_officer:
            # The chains of the officer's unions by id (`union_chain_ids`, one query as the
            # union ids took), not a join to the chains: the page walks the newest-first index
            # and the bounded count reads the (chain, …) index alone (issue 14).
            return self.filter(chain_id__in=user.union_chain_ids)
        if user.is_department_staff:
            # Lead or co-department, now or before: who was involved keeps seeing it.
            # EXISTS (a semi-join PostgreSQL runs as a probe of the (issue, department) index
            # per issue while it walks the list's order index) rather than IN (subquery),
            # which it may materialise in full for a busy department first.
            involvements = IssueDepartment.objects.filter(department_id=user.department_id)
            visible = self.filter(models.Exists(involvements.filter(issue_id=OuterRef("pk"))))
            if not self.query.where.children:
                visible.counted_as = involvements
            return visible
        return self.none()

    def count_source(self) -> models.QuerySet:
        """Rows as many as this queryset's, cheaper to count (`liaison.pagination` counts them).

        A department's visible issues, not filtered further, are as many as its involvement
        rows (one per issue: `issue_department_once`; every row has its issue): counting those
        reads the (department, issue) index alone, where counting issues joins each of them.
        Any other filter, a slice, a grouping or a union: the rows themselves.
        """
        query = self.query
        if (
            self.counted_as is None
            or len(query.where.children) != 1
            or query.where.negated
            or query.is_sliced
            or query.combinator
            or query.group_by is not None
        ):
            return self
        return self.counted_as

    def involving(self, department) -> IssueQuerySet:
        """Led by `department` now, or with it as a co-department (协办) now."""
        co = IssueDepartment.objects.filter(
            department=department, role=Role.CO, active=True, issue_id=models.OuterRef("pk")
        )
        return self.filter(Q(department=department) | models.Exists(co))

    def open(self) -> IssueQuerySet:
        return self.filter(state__in=OPEN_STATES)

    # The deadline rules of `issues.deadlines`; `on` is the reference date (default today).

    def overdue(self, on: date | None = None, *, by_more_than: int | None = None) -> IssueQuerySet:
        """Past the due date on `on`; `by_more_than=n`: `days_overdue` greater than n."""
        return self.filter(deadlines.overdue_q(on or today(), by_more_than=by_more_than))

    def due_soon(self, on: date | None = None) -> IssueQuerySet:
        return self.filter(deadlines.due_soon_q(on or today()))

    def warning(self, level: str, on: date | None = None) -> IssueQuerySet:
        """The issues whose `warning` on `on` is `level` (`red` or `yellow`)."""
        if level == "red":
            return self.filter(deadlines.red_q(on or today()))
        if level == "yellow":
            return self.filter(deadlines.yellow_q(on or today()))
        raise ValueError(f"unknown warning level {level!r}")

    def unacknowledged(self, on: date | None = None) -> IssueQuerySet:
        """超时未签收 on `on`."""
        return self.filter(deadlines.unacknowledged_q(on or today()))

    def escalated(self, on: date | None = None) -> IssueQuerySet:
        """督导事项 on `on`."""
        return self.filter(deadlines.escalated_q(on or today()))

    def with_notice_count(self) -> IssueQuerySet:
        """`notice_count`: the 催办/督办 notices issued, by one subquery (no query per issue)."""
        return self.annotate(notice_count=notice_count())

    def with_related(self) -> IssueQuerySet:
        """What a row shows beside the issue: chain and union, category, measure, lead
        department (reference rows, from memory: `organisation.reference_cache`), and who
        raised it (one small query for the rows read, `prefetch_related`).

        Not joins: PostgreSQL spent ~10 ms planning the issue query joined to six tables (its
        30 indexes weighed for each join order) against ~1 ms without them, on every list,
        page and transition; and not a query per reference table either: the same few dozen
        rows, read, compiled and planned again on every page, cost 2-18 % of a page's CPU
        (measured with and without, one process at 1M; issue 16)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone.attaches_references = True
        return clone

    def with_extension_count(self) -> IssueQuerySet:
        """`extension_count`: the approved extension requests (延期), in the same query."""
        return self.annotate(extension_count=extension_count())

    def with_co_departments(self) -> IssueQuerySet:
        """Prefetch the co-departments now (`Issue.co_department_list` reads them): one query."""
        rows = IssueDepartment.objects.filter(role=Role.CO, active=True).select_related(
            "department"
        )
        return self.prefetch_related(
            models.Prefetch("involvements", queryset=rows, to_attr="co_involvements")
        )


def notice_count(*, outer: str = "pk", before: Any = None) -> Coalesce:
    """The 催办/督办 notices of the issue `outer` names (issued before `before`, for the issues
    as they stood then: `issues.asof`), as one subquery."""
    notices = SupervisionNotice.objects.filter(issue=OuterRef(outer))
    if before is not None:
        notices = notices.filter(issued_at__lt=before)
    return _counted(notices)


def extension_count(*, outer: str = "pk", before: Any = None) -> Coalesce:
    """The approved extension requests of the issue `outer` names (decided before `before`)."""
    approved = ExtensionRequest.objects.filter(
        issue=OuterRef(outer), state=ExtensionRequest.State.APPROVED
    )
    if before is not None:
        approved = approved.filter(decided_at__lt=before)
    return _counted(approved)


def _counted(rows: models.QuerySet) -> Coalesce:
    """How many of `rows` (filtered by an OuterRef to the issue), as one subquery."""
    counted = rows.order_by().values("issue").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0, output_field=models.IntegerField())


class Issue(ConcurrentTransitionMixin, models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    sequence = models.PositiveIntegerField(_("年度序号"), editable=False)
    number = models.CharField(_("编号"), max_length=12, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("问题描述"))
    company = models.CharField(_("涉及企业"), max_length=200, blank=True)
    # How the secretariat heard of an issue it filed for a chain (代录); blank when the
    # chain's officer filed it.
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, blank=True)
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
    outcome = models.CharField(_("办理结论"), max_length=10, choices=Outcome.choices, blank=True)
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
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("报结时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("合并至"),
    )
    # The one-time key of the form (or the API's Idempotency-Key) that filed the issue: the same
    # key from the same person again (Back and resubmit, a client's retry) finds this issue
    # instead of filing a duplicate. Blank for issues filed without one.
    submission_key = models.CharField(_("提交凭据"), max_length=64, blank=True, editable=False)
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IssueQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[TransitionFields], excluded_fields=["updated_at", "submission_key"]
    )

    if TYPE_CHECKING:  # added by the FSMField `state` when the class is created

        def get_available_user_state_transitions(self, user: Any) -> Iterator[FSMTransition]: ...

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("难点堵点")
        verbose_name_plural = _("难点堵点")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="issue_number_per_year"),
            models.UniqueConstraint(
                fields=["raised_by", "submission_key"],
                condition=~Q(submission_key=""),
                name="issue_submission_key_once",
            ),
            models.CheckConstraint(
                name="handled_has_department_and_due_date",
                condition=~Q(state__in=["assigned", "accepted"])
                | Q(department__isnull=False, due_date__isnull=False),
            ),
            models.CheckConstraint(
                name="accepted_has_accepted_at",
                condition=~Q(state="accepted") | Q(accepted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="unassigned_has_no_department",
                condition=~Q(state__in=["raised", "withdrawn", "merged"])
                | Q(department__isnull=True),
            ),
            models.CheckConstraint(
                name="resolved_has_outcome_and_resolution",
                condition=~Q(state__in=["resolved", "verified"])
                | (~Q(resolution="") & Q(outcome__in=["solved", "explained"])),
            ),
            models.CheckConstraint(
                name="verified_has_satisfaction",
                condition=~Q(state="verified")
                | Q(satisfaction__in=["satisfied", "basically_satisfied", "dissatisfied"]),
            ),
            models.CheckConstraint(
                name="merged_has_duplicate_of",
                condition=~Q(state="merged") | Q(duplicate_of__isnull=False),
            ),
        ]
        # One index per order and filter of the lists (issue 14: flat from 1k to 1M issues):
        # the list's and the API's orders end in the primary key so that an index walk is the
        # whole plan (no sort; read backwards for the opposite order) and keyset pages
        # (liaison.pagination) start where the last one ended.
        indexes = [
            models.Index(fields=["-raised_at", "-id"], name="issue_newest_idx"),
            models.Index(fields=["due_date", "-raised_at", "-id"], name="issue_due_idx"),
            models.Index(fields=["chain", "-raised_at", "-id"], name="issue_chain_newest_idx"),
            models.Index(fields=["state", "due_date"]),
            # One state's issues in id order: a department's list filtered by state counts its
            # first 1,000 (liaison.pagination) by a merge join of this with its involvements
            # (also in issue order), stopping there, instead of hashing every issue in that
            # state: 17-43 ms -> 4-11 ms per page at 1M, PostgreSQL's costliest statement under
            # load (issue 16).
            models.Index(fields=["state", "id"], name="issue_state_id_idx"),
            # And newest first: that page's rows walk only that state's issues, probing the
            # department's involvements, instead of every issue newest first filtered by
            # state through the table (18 -> 3 ms at 1M for a department's 办理中 page).
            models.Index(fields=["state", "-raised_at", "-id"], name="issue_state_newest_idx"),
            models.Index(fields=["department", "state"]),
            # Open issues by due date: overdue, warnings, reminders (HANDLING_STATES); ties
            # newest first, so that the most overdue first (issues.filters) reads it as it is.
            # It carries the figures' groupings (PostgreSQL: INCLUDE) so that the overdue
            # count of a period per chain, measure, state and department (issues.stats) reads
            # the index alone, not a table row per overdue issue (tens of thousands at 1M).
            models.Index(
                fields=["due_date", "-raised_at", "-id"],
                condition=Q(state__in=["assigned", "accepted"]),
                include=["state", "chain", "measure", "department"],
                name="issue_handling_due_idx",
            ),
            # A department's inbox (issues.home): its handled issues, the earliest due first.
            models.Index(
                fields=["department", "due_date", "raised_at"],
                condition=Q(state__in=["assigned", "accepted"]),
                name="issue_inbox_idx",
            ),
            # The secretariat's "to assign": returned ones first, then the oldest.
            models.Index(
                fields=["-return_count", "raised_at"],
                condition=Q(state="raised"),
                name="issue_to_assign_idx",
            ),
            # The regular agenda's queues (meetings.agenda), each walked from its oldest: new
            # and returned issues by when they were raised, those awaiting verification by when
            # they were resolved, the verified by when (a range since the last meeting).
            models.Index(
                fields=["raised_at", "id"],
                condition=Q(state="raised", first_assigned_at__isnull=True),
                name="issue_new_queue_idx",
            ),
            models.Index(
                fields=["raised_at", "id"],
                condition=Q(state="raised", first_assigned_at__isnull=False),
                name="issue_returned_queue_idx",
            ),
            models.Index(
                fields=["resolved_at", "id"],
                condition=Q(state="resolved"),
                name="issue_to_verify_idx",
            ),
            models.Index(
                fields=["verified_at", "id"],
                condition=Q(state="verified"),
                name="issue_verified_idx",
            ),
            # The department's 办理中 in its order (issues.home): a walk of the first rows
            # rather than a sort of every accepted issue of the department.
            models.Index(
                fields=["department", "due_date", "assigned_at", "id"],
                condition=Q(state="accepted"),
                name="issue_inbox_accepted_idx",
            ),
            # The officer's home (issues.home): its chains' issues awaiting rating and those
            # returned to it, each read in order from its few rows, not from every issue of
            # the chain crossed with every issue in that state. (Its overdue ones walk
            # issue_handling_due_idx, a read bounded by the chain's share of what is handled.)
            models.Index(
                fields=["chain", "resolved_at"],
                condition=Q(state="resolved"),
                name="issue_chain_to_verify_idx",
            ),
            # The rollup's resolved days (issues.rollup.refresh_resolved, in the transaction of
            # every resolve, verify and reopen): one chain's issues resolved on one day, a
            # range of this index, where the chain's index alone read ~110,000 rows at 1M
            # (366 ms per transition; the busiest statement under load).
            models.Index(
                fields=["chain", "resolved_at"],
                condition=Q(resolved_at__isnull=False),
                name="issue_chain_resolved_idx",
            ),
            models.Index(
                fields=["chain", "-raised_at"],
                condition=Q(state="raised", return_count__gt=0),
                name="issue_chain_returned_idx",
            ),
            # The annual agenda (issues.escalated): the open issues raised before D, walked
            # from the oldest (open problems) and counted by an index-only scan. `raised_at IS
            # NOT NULL` (always true) keeps the index to the queries that bound raised_at (it
            # follows from "raised before D"): without it PostgreSQL takes any index of every
            # open issue to AND its bitmap with a query of handled ones (it misjudges the two
            # state conditions as independent): 94,000 more index entries and a lossy bitmap
            # for the regular agenda's overdue count at 1M.
            models.Index(
                fields=["raised_at", "id"],
                condition=Q(
                    state__in=["raised", "assigned", "accepted", "resolved"],
                    raised_at__isnull=False,
                ),
                name="issue_open_oldest_idx",
            ),
            # 督导事项 for being reopened (deadlines.escalation_qs): a few rows, in their order.
            models.Index(
                fields=["due_date", "raised_at", "id"],
                condition=Q(
                    state__in=["raised", "assigned", "accepted", "resolved"],
                    reopen_count__gte=deadlines.ESCALATION_REOPENS,
                ),
                name="issue_open_reopened_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # --- numbering -------------------------------------------------------------------

    def save(self, *args, **kwargs):
        if self._state.adding and not self.number:
            return self._save_with_new_number(*args, **kwargs)
        return super().save(*args, **kwargs)

    def get_state_display(self) -> str:  # type: ignore[no-redef]  # (the stubs declare it)
        """The state's label, from `STATE_LABELS` (Django's own rebuilds the choices per call)."""
        return str(STATE_LABELS.get(self.state, self.state))

    # Where the issue counted in the figures' rollup when loaded (see `from_db`).
    figures_origin: tuple[Any, Any] = (None, None)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # Where the issue counts in the figures' rollup as loaded (`issues.rollup`): a save
        # refreshes that bucket and the one it moves to.
        instance.figures_origin = figure_families(instance)
        return instance

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
                if (
                    self.submission_key
                    and Issue.objects.filter(
                        raised_by_id=self.raised_by_id, submission_key=self.submission_key
                    ).exists()
                ):
                    raise  # filed a moment ago with the same key: not a numbering clash
                self.pk = None
                self._state.adding = True
                continue
        raise IntegrityError("could not allocate an issue number")

    # --- deadlines -------------------------------------------------------------------

    @property
    def union(self):
        return self.chain.union

    # The deadline rules of `issues.deadlines`, on a reference date (default today, or the
    # day an issue rebuilt from its history stood on, `issues.asof`); the properties are
    # that default's answer, for templates and the JSON.

    as_of: date | None = None  # set on the unsaved issues `issues.asof` rebuilds

    def _on(self, on: date | None) -> date:
        return on or self.as_of or today()

    def days_overdue_on(self, on: date | None = None) -> int:
        return deadlines.days_overdue(self.state, self.due_date, self._on(on))

    def is_overdue_on(self, on: date | None = None) -> bool:
        return deadlines.is_overdue(self.state, self.due_date, self._on(on))

    def is_unacknowledged_on(self, on: date | None = None) -> bool:
        return deadlines.is_unacknowledged(self.state, self.assigned_at, self._on(on))

    def warning_on(self, on: date | None = None) -> str | None:
        return deadlines.warning(self.state, self.due_date, self._on(on), self.assigned_at)

    def is_escalated_on(self, on: date | None = None) -> bool:
        on = self._on(on)
        supervised = Issue.objects.filter(pk=self.pk).filter(deadlines.unanswered_supervision(on))
        return deadlines.is_escalated(
            self.state,
            self.due_date,
            self.reopen_count,
            on,
            self.department_id is not None and supervised.exists(),
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on()

    @property
    def days_overdue(self) -> int:
        return self.days_overdue_on()

    @property
    def is_unacknowledged(self) -> bool:
        return self.is_unacknowledged_on()

    @property
    def accept_by(self) -> date | None:
        """The last day to sign (签收) while the issue waits for it."""
        if self.state == State.ASSIGNED and self.assigned_at:
            return deadlines.accept_by(self.assigned_at)
        return None

    @property
    def warning(self) -> str | None:
        """`red` when overdue or 超时未签收, `yellow` when due within 3 working days."""
        return self.warning_on()

    # --- who is involved (主办 and 协办) ---------------------------------------------------

    # Set by assign/reassign (a list, maybe empty) when the co-departments change; None: as is.
    pending_co_departments: list[Department] | None = None

    def co_department_list(self) -> list[Department]:
        """The co-departments (协办) now, in code order (prefetch `co_involvements` to share)."""
        rows = getattr(self, "co_involvements", None)
        if rows is None:
            rows = self.involvements.filter(role=Role.CO, active=True).select_related("department")
        return sorted((row.department for row in rows), key=lambda d: d.code)

    def record_involvements(self) -> None:
        """Write who is involved after a transition: the lead, the co-departments it named.

        Called by `issues.services` after the transition's method (methods never save).
        A department once involved keeps its row (it keeps seeing the issue), inactive.
        """
        rows = {row.department_id: row for row in self.involvements.all()}
        if self.pending_co_departments is not None:
            co_ids = {d.pk for d in self.pending_co_departments}
        else:
            co_ids = {pk for pk, row in rows.items() if row.role == Role.CO and row.active}
        wanted: dict[int, str] = {}
        if self.department_id is not None:
            wanted = dict.fromkeys(co_ids, Role.CO)
            wanted[self.department_id] = Role.LEAD
        for pk, row in rows.items():
            role, active = wanted.get(pk, row.role), pk in wanted
            if (row.role, row.active) != (role, active):
                row.role, row.active = role, active
                row.save(update_fields=["role", "active"])
        # With their history rows, as `save` above writes them: the as-of views read who was
        # involved on a past day from that history (issues.asof).
        bulk_create_with_history(
            [
                IssueDepartment(issue=self, department_id=pk, role=role)
                for pk, role in wanted.items()
                if pk not in rows
            ],
            IssueDepartment,
        )
        self.pending_co_departments = None

    @property
    def days_to_resolve(self) -> int | None:
        """Working days from the first 交办 to the 报结 (`deadlines.days_to_resolve`)."""
        return deadlines.days_to_resolve(self.first_assigned_at, self.resolved_at)

    # --- the state machine (DESIGN "The bottleneck state machine") ----------------------
    # Inputs are checked here so that UI, API and meeting decisions share one rule set.

    @transition(
        field=state,
        source=State.RAISED,
        target=State.ASSIGNED,
        permission=FSMRule(is_secretariat),
    )
    def assign(
        self,
        *,
        department: Department,
        due_date: date | None = None,
        co_departments: list[Department] | None = None,
        note: str = "",
    ) -> None:
        _require_department(department)
        if due_date is None:
            due_date = deadlines.default_due_date(self.category)
        _require_future_due_date(due_date)
        self.pending_co_departments = _co_departments(department, co_departments or [])
        self.department, self.due_date = department, due_date
        self.assigned_at = timezone.now()
        self.accepted_at = None
        self.first_assigned_at = self.first_assigned_at or self.assigned_at

    @transition(
        field=state,
        source=[State.ASSIGNED, State.ACCEPTED],
        target=State.ASSIGNED,
        permission=FSMRule(is_secretariat),
    )
    def reassign(
        self,
        *,
        department: Department | None = None,
        due_date: date | None = None,
        co_departments: list[Department] | None = None,
        reason: str = "",
    ) -> None:
        # What equals the current value is no change: a reassign that changes nothing is refused
        # rather than written to the history as if something had happened.
        if department is not None and department.pk == self.department_id:
            department = None
        if due_date is not None and due_date == self.due_date:
            due_date = None
        lead = department or self.department
        if co_departments is not None:
            co_departments = _co_departments(lead, co_departments)
            current = {d.pk for d in self.co_department_list()}
            if {d.pk for d in co_departments} == current:
                co_departments = None
        elif department is not None:
            # The new lead stops being a co-department; the others stay.
            kept = [d for d in self.co_department_list() if d.pk != department.pk]
            if len(kept) != len(self.co_department_list()):
                co_departments = kept
        if department is None and due_date is None and co_departments is None:
            raise ValidationError({"department": [_("请指定新的承办部门或新的办理时限。")]})
        if due_date is not None:
            _require_future_due_date(due_date)
            self.due_date = due_date
        if department is not None:
            self.department = department
        self.pending_co_departments = co_departments
        # Back to 待签收: the (new) lead signs again, with a fresh 签收 window.
        self.assigned_at = timezone.now()
        self.accepted_at = None

    @transition(
        field=state,
        source=State.ASSIGNED,
        target=State.ACCEPTED,
        permission=FSMRule(is_staff_of_current_department),
    )
    def accept(self, *, note: str = "") -> None:
        self.accepted_at = timezone.now()

    @transition(
        field=state,
        source=[State.ASSIGNED, State.ACCEPTED],
        target=State.RAISED,
        permission=FSMRule(is_staff_of_handling_department),
    )
    def return_to_secretariat(self, *, reason: str) -> None:
        _require_text("reason", reason, _("退回须说明理由。"))
        self.department, self.due_date = None, None
        self.assigned_at = self.accepted_at = None
        self.pending_co_departments = []
        self.return_count += 1

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.RESOLVED,
        permission=FSMRule(is_staff_of_current_department),
    )
    def resolve(
        self, *, resolution: str, outcome: str = Outcome.SOLVED, files: list | None = None
    ) -> None:
        # `files` (回复函) are stored by the service once the transition is saved.
        outcome = outcome or Outcome.SOLVED  # a form left unchosen: DESIGN's default
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": [_("请选择已解决或已答复。")]})
        message = (
            _("已答复须说明无法解决的理由。")
            if outcome == Outcome.EXPLAINED
            else _("请填写办理结果。")
        )
        _require_text("resolution", resolution, message)
        self.outcome = outcome
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
            raise ValidationError({"satisfaction": [_("请选择满意、基本满意或不满意。")]})
        if satisfaction == Satisfaction.DISSATISFIED:
            _require_text("note", note, _("不满意须说明理由。"))
        self.satisfaction = satisfaction
        self.verified_at = timezone.now()

    @transition(
        field=state,
        source=State.RESOLVED,
        target=State.ASSIGNED,
        permission=FSMRule(is_current_officer_of_chain),
    )
    def reopen(self, *, reason: str) -> None:
        # 重办: the department keeps the issue, signs for it again, and gets a fresh time limit
        # (never its old, expired one); its earlier resolution stays in the history.
        _require_text("reason", reason, _("重新办理须说明理由。"))
        self.resolution = ""
        self.outcome = ""
        self.resolved_at = None
        self.due_date = deadlines.default_due_date(self.category)
        self.assigned_at = timezone.now()
        self.accepted_at = None
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

    @transition(
        field=state,
        source=[State.RAISED, State.ASSIGNED, State.ACCEPTED],
        target=State.MERGED,
        permission=FSMRule(is_secretariat),
    )
    def merge(self, *, duplicate_of: Any, reason: str = "") -> None:
        original = _find_issue(duplicate_of)
        if original is None:
            raise ValidationError({"duplicate_of": [_("没有这个问题，请填写原问题的编号。")]})
        if original.pk == self.pk:
            raise ValidationError({"duplicate_of": [_("不能合并到问题本身。")]})
        if original.state == State.MERGED:
            raise ValidationError(
                {
                    "duplicate_of": [
                        _("问题 %(number)s 本身已被合并，请合并到它所并入的问题。")
                        % {"number": original.number}
                    ]
                }
            )
        self.duplicate_of = original
        self.department, self.due_date = None, None
        self.assigned_at = self.accepted_at = None
        self.pending_co_departments = []
        self.closed_at = timezone.now()


def _find_issue(value: Any) -> Issue | None:
    """An issue by its id (12) or its number (2026-0012), as the API and the form give it."""
    if isinstance(value, Issue):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return Issue.objects.filter(pk=int(text)).first()
    return Issue.objects.filter(number=text).first()


def _co_departments(lead: Department | None, co: list[Department]) -> list[Department]:
    if lead is not None and any(d.pk == lead.pk for d in co):
        raise ValidationError({"co_departments": [_("主办部门不能同时是协办部门。")]})
    return list({d.pk: d for d in co}.values())


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


def figure_family(issue: Issue) -> tuple[date, int] | None:
    """The (Beijing date raised, chain) whose buckets of `FigureBucket` count `issue`, or None
    when those fields were not loaded (`only()`/`defer()`)."""
    raised_at, chain_id = issue.__dict__.get("raised_at"), issue.__dict__.get("chain_id")
    if raised_at is None or chain_id is None:
        return None
    return timezone.localdate(raised_at), chain_id


def resolved_family(issue: Issue) -> tuple[date, int] | None:
    """The (Beijing date resolved, chain) of `ResolvedDay` that counts `issue`, if any."""
    resolved_at, chain_id = issue.__dict__.get("resolved_at"), issue.__dict__.get("chain_id")
    if resolved_at is None or chain_id is None:
        return None
    return timezone.localdate(resolved_at), chain_id


def figure_families(issue: Issue) -> tuple[tuple[date, int] | None, tuple[date, int] | None]:
    return figure_family(issue), resolved_family(issue)


class ResolvedDay(models.Model):
    """The monthly "报结" column's rollup (`issues.rollup`): issues whose current
    ``resolved_at`` falls on a Beijing date, per chain, whatever day they were raised."""

    resolved_on = models.DateField()
    chain_id = models.IntegerField()
    resolved = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("报结汇总")
        verbose_name_plural = _("报结汇总")
        indexes = [models.Index(fields=["resolved_on", "chain_id"], name="resolved_day_idx")]

    def __str__(self) -> str:
        return f"{self.resolved_on} {self.chain_id} {self.resolved}"


class FigureSums(models.Model):
    """The sums of every tally of `issues.stats` that does not depend on the reference date
    (``issues.stats.STORED_KEYS``): the columns both rollups of `issues.rollup` keep."""

    raised = models.IntegerField(default=0)
    assigned = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    verified = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basically_satisfied = models.IntegerField(default=0)
    dissatisfied = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    explained = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    accepted_on_time = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    urged = models.IntegerField(default=0)
    supervised = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    days_count = models.IntegerField(default=0)
    days_total = models.IntegerField(default=0)

    class Meta:
        abstract = True


class FigureBucket(FigureSums):
    """The figures' rollup (issue 14, `issues.rollup`): per Beijing date raised, chain, lead
    department, measure and state, the sums of every tally of `issues.stats` that does not
    depend on the reference date. Written only by `issues.rollup` (refreshed in the
    transaction of each change, rebuilt by `manage.py rebuild_figures`); read by
    `issues.stats.period_figures`. Plain integer keys: the issue's own foreign keys protect
    the rows they name, and a bucket is rebuilt, never followed."""

    raised_on = models.DateField()
    chain_id = models.IntegerField()
    department_id = models.IntegerField(null=True)
    measure_id = models.IntegerField(null=True)
    state = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        indexes = [models.Index(fields=["raised_on", "chain_id"], name="figure_bucket_day_idx")]

    def __str__(self) -> str:
        return f"{self.raised_on} {self.chain_id} {self.department_id} {self.state}"


class FigureMonth(FigureSums):
    """The coarse level of the rollup (`issues.rollup`): the `FigureBucket` rows of a month
    raised and a chain summed three ways, one grouping per row (``grouped_by``): per state,
    per measure, per lead department; the other two keys are null. What a whole month of the
    figures needs is a few dozen rows per chain, whatever the number of issues; the buckets
    remain for the days of a period that do not make a whole month."""

    class Grouping(models.TextChoices):
        STATE = "state"
        MEASURE = "measure"
        DEPARTMENT = "department"

    month = models.DateField()  # its first day
    chain_id = models.IntegerField()
    grouped_by = models.CharField(max_length=10, choices=Grouping.choices)
    state = models.CharField(max_length=20, null=True)
    measure_id = models.IntegerField(null=True)
    department_id = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("月度统计汇总")
        verbose_name_plural = _("月度统计汇总")
        indexes = [models.Index(fields=["month", "chain_id"], name="figure_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.chain_id} {self.grouped_by}"


class IssueDepartment(models.Model):
    """Every department an issue was ever given to, as lead (主办) or co-department (协办).

    Such staff keep seeing it; `active` says whether the department is involved now (the
    lead is also `Issue.department`), `role` its part now or, when inactive, at the end.
    Its history says who was involved on a past day (`issues.asof`).
    """

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="involvements")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(_("角色"), max_length=4, choices=Role.choices, default=Role.LEAD)
    active = models.BooleanField(_("当前参与"), default=True)
    first_assigned_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("问题承办记录")
        verbose_name_plural = _("问题承办记录")
        constraints = [
            models.UniqueConstraint(fields=["issue", "department"], name="issue_department_once")
        ]
        # A department's visibility (IssueQuerySet.visible_to): the issues it was involved in;
        # and its co-handled issues now (协办, issues.home), a few rows of a partial index
        # rather than every involvement of the department read and filtered.
        indexes = [
            models.Index(fields=["department", "issue"], name="involvement_department_idx"),
            models.Index(
                fields=["department", "issue"],
                condition=Q(role="co", active=True),
                name="involvement_co_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.department_id}"


class IssueUpdate(models.Model):
    """A note on an issue: progress (办理进展) by the lead department or the secretariat, a
    co-department's opinion (协办意见), or a leader's instruction (批示). Its kind follows
    the author's role."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("办理进展")
        CO_DEPARTMENT = "co_department", _("协办意见")
        INSTRUCTION = "instruction", _("领导批示")

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="updates", verbose_name=_("问题")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="issue_updates",
        verbose_name=_("填写人"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.PROGRESS)
    # The department a co-department note speaks for (its author's department then).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("部门"),
    )
    text = models.TextField(_("进展"))
    # The supervision notice this note answers (DESIGN: a notice is answered when the lead
    # department posts a progress note that names it).
    notice = models.ForeignKey(
        "SupervisionNotice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("答复的督办通知"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理进展")
        verbose_name_plural = _("办理进展")

    def __str__(self) -> str:
        return f"{self.issue.number} · {self.created_at:%Y-%m-%d}"


def random_upload_name(folder: str, filename: str) -> str:
    """Where an upload is stored: a random name, so user file names never become paths."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return random_upload_name("attachments", filename)


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
    # A reply letter (回复函) sent with a resolution, rather than a file of the filing.
    reply = models.BooleanField(_("回复函"), default=False)
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


class PendingUpload(models.Model):
    """A file chosen on a form whose submission failed (a field left empty …), kept so that
    the person need not choose it again (`issues.pending`).

    Only the same person in the same session, on the same form (its address), may attach it;
    it was checked as an attachment is when kept. When the form succeeds, the attachment takes
    over the stored file (no copy) and this row goes in the same transaction; what is never
    attached is removed with its file after `LIAISON_PENDING_UPLOAD_HOURS` by `send_reminders`.
    """

    token = models.CharField(_("凭据"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_uploads",
        verbose_name=_("上传人"),
    )
    # The session's key hashed (issues.pending.session_hash): a copy of this table does not
    # hand out live sessions.
    session_hash = models.CharField(_("会话"), max_length=64)
    form_path = models.CharField(_("表单地址"), max_length=200)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    # Not stored: the name of the ticked box that brings it back, set for the form shown.
    input_name: str = ""

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("待提交的附件")
        verbose_name_plural = _("待提交的附件")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    """A lead department's request for a later due date (延期申请) on an accepted issue.

    One pending request per issue at a time (a partial unique constraint); the secretariat
    approves (the issue's due date moves, history row `extend`) or rejects it (history row
    `extension_rejected`); a pending request lapses when the issue leaves `accepted`.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REJECTED = "rejected", _("未同意")
        LAPSED = "lapsed", _("已失效")

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("问题")
    )
    due_date = models.DateField(_("申请延至"))
    # The due date when the request was made, so the history reads "from … to …".
    previous_due_date = models.DateField(_("原办理时限"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="extension_requests",
        verbose_name=_("申请人"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="extension_requests",
        verbose_name=_("申请部门"),
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension_decisions",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.TextField(_("审批意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["issue"],
                condition=Q(state="pending"),
                name="one_pending_extension_per_issue",
            ),
            models.CheckConstraint(
                name="decided_extension_has_decider",
                condition=Q(state__in=["pending", "lapsed"])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.issue.number} → {self.due_date:%Y-%m-%d}"


class SupervisionNoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> SupervisionNoticeQuerySet:
        """The notices of the issues this person sees (the PDF and the issue's list)."""
        return self.filter(issue__in=Issue.objects.visible_to(user))

    def listed_for(self, user) -> SupervisionNoticeQuerySet:
        """`GET /api/v1/notices/`: everything for the secretariat and leaders, a department's
        own notices (addressed to it), an officer's the notices of its union's issues."""
        if getattr(user, "is_department_staff", False):
            return self.filter(department_id=user.department_id)
        return self.visible_to(user)

    def unanswered(self) -> SupervisionNoticeQuerySet:
        return self.filter(answered_at__isnull=True)


class SupervisionNotice(models.Model):
    """A 催办单 or 督办单 for one issue and its lead department, numbered per year and kind
    (催办〔2026〕12号). Issued by the secretariat by hand, or by `send_reminders`
    (`automatic`, with the overdue spell it belongs to, so one spell never gets two
    automatic notices of the same kind)."""

    class Kind(models.TextChoices):
        URGE = "urge", _("催办")
        SUPERVISE = "supervise", _("督办")

    issue = models.ForeignKey(
        Issue, on_delete=models.PROTECT, related_name="notices", verbose_name=_("问题")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    sequence = models.PositiveIntegerField(_("序号"), editable=False)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("承办部门"),
    )
    text = models.TextField(_("通知内容"))
    issued_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    reply_by = models.DateField(_("答复期限"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_notices",
        verbose_name=_("签发人"),
    )
    automatic = models.BooleanField(_("自动发出"), default=False)
    # The due date that was missed (the overdue spell) for automatic notices.
    overdue_since = models.DateField(_("超期起算"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="notice_number_per_year_and_kind"
            ),
            models.UniqueConstraint(
                fields=["issue", "kind", "overdue_since"],
                condition=Q(automatic=True),
                name="one_automatic_notice_per_overdue_spell",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "issued_at"]),
            models.Index(fields=["kind", "reply_by"]),
            # The 督办 notices still unanswered (deadlines.unanswered_supervision, 督导事项):
            # few beside every notice ever issued, probed per issue or read whole.
            models.Index(
                fields=["issue", "department", "reply_by"],
                condition=Q(kind="supervise", answered_at__isnull=True),
                name="notice_unanswered_idx",
            ),
            # A department's home (issues.home): its unanswered notices, the earliest reply-by
            # first, walked in order (a department has thousands of notices over the years).
            models.Index(
                fields=["department", "reply_by", "id"],
                condition=Q(answered_at__isnull=True),
                name="notice_department_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # The 发文字号 is Chinese in every language: it is the document's name (催办〔2026〕12号).
    PREFIXES = {Kind.URGE: "催办", Kind.SUPERVISE: "督办"}

    @property
    def number(self) -> str:
        return f"{self.PREFIXES[self.Kind(self.kind)]}〔{self.year}〕{self.sequence}号"

    def status_on(self, on: date | None = None) -> str:
        """`answered` (已答复), `overdue` (past its reply-by date unanswered) or `pending`."""
        if self.answered_at is not None:
            return "answered"
        return "overdue" if self.reply_by < (on or today()) else "pending"


# The kinds of notice by a module-level name (the API schema's enum names it).
NoticeKind = SupervisionNotice.Kind
