"""The minutes (纪要) PDF: what a clerk files - official layout, every word, archival, stable."""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from meetings.printed import minutes_fingerprint, render_minutes_pdf
from tests.printing.helpers import flat_text, minutes_doc, open_pdf, pdf_fonts, pdf_info, pdf_text


@pytest.fixture(scope="module")
def doc():
    return minutes_doc(n_items=3, n_decisions=4)


@pytest.fixture(scope="module")
def pdf(doc):
    return render_minutes_pdf(doc)


def test_head_title_number_and_date(pdf):
    text = flat_text(pdf)
    assert "2024年第3次产业链联络员会议纪要" in text
    assert "〔2024〕3号助链联动机制秘书处2024年11月25日" in text  # number, issuer and date
    assert "2024年11月24日" in text
    assert "市总工会三楼会议室" in text


def test_agenda_items_are_numbered_headings_with_their_discussion(pdf):
    flat = flat_text(pdf)
    assert "一、会议议题及讨论情况" in flat
    assert "（一）逾期问题办理情况（第1项）" in flat
    assert "（三）逾期问题办理情况（第3项）" in flat
    assert "表示将于本月底前完成审核" in flat


def test_decisions_are_numbered_with_department_due_date_and_issue(pdf):
    flat = flat_text(pdf)
    assert "二、议定事项" in flat
    for n in range(1, 5):
        assert f"{n}.由市人社局牵头" in flat
        assert f"关联问题：2024-{n:04d}" in flat
    assert "责任单位：市人力资源和社会保障局" in flat
    assert "完成时限：2024年12月31日" in flat


def test_attendance_blocks_name_everyone(pdf):
    flat = flat_text(pdf)
    assert "出席：王芳（市总工会劳动和经济工作部）、张敏（软件产业链）" in flat
    for name in ("李强", "陈静", "孙伟", "马军"):
        assert name in flat
    assert "请假：赵磊（市工信局），因公出差" in flat
    assert "列席：刘建国（市总工会）" in flat


def test_page_numbers_in_the_dash_style(pdf):
    text = pdf_text(pdf, layout=True)
    assert "— 1 —" in text
    assert "— 2 —" in text


def test_odd_page_numbers_right_even_left(pdf):
    pages = pdf_text(pdf, layout=True).split("\f")
    number_line = {
        n: next(line for line in pages[n - 1].splitlines() if f"— {n} —" in line) for n in (1, 2)
    }
    # odd pages: the number sits at the right of the line; even pages: at its left
    assert number_line[1].index("—") > 20
    assert number_line[2].index("—") < 5


def test_last_line_carries_the_short_fingerprint(pdf, doc):
    last_page = pdf_text(pdf).split("\f")[-2]
    assert "纪要指纹" in last_page
    assert doc["fingerprint"] in last_page


def test_fingerprint_computed_when_the_document_has_none():
    doc = minutes_doc(n_items=1, n_decisions=1)
    doc["fingerprint"] = None
    fp = minutes_fingerprint(doc)
    assert re.fullmatch(r"[0-9a-f]{64}", fp)
    assert fp[:16] in pdf_text(render_minutes_pdf(doc))


def test_a4_pages(pdf):
    assert "(A4)" in pdf_info(pdf)["Page size"]
    assert pdf_info(pdf)["Page size"].startswith("595.276 x 841.89")


def test_every_font_embedded_and_a_chinese_sc_face(pdf):
    fonts = pdf_fonts(pdf)
    assert fonts
    assert all(f["emb"] == "yes" for f in fonts), fonts
    names = [f["name"] for f in fonts]
    assert any("CJK-SC" in n or "UKai-CN" in n for n in names), names
    # the body is in the fangsong-style face, the title in a song face, labels in hei
    assert any("UKai-CN" in n for n in names), names
    assert any("Serif-CJK-SC" in n for n in names), names
    assert any("Sans-CJK-SC" in n for n in names), names


def test_pdfa_3b_identification_in_xmp(pdf):
    with open_pdf(pdf) as p:
        meta = p.open_metadata()
        assert meta.pdfa_status == "3B"
        assert "2024年第3次产业链联络员会议纪要" in str(meta.get("dc:title"))


def test_minutes_json_attached(pdf, doc):
    with open_pdf(pdf) as p:
        files = p.attachments
        assert list(files) == ["minutes.json"]
        attached = json.loads(files["minutes.json"].get_file().read_bytes())
        # PDF/A-3 associates the file with the document
        assert str(p.Root.AF[0].AFRelationship) == "/Source"
    assert attached == doc


def test_same_document_same_bytes(pdf, doc):
    assert render_minutes_pdf(minutes_doc(n_items=3, n_decisions=4)) == pdf
    changed = minutes_doc(n_items=3, n_decisions=4)
    changed["summary"] += "补充一句。"
    assert render_minutes_pdf(changed) != pdf


def test_draft_minutes_say_so():
    doc = minutes_doc(n_items=1, n_decisions=1)
    doc["approved_at"] = None
    assert "（草稿）" in pdf_text(render_minutes_pdf(doc))


def test_empty_minutes_still_print():
    doc = minutes_doc(n_items=0, n_decisions=0)
    doc["attendance"] = {"present": [], "absent": [], "observer": []}
    doc["summary"] = ""
    flat = flat_text(render_minutes_pdf(doc))
    assert "（无议定事项）" in flat
    assert "出席：无" in flat


def test_every_page_footer_carries_the_fingerprint(pdf, doc):
    pages = [p for p in pdf_text(pdf).split("\f") if p.strip()]
    assert len(pages) >= 2
    assert all(f"纪要指纹 {doc['fingerprint']}" in page for page in pages)


def test_fingerprint_cannot_inject_css():
    doc = minutes_doc(n_items=1, n_decisions=1)
    doc["fingerprint"] = 'abc"; } } @page { size: A3; } x { content: "'
    pdf = render_minutes_pdf(doc)
    assert "(A4)" in pdf_info(pdf)["Page size"]
    assert "纪要指纹 abcaeea3ce" in pdf_text(pdf)  # only the hex digits survive


def test_concurrent_renderings_in_threads_agree(pdf):
    """A threaded server renders in parallel: each thread gets the same bytes."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(lambda _: render_minutes_pdf(minutes_doc(n_items=3, n_decisions=4)), range(3))
        )
    assert all(result == pdf for result in results)
