"""GB/T 9704-2012 geometry of the 纪要, measured on the PDF: margins, type area, lines, characters."""

import re
import subprocess
import tempfile

import pytest

from meetings.printed import render_minutes_pdf
from tests.printing.helpers import minutes_doc

MM = 72 / 25.4
SENTENCE = "这是一段用于检验版心行数与每行字数的正文文字，共计二十八个汉字整齐排列。"


@pytest.fixture(scope="module")
def pages():
    """Per page: the lines of text as (xMin, yMin, xMax, yMax, text)."""
    doc = minutes_doc(n_items=1, n_decisions=1)
    doc["summary"] = "\n".join([SENTENCE * 3] * 12)
    pdf = render_minutes_pdf(doc)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox-layout", f.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    result = []
    for page in html.split("<page ")[1:]:
        lines = []
        for m in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
            page,
            re.S,
        ):
            text = "".join(re.findall(r">([^<]+)</word>", m.group(5)))
            lines.append((*map(float, m.groups()[:4]), text))
        result.append(lines)
    return result


def _body(lines):
    """The lines of the type area: not the page number, not the fingerprint in the footer."""
    return [line for line in lines if not line[4].startswith(("—", "纪要指纹"))]


def test_odd_page_binding_margin_28mm_and_even_page_mirrored(pages):
    odd_left = min(line[0] for line in _body(pages[0]))
    even_left = min(line[0] for line in _body(pages[1]))
    even_right = max(line[2] for line in _body(pages[1]))
    assert odd_left == pytest.approx(28 * MM, abs=1 * MM)
    # the back of the sheet mirrors the front so that the type areas coincide (套正)
    assert even_left == pytest.approx(26 * MM, abs=1 * MM)
    assert even_right == pytest.approx((210 - 28) * MM, abs=1 * MM)


def test_a_full_page_has_22_lines_of_28_characters(pages):
    body = _body(pages[1])
    assert len(body) == 22
    full_lines = [line[4] for line in body if not line[4].startswith("这是")]  # no indent
    assert full_lines and all(len(text) == 28 for text in full_lines if not text.endswith("。"))


def test_type_area_starts_37mm_from_the_top_and_ends_within_225mm(pages):
    body = _body(pages[1])
    top, bottom = body[0][1], body[-1][3]
    assert 37 * MM <= top <= 37 * MM + 16  # the first line's glyphs sit in its 29 pt line box
    assert bottom <= (37 + 225) * MM


def test_page_number_below_the_type_area_odd_right_even_left(pages):
    number_odd = next(line for line in pages[0] if line[4].startswith("—"))
    number_even = next(line for line in pages[1] if line[4].startswith("—"))
    assert number_odd[1] > (37 + 225) * MM
    assert number_odd[2] == pytest.approx((210 - 26) * MM - 14, abs=2 * MM)  # 右空一字
    assert number_even[0] == pytest.approx(26 * MM + 14, abs=2 * MM)  # 左空一字
