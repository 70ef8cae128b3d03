"""The annual report PDF and DOCX are rendered once per state of the figures: a second download
with nothing changed is a cache read (the embedded file cache, no Redis); a committed
transition or a renamed department renders it anew - by a task, so the next download is a
cache read again; a rolled-back one changes nothing. And the DOCX of every meeting document
is served."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from issues.models import Issue, today
from meetings import services
from organisation.models import Department
from printing.docx import CONTENT_TYPE
from reports import annual, cached
from tests.issue_helpers import assign, file_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def file_cache(settings, tmp_path):
    """The production backend (files beside the media), in a folder of this test."""
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    yield tmp_path / "cache"
    caches["documents"].clear()


@pytest.fixture
def task_queue():
    """Render tasks wait in the database, as in production (one worker would run them)."""
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_second_download_is_a_cache_hit_with_the_same_bytes(
    client, secretariat, leader, suffix, monkeypatch, file_cache
):
    url = f"/reports/annual/{today().year}.{suffix}"
    first = get(client, secretariat, url)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    assert any(file_cache.iterdir())  # kept on disk
    never_again(monkeypatch)
    second = get(client, leader, url)
    assert second["X-Cache"] == "hit" and second.content == first.content


def never_again(monkeypatch):
    """From here on, any rendering fails the test: downloads must be cache reads."""
    for renderer in (
        "reports.annual.render_annual_report_pdf",
        "reports.annual_docx.annual_report_docx",
    ):
        monkeypatch.setattr(renderer, lambda year: pytest.fail("rendered in the request"))


def rendered_by(monkeypatch) -> list[int]:
    """Renderings of the annual PDF from here on (the real renderer, counted)."""
    calls: list[int] = []
    real = annual.render_annual_report_pdf

    def counting(year):
        calls.append(year)
        return real(year)

    monkeypatch.setattr("reports.annual.render_annual_report_pdf", counting)
    return calls


def test_a_committed_transition_renders_the_report_ahead_so_the_next_download_is_a_read(
    client, secretariat, software_officer, monkeypatch, django_capture_on_commit_callbacks
):
    url = f"/reports/annual/{today().year}.pdf"
    issue = file_issue(software_officer)
    first = get(client, secretariat, url)
    assert first["X-Cache"] == "miss"  # cold: rendered inline once
    assert get(client, secretariat, url)["X-Cache"] == "hit"
    renders = rendered_by(monkeypatch)
    # The commit moves the stamp and queues one render task (run here as the worker would).
    with django_capture_on_commit_callbacks(execute=True):
        assign(issue, secretariat)
    assert renders == [today().year]
    never_again(monkeypatch)
    changed = get(client, secretariat, url)
    assert changed["X-Cache"] == "hit" and changed.content != first.content


@pytest.mark.django_db(transaction=True)  # real commits; the worker reads what they wrote
def test_changes_in_a_row_queue_one_rendering_while_one_waits(
    secretariat, software_officer, task_queue, client, monkeypatch
):
    url = f"/reports/annual/{today().year}.pdf"
    get(client, secretariat, url)
    before = DBTaskResult.objects.count()
    file_issue(software_officer, title="第一个")
    file_issue(software_officer, title="第二个")
    renders = DBTaskResult.objects.filter(task_path="reports.cached.render_document")
    assert DBTaskResult.objects.count() > before and renders.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    never_again(monkeypatch)
    assert get(client, secretariat, url)["X-Cache"] == "hit"  # the worker rendered both changes


def test_a_rolled_back_change_keeps_the_report(client, secretariat, software_officer):
    url = f"/reports/annual/{today().year}.pdf"
    issue = file_issue(software_officer)
    assert get(client, secretariat, url)["X-Cache"] == "miss"
    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assign(issue, secretariat)
        raise RuntimeError("rolled back")
    assert get(client, secretariat, url)["X-Cache"] == "hit"


def test_a_renamed_department_renders_the_report_anew(
    client, secretariat, django_capture_on_commit_callbacks
):
    url = f"/reports/annual/{today().year}.docx"
    assert get(client, secretariat, url)["X-Cache"] == "miss"
    stamp = cached.figures_stamp()
    department = Department.objects.get(code="hrss")
    department.name = "市人力资源局"
    with django_capture_on_commit_callbacks(execute=True):
        department.save()
    assert cached.figures_stamp() != stamp
    assert get(client, secretariat, url)["X-Cache"] == "hit"  # rendered ahead by the task


def test_a_bulk_update_of_issues_moves_the_stamp(secretariat, software_officer):
    """`Issue.objects.update()` sends no post_save: the queryset tells (issues_written_in_bulk)."""
    issue = file_issue(software_officer)
    stamp = cached.figures_stamp()
    with TestCase.captureOnCommitCallbacks(execute=True):
        Issue.objects.filter(pk=issue.pk).update(title="改过的标题")
    assert cached.figures_stamp() != stamp


def test_annual_docx_name_and_type(client, leader):
    response = get(client, leader, f"/reports/annual/{today().year}.docx")
    assert response["Content-Type"] == CONTENT_TYPE
    name = quote(f"{today().year}年度工作报告.docx")
    assert f"filename*=UTF-8''{name}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response.content.startswith(b"PK")


@pytest.mark.parametrize(("document", "name"), [("agenda", "议程"), ("minutes", "纪要（草稿）")])
def test_meeting_docx_from_the_meeting_page(client, secretariat, leader, document, name):
    meeting = services.create_meeting(
        secretariat, kind="regular", scheduled_at=timezone.now() + timedelta(days=7)
    )
    services.add_agenda_item(meeting, secretariat, title="听取各产业链情况汇报")
    page = get(client, leader, f"/meetings/{meeting.pk}/").content.decode()
    if document == "agenda":
        assert f'href="/meetings/{meeting.pk}/agenda.docx"' in page
    response = get(client, leader, f"/meetings/{meeting.pk}/{document}.docx")
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    filename = quote(f"{meeting.title}{name}.docx")
    assert f"filename*=UTF-8''{filename}" in response["Content-Disposition"]
    assert response.content.startswith(b"PK")
