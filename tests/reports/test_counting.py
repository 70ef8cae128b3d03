"""The working days counted in SQL (`issues.counting`) agree with `organisation.calendar`."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from issues.counting import working_days
from issues.models import Issue
from organisation.calendar import working_days_between
from tests.issue_helpers import file_issue

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 9, 25), date(2026, 10, 12)),  # across 国庆 and its 调休 Saturday
        (date(2026, 9, 30), date(2026, 10, 1)),
        (date(2026, 10, 2), date(2026, 10, 10)),
        (date(2026, 2, 10), date(2026, 3, 2)),  # 春节
        (date(2025, 12, 31), date(2026, 1, 5)),
        (date(2024, 1, 1), date(2027, 12, 31)),
        (date(2026, 5, 4), date(2026, 5, 4)),
    ],
)
def test_sql_working_days_equal_the_calendar(software_officer, start, end):
    issue = file_issue(software_officer)
    # 00:30 and 23:30 Beijing: the Beijing date counts, not the UTC one.
    Issue.objects.filter(pk=issue.pk).update(
        first_assigned_at=_at(start, 0) + timedelta(minutes=30),
        resolved_at=_at(end, 23) + timedelta(minutes=30),
    )
    counted = (
        Issue.objects.filter(pk=issue.pk)
        .annotate(n=working_days("first_assigned_at", "resolved_at"))
        .values_list("n", flat=True)
        .get()
    )
    assert counted == working_days_between(start, end)
