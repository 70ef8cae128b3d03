"""Query budgets of the list and detail endpoints: the same at 10 and at 1,000 issues.

Run with `-s` to see the measured counts (they are quoted in the closing note of the issue).
"""

from datetime import timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Issue, IssueDepartment, State, today
from organisation.models import Department, IndustryChain, IssueCategory, Measure

pytestmark = pytest.mark.django_db

# The budget per person and endpoint, each query named:
#   token+user · (officer: current chains · their unions) · count · page      → list
#   token+user · (officer: current chains · their unions) · the issue · its files → detail
#   token+user · (officer: chains · unions) · the issue · its history rows     → history
# +1 on list and detail since the work-order fields: the co-departments (协办), one prefetch.
# +6 on every endpoint since issue 16: what a row shows beside the issue (chain, union,
# category, measure, department, who raised it) read by six small queries of the rows' ids,
# not six joins that PostgreSQL spent ~10 ms planning (`IssueQuerySet.with_related`).
BUDGET = {
    ("secretariat", "list"): 10,
    ("software_officer", "list"): 12,
    ("hrss_staff", "list"): 10,
    ("secretariat", "list500"): 10,
    ("software_officer", "list500"): 12,
    ("hrss_staff", "list500"): 10,
    ("secretariat", "filtered"): 11,
    ("software_officer", "filtered"): 13,
    ("hrss_staff", "filtered"): 11,
    ("secretariat", "detail"): 10,
    ("software_officer", "detail"): 12,
    ("hrss_staff", "detail"): 10,
    ("secretariat", "history"): 9,
    ("software_officer", "history"): 11,
    ("hrss_staff", "history"): 9,
}
STATES = [
    State.RAISED,
    State.ASSIGNED,
    State.ASSIGNED,
    State.RESOLVED,
    State.VERIFIED,
    State.WITHDRAWN,
]


def bulk_issues(n: int, raised_by) -> None:
    """`n` issues across chains, departments and every state, written in a few statements."""
    year = today().year
    start = Issue.objects.filter(year=year).aggregate(m=Max("sequence"))["m"] or 0
    chains = cycle(IndustryChain.objects.filter(code__in=["software", "ai", "automotive"]))
    departments = cycle(Department.objects.filter(code__in=["hrss", "housing"]))
    categories = cycle(IssueCategory.objects.all())
    measures = cycle([*Measure.objects.all(), None])
    now = timezone.now()
    rows = []
    for i, state in zip(range(n), cycle(STATES), strict=False):
        seq = start + i + 1
        handled = state in {State.ASSIGNED, State.RESOLVED, State.VERIFIED}
        rows.append(
            Issue(
                year=year,
                sequence=seq,
                number=f"{year}-{seq:04d}",
                title=f"批量问题{seq}",
                description="企业反映用工难题。",
                chain=next(chains),
                category=next(categories),
                measure=next(measures),
                state=state,
                raised_by=raised_by,
                raised_at=now - timedelta(minutes=seq),
                department=next(departments) if handled else None,
                due_date=today() + timedelta(days=(i % 20) - 5) if handled else None,
                resolution="已办理" if state in {State.RESOLVED, State.VERIFIED} else "",
                outcome="solved" if state in {State.RESOLVED, State.VERIFIED} else "",
                satisfaction="satisfied" if state == State.VERIFIED else "",
            )
        )
    created = Issue.objects.bulk_create(rows, batch_size=500)
    IssueDepartment.objects.bulk_create(
        [
            IssueDepartment(issue=issue, department=issue.department)
            for issue in created
            if issue.department
        ]
    )
    for issue in created[:5]:  # a little history for the history endpoint
        issue.history.create(
            history_date=now,
            history_type="+",
            history_user=raised_by,
            transition="raise",
            id=issue.pk,
            year=issue.year,
            sequence=issue.sequence,
            number=issue.number,
            title=issue.title,
            description=issue.description,
            chain=issue.chain,
            category=issue.category,
            state=issue.state,
            raised_by=raised_by,
            raised_at=issue.raised_at,
            department=issue.department,
            due_date=issue.due_date,
            resolution=issue.resolution,
            return_count=0,
            reopen_count=0,
        )


def path_for(endpoint: str, issue_pk: int) -> str:
    return {
        "list": "/api/v1/issues/",
        "list500": "/api/v1/issues/?page_size=500",
        "filtered": "/api/v1/issues/?chain=software&state=assigned&overdue=false&q=批量&ordering=due_date",
        "detail": f"/api/v1/issues/{issue_pk}/",
        "history": f"/api/v1/issues/{issue_pk}/history/",
    }[endpoint]


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


ENDPOINTS = ["list", "list500", "filtered", "detail", "history"]


@pytest.mark.parametrize("persona", ["secretariat", "software_officer", "hrss_staff"])
def test_query_count_is_flat_from_10_to_1000_issues(
    api, personas, django_assert_max_num_queries, persona
):
    bulk_issues(10, personas["software_officer"])
    # An issue of 软件 handled by hrss, in every persona's view.
    sample = (
        Issue.objects.filter(chain__code="software", department__code="hrss").order_by("pk").first()
    )
    client = api.as_user(personas[persona])
    paths = {endpoint: path_for(endpoint, sample.pk) for endpoint in ENDPOINTS}
    for path in paths.values():
        client.get(path)  # warm caches that are not per request (content types, translations)

    at_10 = {endpoint: count_queries(client, path) for endpoint, path in paths.items()}
    bulk_issues(990, personas["software_officer"])
    assert Issue.objects.count() == 1000
    at_1000 = {endpoint: count_queries(client, path) for endpoint, path in paths.items()}

    for endpoint, path in paths.items():
        print(
            f"\nqueries {persona:>17} {endpoint:>8}: {at_10[endpoint]} at 10 issues, "
            f"{at_1000[endpoint]} at 1,000"
        )
        with django_assert_max_num_queries(BUDGET[persona, endpoint]):
            client.get(path)
    assert at_10 == at_1000
