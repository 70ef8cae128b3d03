"""The meeting workspace without a browser: the usual participants in one step, the picker,
the autosave answers, the agenda's per-issue actions and confirmations, the sections offered."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from issues.models import State
from meetings import services
from meetings.models import Attendance, Decision
from organisation.roles import grant_administrator
from tests.conftest import make_user
from tests.meetings.conftest import make_issue

from .conftest import advance

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


@pytest.fixture
def administrators():
    system = make_user("admin", "secretariat", name="系统管理员")
    grant_administrator(system, "system")
    security = grant_administrator(make_user("anquan", "", name="安全管理员"), "security")
    return [system, security]


@pytest.fixture
def agenda_with_hrss(meeting, secretariat):
    make_issue("社保补贴发放慢", state=State.ASSIGNED, department="hrss")
    services.generate_agenda(meeting, secretariat)
    return meeting


def test_the_usual_participants_in_one_step(
    secretariat,
    software_officer,
    ai_officer,
    hrss_staff,
    housing_staff,
    leader,
    administrators,
    agenda_with_hrss,
    signed_in,
):
    meeting = agenda_with_hrss
    services.set_attendance(
        meeting, secretariat, [{"name": "赵磊", "organisation": "市财政局", "status": "observer"}]
    )
    response = signed_in(secretariat).post(f"/meetings/{meeting.pk}/attendance/usual/")
    assert response.status_code == 302 and response["Location"].endswith("#attendance")
    rows = list(meeting.attendance.values_list("name", "organisation", "status"))
    assert rows == [
        ("赵磊", "市财政局", "observer"),  # what was there stays as it was
        ("张敏", "软件产业链联络员", "present"),
        ("陈静", "人工智能产业链联络员", "present"),
        ("李强", "市人力资源和社会保障局", "present"),  # on the agenda; housing is not
        ("王芳", "市总工会劳动和经济工作部", "present"),
    ]
    assert meeting.history.latest().transition == "set_attendance"
    # Once more: nobody twice, nothing written.
    signed_in(secretariat).post(f"/meetings/{meeting.pk}/attendance/usual/")
    assert meeting.attendance.count() == 5


def test_the_picker_offers_people_with_their_organisation_never_an_administrator(
    secretariat, leader, software_officer, administrators, meeting, signed_in
):
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert ">刘建国（市总工会）</option>" in page
    assert ">张敏（软件产业链联络员）</option>" in page
    assert "系统管理员" not in page and "安全管理员" not in page
    services.set_attendance(meeting, secretariat, [{"user": leader}])
    assert Attendance.objects.get().organisation == "市总工会"


def test_attendance_autosave_answers_in_json(secretariat, software_officer, meeting, signed_in):
    client = signed_in(secretariat)
    data = {
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-user": str(software_officer.pk),
        "attendance-0-status": "absent",
        "attendance-0-note": "",
    }
    refused = client.post(f"/meetings/{meeting.pk}/attendance/", data, **AUTOSAVE)
    assert refused.status_code == 400
    assert "请假须注明理由" in "".join(refused.json()["errors"])
    data["attendance-0-note"] = "参加省里培训"
    saved = client.post(f"/meetings/{meeting.pk}/attendance/", data, **AUTOSAVE)
    assert saved.status_code == 200
    assert saved.json()["saved_at"] == timezone.localtime().strftime("%H:%M")
    assert Attendance.objects.get().note == "参加省里培训"


def test_minutes_autosave_keeps_the_new_decisions_ids(secretariat, meeting, signed_in):
    advance(meeting, secretariat, to="held")
    client = signed_in(secretariat)
    data = {
        "summary": "会议听取了各产业链情况汇报。",
        "decisions-TOTAL_FORMS": "2",
        "decisions-INITIAL_FORMS": "0",
        "decisions-0-text": "",
        "decisions-1-text": "秘书处汇总用工需求",
    }
    saved = client.post(f"/meetings/{meeting.pk}/minutes/", data, **AUTOSAVE)
    decision = Decision.objects.get()
    assert saved.json()["ids"] == {"1": decision.pk}
    # Saved again with that id (as the page now holds it): the same row, not a second one.
    data["decisions-1-id"] = str(decision.pk)
    data["decisions-1-text"] = "秘书处汇总各链用工需求"
    client.post(f"/meetings/{meeting.pk}/minutes/", data, **AUTOSAVE)
    assert list(Decision.objects.values_list("pk", "text")) == [
        (decision.pk, "秘书处汇总各链用工需求")
    ]
    history = [r.transition for r in meeting.history.order_by("history_id")]
    assert history[-2:] == ["save_minutes", "save_minutes"]
    answer = client.post(
        f"/meetings/{meeting.pk}/minutes/",
        {**data, "decisions-1-due_date": "2000-01-01"},
        **AUTOSAVE,
    )
    assert answer.status_code == 400 and "完成时限不能早于今天" in json.dumps(
        answer.json(), ensure_ascii=False
    )


def test_the_summary_says_the_pdf_opens_with_its_own_sentence(secretariat, meeting, signed_in):
    advance(meeting, secretariat, to="agenda_published")
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "纪要正文由系统自动以“某年某月某日，某会议在某地召开。”开头" in page


def test_the_agenda_offers_per_issue_actions_and_confirmations(
    secretariat, meeting, raised_issue, signed_in
):
    client = signed_in(secretariat)
    services.generate_agenda(meeting, secretariat)
    item = meeting.agenda_items.get(section="new")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    remove = f"/meetings/{meeting.pk}/agenda/items/{item.pk}/issues/{raised_issue.pk}/remove/"
    assert f'action="{remove}"' in page
    assert "确认删除</button>" in page  # deleting a section asks first
    assert 'data-testid="regenerate"' not in page  # nothing by hand yet: no question

    response = client.post(remove)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"已将问题 {raised_issue.number} 移出“新提出问题”，可撤销。" in page
    assert f"/issues/{raised_issue.pk}/restore/" in page
    assert 'data-testid="regenerate"' in page and "确认重新生成" in page
    assert "“新提出问题”中移出的1件问题仍不列入" in page

    client.post(f"/meetings/{meeting.pk}/agenda/items/{item.pk}/delete/")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="agenda-trash"' in page
    client.post(f"/meetings/{meeting.pk}/agenda/items/{item.pk}/restore/")
    assert meeting.agenda_items.filter(pk=item.pk).exists()


def test_add_item_offers_only_the_sections_of_the_kind(secretariat, meeting, signed_in):
    client = signed_in(secretariat)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<option value="returned"' in page and '<option value="other"' in page
    assert '<option value="escalated"' not in page and '<option value="report"' not in page
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/items/", {"section": "escalated", "title": "督导"}
    )
    assert response.status_code == 400


def test_the_suggestions_are_bounded(secretariat, meeting, signed_in, monkeypatch):
    monkeypatch.setattr("meetings.forms.SUGGESTED_ISSUES", 2)
    for n in range(4):
        make_issue(f"建议{n}", raised_on=timezone.localdate() - timedelta(days=n + 1))
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    datalist = page[page.index('<datalist id="open-issues">') :]
    assert datalist[: datalist.index("</datalist>")].count("<option") == 2
