"""The annual report PDF and DOCX are rendered once per state of the figures: a second download
with nothing changed is a cache read (the embedded file cache, no Redis); a transition or a
renamed department renders anew. And the DOCX of every meeting document is served."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.utils import timezone

from issues.models import today
from meetings import services
from organisation.models import Department
from printing.docx import CONTENT_TYPE
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
    monkeypatch.setattr(
        "reports.views.render_annual_report_pdf", lambda year: pytest.fail("rendered again")
    )
    monkeypatch.setattr(
        "reports.views.annual_report_docx_bytes", lambda year: pytest.fail("rendered again")
    )
    second = get(client, leader, url)
    assert second["X-Cache"] == "hit" and second.content == first.content


def test_a_transition_renders_the_report_anew(client, secretariat, software_officer):
    url = f"/reports/annual/{today().year}.pdf"
    issue = file_issue(software_officer)
    assert get(client, secretariat, url)["X-Cache"] == "miss"
    assert get(client, secretariat, url)["X-Cache"] == "hit"
    assign(issue, secretariat)
    changed = get(client, secretariat, url)
    assert changed["X-Cache"] == "miss"
    assert get(client, secretariat, url)["X-Cache"] == "hit"


def test_a_renamed_department_renders_the_report_anew(client, secretariat):
    url = f"/reports/annual/{today().year}.docx"
    assert get(client, secretariat, url)["X-Cache"] == "miss"
    department = Department.objects.get(code="hrss")
    department.name = "市人力资源局"
    department.save()
    assert get(client, secretariat, url)["X-Cache"] == "miss"


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
