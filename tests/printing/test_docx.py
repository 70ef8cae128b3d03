"""The DOCX of every printed document: the PDF's text, the GB/T 9704 page, named faces, page
numbers "— 1 —", and a file LibreOffice (as WPS or Word would) opens and prints."""

import io
import re
import shutil
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from meetings.docx_documents import agenda_docx, minutes_docx
from meetings.printed import render_agenda_pdf, render_minutes_pdf
from reports.annual import render_annual_report_pdf
from reports.annual_docx import annual_report_docx
from tests.printing.docx_helpers import docx_body_text, libreoffice_pdf, pdf_body_text
from tests.printing.helpers import agenda_doc, flat_text, make_year_of_issues, minutes_doc


def test_agenda_docx_says_what_its_pdf_says():
    doc = agenda_doc()
    assert docx_body_text(agenda_docx(doc)) == pdf_body_text(render_agenda_pdf(doc))


def test_minutes_docx_says_what_its_pdf_says():
    doc = minutes_doc()
    pdf = pdf_body_text(render_minutes_pdf(doc), footer_fingerprint=doc["fingerprint"])
    assert docx_body_text(minutes_docx(doc)) == pdf
    assert "纪要指纹：8fc6df8532ef" in pdf  # the colophon's, kept


@pytest.mark.django_db
def test_annual_report_docx_has_the_pdf_text_and_tables():
    year = 2024
    make_year_of_issues(year, 60, today=date(2025, 1, 10))
    on = date(2025, 1, 10)
    pdf = pdf_body_text(render_annual_report_pdf(year, on=on))
    document = Document(io.BytesIO(annual_report_docx(year, on=on)))
    paragraphs = [re.sub(r"\s+", "", p.text) for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0] == "2024年度助链联动工作报告"
    for text in paragraphs:
        assert text in pdf
    tables = [t for t in document.tables if t.rows[0].cells[0].text != "月份"]  # 图1 as a table
    assert len(tables) >= 6
    for table in tables:
        for row in table.rows:
            assert re.sub(r"\s+", "", "".join(c.text for c in row.cells)) in pdf
    months = next(t for t in document.tables if t.rows[0].cells[0].text == "月份")
    assert [r.cells[0].text for r in months.rows[1:]] == [f"{m}月" for m in range(1, 13)]


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minutes_document():
    return Document(io.BytesIO(minutes_docx(minutes_doc())))


def test_a4_with_gbt9704_margins(minutes_document):
    section = minutes_document.sections[0]

    def mm(length) -> float:  # stored in twentieths of a point: within a hundredth of a mm
        return round(Length(length).mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert mm(section.top_margin) == 37  # 天头
    assert mm(section.left_margin) == 28  # 订口
    type_width = section.page_width - section.left_margin - section.right_margin
    type_height = section.page_height - section.top_margin - section.bottom_margin
    assert (mm(type_width), mm(type_height)) == (156, 225)  # 版心
    assert minutes_document.settings.element.find(qn("w:mirrorMargins")) is not None


def east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_faces_by_name(minutes_document):
    styles = minutes_document.styles
    assert east_asian(styles["Normal"]) == "仿宋" and styles["Normal"].font.size == Pt(16)
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体"
    assert east_asian(styles["Title"]) == "方正小标宋简体"
    table = next(
        rel.target_part for rel in minutes_document.part.rels.values() if "fontTable" in rel.reltype
    )
    alternatives = dict(
        re.findall(r'w:name="([^"]+)"><w:altName w:val="([^"]+)"', table.blob.decode())
    )
    assert alternatives["仿宋"] == "FandolFang"
    assert alternatives["方正小标宋简体"] == "宋体"


def test_headings_and_the_red_masthead(minutes_document):
    paragraphs = minutes_document.paragraphs
    masthead = paragraphs[0]
    assert masthead.text == "2024年第3次产业链联络员会议纪要"
    assert str(masthead.runs[0].font.color.rgb) == "D40000"
    headings = [p.text for p in paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "一、会议议题及讨论情况"
    assert "（一）逾期问题办理情况（第1项）" in headings and "二、议定事项" in headings


def test_page_numbers_in_the_footer(minutes_document):
    section = minutes_document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        instructions = footer.paragraphs[0]._p.iter(qn("w:instrText"))  # noqa: SLF001 - the XML
        assert [i.text.strip() for i in instructions] == ["PAGE"] and footer.paragraphs[
            0
        ].text.replace(" ", "") == "—1—"
    assert section.footer.paragraphs[0].alignment == 2  # odd pages: right
    assert section.even_page_footer.paragraphs[0].alignment == 0  # even pages: left


# --- opened by an office suite -----------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("build", "doc", "expected"),
    [
        (
            agenda_docx,
            agenda_doc(),
            ["2024年第3次产业链联络员会议", "议程", "三、逾期未办结的问题", "2024-0008", "●临期"],
        ),
        (
            minutes_docx,
            minutes_doc(12, 10),
            ["纪要", "二、议定事项", "10.由市人社局牵头", "出席：王芳", "请假：赵磊", "印发"],
        ),
    ],
    ids=["agenda", "minutes"],
)
def test_libreoffice_opens_and_prints_the_docx(build, doc, expected, tmp_path):
    if not shutil.which("libreoffice"):
        pytest.skip(
            "LibreOffice is not installed (Debian: libreoffice-writer; `make test` installs it)"
        )
    pdf = libreoffice_pdf(build(doc), tmp_path)
    flat = flat_text(pdf)
    for text in expected:
        assert text in flat
    assert "—1—" in flat and "—2—" in flat  # numbered pages: the PAGE field, updated
