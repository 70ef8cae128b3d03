"""Transitions from the issue page: success messages, refusals (403), conflicts (409), errors (400)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from issues.models import Issue, today
from issues.services import perform_transition
from organisation.models import Department

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db


def _post(client, user, issue, name, data, **kwargs):
    client.force_login(user)
    return client.post(reverse("issues:transition", args=[issue.pk, name]), data, **kwargs)


def _history(issue):
    return list(
        Issue.history.filter(id=issue.pk)
        .order_by("history_date")
        .values_list("transition", flat=True)
    )


def test_the_secretariat_assigns(client, raised, secretariat):
    due = today() + timedelta(days=14)
    response = _post(
        client,
        secretariat,
        raised,
        "assign",
        {
            "assign-department": Department.objects.get(code="hrss").pk,
            "assign-due_date": due.isoformat(),
            "assign-note": "请牵头办理",
        },
        follow=True,
    )
    raised.refresh_from_db()
    assert (
        raised.state == "assigned" and raised.department.code == "hrss" and raised.due_date == due
    )
    assert f"已交办：{raised.number}" in response.content.decode()
    assert _history(raised) == ["raise", "assign"]


def test_a_past_due_date_is_refused_next_to_the_field_and_input_kept(client, raised, secretariat):
    response = _post(
        client,
        secretariat,
        raised,
        "assign",
        {
            "assign-department": Department.objects.get(code="hrss").pk,
            "assign-due_date": (today() - timedelta(days=1)).isoformat(),
            "assign-note": "请尽快办理并反馈",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "办理时限不能早于今天" in html
    assert "请尽快办理并反馈" in html
    assert '<details class="mb-2" open data-transition="assign">' in html
    raised.refresh_from_db()
    assert raised.state == "raised"
    assert _history(raised) == ["raise"]


def test_the_department_resolves_then_the_officer_verifies(
    client, assigned, hrss_staff, software_officer
):
    assert _post(client, hrss_staff, assigned, "accept", {}).status_code == 302  # 签收 first
    response = _post(
        client,
        hrss_staff,
        assigned,
        "resolve",
        {"resolve-resolution": "已举办专场招聘会，补贴已到账。"},
    )
    assert response.status_code == 302
    response = _post(
        client,
        software_officer,
        assigned,
        "verify",
        {"verify-satisfaction": "basically_satisfied", "verify-note": "企业基本满意"},
        follow=True,
    )
    assigned.refresh_from_db()
    assert assigned.state == "verified" and assigned.satisfaction == "basically_satisfied"
    assert "已评价" in response.content.decode()  # DESIGN's act: 评价


def test_the_department_returns_with_a_reason(client, assigned, hrss_staff):
    _post(client, hrss_staff, assigned, "return", {"return-reason": "属于住房保障事项"})
    assigned.refresh_from_db()
    assert assigned.state == "raised" and assigned.department is None and assigned.return_count == 1


def test_a_return_without_reason_is_refused(client, assigned, hrss_staff):
    response = _post(client, hrss_staff, assigned, "return", {"return-reason": "  "})
    assert response.status_code == 400
    assert "退回" in response.content.decode()
    assigned.refresh_from_db()
    assert assigned.state == "assigned"


def test_reopen_and_reassign_and_withdraw(client, resolved, software_officer, secretariat, raised):
    _post(client, software_officer, resolved, "reopen", {"reopen-reason": "企业反映补贴仍未到账"})
    resolved.refresh_from_db()
    assert resolved.state == "assigned" and resolved.reopen_count == 1
    due = today() + timedelta(days=30)
    _post(
        client,
        secretariat,
        resolved,
        "reassign",
        {
            "reassign-department": Department.objects.get(code="housing").pk,
            "reassign-due_date": due.isoformat(),
            "reassign-reason": "调整承办部门",
        },
    )
    resolved.refresh_from_db()
    assert resolved.department.code == "housing" and resolved.due_date == due


def test_reassign_needs_a_department_or_a_date(client, assigned, secretariat):
    response = _post(client, secretariat, assigned, "reassign", {"reassign-reason": "调整"})
    assert response.status_code == 400
    assert "请指定新的承办部门或新的办理时限" in response.content.decode()


def test_withdraw_by_the_officer(client, raised, software_officer):
    _post(client, software_officer, raised, "withdraw", {"withdraw-reason": "企业已自行解决"})
    raised.refresh_from_db()
    assert raised.state == "withdrawn"


@pytest.mark.parametrize(
    "persona, name, data",
    [
        ("leader", "resolve", {"resolve-resolution": "x"}),
        ("software_officer", "resolve", {"resolve-resolution": "x"}),
        ("hrss_staff", "verify", {"verify-satisfaction": "satisfied"}),
        ("ai_officer", "withdraw", {"withdraw-reason": "x"}),
    ],
)
def test_a_role_that_may_not_act_is_refused_with_403(
    client, assigned, persona, name, data, request
):
    response = _post(client, request.getfixturevalue(persona), assigned, name, data)
    assert response.status_code == 403
    assert "不能对该问题执行" in response.content.decode()
    assert _history(assigned) == ["raise", "assign"]


def test_an_outsider_gets_404(client, assigned, housing_staff):
    response = _post(client, housing_staff, assigned, "resolve", {"resolve-resolution": "x"})
    assert response.status_code == 404


def test_an_unknown_transition_is_404(client, assigned, secretariat):
    assert _post(client, secretariat, assigned, "delete", {}).status_code == 404


def test_get_is_not_allowed(client, assigned, secretariat):
    client.force_login(secretariat)
    assert (
        client.get(reverse("issues:transition", args=[assigned.pk, "reassign"])).status_code == 405
    )


def test_a_transition_in_the_wrong_state_is_a_conflict(client, assigned, software_officer):
    response = _post(
        client, software_officer, assigned, "withdraw", {"withdraw-reason": "不需要了"}
    )
    assert response.status_code == 409
    assert "请刷新后再试" in response.content.decode()


def test_a_stale_page_is_a_conflict_and_keeps_the_input(client, assigned, hrss_staff, secretariat):
    client.force_login(hrss_staff)
    page = client.get(reverse("issues:detail", args=[assigned.pk])).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]
    # Meanwhile the secretariat moves the deadline.
    perform_transition(
        assigned, "reassign", secretariat, due_date=today() + timedelta(days=40), reason="延期"
    )
    # (Returning, which is still offered after the move; resolving waits for 签收 now.)
    response = _post(
        client,
        hrss_staff,
        assigned,
        "return",
        {"version": version, "return-reason": "不属于本部门职责，详见附件"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "该问题刚刚被他人更改" in html
    assert "不属于本部门职责，详见附件" in html
    assigned.refresh_from_db()
    assert assigned.state == "assigned"


def test_the_triage_form_on_the_home_page_returns_home(client, raised, secretariat):
    response = _post(
        client,
        secretariat,
        raised,
        "assign",
        {
            "next": "/",
            "assign-department": Department.objects.get(code="hrss").pk,
            "assign-due_date": (today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_outside_next_is_ignored(client, raised, secretariat):
    response = _post(
        client,
        secretariat,
        raised,
        "assign",
        {
            "next": "https://evil.example/",
            "assign-department": Department.objects.get(code="hrss").pk,
            "assign-due_date": (today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response["Location"] == reverse("issues:detail", args=[raised.pk])


def test_the_secretariat_withdraws_and_moves_only_the_deadline(
    client, raised, assigned_other, secretariat
):
    _post(client, secretariat, raised, "withdraw", {"withdraw-reason": "与已提出的问题重复"})
    raised.refresh_from_db()
    assert raised.state == "withdrawn"
    due = today() + timedelta(days=60)
    _post(
        client,
        secretariat,
        assigned_other,
        "reassign",
        {"reassign-due_date": due.isoformat(), "reassign-reason": "部门申请延期"},
    )
    assigned_other.refresh_from_db()
    assert assigned_other.due_date == due and assigned_other.department.code == "hrss"


def test_a_triage_mistake_from_home_is_shown_on_the_issue_page(client, raised, secretariat):
    response = _post(
        client,
        secretariat,
        raised,
        "assign",
        {
            "next": "/",
            "assign-department": Department.objects.get(code="hrss").pk,
            "assign-due_date": (today() - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "办理时限不能早于今天" in response.content.decode()


@pytest.fixture
def assigned_other(software_officer, secretariat):
    return assign(file_issue(software_officer, title="另一个已交办的问题"), secretariat)
