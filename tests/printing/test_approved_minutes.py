"""End to end: approved minutes are rendered once, stored, and served byte-identical ever after."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.documents import minutes_document
from meetings.models import MeetingState
from meetings.services import (
    approve_minutes,
    generate_agenda,
    perform_meeting_transition,
    save_minutes,
    set_attendance,
)
from tests.meetings.conftest import make_issue, make_meeting
from tests.printing.helpers import HOSTILE, flat_text, open_pdf, pdf_fonts

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(settings, tmp_path, secretariat, software_officer):
    settings.MEDIA_ROOT = tmp_path / "media"
    issue = make_issue("软件企业高级测试工程师招聘困难" + HOSTILE)
    meeting = make_meeting(timezone.localdate(), state=MeetingState.PLANNED)
    generate_agenda(meeting, secretariat)  # the issue is listed under "new" with its title
    for name in ("publish_agenda", "hold"):
        meeting = perform_meeting_transition(meeting, name, secretariat)
    set_attendance(
        meeting,
        secretariat,
        [
            {"user": software_officer},
            {"name": "李强", "organisation": "市人社局", "status": "present"},
            {"name": "赵磊", "organisation": "市工信局", "status": "absent", "note": "因公出差"},
            {"name": "刘建国", "organisation": "市总工会", "status": "observer"},
        ],
    )
    save_minutes(
        meeting,
        secretariat,
        summary="会议听取了软件产业链用工问题的汇报。",
        decisions=[
            {
                "text": "由市人社局牵头，30日内办结",
                "department": "hrss",
                "due_date": timezone.localdate() + timedelta(days=30),
                "issue": issue.pk,
            },
        ],
    )
    return approve_minutes(meeting, secretariat), issue


def test_downloads_are_byte_identical_and_match_the_stored_hash(client, leader, approved):
    meeting, _issue = approved
    client.force_login(leader)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    first = b"".join(client.get(url).streaming_content)
    second = b"".join(client.get(url).streaming_content)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == meeting.minutes.pdf_sha256


def test_stored_pdf_is_served_even_when_the_renderer_changes(client, leader, approved, monkeypatch):
    meeting, _issue = approved
    stored = meeting.minutes.pdf.read()

    def broken(*args, **kwargs):
        raise AssertionError("approved minutes must never be rendered again")

    monkeypatch.setattr("printing.render.render_pdf", broken)
    monkeypatch.setattr("meetings.printed.render_pdf", broken)
    client.force_login(leader)
    served = b"".join(
        client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).streaming_content
    )
    assert served == stored


def test_the_archived_pdf_reads_as_the_minutes(approved, software_officer):
    meeting, issue = approved
    pdf = meeting.minutes.pdf.read()
    flat = flat_text(pdf)
    assert f"{meeting.title}纪要" in flat
    assert meeting.number_label in flat
    assert "1.由市人社局牵头，30日内办结（责任单位：市人力资源和社会保障局" in flat
    assert f"关联问题：{issue.number}" in flat
    assert f"出席：{software_officer.name}" in flat and "请假：赵磊（市工信局），因公出差" in flat
    assert "列席：刘建国（市总工会）" in flat
    doc = minutes_document(meeting)
    assert f"纪要指纹：{doc['fingerprint']}" in flat
    assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))


def test_the_archived_pdf_carries_the_minutes_as_json(approved):
    meeting, _issue = approved
    with open_pdf(meeting.minutes.pdf.read()) as p:
        assert p.open_metadata().pdfa_status == "3B"
        attached = json.loads(p.attachments["minutes.json"].get_file().read_bytes())
    assert attached == minutes_document(meeting)
    assert attached["approved_at"] is not None


def test_hostile_issue_title_in_approved_minutes_attaches_nothing_else(approved):
    meeting, issue = approved
    pdf = meeting.minutes.pdf.read()
    assert "<linkrel=attachmenthref=file:///etc/hostname>" in flat_text(pdf)  # printed as text
    with open_pdf(pdf) as p:
        assert list(p.attachments) == ["minutes.json"]
