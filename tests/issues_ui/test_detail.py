"""The issue page: facts, attachments, notes, timeline and only the buttons one may press."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from issues.models import Issue, today
from issues.services import perform_transition, post_update
from organisation.calendar import working_days_between

from .conftest import assign, file_issue

pytestmark = pytest.mark.django_db


def _page(client, user, issue):
    client.force_login(user)
    response = client.get(reverse("issues:detail", args=[issue.pk]))
    return response, response.content.decode()


def _buttons(html) -> set[str]:
    return set(re.findall(r'data-transition="(\w+)"', html.split('data-testid="timeline"')[0]))


def test_the_officer_reads_her_issue(client, raised, software_officer):
    response, html = _page(client, software_officer, raised)
    assert response.status_code == 200
    assert raised.number in html and raised.title in html
    assert "多家软件企业反映" in html
    assert "待交办" in html
    assert _buttons(html) == {"withdraw"}


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("software_officer", {"withdraw"}),
        ("ai_officer", set()),  # same union: sees it, may not act on another chain's issue
        ("secretariat", {"assign", "withdraw", "merge"}),
        ("leader", set()),
    ],
)
def test_buttons_on_a_raised_issue(client, raised, persona, expected, request):
    _response, html = _page(client, request.getfixturevalue(persona), raised)
    assert _buttons(html) == expected


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("software_officer", set()),
        ("hrss_staff", {"accept", "return"}),  # 签收 before anything else
        ("secretariat", {"reassign", "merge"}),
        ("leader", set()),
    ],
)
def test_buttons_on_an_assigned_issue(client, assigned, persona, expected, request):
    _response, html = _page(client, request.getfixturevalue(persona), assigned)
    assert _buttons(html) == expected


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("software_officer", {"verify", "reopen"}),
        ("hrss_staff", set()),  # a department never sees verify
        ("secretariat", set()),
        ("leader", set()),
    ],
)
def test_buttons_on_a_resolved_issue(client, resolved, persona, expected, request):
    _response, html = _page(client, request.getfixturevalue(persona), resolved)
    assert _buttons(html) == expected
    assert "已组织专场招聘会" in html


@pytest.mark.parametrize("persona", ["automotive_officer", "housing_staff", "outsider"])
def test_outsiders_get_404(client, assigned, persona, request):
    response, _html = _page(client, request.getfixturevalue(persona), assigned)
    assert response.status_code == 404


def test_a_department_keeps_seeing_an_issue_it_returned(client, assigned, hrss_staff):
    perform_transition(assigned, "return", hrss_staff, reason="不属于本部门职责")
    response, html = _page(client, hrss_staff, assigned)
    assert response.status_code == 200
    assert _buttons(html) == set()


def test_the_timeline_reads_every_step_in_chinese(
    client, resolved, software_officer, secretariat, hrss_staff
):
    perform_transition(
        resolved, "verify", software_officer, satisfaction="satisfied", note="企业表示满意"
    )
    _response, html = _page(client, secretariat, resolved)
    timeline = html.split('data-testid="timeline"')[1]
    for text in [
        "提出",
        "交办",
        "签收",
        "报结",
        "评价",
        "王芳",
        "李强",
        "张敏",
        "请市人社局牵头办理",
        "已组织专场招聘会",
        "企业表示满意",
        "待交办 → 待签收",
        "待签收 → 办理中",
        "办理中 → 待评价",
        "待评价 → 已办结",
        "承办：市人力资源和社会保障局",
    ]:
        assert text in timeline, text
    assert "满意" in html


def test_dates_read_in_chinese(client, assigned, secretariat):
    _response, html = _page(client, secretariat, assigned)
    due = assigned.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html


def test_an_overdue_issue_shows_the_red_light(client, assigned, secretariat):
    Issue.objects.filter(pk=assigned.pk).update(due_date=today() - timedelta(days=2))
    _response, html = _page(client, secretariat, assigned)
    days = working_days_between(today() - timedelta(days=2), today())
    assert f"已超期 {days} 个工作日" in html
    assert "light-red" in html


def test_progress_notes_show_with_their_author(client, assigned, hrss_staff, software_officer):
    post_update(assigned, hrss_staff, "已联系企业，正在组织专场招聘。")
    _response, html = _page(client, software_officer, assigned)
    assert "已联系企业，正在组织专场招聘。" in html and "李强" in html
    assert 'data-testid="update-form"' not in html  # an officer does not post notes


@pytest.mark.parametrize(
    # A leader's note is an instruction (批示).
    "persona, shown",
    [("hrss_staff", True), ("secretariat", True), ("leader", True)],
)
def test_the_note_form_is_offered_to_the_department_and_the_secretariat(
    client, assigned, persona, shown, request
):
    _response, html = _page(client, request.getfixturevalue(persona), assigned)
    assert ('data-testid="update-form"' in html) is shown


def test_unknown_issue_is_404(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("issues:detail", args=[999999])).status_code == 404


def test_another_chain_in_the_union_is_visible_to_the_officer(client, ai_officer, software_officer):
    issue = file_issue(ai_officer, chain="ai", title="人工智能企业算力补贴申请难")
    response, _html = _page(client, software_officer, issue)
    assert response.status_code == 200


def test_secretariat_assign_form_offers_a_date_picker(client, raised, secretariat):
    _response, html = _page(client, secretariat, raised)
    assert 'type="date"' in html and f'min="{today().isoformat()}"' in html


def test_assign_helper_sanity(raised, secretariat):
    assert assign(raised, secretariat).state == "assigned"


def test_the_leaders_note_form_reads_as_an_instruction(client, assigned, leader, hrss_staff):
    _response, html = _page(client, leader, assigned)
    form = html[html.index('data-testid="update-form"') :]
    assert ">批示" in form and "发出批示" in form and "填写进展" not in form
    response = client.post(
        reverse("issues:post_update", args=[assigned.pk]), {"update-text": ""}, follow=True
    )
    assert "请填写批示内容。" in response.content.decode()
    response = client.post(
        reverse("issues:post_update", args=[assigned.pk]),
        {"update-text": "请抓紧协调。"},
        follow=True,
    )
    assert "批示已发出" in response.content.decode()
    # The department's form is still a progress note.
    _response, html = _page(client, hrss_staff, assigned)
    assert "填写进展" in html and "发出批示" not in html
