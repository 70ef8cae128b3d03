"""Agenda and minutes PDFs: served to every reader; approved minutes byte-identical from storage."""

import hashlib
from datetime import timedelta

import pytest

from issues.models import today
from meetings import services
from organisation.models import Department

from .conftest import advance

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_agenda_pdf_for_a_reader(secretariat, leader, meeting, raised_issue, signed_in):
    services.generate_agenda(meeting, secretariat)
    page = signed_in(leader).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/agenda.pdf"' in page and "议程 PDF" in page
    response = signed_in(leader).get(f"/meetings/{meeting.pk}/agenda.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF-")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_no_agenda_no_pdf(secretariat, meeting, signed_in):
    page = signed_in(secretariat).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "议程 PDF" not in page
    assert signed_in(secretariat).get(f"/meetings/{meeting.pk}/agenda.pdf").status_code == 404


def test_outsider_gets_no_pdf(outsider, secretariat, meeting, signed_in):
    services.generate_agenda(meeting, secretariat)
    assert signed_in(outsider).get(f"/meetings/{meeting.pk}/agenda.pdf").status_code == 404


def test_draft_minutes_are_rendered_and_marked_as_draft(secretariat, meeting, signed_in):
    advance(meeting, secretariat, to="held")
    client = signed_in(secretariat)
    assert "纪要 PDF（草稿）" in client.get(f"/meetings/{meeting.pk}/").content.decode()
    response = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF-")
    assert "%E8%8D%89%E7%A8%BF" in response["Content-Disposition"]  # 草稿 in the file name


def test_approved_minutes_are_served_byte_identical(
    secretariat, leader, meeting, raised_issue, signed_in
):
    advance(meeting, secretariat, to="held")
    services.save_minutes(
        meeting,
        secretariat,
        summary="会议概述",
        decisions=[
            {
                "text": "由市人社局牵头办理",
                "department": Department.objects.get(code="hrss"),
                "due_date": today() + timedelta(days=20),
                "issue": raised_issue,
            },
        ],
    )
    services.approve_minutes(meeting, secretariat)
    meeting.minutes.refresh_from_db()
    first = body(signed_in(leader).get(f"/meetings/{meeting.pk}/minutes.pdf"))
    response = signed_in(secretariat).get(f"/meetings/{meeting.pk}/minutes.pdf")
    second = body(response)
    assert response["Content-Type"] == "application/pdf"
    assert first == second
    assert hashlib.sha256(first).hexdigest() == meeting.minutes.pdf_sha256
    assert "%E8%8D%89%E7%A8%BF" not in response["Content-Disposition"]
