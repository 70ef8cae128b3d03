"""Query counts of the list, detail and home pages stay the same from 10 to 1,000 issues.

The counts measured are BUDGETS; each is pinned with `django_assert_max_num_queries`
and the count at 10 issues must equal the count at 1,000.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue, IssueDepartment, IssueUpdate, today
from organisation.calendar import is_working_day
from organisation.models import Department, IndustryChain, IssueCategory

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db

STATES = ["raised", "assigned", "resolved", "verified", "withdrawn"]


def bulk_issues(n: int, officer, start: int = 100) -> None:
    """n issues spread over chains, states and departments, written in bulk (no history)."""
    chains = list(IndustryChain.objects.all())
    categories = list(IssueCategory.objects.all())
    departments = list(Department.objects.filter(code__in=["hrss", "housing", "miit"]))
    now = timezone.now()
    issues = []
    for i in range(n):
        state = STATES[i % len(STATES)]
        handled = state in ("assigned", "resolved", "verified")
        issues.append(
            Issue(
                year=1999,
                sequence=start + i,
                number=f"1999-{start + i:05d}",
                title=f"批量问题{i}",
                description="说明",
                chain=chains[i % len(chains)],
                category=categories[i % len(categories)],
                state=state,
                raised_by=officer,
                raised_at=now - timedelta(days=i % 300),
                department=departments[i % len(departments)] if handled else None,
                due_date=today() + timedelta(days=(i % 20) - 10) if handled else None,
                resolution="已办结" if state in ("resolved", "verified") else "",
                outcome="solved" if state in ("resolved", "verified") else "",
                satisfaction="satisfied" if state == "verified" else "",
            )
        )
    created = Issue.objects.bulk_create(issues)
    IssueDepartment.objects.bulk_create(
        [IssueDepartment(issue=i, department=i.department) for i in created if i.department_id]
    )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def sample(software_officer, secretariat, hrss_staff):
    """One real issue with history, two notes and a file, plus the bulk around it."""
    issue = assign(file_issue(software_officer), secretariat)
    IssueUpdate.objects.create(issue=issue, author=hrss_staff, text="进展一")
    IssueUpdate.objects.create(issue=issue, author=hrss_staff, text="进展二")
    is_working_day(issue.due_date)  # the working-day calendar is read once per process
    return issue


# Measured counts (SQLite). Every page: session, user, the bell's unread count (3).
# List: count, page, the filter form's 5 choice lists (+ officer: chain_ids, union_ids,
# the header's chains; department: the header's department).
# Detail: issue, its attachments, history, notes, the notes' files (+ the departments of
# an assign/reassign form or the header's department; officer: chain_ids, union_ids, chains).
# Home: one query per list (officer 4, department 2, secretariat triage + departments +
# counts, leader counts).
BUDGETS = {
    ("list", "secretariat"): 10,
    ("list", "software_officer"): 13,
    ("list", "hrss_staff"): 11,
    # Detail +2 since the work-order fields: the co-departments (协办) and the merged
    # duplicates (合并重复件); secretariat +1 more: the co-department list of its forms.
    ("detail", "secretariat"): 12,
    ("detail", "hrss_staff"): 11,
    ("detail", "software_officer"): 13,
    ("home", "secretariat"): 6,
    ("home", "software_officer"): 9,
    ("home", "hrss_staff"): 6,
    ("home", "leader"): 4,
}


@pytest.mark.parametrize("page, persona", list(BUDGETS))
def test_query_count_is_flat_from_10_to_1000(
    client, sample, software_officer, page, persona, request, django_assert_max_num_queries
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = {
        "list": reverse("issues:list") + "?sort=due",
        "home": reverse("home"),
        "detail": reverse("issues:detail", args=[sample.pk]),
    }[page]
    bulk_issues(9, software_officer)
    small = _count(client, url)
    bulk_issues(990, software_officer, start=5000)
    with django_assert_max_num_queries(BUDGETS[(page, persona)]):
        large = _count(client, url)
    print(f"{page} as {persona}: {small} queries at 10 issues, {large} at 1,000")
    assert small == large
