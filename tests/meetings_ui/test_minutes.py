"""The minutes editor: summary, a discussion per item, decision rows; approval and the lock."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.models import State, today
from issues.services import raise_issue
from meetings import services
from meetings.models import Decision, MeetingState
from organisation.models import Department

from .conftest import advance

pytestmark = pytest.mark.django_db


def minutes_post(meeting, *, summary="", notes=None, decisions=()):
    data = {
        "summary": summary,
        "decisions-TOTAL_FORMS": str(len(decisions)),
        "decisions-INITIAL_FORMS": "0",
    }
    for item_id, text in (notes or {}).items():
        data[f"note-{item_id}"] = text
    for n, row in enumerate(decisions):
        for key, value in row.items():
            data[f"decisions-{n}-{key}"] = value
    return data


@pytest.fixture
def hrss():
    return Department.objects.get(code="hrss")


def test_editor_appears_once_the_agenda_is_published(secretariat, meeting, raised_issue, signed_in):
    advance(meeting, secretariat, to="agenda_published")
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="minutes-form"' in page
    assert "二、新提出问题" in page and 'name="note-' in page
    assert "添加议定事项" in page
    # The issue search suggests open issues by number and title.
    assert f'<option value="{raised_issue.number} {raised_issue.title}">' in page


def test_secretariat_saves_the_minutes(secretariat, meeting, raised_issue, hrss, signed_in):
    advance(meeting, secretariat, to="held")
    item = meeting.agenda_items.get(section="new")
    due = today() + timedelta(days=20)
    client = signed_in(secretariat)
    response = client.post(
        f"/meetings/{meeting.pk}/minutes/",
        minutes_post(
            meeting,
            summary="会议听取了各产业链难点堵点情况汇报。",
            notes={item.pk: "与会人员就人才补贴申报进度进行了讨论。"},
            decisions=[
                {
                    "text": "由市人社局牵头，限期办结",
                    "department": str(hrss.pk),
                    "due_date": due.isoformat(),
                    "issue": f"{raised_issue.number} {raised_issue.title}",
                },
                {"text": "", "department": "", "due_date": "", "issue": ""},  # an untouched row
            ],
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("#minutes")
    decision = Decision.objects.get()
    assert (decision.text, decision.department, decision.due_date, decision.issue) == (
        "由市人社局牵头，限期办结",
        hrss,
        due,
        raised_issue,
    )
    assert meeting.minutes.summary == "会议听取了各产业链难点堵点情况汇报。"
    assert (
        meeting.minutes.item_notes.get(agenda_item=item).discussion
        == "与会人员就人才补贴申报进度进行了讨论。"
    )

    # Saving again keeps the row (by its id) and its edits.
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'name="decisions-0-id" value="{decision.pk}"' in page
    client.post(
        f"/meetings/{meeting.pk}/minutes/",
        minutes_post(
            meeting,
            decisions=[
                {
                    "id": str(decision.pk),
                    "text": "由市人社局牵头，11月底前办结",
                    "department": str(hrss.pk),
                    "due_date": due.isoformat(),
                    "issue": raised_issue.number,
                },
            ],
        ),
    )
    assert list(Decision.objects.values_list("pk", "text")) == [
        (decision.pk, "由市人社局牵头，11月底前办结")
    ]


def test_an_unknown_issue_number_is_explained(secretariat, meeting, signed_in):
    advance(meeting, secretariat, to="held")
    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/minutes/",
        minutes_post(
            meeting,
            decisions=[
                {"text": "由市人社局办理", "department": "", "due_date": "", "issue": "2019-9999"}
            ],
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有编号为 2019-9999 的问题" in page and 'value="2019-9999"' in page
    assert not Decision.objects.exists()


def test_a_decision_without_text_is_explained(secretariat, meeting, hrss, signed_in):
    advance(meeting, secretariat, to="held")
    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/minutes/",
        minutes_post(
            meeting,
            decisions=[{"text": "", "department": str(hrss.pk), "due_date": "", "issue": ""}],
        ),
    )
    assert response.status_code == 400
    assert "请填写议定内容。" in response.content.decode()
    assert not Decision.objects.exists()


def test_approval_applies_the_decision_and_locks_everything(
    secretariat, leader, meeting, raised_issue, hrss, signed_in
):
    advance(meeting, secretariat, to="held")
    due = today() + timedelta(days=20)
    services.save_minutes(
        meeting,
        secretariat,
        summary="会议概述",
        decisions=[
            {
                "text": "由市人社局牵头办理",
                "department": hrss,
                "due_date": due,
                "issue": raised_issue,
            }
        ],
    )
    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "审定后纪要即锁定" in page  # the confirmation step
    response = client.post(f"/meetings/{meeting.pk}/transitions/approve_minutes/")
    assert response.status_code == 302
    raised_issue.refresh_from_db()
    assert raised_issue.state == State.ASSIGNED and raised_issue.department == hrss
    assert meeting.title in raised_issue.history.latest().history_change_reason

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.MINUTES_APPROVED
    for reader in (secretariat, leader):
        page = signed_in(reader).get(f"/meetings/{meeting.pk}/").content.decode()
        assert "纪要已审定" in page and meeting.minutes.pdf_sha256 in page
        assert 'data-testid="minutes-form"' not in page and "保存出席情况" not in page
        assert "由市人社局牵头办理" in page and "已交办" in page
        assert "审定纪要</button>" not in page

    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/minutes/", minutes_post(meeting, summary="改")
    )
    assert response.status_code == 409
    assert "纪要已审定" in response.content.decode() and "不能修改纪要" in response.content.decode()
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.summary == "会议概述"


def test_a_decision_that_cannot_apply_is_named_and_nothing_is_applied(
    secretariat, meeting, raised_issue, software_officer, hrss, signed_in
):
    second = raise_issue(
        software_officer,
        chain=raised_issue.chain,
        category=raised_issue.category,
        title="园区通勤班车不足",
        description="说明",
    )
    advance(meeting, secretariat, to="held")
    real_today = today()
    # Saved three days ago, when every due date was still ahead.
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        services.save_minutes(
            meeting,
            secretariat,
            decisions=[
                {
                    "text": "由市人社局办理",
                    "department": hrss,
                    "due_date": real_today + timedelta(days=10),
                    "issue": raised_issue,
                },
                {
                    "text": "由市人社局尽快办理",
                    "department": hrss,
                    "due_date": real_today - timedelta(days=1),
                    "issue": second,
                },
            ],
        )
    client = signed_in(secretariat)
    response = client.post(f"/meetings/{meeting.pk}/transitions/approve_minutes/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "议定事项 2：" in page and "办理时限不能早于今天" in page
    raised_issue.refresh_from_db()
    assert raised_issue.state == State.RAISED  # nothing applied
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert 'data-testid="minutes-form"' in page  # still editable
