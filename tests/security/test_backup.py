"""`manage.py backup DIR` / `manage.py restore DIR`: a round trip brings back every issue, its
history, its attachments and the approved minutes PDFs byte for byte; a damaged or partial
backup is refused before anything is touched."""

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from issues.attachments import store_attachment
from issues.models import Attachment, Issue
from issues.services import perform_transition, raise_issue
from meetings.models import MeetingState, Minutes
from meetings.services import approve_minutes, save_minutes
from organisation.models import Department, IndustryChain, IssueCategory
from tests.meetings.conftest import make_issue, make_meeting

PDF = b"%PDF-1.7\n% the department's reply letter\n%%EOF"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def recorded(media, software_officer, secretariat):
    """An issue filed and assigned (two history rows) with an attachment, and approved minutes."""
    issue = raise_issue(
        software_officer,
        title="软件测试工程师招聘困难",
        description="连续三个月招不到人。",
        chain=IndustryChain.objects.get(code="software"),
        category=IssueCategory.objects.get(code="recruitment"),
    )
    issue = perform_transition(
        issue,
        "assign",
        secretariat,
        department=Department.objects.get(code="hrss"),
        due_date=timezone.localdate() + timedelta(days=30),
        note="请办理",
    )
    store_attachment(
        issue, SimpleUploadedFile("回复函.pdf", PDF, "application/pdf"), software_officer
    )
    meeting = make_meeting(timezone.localdate(), state=MeetingState.HELD)
    save_minutes(
        meeting,
        secretariat,
        summary="会议听取了汇报。",
        decisions=[
            {
                "text": "由市人社局牵头办理",
                "department": "hrss",
                "due_date": timezone.localdate() + timedelta(days=20),
                "issue": make_issue("另一件问题").pk,
            }
        ],
    )
    approve_minutes(meeting, secretariat)
    return issue


def snapshot(media: Path) -> dict:
    minutes = Minutes.objects.get()
    return {
        "issues": sorted(Issue.objects.values_list("pk", "number", "title", "state")),
        "history": sorted(
            Issue.history.values_list("history_id", "id", "transition", "state", "history_user_id")
        ),
        "attachments": {
            a.original_name: hashlib.sha256((media / a.file.name).read_bytes()).hexdigest()
            for a in Attachment.objects.all()
        },
        "minutes_pdf": hashlib.sha256((media / minutes.pdf.name).read_bytes()).hexdigest(),
        "minutes_sha256": minutes.pdf_sha256,
    }


def spoil(media: Path, secretariat):
    """What a bad day does after the backup: rows deleted and added, files lost or altered."""
    Attachment.objects.all().delete()
    for path in media.rglob("*.pdf"):
        path.write_bytes(b"altered")
    make_issue("备份之后才提出的问题")


def round_trip(tmp_path, media, secretariat):
    before = snapshot(media)
    assert before["minutes_pdf"] == before["minutes_sha256"]
    assert len(before["history"]) >= 3 and before["attachments"]
    call_command("backup", str(tmp_path / "backup"))
    spoil(media, secretariat)
    assert snapshot_or_none(media) != before

    call_command("restore", str(tmp_path / "backup"))

    assert snapshot(media) == before


def snapshot_or_none(media):
    try:
        return snapshot(media)
    except (FileNotFoundError, Minutes.DoesNotExist):
        return None


@pytest.mark.django_db(transaction=True)
def test_round_trip_on_sqlite(tmp_path, media, recorded, secretariat):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup API; PostgreSQL has its own test")
    round_trip(tmp_path, media, secretariat)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"] == "database.sqlite3"
    assert len(manifest["files"]) == 3  # the database, the attachment, the minutes PDF


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI's PostgreSQL pass)",
)
def test_round_trip_on_postgresql(tmp_path, media, recorded, secretariat):
    round_trip(tmp_path, media, secretariat)
    dump = (tmp_path / "backup" / "database.dump").read_bytes()
    assert dump.startswith(b"PGDMP")  # pg_dump's custom format


def backup_then(tmp_path, damage):
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    damage(folder)
    make_issue("备份之后才提出的问题")
    count = Issue.objects.count()
    return folder, count


def flip_a_byte(folder):
    path = next(p for p in (folder / "media").rglob("*") if p.is_file())
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))


def drop_manifest(folder):
    (folder / "manifest.json").unlink()


def drop_a_file(folder):
    next(p for p in (folder / "media").rglob("*") if p.is_file()).unlink()


def truncate_the_database(folder):
    dump = next(folder.glob("database.*"))
    dump.write_bytes(dump.read_bytes()[:1000])


def damage_the_manifest(folder):
    path = folder / "manifest.json"
    path.write_text(path.read_text()[:-20])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flip_a_byte, "SHA-256 differs"),
        (drop_manifest, "no manifest.json"),
        (drop_a_file, "missing"),
        (truncate_the_database, "size differs"),
        (damage_the_manifest, "damaged"),
    ],
)
def test_a_damaged_or_partial_backup_is_refused_and_nothing_is_touched(
    tmp_path, media, recorded, damage, message
):
    files_before = {p: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    folder, count = backup_then(tmp_path, damage)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(folder))

    assert Issue.objects.count() == count  # the issue filed after the backup is still there
    assert {p: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files_before


@pytest.mark.django_db
def test_backup_refuses_a_folder_in_use(tmp_path, media):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"))


@pytest.mark.django_db(transaction=True)
def test_restore_names_an_approved_pdf_altered_in_the_backup_itself(tmp_path, media, recorded):
    """A backup whose manifest was rewritten to match an altered PDF still fails the check of
    the minutes' recorded SHA-256 after the restore."""
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    name = next(k for k in manifest["files"] if k.startswith("media/minutes/"))
    (folder / name).write_bytes(b"%PDF-1.7 forged")
    manifest["files"][name] = {
        "sha256": hashlib.sha256(b"%PDF-1.7 forged").hexdigest(),
        "size": len(b"%PDF-1.7 forged"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="do not match their SHA-256"):
        call_command("restore", str(folder))
