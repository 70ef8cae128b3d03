"""The one xlsx writer of every Excel export (the ledgers, the bulletin): each sheet's XML is
written row by row into a zip that leaves as it grows, so memory stays flat and the first
bytes are sent at once, whatever the number of rows.

Why not openpyxl: its write-only mode makes a cell object per value and writes it through an
XML library, ~10 µs a cell, most of the time of a ledger (5,000 rows/s of 19 columns). Here a
row is a join of f-strings (text inline: no shared-strings table held until the end), and
zipfile writes to a stream that cannot seek (each entry's sizes follow it in a data descriptor,
which Excel, WPS, LibreOffice and openpyxl read). No entry is Zip64 (Excel reads a streamed
Zip64 entry badly), so a sheet's XML stays under zipfile's 2 GiB: at the 1.3 KB of a ledger
row, 1.6M rows, more than Excel's 1,048,576. The parts are the least a SpreadsheetML package
needs (ECMA-376 part 1), with the few styles the exports use.

Every text cell (DESIGN "Security", reports/cells.py): characters XML cannot hold are replaced,
`&`, `<`, `>` and CR are escaped (a bare CR would be read back as a line feed), `_xHHHH_` is
escaped as Excel escapes it (else Excel would decode `_x003D_` into a `=` that escapes the
formula check), and text that starts like a formula carries the quote prefix: it stays text.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl.utils import get_column_letter

from reports.cells import FORMULA_STARTS, UNWRITABLE, UNWRITABLE_CHARACTERS, clean_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Deflate of the 100k ledger's sheet (131 MB of XML): level 1 0.33 s of CPU and 13.0 MB, level
# 3 0.42 s and 11.6 MB (openpyxl's file: 12.0 MB), the default 6 0.87 s and 9.4 MB.
COMPRESSLEVEL = 3
ROWS_PER_WRITE = 500  # rows joined into one string before they are compressed
FLUSH_BYTES = 256 * 1024  # compressed bytes gathered before they are sent as one chunk
MAX_ROWS = 1_048_576  # Excel's last row

# The cell styles (cellXfs in styles.xml, by index).
PLAIN, DATE, QUOTED, HEADING, HEADER = 0, 1, 2, 3, 4
DATE_FORMAT = "yyyy-mm-dd"  # ISO in exports (JOURNEYS "How the pages should feel")
# The number formats a `Number` may carry, each with the style that shows it.
NUMBER_STYLES = {"0.0%": 5, "0.0": 6}
EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # serial 1 = 1900-01-01 after Excel's leap day


@dataclass(frozen=True)
class Number:
    """A number shown in one of `NUMBER_STYLES`' formats (a rate as 12.5%)."""

    value: int | float | Decimal
    number_format: str

    def __post_init__(self) -> None:
        if self.number_format not in NUMBER_STYLES:
            raise ValueError(f"no style for the number format {self.number_format!r}")


Cell = str | int | float | Decimal | date | Number | None


@dataclass
class Sheet:
    """One sheet: its headers (with column widths), frozen below them, printed with them on
    every page, and (`filtered`, a ledger's) filterable by each column; `heading`: a title row
    above them, merged across. `rows` may be a generator: it is read once, as it is sent."""

    title: str
    columns: Sequence[tuple[str, float]]  # (header, width in characters)
    rows: Iterable[Sequence[Cell]]
    heading: str = ""
    filtered: bool = True

    def __post_init__(self) -> None:
        if not 0 < len(self.title) <= 31 or re.search(r"[\[\]:*?/\\]", self.title):
            raise ValueError(f"{self.title!r} cannot name a sheet")

    @property
    def header_row(self) -> int:
        return 2 if self.heading else 1


def stream(sheets: Sequence[Sheet]) -> Iterator[bytes]:
    """The workbook of `sheets` as chunks of bytes, made as they are read: the first chunk
    before any row is read, then one every `FLUSH_BYTES` or so."""
    return _package(list(sheets))


def to_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The whole workbook at once (a small one: a background task's document)."""
    return b"".join(stream(sheets))


class _Outbox:
    """What zipfile writes, gathered until it is sent. It has no `tell`: zipfile then writes
    for a stream that cannot seek back (sizes after each entry, not in its header)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return data


def _package(sheets: list[Sheet]) -> Iterator[bytes]:
    outbox = _Outbox()
    with zipfile.ZipFile(
        outbox, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL
    ) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("docProps/app.xml", APP)
        archive.writestr("docProps/core.xml", _core())
        archive.writestr("xl/styles.xml", STYLES)
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        yield outbox.take()  # the response starts now, not after the first rows
        filters: list[str] = []
        for number, sheet in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                filters.append((yield from _write_sheet(sheet, part, outbox)))
            yield outbox.take()
        archive.writestr("xl/workbook.xml", _workbook(sheets, filters))
    yield outbox.take()  # the central directory


def _write_sheet(sheet: Sheet, part: IO[bytes], outbox: _Outbox) -> Generator[bytes, None, str]:
    """Writes `sheet` into `part`, yielding what is ready to send; returns its filter's range."""
    last = get_column_letter(len(sheet.columns))
    header_row = sheet.header_row
    part.write(_sheet_head(sheet).encode())
    letters = [get_column_letter(i) for i in range(1, len(sheet.columns) + 1)]
    number, batch = header_row, []
    rows = iter(sheet.rows)
    try:
        for values in rows:
            number += 1
            if number > MAX_ROWS:
                raise ValueError(f"more rows than Excel's {MAX_ROWS:,}")
            batch.append(_row(number, letters, values))
            if len(batch) == ROWS_PER_WRITE:
                part.write("".join(batch).encode())
                batch.clear()
                if outbox.size >= FLUSH_BYTES:
                    yield outbox.take()
    finally:
        # A download given up (the response closed early) closes its rows now, not when the
        # collector gets to them: a ledger's rows end their transaction and cursor (ledgers.py).
        if isinstance(rows, Generator):
            rows.close()
    part.write("".join(batch).encode())
    filter_range = f"A{header_row}:{last}{number}"
    tail = "</sheetData>"
    if sheet.filtered:
        tail += f'<autoFilter ref="{filter_range}"/>'
    if sheet.heading:
        tail += f'<mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
    margins = 'left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"'
    part.write(f"{tail}<pageMargins {margins}/></worksheet>".encode())
    return filter_range


def _sheet_head(sheet: Sheet) -> str:
    header_row = sheet.header_row
    below = f"A{header_row + 1}"
    pane = (
        f'<pane ySplit="{header_row}" topLeftCell="{below}" activePane="bottomLeft" '
        f'state="frozen"/><selection pane="bottomLeft" activeCell="{below}" sqref="{below}"/>'
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, (_header, width) in enumerate(sheet.columns, 1)
    )
    rows = ""
    if sheet.heading:
        rows += f'<row r="1">{_text_cell("A1", sheet.heading, HEADING)}</row>'
    headers = "".join(
        _text_cell(f"{get_column_letter(i)}{header_row}", header, HEADER)
        for i, (header, _width) in enumerate(sheet.columns, 1)
    )
    rows += f'<row r="{header_row}">{headers}</row>'
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{rows}'
    )


# Characters with a meaning in XML text (or lost in it: CR), or in Excel's own escapes.
_ESCAPED = re.compile(r"[&<>\r]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", "_": "_x005F_"}
_SPACE = (" ", "\t", "\n", "\r")
_FIRST = frozenset(FORMULA_STARTS + _SPACE)
_CONTROL = re.compile(f"[\r{UNWRITABLE_CHARACTERS}]")  # what a text that is not printable may hold


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def _text_cell(ref: str, text: str, style: int) -> str:
    """A text cell; `style` PLAIN gets the quote prefix when the text starts like a formula."""
    if UNWRITABLE.search(text):
        text = clean_text(text)
    if style == PLAIN and text.startswith(FORMULA_STARTS):
        style = QUOTED
    space = ' xml:space="preserve"' if text.startswith(_SPACE) or text.endswith(_SPACE) else ""
    if _ESCAPED.search(text):
        text = _ESCAPED.sub(_escape, text)
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _row(number: int, letters: list[str], values: Sequence[Cell]) -> str:
    """One `<row>`; an empty value (None, "") leaves its cell out."""
    n = str(number)
    cells = []
    for letter, value in zip(letters, values, strict=True):
        if isinstance(value, str):
            if not value:
                continue
            if (  # most text, written as it is: `_text_cell` is for the rest (~4× slower)
                (value.isprintable() or not _CONTROL.search(value))
                and "&" not in value
                and "<" not in value
                and ">" not in value
                and "_x" not in value
                and value[0] not in _FIRST
                and value[-1] not in _SPACE
            ):
                cells.append(f'<c r="{letter}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(_text_cell(letter + n, value, PLAIN))
        elif value is None:
            continue
        elif type(value) is int:  # not a bool, an int subclass
            cells.append(f'<c r="{letter}{n}"><v>{value}</v></c>')
        else:
            cells.append(_other_cell(letter + n, value))
    return f'<row r="{n}">{"".join(cells)}</row>'


def _other_cell(ref: str, value: Cell) -> str:
    if isinstance(value, datetime):  # the exports show days: an instant as its day here
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Number):
        style = f' s="{NUMBER_STYLES[value.number_format]}"'
        return f'<c r="{ref}"{style}><v>{_number(value.value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    raise TypeError(f"no xlsx cell for {type(value).__name__}")


def _number(value: int | float | Decimal) -> str:
    """The shortest text that reads back as `value`. Excel has no NaN or infinity: one is a
    bug upstream, refused rather than written as a number Excel would not open."""
    if isinstance(value, int):
        return str(int(value))  # int(): an IntegerChoices member's number, not its name
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a number Excel can hold")
    return repr(value) if isinstance(value, float) else str(value)


def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _attribute(text: str) -> str:
    return escape(text, {'"': "&quot;"})


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
OPEN_XML = "application/vnd.openxmlformats"

ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELS_NS}">'
    f'<Relationship Id="rId1" Type="{OFFICE_DOC}" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)

APP = (
    f"{XML_DECLARATION}<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Liaison</Application></Properties>"
)


def _core() -> str:
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{XML_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        "</cp:coreProperties>"
    )


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{OPEN_XML}-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f"{XML_DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{OPEN_XML}-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        f'ContentType="{OPEN_XML}-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        f'ContentType="{OPEN_XML}-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        f'ContentType="{OPEN_XML}-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        f'ContentType="{OPEN_XML}-package.core-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook_rels(sheets: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELS_NS}">{links}{styles}</Relationships>'
    )


def _workbook(sheets: list[Sheet], filters: list[str]) -> str:
    """The sheets and their defined names: the filter's range (what Excel itself writes beside
    the sheet's autoFilter) and the header rows printed on every page."""
    entries, names = [], []
    for index, (sheet, filter_range) in enumerate(zip(sheets, filters, strict=True)):
        title = _attribute(_quote_sheet(sheet.title))
        entries.append(
            f'<sheet name="{_attribute(sheet.title)}" sheetId="{index + 1}" r:id="rId{index + 1}"/>'
        )
        if sheet.filtered:
            start, end = filter_range.split(":")
            absolute = f"{_absolute(start)}:{_absolute(end)}"
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                f"{title}!{absolute}</definedName>"
            )
        header_row = sheet.header_row
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{title}!${header_row}:${header_row}</definedName>"
        )
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{''.join(entries)}</sheets><definedNames>{''.join(names)}</definedNames>"
        "</workbook>"
    )


def _absolute(ref: str) -> str:
    """B12 → $B$12."""
    letters = ref.rstrip("0123456789")
    return f"${letters}${ref[len(letters) :]}"


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
_CENTRE = '<alignment horizontal="center" vertical="center"'
STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
    f'<numFmts count="3"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    '<numFmt numFmtId="165" formatCode="0.0%"/><numFmt numFmtId="166" formatCode="0.0"/></numFmts>'
    f'<fonts count="3"><font>{_FONT}</font>'
    '<font><b/><sz val="16"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    f"<font><b/>{_FONT}</font></fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE4EE"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    f'applyAlignment="1">{_CENTRE}/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    f'applyAlignment="1">{_CENTRE} wrapText="1"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
