"""A notice is answered by the lead department's note that names it; a 督办 left unanswered
past its reply-by date makes the issue 督导事项 (escalated), in the list, the API and the
figures alike."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues import notices
from issues.models import Issue, SupervisionNotice, today
from issues.services import perform_transition, post_update
from issues.stats import annual_figures
from organisation.models import Department
from tests.issue_helpers import assign, file_issue
from tests.notices.conftest import at, handled

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 11, 2)
REPLY_BY = date(2026, 11, 5)


@pytest.fixture
def supervised(accepted_early, secretariat) -> SupervisionNotice:
    with at(ISSUED):
        return notices.issue_notice(
            accepted_early,
            secretariat,
            kind="supervise",
            text="请主要负责同志亲自过问。",
            reply_by=REPLY_BY,
        )


@pytest.fixture
def accepted_early(software_officer, secretariat, hrss_staff) -> Issue:
    """Accepted on 10-30, due 12-31: nowhere near overdue in November."""
    return handled(
        software_officer,
        secretariat,
        on=date(2026, 10, 30),
        due=date(2026, 12, 31),
        staff=hrss_staff,
    )


def escalated_ids(api, user, day) -> set[int]:
    with at(day):
        listed = api.as_user(user).get("/api/v1/issues/?escalated=true").json()["results"]
    return {row["id"] for row in listed}


def test_an_unanswered_supervise_escalates_after_its_reply_by_date(api, supervised, leader):
    issue = supervised.issue
    assert escalated_ids(api, leader, REPLY_BY) == set()  # the last day to answer
    assert escalated_ids(api, leader, date(2026, 11, 6)) == {issue.pk}
    assert issue.is_escalated_on(date(2026, 11, 6))
    assert not issue.is_escalated_on(REPLY_BY)
    assert set(Issue.objects.escalated(date(2026, 11, 6))) == {issue}
    with at(date(2026, 11, 6)):
        not_escalated = api.as_user(leader).get("/api/v1/issues/?escalated=false").json()
    assert issue.pk not in {row["id"] for row in not_escalated["results"]}


def test_the_figures_name_the_reason(supervised):
    figures = annual_figures(2026, on=date(2026, 11, 6))
    (row,) = figures["escalated"]
    assert row["escalation_reasons"] == ["supervised"]


def test_an_answered_supervise_does_not(api, supervised, hrss_staff, leader):
    with at(date(2026, 11, 4)):
        post_update(
            supervised.issue, hrss_staff, "已约谈企业，本月底前办结。", notice=supervised.pk
        )
    assert escalated_ids(api, leader, date(2026, 11, 20)) == set()


def test_an_urge_never_escalates(api, accepted_early, secretariat, leader):
    with at(ISSUED):
        notices.issue_notice(
            accepted_early, secretariat, kind="urge", text="请抓紧。", reply_by=REPLY_BY
        )
    assert escalated_ids(api, leader, date(2026, 11, 20)) == set()


def test_a_notice_to_a_former_lead_no_longer_counts(api, supervised, secretariat, leader):
    with at(date(2026, 11, 3)):
        perform_transition(
            Issue.objects.get(pk=supervised.issue_id),
            "reassign",
            secretariat,
            department=Department.objects.get(code="housing"),
            reason="职责调整",
        )
    assert escalated_ids(api, leader, date(2026, 11, 20)) == set()


def test_the_filter_costs_the_same_for_one_issue_or_many(
    api, supervised, leader, secretariat, software_officer, hrss_staff
):
    def queries() -> int:
        with at(date(2026, 11, 6)), CaptureQueriesContext(connection) as captured:
            listed = api.as_user(leader).get("/api/v1/issues/?escalated=true&page_size=100")
        return len(captured), listed.json()["count"]

    queries()  # the token made, the calendar read: once
    one = queries()
    for n in range(3):
        with at(date(2026, 10, 30)):
            issue = assign(file_issue(software_officer, title=f"问题{n}"), secretariat)
        with at(ISSUED):
            notices.issue_notice(
                issue, secretariat, kind="supervise", text="请过问。", reply_by=REPLY_BY
            )
    many = queries()
    assert (one[1], many[1]) == (1, 4)
    assert one[0] == many[0]


# --- answering -------------------------------------------------------------------------------


def answer(api, user, notice, text="已召开协调会，近期办结。", issue=None):
    issue = issue or notice.issue
    return api.as_user(user).post(
        f"/api/v1/issues/{issue.pk}/updates/", {"text": text, "notice": notice.pk}, format="json"
    )


def test_the_lead_department_answers_by_naming_the_notice(api, supervised, hrss_staff):
    response = answer(api, hrss_staff, supervised)
    assert response.status_code == 201
    assert response.json()["notice"] == supervised.pk
    supervised.refresh_from_db()
    assert supervised.answered_at is not None
    assert supervised.status_on() == "answered"
    listed = api.as_user(hrss_staff).get("/api/v1/notices/?answered=true").json()
    assert [n["id"] for n in listed["results"]] == [supervised.pk]


def test_a_notice_is_answered_once(api, supervised, hrss_staff):
    answer(api, hrss_staff, supervised)
    again = answer(api, hrss_staff, supervised, text="补充说明")
    assert again.status_code == 400
    assert again.json()["notice"] == ["该通知已经答复。"]


@pytest.mark.parametrize("persona", ["secretariat", "leader"])
def test_only_the_lead_department_answers(api, personas, supervised, persona):
    response = answer(api, personas[persona], supervised)
    assert response.status_code == 400
    assert response.json()["notice"] == ["只有承办部门可以答复催办、督办通知。"]
    supervised.refresh_from_db()
    assert supervised.answered_at is None


def test_a_notice_of_another_issue_is_refused(
    api, supervised, hrss_staff, secretariat, software_officer
):
    other = assign(file_issue(software_officer, title="另一个问题"), secretariat)
    response = answer(api, hrss_staff, supervised, issue=other)
    assert response.status_code == 400
    assert response.json()["notice"] == ["该问题没有这份待答复的通知。"]
    assert not other.updates.exists()


def test_a_plain_note_answers_nothing(api, supervised, hrss_staff):
    response = api.as_user(hrss_staff).post(
        f"/api/v1/issues/{supervised.issue_id}/updates/", {"text": "进展"}, format="json"
    )
    assert response.status_code == 201 and response.json()["notice"] is None
    supervised.refresh_from_db()
    assert supervised.answered_at is None


def test_the_web_note_form_offers_the_unanswered_notices_to_the_lead(
    client, supervised, hrss_staff, secretariat
):
    page = reverse("issues:detail", args=[supervised.issue_id])
    client.force_login(secretariat)
    assert 'name="update-notice"' not in client.get(page).content.decode()
    client.force_login(hrss_staff)
    html = client.get(page).content.decode()
    assert 'name="update-notice"' in html and supervised.number in html
    response = client.post(
        reverse("issues:post_update", args=[supervised.issue_id]),
        {"update-text": "已报送书面材料。", "update-notice": supervised.pk},
    )
    assert response.status_code == 302
    supervised.refresh_from_db()
    assert supervised.answered_at is not None
    html = client.get(page).content.decode()
    assert 'name="update-notice"' not in html  # nothing left to answer
    assert f"答复{supervised.number}" in html
    assert "已答复" in html


def test_notices_show_their_state_on_the_issue_page(client, supervised, secretariat):
    client.force_login(secretariat)
    page = reverse("issues:detail", args=[supervised.issue_id])
    with at(REPLY_BY):
        assert 'data-status="pending"' in client.get(page).content.decode()
    with at(date(2026, 11, 6)):
        html = client.get(page).content.decode()
    assert 'data-status="overdue"' in html and "逾期未答复" in html
    assert today()  # the clock is back
