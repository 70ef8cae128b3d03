"""The approved minutes measured against GB/T 9704-2012 with ``pdftotext -bbox`` and
``pdffonts``: the positions a reader with a ruler checks, on documents of several pages."""

import pytest

from meetings.printed import render_minutes_pdf
from tests.printing.helpers import bbox_lines, minutes_doc, pdf_fonts

MM = 72 / 25.4
PT = 1.0
TYPE_TOP, TYPE_BOTTOM = 37 * MM, (37 + 225) * MM
BODY = 16 * PT  # 3号: one character


def _left_edge(page_number: int) -> float:
    """The type area's left edge: 订口 28 mm on odd pages, mirrored (26 mm) on even pages."""
    return (28 if page_number % 2 else 26) * MM


def _minutes(n: int) -> dict:
    doc = minutes_doc(n_items=n, n_decisions=n)
    # enough people that the 出席 line wraps
    doc["attendance"]["present"] += [
        {"name": f"联络员{i}", "organisation": "市总工会劳动和经济工作部"} for i in range(8)
    ]
    return doc


@pytest.fixture(scope="module", params=[3, 6, 8], ids=lambda n: f"{n}-items")
def rendered(request):
    pdf = render_minutes_pdf(_minutes(request.param))
    return pdf, bbox_lines(pdf)


def _find(pages, predicate):
    return next(
        (number, line)
        for number, lines in enumerate(pages, start=1)
        for line in lines
        if predicate(line[4])
    )


def test_several_pages_ending_on_an_even_page(rendered):
    _pdf, pages = rendered
    assert len(pages) >= 4
    assert len(pages) % 2 == 0
    last_number = next(line for line in pages[-1] if line[4].startswith("—"))
    assert last_number[4].replace("—", "") == str(len(pages))


def test_masthead_red_title_35mm_below_the_type_area_top_and_centred(rendered):
    _pdf, pages = rendered
    number, line = _find(pages, lambda t: t.endswith("会议纪要"))
    assert number == 1
    assert line[1] == pytest.approx(TYPE_TOP + 35 * MM, abs=1.5 * MM)
    assert (line[0] + line[2]) / 2 == pytest.approx(28 * MM + 156 * MM / 2, abs=2 * MM)


def test_attendance_two_characters_in_and_wrapped_names_after_the_colon(rendered):
    _pdf, pages = rendered
    number, present = _find(pages, lambda t: t.startswith("出席："))
    assert present[0] == pytest.approx(_left_edge(number) + 2 * BODY, abs=1.5)
    lines = pages[number - 1]
    wrapped = lines[lines.index(present) + 1]
    assert not wrapped[4].startswith(("请假", "列席"))
    # the first name starts after "出席：", and so does every wrapped line
    assert wrapped[0] == pytest.approx(_left_edge(number) + 5 * BODY, abs=1.5)
    for label in ("请假：", "列席："):
        number, line = _find(pages, lambda t, label=label: t.startswith(label))
        assert line[0] == pytest.approx(_left_edge(number) + 2 * BODY, abs=1.5)


def test_colophon_at_the_foot_of_the_last_page(rendered):
    _pdf, pages = rendered
    number, issued = _find(pages, lambda t: t.endswith("印发"))
    assert number == len(pages)
    # the 印发 line sits on the last rule, which is the bottom edge of the type area
    assert TYPE_BOTTOM - 4 * MM <= issued[3] <= TYPE_BOTTOM
    # 印发机关 one character (4号, 14 pt) in from the left, the date one character in from the right
    issuer = next(line for line in pages[-1] if line[4] == "助链联动机制秘书处")
    assert issuer[3] == pytest.approx(issued[3], abs=1)
    assert issuer[0] == pytest.approx(_left_edge(number) + 14, abs=1.5)
    assert issued[2] == pytest.approx(_left_edge(number) + 156 * MM - 14, abs=1.5)
    fingerprint = next(line for line in pages[-1] if line[4].startswith("纪要指纹："))
    assert fingerprint[3] <= issued[1]  # above the 印发 line, inside the 版记


def test_page_numbers_below_the_type_area_one_character_in(rendered):
    _pdf, pages = rendered
    for number, lines in enumerate(pages, start=1):
        mark = next(line for line in lines if line[4].startswith("—"))
        assert mark[4].replace("—", "") == str(number)
        assert TYPE_BOTTOM < mark[1] < TYPE_BOTTOM + 12 * MM
        left = _left_edge(number)
        if number % 2:  # odd: right, one character in from the type area's right edge
            assert mark[2] == pytest.approx(left + 156 * MM - 14, abs=1.5)
        else:  # even: left, one character in
            assert mark[0] == pytest.approx(left + 14, abs=1.5)


def test_body_in_fandol_fangsong(rendered):
    pdf, _pages = rendered
    names = [font["name"] for font in pdf_fonts(pdf)]
    assert any(name.endswith("+FandolFang") for name in names), names


def test_emoji_printed_as_a_mark_never_as_a_box():
    doc = minutes_doc(n_items=1, n_decisions=1)
    doc["items"][0]["title"] = "园区停车难😀问题👍🏻"
    doc["decisions"][0]["text"] = "由市住房保障局协调❤️"
    pages = bbox_lines(render_minutes_pdf(doc))
    text = "".join(line[4] for lines in pages for line in lines)
    assert "园区停车难〔表情〕问题〔表情〕" in text
    assert "协调〔表情〕" in text
    assert not any(ord(ch) > 0xFFFF or ch in "\ufe0f\u2764" for ch in text)


def test_decision_without_department_names_no_dash():
    doc = minutes_doc(n_items=1, n_decisions=2)
    doc["decisions"][0]["department"] = None
    doc["decisions"][1] |= {"department": None, "due_date": None, "issue_number": None}
    text = "".join(line[4] for lines in bbox_lines(render_minutes_pdf(doc)) for line in lines)
    assert "责任单位：—" not in text and "完成时限：—" not in text
    assert "（第1条）。（完成时限：2024年12月31日；关联问题：2024-0001）" in text
    assert "（第2条）。2." not in text  # nothing after the text at all: no empty brackets
    assert "（第2条）。二、" in text or "（第2条）。出席" in text
