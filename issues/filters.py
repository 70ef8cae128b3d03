"""The issue list's filters, shared by the web list, the API and the Excel ledger."""

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from issues import asof, counting
from issues.deadlines import escalated_q, overdue_q, red_q, today, unacknowledged_q, yellow_q
from issues.models import Issue, Outcome, Satisfaction, State, SupervisionNotice
from issues.search import search
from liaison.pagination import Sections
from organisation.models import Department, IndustryChain, IndustryUnion, IssueCategory, Measure


def most_overdue_first(queryset: QuerySet) -> Sections:
    """The most overdue first: overdue issues by due date, then the others by due date (none
    last), each tie newest first.

    Working days overdue fall as the due date rises, so among overdue issues the order of
    `due_date` ascending is exactly that of `days_overdue` descending. As of a past day
    (`issues.asof`), overdue on that day. The web list's `sort=overdue` and the API's
    `ordering=-days_overdue`.

    Two sections read one after the other (`liaison.pagination.Sections`), each in an index's
    order - the overdue ones off the open issues' `issue_handling_due_idx`, the others off
    `issue_due_idx` - instead of one ORDER BY `CASE overdue` that sorts every visible issue.
    """
    on = getattr(queryset, "as_of", None) or today()
    late = overdue_q(on)
    return Sections(
        queryset.filter(late).order_by("due_date", "-raised_at", "-pk"),
        queryset.exclude(late).order_by(F("due_date").asc(nulls_last=True), "-raised_at", "-pk"),
    )


def _day_filter(field: str, bound: str, label) -> django_filters.DateFilter:
    """A Beijing date bound (`gte`/`lte`) on a moment (USE_TZ: __date converts in the current
    time zone), with the browser's date picker."""
    return django_filters.DateFilter(
        field_name=field,
        lookup_expr=f"date__{bound}",
        label=label,
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )


# Filters the list page's form does not show: a dashboard figure's own condition. The list
# names them (so the reader sees why it holds these issues) and keeps them on a new search.
FIGURE_FILTERS = (
    "involved",
    "unacknowledged",
    "escalated",
    "resolved_from",
    "resolved_to",
    "outcome",
    "satisfaction",
    "resolved_on_time",
    "accepted",
    "accepted_on_time",
    "extended",
    "notice",
    "reopened",
)


class IssueFilter(django_filters.FilterSet):
    # distinct=False: a column of the issue itself, no join to repeat rows; django-filter's
    # default SELECT DISTINCT would sort every matching issue instead of reading an index.
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices, label=_("状态"), distinct=False
    )
    union = django_filters.ModelChoiceFilter(
        field_name="chain__union",
        to_field_name="code",
        queryset=IndustryUnion.objects.all(),
        label=_("产业工会"),
    )
    chain = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=IndustryChain.objects.all(), label=_("产业链")
    )
    department = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=Department.objects.all(), label=_("承办部门")
    )
    category = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=IssueCategory.objects.all(), label=_("类别")
    )
    measure = django_filters.ModelChoiceFilter(
        field_name="measure",
        to_field_name="number",
        queryset=Measure.objects.all(),
        label=_("措施"),
    )
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))
    raised_from = _day_filter("raised_at", "gte", _("提出日期自"))
    raised_to = _day_filter("raised_at", "lte", _("提出日期至"))
    involved = extend_schema_field(OpenApiTypes.STR)(
        django_filters.ModelChoiceFilter(
            to_field_name="code",
            queryset=Department.objects.all(),
            method="filter_involved",
            label=_("主办或协办部门"),
        )
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已超期"))
    unacknowledged = django_filters.BooleanFilter(
        method="filter_unacknowledged", label=_("超时未签收")
    )
    escalated = django_filters.BooleanFilter(method="filter_escalated", label=_("督导事项"))
    # 退回: handed back by its department, waiting for the secretariat (no department now);
    # the agenda's sections link to the issues they list (meetings.agenda): red is overdue or
    # 超时未签收; verified in a period.
    returned = django_filters.BooleanFilter(method="filter_returned", label=_("已退回待交办"))
    warning = django_filters.ChoiceFilter(
        choices=[("red", _("红灯")), ("yellow", _("黄灯"))],
        method="filter_warning",
        label=_("预警"),
    )
    verified_from = _day_filter("verified_at", "gte", _("办结日期自"))
    verified_to = _day_filter("verified_at", "lte", _("办结日期至"))
    # The figures' own conditions (issues.counting): a dashboard number opens exactly its issues.
    resolved_from = _day_filter("resolved_at", "gte", _("报结日期自"))
    resolved_to = _day_filter("resolved_at", "lte", _("报结日期至"))
    outcome = django_filters.ChoiceFilter(
        choices=Outcome.choices, method="filter_outcome", label=_("办理结论")
    )
    satisfaction = django_filters.ChoiceFilter(
        choices=Satisfaction.choices, method="filter_satisfaction", label=_("评价")
    )
    resolved_on_time = django_filters.BooleanFilter(
        method="filter_resolved_on_time", label=_("按期办结")
    )
    accepted = django_filters.BooleanFilter(method="filter_accepted", label=_("已签收"))
    accepted_on_time = django_filters.BooleanFilter(
        method="filter_accepted_on_time", label=_("及时签收")
    )
    extended = django_filters.BooleanFilter(method="filter_extended", label=_("延期"))
    notice = django_filters.ChoiceFilter(
        choices=SupervisionNotice.Kind.choices, method="filter_notice", label=_("催办督办")
    )
    reopened = django_filters.BooleanFilter(method="filter_reopened", label=_("重办"))
    q = django_filters.CharFilter(method="filter_text", label=_("搜索"))
    # Not a narrowing: every other filter applies to the issues as they stood at the end of
    # that day (`filter_queryset`), rebuilt from the history by `issues.asof`.
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        label=_("截至日期"),
        validators=[asof.validate_as_of],
        error_messages={"invalid": asof.INVALID_DATE},
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Issue
        fields = [
            "state",
            "union",
            "chain",
            "department",
            "category",
            "measure",
            "year",
            "raised_from",
            "raised_to",
            "overdue",
            "returned",
            "warning",
            "verified_from",
            "verified_to",
            *FIGURE_FILTERS,
            "q",
            "as_of",
        ]

    def get_form_class(self):
        """The same form class for every request (no choice here depends on who asks): built
        once per process instead of a new class of 30 new fields per request (~1 ms of CPU of
        every list and API page, issue 16). Each form still gets its own copies of the fields."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def on(self):
        """The day the deadline filters answer for: the as-of day, else today."""
        return self.form.cleaned_data.get("as_of") or today()

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = asof.issues_as_of(day, among=queryset)
        return super().filter_queryset(queryset)

    def filter_as_of(self, queryset, name, value):
        return queryset  # applied first, by filter_queryset

    def filter_involved(self, queryset, name, value):
        return queryset.involving(value) if value else queryset

    def filter_unacknowledged(self, queryset, name, value):
        return self._by(queryset, unacknowledged_q(self.on), value)

    def filter_returned(self, queryset, name, value):
        returned = Q(state=State.RAISED, return_count__gt=0, department__isnull=True)
        return self._by(queryset, returned, value)

    def filter_warning(self, queryset, name, value):
        if not value:
            return queryset
        condition = red_q(self.on) if value == "red" else yellow_q(self.on)
        return queryset.filter(condition)

    def filter_escalated(self, queryset, name, value):
        return self._by(queryset, escalated_q(self.on), value)

    @staticmethod
    def _by(queryset, condition, value):
        if value is None:
            return queryset
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(counting.outcome_q(value)) if value else queryset

    def filter_satisfaction(self, queryset, name, value):
        return queryset.filter(counting.satisfaction_q(value)) if value else queryset

    def filter_notice(self, queryset, name, value):
        return queryset.filter(counting.noticed_q(value)) if value else queryset

    def filter_resolved_on_time(self, queryset, name, value):
        return self._by(queryset, counting.resolved_on_time_q(), value)

    def filter_accepted(self, queryset, name, value):
        return self._by(queryset, counting.accepted_q(), value)

    def filter_accepted_on_time(self, queryset, name, value):
        return self._by(queryset, counting.accepted_on_time_q(), value)

    def filter_extended(self, queryset, name, value):
        return self._by(queryset, counting.extended_q(), value)

    def filter_reopened(self, queryset, name, value):
        return self._by(queryset, counting.reopened_q(), value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = overdue_q(self.on)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_text(self, queryset, name, value):
        """Find an issue by its number (2024-0031) or by any word of its title or description."""
        return search(queryset, value)
