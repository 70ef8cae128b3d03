"""The published agenda is rendered once, when it is published: every download is a read of
that file, byte for byte, whatever happens to its issues afterwards. A draft renders on demand."""

import hashlib
from pathlib import Path

import pytest
from django.db import transaction

from issues.models import Issue
from meetings import services
from meetings.models import MeetingState
from tests.issue_helpers import assign
from tests.printing.helpers import flat_text

from .conftest import advance

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored_files(settings) -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "agendas").rglob("*") if p.is_file())


def test_publishing_stores_the_agenda_pdf_with_its_sha256(
    secretariat, meeting, raised_issue, settings
):
    meeting = advance(meeting, secretariat, to="agenda_published")
    assert meeting.agenda_pdf.name.endswith(".pdf")
    content = meeting.agenda_pdf.read()
    assert content.startswith(b"%PDF-")
    assert meeting.agenda_pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert [p.name for p in stored_files(settings)] == [Path(meeting.agenda_pdf.name).name]


def test_downloads_of_a_published_agenda_are_the_stored_file(
    secretariat, leader, software_officer, meeting, raised_issue, signed_in, monkeypatch
):
    meeting = advance(meeting, secretariat, to="agenda_published")
    # a download that rendered would fail here: it must be a read of the stored file
    monkeypatch.setattr(
        "meetings.views.render_agenda_pdf", lambda doc: pytest.fail("rendered on download")
    )
    first = signed_in(leader).get(f"/meetings/{meeting.pk}/agenda.pdf")
    second = signed_in(software_officer).get(f"/meetings/{meeting.pk}/agenda.pdf")
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert body(first) == body(second) == meeting.agenda_pdf.read()
    assert first["X-Content-SHA256"] == meeting.agenda_pdf_sha256


def test_the_published_agenda_does_not_change_when_its_issues_do(
    secretariat, leader, meeting, raised_issue, signed_in
):
    meeting = advance(meeting, secretariat, to="agenda_published")
    before = body(signed_in(leader).get(f"/meetings/{meeting.pk}/agenda.pdf"))
    assign(raised_issue, secretariat, department="housing")
    Issue.objects.filter(pk=raised_issue.pk).update(title="标题改过了")
    after = body(signed_in(leader).get(f"/meetings/{meeting.pk}/agenda.pdf"))
    assert after == before


def test_a_draft_agenda_is_rendered_on_demand_and_stores_nothing(
    secretariat, leader, meeting, raised_issue, signed_in, settings
):
    services.generate_agenda(meeting, secretariat)
    response = signed_in(leader).get(f"/meetings/{meeting.pk}/agenda.pdf")
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")
    meeting.refresh_from_db()
    assert not meeting.agenda_pdf and not meeting.agenda_pdf_sha256
    assert stored_files(settings) == []


def test_a_publication_that_rolls_back_leaves_no_file(
    secretariat, meeting, raised_issue, settings, monkeypatch
):
    services.generate_agenda(meeting, secretariat)

    def fail(*args, **kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr("meetings.services.record", fail)
    with pytest.raises(RuntimeError):
        services.perform_meeting_transition(meeting, "publish_agenda", secretariat)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.PLANNED and not meeting.agenda_pdf
    assert stored_files(settings) == []
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.part"))  # nor a half-written one


@pytest.mark.django_db(transaction=True)
def test_moving_a_published_meeting_prints_the_new_place_once(
    secretariat, meeting, raised_issue, settings
):
    meeting = advance(meeting, secretariat, to="agenda_published")
    old_name, old_sha = meeting.agenda_pdf.name, meeting.agenda_pdf_sha256
    with transaction.atomic():
        meeting = services.update_meeting(meeting, secretariat, location="市政府二号楼会议室")
    meeting.refresh_from_db()
    assert meeting.agenda_pdf_sha256 != old_sha and meeting.agenda_pdf.name != old_name
    assert [p.name for p in stored_files(settings)] == [Path(meeting.agenda_pdf.name).name]
    assert "市政府二号楼会议室" in flat_text(meeting.agenda_pdf.read())
