"""Documents are rendered by the task worker, never by the download (issue 16: a rendering grows
a web worker by ~200 MB, whatever the data size). After a change the download serves the
stored, older copy and says so (X-Cache: stale, when it was rendered, a note that a newer one
is being prepared), queues one rendering however many ask, and the worker's copy is served
next, its bytes the ones its stored row names. A first download waits for the worker's copy;
one rendering at a time per document."""

import hashlib
import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.http import parse_http_date
from django_tasks_db.models import DBTaskResult

from issues.models import today
from liaison.cache import FileCache
from reports import cached
from reports.documents import ANNUAL_PDF
from tests.issue_helpers import file_issue
from tests.reports.test_annual_documents import rendered_by

pytestmark = pytest.mark.django_db(transaction=True)  # real commits; the worker reads them

RENDER_TASK = "reports.cached.render_document"


@pytest.fixture(autouse=True)
def task_queue(settings, tmp_path):
    """Production's shapes: the file cache, and render tasks waiting in the database until a
    worker (`db_worker`) runs them; each change rendered as soon as the worker runs (production
    waits LIAISON_DOCUMENT_REFRESH_SECONDS after the last rendering: tested on its own)."""
    settings.LIAISON_DOCUMENT_REFRESH_SECONDS = 0
    settings.CACHES = {
        **settings.CACHES,
        "documents": {
            "BACKEND": "liaison.cache.FileCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        yield
    cached.documents_cache().clear()


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def stored_row(year: int) -> dict:
    return cached.documents_cache().get(ANNUAL_PDF.row_key({"year": year}))


def test_after_a_change_the_stored_copy_is_served_and_one_rendering_is_queued(
    client, secretariat, leader, software_officer, monkeypatch
):
    year = today().year
    url = f"/reports/annual/{year}.pdf"
    assert ANNUAL_PDF.refresh(year=year) == "rendered"
    before = stored_row(year)
    file_issue(software_officer)  # the figures change: the stored copy is now an older one

    renders = rendered_by(monkeypatch)
    downloads = [get(client, user, url) for user in (secretariat, leader, secretariat)]
    assert renders == []  # never in the request
    for response in downloads:
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["X-Cache"] == "stale"
        assert "a newer copy is being prepared" in response["X-Document-Note"]
        assert response["X-Content-SHA256"] == before["sha256"]
        assert hashlib.sha256(response.content).hexdigest() == before["sha256"]
        rendered = datetime.fromisoformat(before["rendered_at"])
        assert parse_http_date(response["Last-Modified"]) == int(rendered.timestamp())
    # Three downloads, one rendering queued.
    assert DBTaskResult.objects.filter(task_path=RENDER_TASK).count() == 1
    # Beside the links, in words: which version a download gives now, and that a newer one
    # is on its way.
    since = timezone.localtime(rendered).strftime("%Y-%m-%d %H:%M")
    for page in ("/reports/", "/dashboard/"):
        note = get(client, leader, page).content.decode()
        assert "新版本正在生成" in note and f"现在下载的是 {since} 生成的版本" in note

    run_worker()
    assert renders == [year]  # by the worker
    fresh = get(client, leader, url)
    assert fresh["X-Cache"] == "hit" and fresh.content != downloads[0].content
    row = stored_row(year)
    assert row["sha256"] == fresh["X-Content-SHA256"] != before["sha256"]
    assert hashlib.sha256(fresh.content).hexdigest() == row["sha256"]
    assert row["size"] == len(fresh.content)
    # The older bytes went with the row that named them: one copy per document.
    assert (
        cached.documents_cache().get(ANNUAL_PDF.body_key({"year": year}, before["sha256"])) is None
    )
    assert renders == [year]  # the hit rendered nothing
    assert "新版本正在生成" not in get(client, leader, "/reports/").content.decode()


def test_a_first_download_is_the_worker_s_rendering(client, secretariat, monkeypatch):
    """No copy yet: the request queues the rendering and serves the worker's copy."""
    year = today().year
    renders = rendered_by(monkeypatch)
    monkeypatch.setattr("reports.cached._pause", run_worker)  # the worker, while it waits

    response = get(client, secretariat, f"/reports/annual/{year}.pdf")

    assert response.status_code == 200 and response["X-Cache"] == "miss"
    assert response.content.startswith(b"%PDF")
    task = DBTaskResult.objects.get(task_path=RENDER_TASK)
    assert task.status == "SUCCESSFUL" and task.return_value == "rendered"
    assert renders == [year]  # once, in the worker; the request served its copy
    assert hashlib.sha256(response.content).hexdigest() == stored_row(year)["sha256"]


def test_without_a_worker_a_first_download_still_gives_the_document(client, secretariat):
    """The worker is down: after the wait the request renders, and keeps the copy."""
    response = get(client, secretariat, f"/reports/annual/{today().year}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["X-Cache"] == "miss"
    assert get(client, secretariat, f"/reports/annual/{today().year}.pdf")["X-Cache"] == "hit"


def test_one_rendering_at_a_time_per_document(monkeypatch):
    """A worker that finds the document being rendered by another runs it again later, never
    beside it; no other task is queued meanwhile."""
    year = today().year
    params = {"year": year}
    renders = rendered_by(monkeypatch)
    store = cached.documents_cache()
    assert store.add(cached.lock_key("annual-pdf", params), 1)  # another worker renders it
    assert cached.queue_render("annual-pdf", params)

    run_worker()

    assert renders == []
    first, later = DBTaskResult.objects.filter(task_path=RENDER_TASK).order_by("enqueued_at")
    assert first.return_value == "busy"
    assert later.status == "READY" and later.run_after > timezone.now() + timedelta(seconds=5)
    assert not cached.queue_render("annual-pdf", params)  # still queued: no second task

    store.delete(cached.lock_key("annual-pdf", params))  # the other worker is done
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=timezone.now())
    run_worker()
    assert renders == [year]
    assert DBTaskResult.objects.get(pk=later.pk).return_value == "rendered"


def test_one_claim_wins_among_processes_sharing_the_folder(tmp_path):
    """Queued and rendering marks are claims (`add`): of the app processes and workers sharing
    the documents folder, racing for the same one, exactly one gets it."""
    caches = [FileCache(str(tmp_path / "shared"), {}) for _n in range(12)]
    start = threading.Barrier(len(caches))
    won: list[bool] = []

    def claim(store):
        start.wait()
        won.append(store.add("document-rendering:annual-pdf:{}", 1, timeout=60))

    threads = [threading.Thread(target=claim, args=(store,)) for store in caches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won.count(True) == 1
    caches[0].delete("document-rendering:annual-pdf:{}")  # released: the next claim wins
    assert caches[1].add("document-rendering:annual-pdf:{}", 1, timeout=60)
    caches[2].set("document-rendering:annual-pdf:{}", 1, timeout=-1)  # its holder died
    assert caches[3].add("document-rendering:annual-pdf:{}", 1, timeout=60)


def test_changes_soon_after_a_rendering_share_one_rendering_when_the_interval_is_up(
    client, secretariat, software_officer, settings, monkeypatch
):
    settings.LIAISON_DOCUMENT_REFRESH_SECONDS = 300
    year = today().year
    url = f"/reports/annual/{year}.pdf"
    assert ANNUAL_PDF.refresh(year=year) == "rendered"
    rendered_at = datetime.fromisoformat(stored_row(year)["rendered_at"])
    renders = rendered_by(monkeypatch)
    for _ in range(3):
        file_issue(software_officer)  # three changes within the five minutes
    assert get(client, secretariat, url)["X-Cache"] == "stale"
    queued = DBTaskResult.objects.filter(task_path=RENDER_TASK)
    assert queued.count() == 1
    assert queued.get().run_after == rendered_at + timedelta(seconds=300)
    run_worker()  # too early: the stored, older copy stays what a download gets
    assert renders == []
    assert get(client, secretariat, url)["X-Cache"] == "stale"
    DBTaskResult.objects.update(run_after=timezone.now())  # the five minutes are up
    run_worker()
    assert renders == [year]
    assert get(client, secretariat, url)["X-Cache"] == "hit"
