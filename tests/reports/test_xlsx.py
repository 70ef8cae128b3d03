"""The xlsx writer of every export (reports/xlsx.py): what a spreadsheet shows of each kind of
value, the layout of a sheet, and a file that leaves while its rows are still being read."""

import csv
import datetime as dt
import hashlib
import shutil
import subprocess
import tempfile
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports import xlsx

COLUMNS = [("文本", 20), ("数字", 8), ("日期", 12)]


def book(*sheets):
    return load_workbook(BytesIO(xlsx.to_bytes(list(sheets))))


def test_each_kind_of_value_reads_back_as_itself():
    evening = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)  # 1 December in Beijing
    row = [
        "招聘难",
        42,
        dt.date(2026, 12, 1),
        evening,
        2.5,
        Decimal("3.25"),
        xlsx.Number(0.125, "0.0%"),
        xlsx.Number(12.34, "0.0"),
        True,
        None,
        "",
        "第一行\n第二行",
    ]
    columns = [(f"列{i}", 10) for i in range(len(row))]
    sheet = book(xlsx.Sheet("值", columns, [row])).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    values = [c.value for c in cells]
    assert values[:2] == ["招聘难", 42]
    assert values[2] == values[3]  # the instant as its Beijing day
    assert values[2].date() == dt.date(2026, 12, 1)
    assert cells[2].number_format == cells[3].number_format == "yyyy-mm-dd"
    assert values[4:6] == [2.5, 3.25]
    assert (values[6], cells[6].number_format) == (0.125, "0.0%")
    assert (values[7], cells[7].number_format) == (12.34, "0.0")
    assert values[8:] == [True, None, None, "第一行\n第二行"]


def test_text_is_kept_as_typed_and_never_a_formula():
    texts = ["=1+1", "x & <y> > z", "a\rb", "  缩进  ", "-3", "普通"]
    cells = list(book(xlsx.Sheet("文本", [("t", 9)] * 6, [texts])).active.iter_rows(min_row=2))[0]
    assert [c.value for c in cells] == texts
    assert [bool(c.quotePrefix) for c in cells] == [True, False, False, False, True, False]
    assert {c.data_type for c in cells} == {"s"}


def test_excel_escapes_in_the_text_are_escaped_themselves():
    # Excel decodes `_xHHHH_` in a cell's text: `_x003D_` would come back as a `=` past the
    # formula check. Written as Excel writes it (`_x005F_` is the `_`), it shows as typed.
    content = xlsx.to_bytes([xlsx.Sheet("文本", [("t", 9)], [["_x003D_HYPERLINK(1)"]])])
    with zipfile.ZipFile(BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>_x005F_x003D_HYPERLINK(1)</t>" in sheet_xml


def test_a_sheet_has_its_heading_headers_widths_frozen_panes_filter_and_print_titles():
    rows = [["甲", 1, dt.date(2026, 1, 5)], ["乙", 2, None]]
    workbook = book(
        xlsx.Sheet("台账", COLUMNS, rows, heading="难点堵点台账"),
        xlsx.Sheet("其二", [("名称", 10)], []),
        xlsx.Sheet("通报", [("名称", 10)], [["甲"]], filtered=False),  # a table, not a ledger
    )
    assert workbook.sheetnames == ["台账", "其二", "通报"]
    sheet = workbook["台账"]
    assert sheet["A1"].value == "难点堵点台账" and sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert [c.value for c in sheet[2]] == ["文本", "数字", "日期"]
    assert sheet["A2"].font.b and sheet["A2"].fill.fgColor.rgb.endswith("DDE4EE")
    assert [sheet.column_dimensions[c].width for c in "ABC"] == [20, 8, 12]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:C4"
    assert sheet.print_title_rows == "$2:$2"
    other = workbook["其二"]
    assert other.freeze_panes == "A2" and other.auto_filter.ref == "A1:A1"
    assert other.print_title_rows == "$1:$1"
    assert workbook["通报"].auto_filter.ref is None and workbook["通报"].freeze_panes == "A2"


def test_what_the_writer_cannot_write_is_refused_before_a_byte():
    with pytest.raises(ValueError):
        xlsx.Sheet("台账/2026", COLUMNS, [])
    with pytest.raises(ValueError):
        xlsx.Number(1, "#,##0")


def test_the_file_leaves_while_its_rows_are_still_being_read(monkeypatch):
    # A ledger of a million rows is never held whole: each piece is sent once a few hundred
    # rows are compressed, and no piece is much larger than that.
    monkeypatch.setattr("reports.xlsx.FLUSH_BYTES", 16 * 1024)
    produced = []

    def rows():
        for n in range(5000):
            produced.append(n)
            yield [hashlib.sha256(str(n).encode()).hexdigest(), n, None]

    seen_at = []
    chunks = []
    for chunk in xlsx.stream([xlsx.Sheet("台账", COLUMNS, rows())]):
        seen_at.append(len(produced))
        chunks.append(chunk)
    assert seen_at[0] == 0  # the package's first parts: before the first row is read
    assert sum(1 for n in seen_at if n < 5000) > 5
    assert max(len(c) for c in chunks) < 128 * 1024
    sheet = load_workbook(BytesIO(b"".join(chunks)), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 5000


@pytest.mark.libreoffice
def test_libreoffice_calc_opens_it_and_shows_the_text_as_typed():
    if not shutil.which("localc"):
        pytest.skip("LibreOffice Calc is not installed (Debian: libreoffice-calc)")
    texts = ["=1+1", "_x003D_1+1", "@SUM(1,2)", "甲 & 乙"]
    rows = [[*texts, dt.date(2026, 12, 1), 7, xlsx.Number(0.125, "0.0%")]]
    columns = [(f"列{i}", 10) for i in range(7)]
    content = xlsx.to_bytes([xlsx.Sheet("台账", columns, rows, heading="标题")])
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "ledger.xlsx"
        source.write_bytes(content)
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shown = list(csv.reader((Path(folder) / "ledger.csv").read_text().splitlines()))
    assert shown[0][0] == "标题" and shown[1][0] == "列0"
    # Computed, "=1+1" would show 2; decoded, "_x003D_1+1" would show "=1+1".
    assert shown[2] == [*texts, "2026-12-01", "7", "12.5%"]
