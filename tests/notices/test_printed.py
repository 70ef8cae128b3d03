"""A notice printed: one page in the letter format (信函格式), its number, facts, text and
reply-by date; the DOCX says what the PDF says and LibreOffice opens it; the downloads have
Chinese names, are seen by whoever sees the issue, and are written to the audit log."""

import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from audit.models import AuditEvent
from issues import notices
from issues.models import Issue
from issues.notice_print import TEXT_MAX, notice_context, notice_docx, render_notice_pdf
from tests.notices.conftest import at, handled
from tests.printing.docx_helpers import docx_body_text, libreoffice_pdf, pdf_body_text
from tests.printing.helpers import flat_text

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 30)


@pytest.fixture
def late_issue(software_officer, secretariat, hrss_staff):
    return handled(software_officer, secretariat, on=date(2026, 9, 14), due=DUE, staff=hrss_staff)


def issue_on(issue, clerk, *, kind="supervise", text=None, day=date(2026, 10, 14)):
    with at(day):
        return notices.issue_notice(
            issue,
            clerk,
            kind=kind,
            text=text or notices.default_text(issue, kind),
            reply_by=date(2026, 10, 19),
        )


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def test_one_page_with_the_number_the_facts_and_the_reply_by_date(late_issue, secretariat):
    notice = issue_on(late_issue, secretariat)
    pdf = render_notice_pdf(notice_context(notice))
    assert pages(pdf) == 1
    text = flat_text(pdf)
    for expected in (
        "助链联动机制秘书处",
        "督办〔2026〕1号",
        "督办单",
        "市人力资源和社会保障局：",
        late_issue.number,
        late_issue.title,
        "软件（市电子信息科技工会）",
        "办理时限：2026年9月30日；",
        "已超期6个工作日",  # 10-08 … 10-14, the 10-10 调休 counted, 国庆节 not
        "请于2026年10月19日前",
        "2026年10月14日",
        "抄送：分管副局长孙丽娟",  # a 督办 copies the responsible leader
    ):
        assert expected in text, expected
    assert "—1—" not in text  # the letter format numbers no first page


def test_an_urge_copies_nobody(late_issue, secretariat):
    text = flat_text(
        render_notice_pdf(notice_context(issue_on(late_issue, secretariat, kind="urge")))
    )
    assert "催办〔2026〕1号" in text and "催办单" in text and "抄送" not in text


@pytest.mark.parametrize("title_length", [10, 200])
def test_the_longest_text_still_prints_on_one_page(late_issue, secretariat, tmp_path, title_length):
    Issue.objects.filter(pk=late_issue.pk).update(title="企业用工难" * (title_length // 5))
    late_issue.refresh_from_db()
    notice = issue_on(late_issue, secretariat, text="请抓紧办理并报送进展。" * (TEXT_MAX // 11))
    assert len(notice.text) > TEXT_MAX - 11
    context = notice_context(notice)
    assert pages(render_notice_pdf(context)) == 1
    assert docx_body_text(notice_docx(context)) == pdf_body_text(render_notice_pdf(context))
    if shutil.which("libreoffice"):
        assert pages(libreoffice_pdf(notice_docx(context), tmp_path)) == 1


def test_the_docx_says_what_the_pdf_says(late_issue, secretariat):
    context = notice_context(issue_on(late_issue, secretariat))
    assert docx_body_text(notice_docx(context)) == pdf_body_text(render_notice_pdf(context))


def test_printing_twice_gives_the_same_pdf(late_issue, secretariat):
    notice = issue_on(late_issue, secretariat)
    with at(date(2026, 11, 30)):  # later: the facts are those of the day it was issued
        again = render_notice_pdf(notice_context(notice))
    assert render_notice_pdf(notice_context(notice)) == again


@pytest.mark.libreoffice
def test_libreoffice_opens_the_docx(late_issue, secretariat, tmp_path: Path):
    if not shutil.which("libreoffice"):
        pytest.skip(
            "LibreOffice is not installed (Debian: libreoffice-writer; `make test` installs it)"
        )
    notice = issue_on(late_issue, secretariat)
    pdf = libreoffice_pdf(notice_docx(notice_context(notice)), tmp_path)
    flat = flat_text(pdf)
    for expected in ("督办〔2026〕1号", "督办单", "请于2026年10月19日前", "助链联动机制秘书处"):
        assert expected in flat
    assert pages(pdf) == 1


# --- the downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "disposition"), [("pdf", "inline"), ("docx", "attachment")])
def test_downloads_have_chinese_names_and_are_audited(
    client, late_issue, secretariat, suffix, disposition
):
    notice = issue_on(late_issue, secretariat)
    client.force_login(secretariat)
    response = client.get(f"/notices/{notice.pk}.{suffix}")
    assert response.status_code == 200
    name = quote(f"督办〔2026〕1号.{suffix}")
    assert response["Content-Disposition"] == f"{disposition}; filename*=utf-8''{name}"
    event = AuditEvent.objects.filter(event="download").latest("pk")
    assert event.detail == f"督办〔2026〕1号.{suffix}"
    assert event.user == secretariat


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("software_officer", 200),
        ("ai_officer", 200),
        ("automotive_officer", 404),
        ("hrss_staff", 200),
        ("housing_staff", 404),
        ("leader", 200),
        ("outsider", 404),
    ],
)
def test_whoever_sees_the_issue_sees_the_notice(client, personas, late_issue, persona, status):
    notice = issue_on(late_issue, personas.get("secretariat") or personas["secretariat"])
    client.force_login(personas[persona])
    assert client.get(f"/notices/{notice.pk}.docx").status_code == status


def test_the_pdf_link_of_the_api_downloads_the_notice(api, late_issue, secretariat):
    notice = issue_on(late_issue, secretariat)
    with at(date(2026, 10, 14)):
        data = api.as_user(secretariat).get(f"/api/v1/issues/{late_issue.pk}/notices/").json()
    assert data[0]["pdf"].endswith(f"/notices/{notice.pk}.pdf")
    assert timedelta(0) <= date(2026, 10, 19) - date.fromisoformat(data[0]["reply_by"])
