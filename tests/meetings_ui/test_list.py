"""The meeting list (/meetings/) and creating a meeting."""

import re

import pytest

from meetings import services
from meetings.models import Meeting

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["secretariat", "leader", "software_officer", "hrss_staff"])
def test_everyone_with_a_role_reads_the_list(persona, personas, meeting, signed_in):
    response = signed_in(personas[persona]).get("/meetings/")
    assert response.status_code == 200
    page = response.content.decode()
    assert meeting.title in page
    assert "市总工会三楼会议室" in page
    shown = meeting.scheduled_at
    assert f"{shown.year}年" in page and "14:30" in page  # Beijing time, Chinese date
    assert ("新建会议" in page) == (persona == "secretariat")
    assert 'href="/meetings.ics"' in page  # subscribe in a calendar program


def test_upcoming_first_then_past(secretariat, signed_in):
    past = services.create_meeting(secretariat, kind="regular", scheduled_at=at(-30))
    later = services.create_meeting(secretariat, kind="regular", scheduled_at=at(20))
    sooner = services.create_meeting(secretariat, kind="regular", scheduled_at=at(3))
    page = signed_in(secretariat).get("/meetings/").content.decode()
    positions = [page.index(f'href="/meetings/{m.pk}/"') for m in (sooner, later, past)]
    assert positions == sorted(positions)
    assert page.index("即将召开") < positions[0] and page.index("以往会议") < positions[2]


def test_past_meetings_page(secretariat, signed_in):
    for n in range(23):
        services.create_meeting(secretariat, kind="regular", scheduled_at=at(-n - 1))
    client = signed_in(secretariat)
    first = client.get("/meetings/").content.decode()
    assert len(re.findall(r'href="/meetings/\d+/"', first)) == 20 and "第 1 / 2 页" in first
    second = client.get("/meetings/?page=2").content.decode()
    assert len(re.findall(r'href="/meetings/\d+/"', second)) == 3 and "上一页" in second


def test_secretariat_creates_a_meeting_with_a_generated_title(secretariat, signed_in):
    response = signed_in(secretariat).post(
        "/meetings/new/",
        {
            "kind": "regular",
            "date": "2024-11-24",
            "time": "14:30",
            "location": "三楼会议室",
            "title": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.title == "2024年第1次产业链联络员会议"  # a meeting may be recorded afterwards
    page = signed_in(secretariat).get(response["Location"]).content.decode()
    assert "2024年11月24日 14:30" in page
    assert "已创建" in page


def test_a_given_title_is_kept(secretariat, signed_in):
    signed_in(secretariat).post(
        "/meetings/new/",
        {
            "kind": "annual",
            "date": "2025-01-15",
            "time": "09:00",
            "location": "",
            "title": "年度联席会议（扩大）",
        },
    )
    assert Meeting.objects.get().title == "年度联席会议（扩大）"


def test_a_second_annual_meeting_of_a_year_is_refused_with_the_reason(secretariat, signed_in):
    client = signed_in(secretariat)
    client.post("/meetings/new/", {"kind": "annual", "date": "2025-01-15", "time": "09:00"})
    response = client.post(
        "/meetings/new/", {"kind": "annual", "date": "2025-06-01", "time": "09:00"}
    )
    assert response.status_code == 400
    assert "联席会议已经存在" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_missing_date_is_explained_next_to_the_field(secretariat, signed_in):
    response = signed_in(secretariat).post(
        "/meetings/new/", {"kind": "regular", "date": "", "time": "14:30"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择会议日期。" in page and "is-invalid" in page
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "software_officer", "hrss_staff"])
def test_others_may_not_create(persona, personas, signed_in):
    response = signed_in(personas[persona]).post(
        "/meetings/new/", {"kind": "regular", "date": "2025-01-15", "time": "09:00"}
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/meetings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_query_count_is_flat(secretariat, signed_in, django_assert_max_num_queries):
    client = signed_in(secretariat)
    for n in range(3):
        services.create_meeting(secretariat, kind="regular", scheduled_at=at(n - 1))
    with django_assert_max_num_queries(7) as few:
        client.get("/meetings/")
    for n in range(30):
        services.create_meeting(secretariat, kind="regular", scheduled_at=at(n * 3 - 40))
    # session, user, upcoming meetings, past meetings (count + page), navigation
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/meetings/").status_code == 200
