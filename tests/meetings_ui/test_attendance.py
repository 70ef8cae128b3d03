"""Attendance rows: a person picked from the system or a name typed in; 出席/请假/列席."""

import pytest

from meetings import services
from meetings.models import Attendance

pytestmark = pytest.mark.django_db


def rows(*entries):
    data = {"attendance-TOTAL_FORMS": str(len(entries)), "attendance-INITIAL_FORMS": "0"}
    for n, entry in enumerate(entries):
        for key, value in entry.items():
            data[f"attendance-{n}-{key}"] = value
    return data


def test_secretariat_records_attendance(
    secretariat, software_officer, hrss_staff, meeting, signed_in
):
    client = signed_in(secretariat)
    response = client.post(
        f"/meetings/{meeting.pk}/attendance/",
        rows(
            {"user": str(software_officer.pk), "status": "present"},
            {"user": "", "name": "赵磊", "organisation": "市财政局", "status": "observer"},
            {"user": str(hrss_staff.pk), "status": "absent", "note": "参加省厅培训"},
            {"user": "", "name": "", "status": "present"},  # an untouched extra row
        ),
    )
    assert response.status_code == 302 and response["Location"].endswith("#attendance")
    saved = list(
        Attendance.objects.filter(meeting=meeting).values_list(
            "name", "organisation", "status", "note"
        )
    )
    assert saved == [
        ("张敏", "软件产业链联络员", "present", ""),
        ("赵磊", "市财政局", "observer", ""),
        ("李强", "市人力资源和社会保障局", "absent", "参加省厅培训"),
    ]
    # Readers see the attendance grouped the way the minutes print it.
    page = signed_in(software_officer).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "出席：</strong>张敏（软件产业链联络员）" in page
    assert "请假：</strong>李强（市人力资源和社会保障局）〔参加省厅培训〕" in page
    assert "列席：</strong>赵磊（市财政局）" in page


def test_form_shows_the_saved_rows_and_a_blank_one(secretariat, meeting, signed_in):
    services.set_attendance(meeting, secretariat, [{"name": "赵磊", "organisation": "市财政局"}])
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'name="attendance-TOTAL_FORMS" value="2"' in page
    assert 'value="赵磊"' in page
    assert "添加一行" in page


def test_absent_without_a_reason_is_explained(secretariat, meeting, signed_in):
    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/attendance/",
        rows(
            {
                "user": "",
                "name": "赵磊",
                "organisation": "市财政局",
                "status": "absent",
                "note": "",
            },
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请假须注明理由。" in page and 'value="赵磊"' in page  # nothing typed is lost
    assert not Attendance.objects.exists()


def test_a_row_without_person_or_name_is_explained(secretariat, meeting, signed_in):
    response = signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/attendance/",
        rows(
            {"user": "", "name": "", "organisation": "市财政局", "status": "present"},
        ),
    )
    assert response.status_code == 400
    assert "请从名单中选择人员，或填写姓名。" in response.content.decode()


def test_a_deleted_row_goes(secretariat, meeting, signed_in):
    services.set_attendance(meeting, secretariat, [{"name": "赵磊"}, {"name": "钱进"}])
    signed_in(secretariat).post(
        f"/meetings/{meeting.pk}/attendance/",
        rows(
            {"name": "赵磊", "status": "present", "DELETE": "on"},
            {"name": "钱进", "status": "present"},
        ),
    )
    assert list(Attendance.objects.values_list("name", flat=True)) == ["钱进"]
