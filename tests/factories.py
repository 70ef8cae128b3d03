"""factory_boy factories for data in bulk (query-budget tests): built in memory, written with
`bulk_create`, so a thousand issues cost a few statements and no history rows."""

from __future__ import annotations

from datetime import timedelta
from itertools import cycle

import factory
from django.utils import timezone

from issues.models import Issue, IssueDepartment, today
from issues.states import Role, State
from organisation.models import Department, IndustryChain, IssueCategory

# States in a plausible mix, each with what its invariants need (see Issue.Meta.constraints).
MIX = [
    State.RAISED,
    State.ASSIGNED,
    State.ACCEPTED,
    State.ACCEPTED,
    State.RESOLVED,
    State.VERIFIED,
    State.WITHDRAWN,
]


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    year = 1999  # apart from the year of issues filed through the services in the same test
    sequence = factory.Sequence(lambda n: 100_000 + n)
    number = factory.LazyAttribute(lambda o: f"{o.year}-{o.sequence:06d}")
    title = factory.LazyAttribute(lambda o: f"批量问题{o.sequence}")
    description = "企业反映用工难题。"
    state = State.RAISED
    raised_at = factory.LazyAttribute(lambda o: timezone.now() - timedelta(days=o.sequence % 300))

    class Params:
        handled = factory.LazyAttribute(
            lambda o: o.state in (State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED)
        )

    due_date = factory.LazyAttribute(
        lambda o: today() + timedelta(days=(o.sequence % 20) - 10) if o.handled else None
    )
    assigned_at = factory.LazyAttribute(
        lambda o: o.raised_at if o.state in (State.ASSIGNED, State.ACCEPTED) else None
    )
    accepted_at = factory.LazyAttribute(
        lambda o: o.raised_at if o.state == State.ACCEPTED else None
    )
    resolution = factory.LazyAttribute(
        lambda o: "已办理" if o.state in (State.RESOLVED, State.VERIFIED) else ""
    )
    outcome = factory.LazyAttribute(
        lambda o: "solved" if o.state in (State.RESOLVED, State.VERIFIED) else ""
    )
    satisfaction = factory.LazyAttribute(lambda o: "satisfied" if o.state == State.VERIFIED else "")


def bulk_issues(n: int, raised_by, *, departments=("hrss", "housing", "miit")) -> list[Issue]:
    """`n` issues over every chain, category, the states of `MIX` and `departments` (leads
    in turn; every third handled one has the next department as 协办), in a few statements."""
    chains = cycle(IndustryChain.objects.all())
    categories = cycle(IssueCategory.objects.all())
    leads = list(Department.objects.filter(code__in=departments).order_by("code"))
    states = cycle(MIX)
    built = []
    for i in range(n):
        state = next(states)
        handled = state in (State.ASSIGNED, State.ACCEPTED, State.RESOLVED, State.VERIFIED)
        built.append(
            IssueFactory.build(
                state=state,
                chain=next(chains),
                category=next(categories),
                raised_by=raised_by,
                department=leads[i % len(leads)] if handled else None,
            )
        )
    created = Issue.objects.bulk_create(built, batch_size=500)
    rows = []
    for i, issue in enumerate(created):
        if issue.department_id is None:
            continue
        rows.append(IssueDepartment(issue=issue, department=issue.department, role=Role.LEAD))
        if i % 3 == 0:
            co = leads[(leads.index(issue.department) + 1) % len(leads)]
            rows.append(IssueDepartment(issue=issue, department=co, role=Role.CO))
    IssueDepartment.objects.bulk_create(rows, batch_size=500)
    return created
