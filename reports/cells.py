"""Text cells that stay text: the last line of defence of every Excel export (reports/xlsx.py
writes every text cell through these rules).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken
for a formula by Excel or WPS (at once for `=`, on the first edit or a CSV round trip for the
others): an issue titled `=HYPERLINK("http://…","y")` must never become a live link. Such
text is written as a string cell with Excel's quote prefix (the cell shows the text as typed
and keeps it text when edited). Characters that an xlsx file (XML 1.0) cannot hold are
replaced, never let through to spoil the file: a vertical tab or form feed (what Word's
Shift+Enter pastes) becomes a line break, any other one a visible U+FFFD.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
# The C0 controls but tab, LF and CR; the two non-characters and lone surrogates.
UNWRITABLE_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
UNWRITABLE = re.compile(f"[{UNWRITABLE_CHARACTERS}]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> str:
    """`text` without the characters an xlsx file cannot hold."""
    return UNWRITABLE.sub(REPLACEMENT, LINE_BREAKS.sub("\n", text))
