"""The home page: what waits for each person (JOURNEYS 1–4)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from issues.models import Issue, State, today
from issues.services import perform_transition
from organisation.models import IndustryChain, IssueCategory
from tests.factories import IssueFactory

from .conftest import assign, file_issue
from .conftest import home_page as _home
from .conftest import section as _section
from .test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db


def test_the_officer_sees_what_waits_for_her(client, software_officer, secretariat, hrss_staff):
    to_verify = assign(file_issue(software_officer, title="待核实的问题"), secretariat)
    perform_transition(
        perform_transition(to_verify, "accept", hrss_staff),
        "resolve",
        hrss_staff,
        resolution="已解决",
    )
    returned = assign(file_issue(software_officer, title="被退回的问题"), secretariat)
    perform_transition(returned, "return", hrss_staff, reason="非本部门职责")
    late = assign(file_issue(software_officer, title="超期的问题"), secretariat)
    Issue.objects.filter(pk=late.pk).update(due_date=today() - timedelta(days=3))
    html = _home(client, software_officer)
    assert 'data-testid="raise"' in html and "提出问题" in html
    assert "待核实的问题" in _section(html, "to-verify")
    assert "被退回的问题" in _section(html, "returned")
    overdue = _section(html, "overdue")
    assert "超期的问题" in overdue and "light-red" in overdue
    assert "待核实的问题" not in overdue


@pytest.mark.parametrize(("resolved", "badge"), [(20, ">20<"), (21, ">20+<")])
def test_a_full_list_says_there_are_more(client, software_officer, resolved, badge):
    """The home shows 20 of each list: its badge says 「20+」 when more wait, not a total of 20."""
    IssueFactory.create_batch(
        resolved,
        state=State.RESOLVED,
        raised_by=software_officer,
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="recruitment"),
    )
    to_verify = _section(_home(client, software_officer), "to-verify")
    assert to_verify.count('data-testid="issue-row"') == 20
    heading = _home(client, software_officer).split('data-testid="to-verify"')[0]
    assert badge in heading.rsplit("<h2", 1)[1]


def test_the_officer_does_not_see_another_chains_work(
    client, software_officer, ai_officer, secretariat, hrss_staff
):
    other = assign(file_issue(ai_officer, chain="ai", title="人工智能的问题"), secretariat)
    perform_transition(
        perform_transition(other, "accept", hrss_staff), "resolve", hrss_staff, resolution="已解决"
    )
    assert "人工智能的问题" not in _section(_home(client, software_officer), "to-verify")


def test_the_department_inbox_puts_overdue_first(client, software_officer, secretariat, hrss_staff):
    later = assign(file_issue(software_officer, title="时限较远的问题"), secretariat, days=20)
    sooner = assign(file_issue(software_officer, title="即将到期的问题"), secretariat, days=2)
    late = assign(file_issue(software_officer, title="已经超期的问题"), secretariat, days=5)
    Issue.objects.filter(pk=late.pk).update(due_date=today() - timedelta(days=1))
    assign(file_issue(software_officer, title="住建局的问题"), secretariat, department="housing")
    inbox = _section(_home(client, hrss_staff), "inbox")
    assert (
        inbox.index("已经超期的问题")
        < inbox.index("即将到期的问题")
        < inbox.index("时限较远的问题")
    )
    assert "住建局的问题" not in inbox
    assert "软件" in inbox and "已交办 0 天" in inbox
    assert "light-yellow" in inbox and "light-red" in inbox
    assert later and sooner


def test_the_secretariat_triages_new_and_returned(
    client, software_officer, secretariat, hrss_staff
):
    file_issue(software_officer, title="新提出的问题")
    back = assign(file_issue(software_officer, title="退回来的问题"), secretariat)
    perform_transition(back, "return", hrss_staff, reason="非本部门职责")
    assign(file_issue(software_officer, title="已交办的问题"), secretariat)
    html = _home(client, secretariat)
    triage = _section(html, "triage")
    assert triage.index("退回来的问题") < triage.index("新提出的问题")
    assert "已交办的问题" not in triage
    assert "退回 1 次" in triage
    assert triage.count('name="assign-department"') == 2
    assert 'data-testid="counts"' in html


def test_the_leader_sees_the_overview(client, software_officer, secretariat, leader):
    late = assign(file_issue(software_officer, title="超期"), secretariat)
    Issue.objects.filter(pk=late.pk).update(due_date=today() - timedelta(days=1))
    file_issue(software_officer, title="新")
    html = _home(client, leader)
    assert '<span class="fs-3 fw-bold text-danger" data-testid="overdue-count">1</span>' in html
    assert "?state=raised" in html and "?overdue=true" in html
    assert "assign-department" not in html


def test_someone_without_a_role_sees_no_issue_work(client, outsider, raised):
    html = _home(client, outsider)
    assert raised.title not in html


def test_triage_says_why_it_came_back_the_last_time(
    client, software_officer, secretariat, hrss_staff, django_assert_max_num_queries
):
    for n in range(3):
        back = assign(file_issue(software_officer, title=f"退回来的问题{n}"), secretariat)
        back = perform_transition(back, "return", hrss_staff, reason=f"第一次退回理由{n}")
    back = assign(back, secretariat)
    perform_transition(back, "return", hrss_staff, reason="第二次：应由住建局办理")
    client.force_login(secretariat)
    # The reasons come with the triage list's own query: the home page's budget is unchanged.
    with django_assert_max_num_queries(BUDGETS[("home", "secretariat")]):
        html = client.get(reverse("home")).content.decode()
    triage = _section(html, "triage")
    assert triage.count('data-testid="return-reason"') == 3
    assert "第一次退回理由0" in triage and "第一次退回理由1" in triage
    assert "第二次：应由住建局办理" in triage and "第一次退回理由2" not in triage
    assert "退回 2 次" in triage


def test_triage_assigns_with_a_note(client, software_officer, secretariat, hrss_staff):
    issue = file_issue(software_officer, title="新提出的问题")
    client.force_login(secretariat)
    html = _section(_home(client, secretariat), "triage")
    assert f'<label class="form-label small mb-0" for="note-{issue.pk}">交办意见</label>' in html
    response = client.post(
        reverse("issues:transition", args=[issue.pk, "assign"]),
        {
            "next": reverse("home"),
            "assign-department": hrss_staff.department.pk,
            "assign-due_date": (today() + timedelta(days=10)).isoformat(),
            "assign-note": "请会同区人社局一并研究",
        },
    )
    assert response.status_code == 302
    row = issue.history.latest()
    assert row.transition == "assign" and row.history_change_reason == "请会同区人社局一并研究"
