"""Extension requests (延期申请) on the pages: the lead asks on the issue page, everyone who
sees the issue sees the pending request, the secretariat decides there and finds the pending
ones on its home page; errors keep what was typed; the timeline names 延期 and 延期未获同意."""

from datetime import timedelta

import pytest
from django.urls import reverse

from issues.extensions import request_extension
from issues.models import ExtensionRequest, Issue, today
from issues.services import perform_transition
from organisation.models import Department

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(software_officer, secretariat, hrss_staff) -> Issue:
    """Led by hrss with housing as co-department, signed for (签收) by hrss."""
    issue = perform_transition(
        file_issue(software_officer),
        "assign",
        secretariat,
        department=Department.objects.get(code="hrss"),
        co_departments=[Department.objects.get(code="housing")],
        due_date=today() + timedelta(days=10),
    )
    return perform_transition(issue, "accept", hrss_staff)


@pytest.fixture
def pending(accepted, hrss_staff) -> ExtensionRequest:
    return request_extension(
        accepted,
        hrss_staff,
        due_date=accepted.due_date + timedelta(days=14),
        reason="企业专场招聘会改期至下月",
    )


def _page(client, user, issue, **headers):
    client.force_login(user)
    response = client.get(reverse("issues:detail", args=[issue.pk]), **headers)
    return response, response.content.decode()


def _ask(client, issue, **fields):
    data = {f"extension_request-{k}": v for k, v in fields.items()}
    return client.post(reverse("issues:extension_request", args=[issue.pk]), data)


def _decide(client, extension, decision, note=""):
    path = reverse("issues:extension_decision", args=[extension.issue_id, extension.pk, decision])
    return client.post(path, {"extension_decide-note": note})


# --- who sees what ---------------------------------------------------------------------

# persona → (sees the 申请延期 form on an accepted issue, sees the 同意/不同意 form of a pending one)
OFFERS = {
    "hrss_staff": (True, False),
    "housing_staff": (False, False),
    "software_officer": (False, False),
    "secretariat": (False, True),
    "leader": (False, False),
}


@pytest.mark.parametrize("persona", list(OFFERS))
def test_the_forms_offered_to_each_role(client, accepted, hrss_staff, persona, request):
    user = request.getfixturevalue(persona)
    asks, decides = OFFERS[persona]
    _response, html = _page(client, user, accepted)
    assert ('data-testid="request-extension"' in html) is asks
    request_extension(
        accepted, hrss_staff, due_date=accepted.due_date + timedelta(days=5), reason="需协调"
    )
    _response, html = _page(client, user, accepted)
    # Everyone who sees the issue sees the pending request; nobody may ask a second time.
    assert 'data-testid="pending-extension"' in html
    assert "需协调" in html
    assert 'data-testid="request-extension"' not in html
    assert ('data-testid="decide-extension"' in html) is decides


def test_no_form_before_signing(client, secretariat, hrss_staff, software_officer):
    issue = assign(file_issue(software_officer), secretariat)
    _response, html = _page(client, hrss_staff, issue)
    assert 'data-testid="request-extension"' not in html
    assert 'data-testid="extensions"' not in html, "no empty block"


# --- asking ----------------------------------------------------------------------------


def test_the_lead_asks_and_sees_it_pending(client, accepted, hrss_staff):
    client.force_login(hrss_staff)
    new = accepted.due_date + timedelta(days=7)
    response = _ask(client, accepted, due_date=new.isoformat(), reason="等待省厅批复")
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    assert (extension.due_date, extension.state, extension.department.code) == (
        new,
        "pending",
        "hrss",
    )
    _response, html = _page(client, hrss_staff, accepted)
    assert "延期申请已提交，等待秘书处审批。" in html
    assert f"{new.year}年{new.month}月{new.day}日" in html


def test_errors_keep_what_was_typed(client, accepted, hrss_staff):
    client.force_login(hrss_staff)
    response = _ask(client, accepted, due_date="", reason="等待省厅批复文件")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写申请延至的日期。" in html
    assert "等待省厅批复文件" in html, "the reason stays in the form"
    assert ' open data-testid="request-extension"' in html

    early = accepted.due_date.isoformat()
    response = _ask(client, accepted, due_date=early, reason="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "请说明延期理由。" in html
    assert f'value="{early}"' in html, "the date stays in the form"

    response = _ask(client, accepted, due_date=early, reason="需要更多时间")
    assert response.status_code == 400
    assert "须晚于现在的办理时限" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_second_request_is_a_conflict_on_the_page(client, pending, hrss_staff):
    client.force_login(hrss_staff)
    response = _ask(client, pending.issue, due_date="2099-01-01", reason="再申请")
    assert response.status_code == 409
    assert "已有一份待审批的延期申请" in response.content.decode()


def test_others_may_not_ask(client, accepted, housing_staff, secretariat, automotive_officer):
    for user, status in [(housing_staff, 403), (secretariat, 403), (automotive_officer, 404)]:
        client.force_login(user)
        assert _ask(client, accepted, due_date="2099-01-01", reason="x").status_code == status


# --- deciding --------------------------------------------------------------------------


def test_the_secretariat_approves_and_the_timeline_says_extended(
    client, pending, secretariat, hrss_staff
):
    client.force_login(secretariat)
    response = _decide(client, pending, "approve", "同意，请按新时限办结")
    assert response.status_code == 302
    issue = Issue.objects.get(pk=pending.issue_id)
    assert issue.due_date == pending.due_date
    _response, html = _page(client, hrss_staff, issue)
    new = pending.due_date
    assert f"{new.year}年{new.month}月{new.day}日" in html.split('data-testid="due-date"')[1][:300]
    timeline = html.split('data-testid="timeline"')[1]
    assert '<li data-transition="extend">' in timeline
    assert "<strong>延期</strong> · 王芳" in timeline
    assert "同意，请按新时限办结" in timeline
    assert 'data-state="approved"' in html
    assert 'data-testid="extension-count">已延期 1 次' in html


def test_rejecting_needs_a_note_and_keeps_it_pending(client, pending, secretariat):
    client.force_login(secretariat)
    response = _decide(client, pending, "reject", "")
    assert response.status_code == 400
    html = response.content.decode()
    assert "不同意延期须说明理由。" in html
    assert 'data-testid="decide-extension"' in html
    pending.refresh_from_db()
    assert pending.state == "pending"

    response = _decide(client, pending, "reject", "时限充足")
    assert response.status_code == 302
    _response, html = _page(client, secretariat, pending.issue)
    timeline = html.split('data-testid="timeline"')[1]
    assert '<li data-transition="extension_rejected">' in timeline
    assert "<strong>延期未获同意</strong>" in timeline
    assert "时限充足" in timeline


def test_deciding_twice_is_a_conflict(client, pending, secretariat):
    client.force_login(secretariat)
    assert _decide(client, pending, "approve").status_code == 302
    response = _decide(client, pending, "reject", "晚了")
    assert response.status_code == 409
    assert "不能再审批" in response.content.decode()


def test_only_the_secretariat_decides(client, pending, hrss_staff, leader):
    for user in (hrss_staff, leader):
        client.force_login(user)
        assert _decide(client, pending, "approve").status_code == 403
    pending.refresh_from_db()
    assert pending.state == "pending"


# --- the secretariat's home page ---------------------------------------------------------


def test_the_home_page_lists_pending_requests(client, pending, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("home")).content.decode()
    block = html.split('data-testid="pending-extensions"')[1].split("</section>")[0]
    issue = pending.issue
    assert issue.number in block and issue.title in block
    assert "市人社局" in block or "市人力资源和社会保障局" in block
    old, new = pending.previous_due_date, pending.due_date
    assert f"{old.year}年{old.month}月{old.day}日 → {new.year}年{new.month}月{new.day}日" in block
    assert "企业专场招聘会改期至下月" in block
    assert reverse("issues:detail", args=[issue.pk]) in block

    _decide(client, pending, "approve")
    html = client.get(reverse("home")).content.decode()
    assert "没有待审批的延期申请。" in html


# --- English -----------------------------------------------------------------------------


def test_the_block_reads_in_english(client, pending, secretariat):
    _response, html = _page(client, secretariat, pending.issue, HTTP_ACCEPT_LANGUAGE="en")
    assert "Extension request" in html
    assert "Approve the extension" in html and ">Reject<" in html
    assert "Note (required to reject)" in html
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extension requests to decide" in home
