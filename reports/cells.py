"""Text cells that stay text: the last line of defence of every Excel export.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken
for a formula by Excel or WPS (at once for `=`, on the first edit or a CSV round trip for the
others): an issue titled `=HYPERLINK("http://…","y")` must never become a live link. Such
text is written as a string cell with Excel's quote prefix (the cell shows the text as typed
and keeps it text when edited). Control characters that the xlsx format cannot hold (openpyxl
refuses them and the whole export would fail) are replaced: a vertical tab or form feed (what
Word's Shift+Enter pastes) becomes a line break, any other one a visible U+FFFD.
"""

from __future__ import annotations

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """`text` without the characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, LINE_BREAKS.sub("\n", text))


def _make_text(cell: Cell) -> Cell:
    text = clean_text(cell.value)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl marks text starting with "=" as a formula
        cell.quotePrefix = True
    return cell


def safe_cell(sheet, value):
    """`value` as something `sheet.append` writes safely (text cells checked, others as given)."""
    if isinstance(value, Cell):  # WriteOnlyCell() makes a Cell
        return _make_text(value) if isinstance(value.value, str) else value
    if isinstance(value, str):
        text = clean_text(value)
        if text.startswith(FORMULA_STARTS):
            return _make_text(WriteOnlyCell(sheet, value=text))
        # Plain text needs no cell of its own: openpyxl then reuses one cell per row, the
        # difference between ~25 s and ~15 s for a ledger of 100,000 issues.
        return text
    return value


class SafeSheet:
    """A write-only worksheet whose `append` passes every value through `safe_cell`."""

    def __init__(self, sheet):
        self._sheet = sheet

    def append(self, row) -> None:
        self._sheet.append([safe_cell(self._sheet, value) for value in row])

    def __getattr__(self, name):
        return getattr(self._sheet, name)
