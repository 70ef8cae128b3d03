"""The department's inbox (JOURNEYS 2): 待签收 first with the day to sign by, 超时未签收 in
red, one tap to sign; then 主办 · 办理中 by due date with "超期/剩余 N 个工作日"; then 协办."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issues.deadlines import days_left
from issues.models import Issue, State, today
from issues.services import perform_transition
from organisation.calendar import add_working_days
from organisation.models import Department

from .conftest import assign, file_issue
from .conftest import home_page as _home
from .conftest import section as _section

pytestmark = pytest.mark.django_db


def _row(section, title) -> str:
    (row,) = [r for r in section.split('data-testid="inbox-row"')[1:] if title in r]
    return row


@pytest.fixture
def three(software_officer, secretariat, hrss_staff):
    """One to sign, one in hand (主办), one hrss helps with (协办, housing leads)."""
    to_sign = assign(file_issue(software_officer, title="招聘补贴待签件"), secretariat)
    in_hand = perform_transition(
        assign(file_issue(software_officer, title="技能培训在办件"), secretariat),
        "accept",
        hrss_staff,
    )
    helping = perform_transition(
        file_issue(software_officer, title="人才公寓协办件"),
        "assign",
        secretariat,
        department=Department.objects.get(code="housing"),
        co_departments=[Department.objects.get(code="hrss")],
        due_date=today() + timedelta(days=10),
    )
    return to_sign, in_hand, helping


def test_to_sign_first_then_lead_then_co(client, hrss_staff, three):
    to_sign, in_hand, helping = three
    html = _home(client, hrss_staff)
    assert html.index('data-testid="to-accept"') < html.index('data-testid="handling"')
    assert html.index('data-testid="handling"') < html.index('data-testid="co-handling"')
    assert "招聘补贴待签件" in _section(html, "to-accept")
    assert "技能培训在办件" in _section(html, "handling")
    co = _section(html, "co-handling")
    assert "人才公寓协办件" in co and "主办：" in co
    assert "人才公寓协办件" not in _section(html, "to-accept")
    # Only the one waiting for its signature has the button.
    assert html.count(">签收</button>") == 1


def test_each_to_sign_shows_its_deadline_and_late_ones_are_red_and_first(
    client, software_officer, secretariat, hrss_staff
):
    on_time = assign(file_issue(software_officer, title="按时的问题"), secretariat, days=3)
    late = assign(file_issue(software_officer, title="超时的问题"), secretariat, days=20)
    Issue.objects.filter(pk=late.pk).update(assigned_at=timezone.now() - timedelta(days=10))
    late.refresh_from_db()
    section = _section(_home(client, hrss_staff), "to-accept")
    assert section.index("超时的问题") < section.index("按时的问题")
    deadline = on_time.accept_by
    assert deadline == add_working_days(today(), 1)  # LIAISON_ACCEPT_DAYS, in working days
    assert (
        f'签收期限：<span data-testid="accept-by">{deadline.year}年{deadline.month}月{deadline.day}日'
        in section
    )
    late_row = _row(section, "超时的问题")
    assert 'class="text-danger fw-semibold" data-testid="unacknowledged">超时未签收' in late_row
    assert "light-red" in late_row
    assert "超时未签收" not in _row(section, "按时的问题")


def test_one_tap_signs_and_comes_back_to_the_inbox(client, hrss_staff, three):
    to_sign = three[0]
    html = _home(client, hrss_staff)
    form = re.search(
        r'<form method="post" action="([^"]+)".*?</form>', _section(html, "to-accept"), re.S
    )
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert form.group(1) == reverse("issues:transition", args=[to_sign.pk, "accept"])
    response = client.post(form.group(1), fields, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    page = response.content.decode()
    assert f"已签收：{to_sign.number}" in page
    to_sign.refresh_from_db()
    assert to_sign.state == State.ACCEPTED
    assert to_sign.history.filter(transition="accept").count() == 1
    assert "招聘补贴待签件" in _section(page, "handling")


def test_a_stale_tap_is_refused(client, hrss_staff, secretariat, three):
    """The secretariat changed the issue after the inbox was read: 409, nothing signed."""
    to_sign = three[0]
    html = _home(client, hrss_staff)
    form = re.search(
        r'<form method="post" action="([^"]+)".*?</form>', _section(html, "to-accept"), re.S
    )
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    perform_transition(
        to_sign, "reassign", secretariat, due_date=today() + timedelta(days=30), reason="延长时限"
    )
    response = client.post(form.group(1), fields)
    assert response.status_code == 409
    to_sign.refresh_from_db()
    assert to_sign.state == State.ASSIGNED


def test_handling_by_due_date_with_working_days_overdue_or_left(
    client, software_officer, secretariat, hrss_staff
):
    def accepted(title, days):
        issue = perform_transition(
            assign(file_issue(software_officer, title=title), secretariat, days=days),
            "accept",
            hrss_staff,
        )
        return issue

    later = accepted("时限较远的问题", 20)
    late = accepted("已经超期的问题", 5)
    Issue.objects.filter(pk=late.pk).update(due_date=today() - timedelta(days=8))
    late.refresh_from_db()
    section = _section(_home(client, hrss_staff), "handling")
    assert section.index("已经超期的问题") < section.index("时限较远的问题")
    assert late.days_overdue > 0
    assert f"超期 {late.days_overdue} 个工作日" in _row(section, "已经超期的问题")
    left = days_left(later.state, later.due_date, today())
    assert left and f"剩余 {left} 个工作日" in _row(section, "时限较远的问题")


def test_the_yellow_light_says_working_days(client, software_officer, secretariat, hrss_staff):
    assign(file_issue(software_officer, title="快到期的问题"), secretariat, days=1)
    html = _home(client, hrss_staff)
    assert 'aria-label="3个工作日内到期"' in html
    assert "三天内到期" not in html


def test_another_departments_work_is_not_in_the_inbox(client, housing_staff, three):
    html = _home(client, housing_staff)
    assert "招聘补贴待签件" not in html and "技能培训在办件" not in html
    # housing leads 协办的问题 (to sign), hrss only helps.
    assert "人才公寓协办件" in _section(html, "to-accept")


def test_resolved_ones_are_counted_under_the_lead_list(client, resolved, hrss_staff):
    assert "另有 1 个问题已报结，等待联络员评价。" in _section(
        _home(client, hrss_staff), "handling"
    )
