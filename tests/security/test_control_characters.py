"""Control characters (other than tab, line feed and carriage return) and NUL are refused with
a 400 naming the field wherever text enters: the API, the web forms, the importer, the minutes,
and query parameters (a NUL in a code must not reach PostgreSQL, which answers it with 500)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from issues.models import Issue
from meetings.models import ItemNote, MeetingState
from organisation.people import ImportFailed, check
from tests.issues_ui.test_new_issue import URL, _data
from tests.meetings.conftest import make_meeting

pytestmark = pytest.mark.django_db

WORD_LINE_BREAK = "第一行\x0b第二行"  # what Word's Shift+Enter pastes


def filing(**extra):
    return {
        "title": "测试工程师招聘难",
        "description": "企业反映招不到人。",
        "chain": "software",
        "category": "recruitment",
        **extra,
    }


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", WORD_LINE_BREAK),
        ("title", "标题\x00"),
        ("description", "说明\x1b[31m"),
        ("company", "某公司\x7f"),
    ],
)
def test_api_refuses_control_characters_naming_the_field(api, software_officer, field, text):
    client = api.as_user(software_officer)
    assert client.post("/api/v1/issues/", filing(), format="json").status_code == 201

    response = client.post("/api/v1/issues/", filing(**{field: text}), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "控制字符" in response.json()[field][0]
    assert Issue.objects.count() == 1


def test_tabs_and_browser_line_breaks_stay_allowed(api, software_officer):
    response = api.as_user(software_officer).post(
        "/api/v1/issues/",
        filing(description="第一段\r\n第二段\n\t缩进的第三段"),
        format="json",
    )
    assert response.status_code == 201
    assert Issue.objects.get().description == "第一段\r\n第二段\n\t缩进的第三段"


def test_minutes_through_the_api(api, secretariat):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    response = api.as_user(secretariat).put(
        f"/api/v1/meetings/{meeting.pk}/minutes/",
        {"summary": "概述", "decisions": [{"text": WORD_LINE_BREAK, "department": "hrss"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["decisions"]


def test_the_web_form_is_shown_again_with_the_message_and_the_text(client, software_officer):
    client.force_login(software_officer)

    response = client.post(URL, _data(title="软件企业" + WORD_LINE_BREAK))

    assert response.status_code == 400
    html = response.content.decode()
    assert "控制字符" in html
    assert "软件企业" in html and "人才补贴申报卡在审核环节" in html  # what she typed
    assert not Issue.objects.exists()


def test_the_minutes_form(client, secretariat):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {
            "summary": "会议听取了汇报" + WORD_LINE_BREAK,
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert "会议听取了汇报" in response.content.decode()


def test_the_people_importer_names_row_and_column():
    columns = {"username": 0, "name": 1, "role": 2}
    with pytest.raises(ImportFailed) as failed:
        check(columns, [(2, ["zhangmin", "张\x0b敏", "leader"])])
    error = next(e for e in failed.value.errors if e.column == "name")
    assert error.row == 2 and "控制字符" in error.message


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/issues/?chain=soft%00ware",
        "/api/v1/issues/?category=%00",
        "/api/v1/issues/?department=hrss%00",
        "/api/v1/issues/?q=%0b",
        "/issues/?chain=soft%00ware",
        "/issues/export.xlsx?department=%00",
    ],
)
def test_query_parameters_with_control_characters_are_400(api, client, secretariat, path):
    api.as_user(secretariat)
    client.force_login(secretariat)
    response = (api if path.startswith("/api/") else client).get(path)
    assert response.status_code == 400
    name = path.split("?")[1].split("=")[0]
    if path.startswith("/api/"):
        assert list(response.json()) == [name]
    else:
        assert name in response.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_nul_in_a_code_never_reaches_postgresql(api, secretariat):
    """PostgreSQL refuses a NUL in a string literal with an error (500 if it got there)."""
    for name in ("chain", "category", "department", "union", "involved"):
        response = api.as_user(secretariat).get(f"/api/v1/issues/?{name}=x%00y")
        assert response.status_code == 400, name


def test_a_cancel_reason_read_straight_from_the_post(client, secretariat):
    meeting = make_meeting(timezone.localdate() + timedelta(days=7))
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:transition", args=[meeting.pk, "cancel"]),
        {"reason": "场地另有安排" + WORD_LINE_BREAK},
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED  # nothing happened


def test_an_item_note_of_the_minutes(client, secretariat):
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    item = meeting.agenda_items.create(order=1, section="other", title="其他事项")
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:minutes", args=[meeting.pk]),
        {
            "summary": "会议听取了汇报",
            f"note-{item.pk}": "讨论了园区通勤" + WORD_LINE_BREAK,
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not ItemNote.objects.filter(agenda_item=item).exists()  # nothing saved
