"""Characters no print font has never print as empty boxes (GB/T 9704 text has no emoji).

The faces are the ones the print stylesheet names (its quoted font families, as installed,
and its own @font-face files); a character none of them covers is replaced by a visible mark,
an emoji by 〔表情〕 and anything else by 〔缺字〕, a run of them (an emoji sequence with its
joiners) by one mark. Invisible format characters the fonts lack are dropped. Only the printed
text changes: the data attached to a PDF keeps what was typed.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from printing.fetcher import static_path

EMOJI_MARK = "〔表情〕"
MISSING_MARK = "〔缺字〕"
# Emoji blocks (pictographs, dingbats, symbols) and their joiners and modifiers.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\U0001f1e6-\U0001f1ff"
    "\u200d\ufe0e\ufe0f\u20e3\U000e0020-\U000e007f\U0001f3fb-\U0001f3ff]"
)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_INVISIBLE = ("Cf", "Mn", "Me")  # format characters (joiners, selectors) and combining marks


def printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with every character outside ``covered`` replaced by a visible mark."""
    return _NON_ASCII_RUN.sub(lambda m: _mark_run(m.group(), covered), text)


def _mark_run(run: str, have: frozenset[int]) -> str:
    out: list[str] = []
    pending = ""  # the characters of the current run the fonts lack
    for ch in run:
        # a joiner or modifier after a missing character belongs to it (emoji sequences)
        joins = pending and (_EMOJI.match(ch) or unicodedata.category(ch) in _INVISIBLE)
        if (ord(ch) in have or ch.isspace()) and not joins:
            out.append(_mark(pending))
            pending = ""
            out.append(ch)
        else:
            pending += ch
    out.append(_mark(pending))
    return "".join(out)


def _mark(missing: str) -> str:
    visible = [ch for ch in missing if unicodedata.category(ch) not in _INVISIBLE]
    if not visible:
        return ""  # joiners, variation selectors: nothing a reader would miss
    return EMOJI_MARK if all(_EMOJI.match(ch) for ch in visible) else MISSING_MARK


@lru_cache(maxsize=4)
def print_charset(stylesheet: Path) -> frozenset[int]:
    """Every code point some face of ``stylesheet`` covers (read once per process)."""
    covered: set[int] = set()
    for path, index in _font_files(stylesheet.read_text(encoding="utf-8")):
        try:
            font = TTFont(path, fontNumber=index, lazy=True)
            covered.update(font.getBestCmap() or {})
        except (OSError, ValueError, KeyError):  # an unreadable font covers nothing
            continue
    return frozenset(covered)


def _font_files(css: str) -> list[tuple[str, int]]:
    """The stylesheet's @font-face files (among the static files) and its named families."""
    files: list[tuple[str, int]] = []
    for url in re.findall(r'src:\s*url\("?([^")]+)"?\)', css):
        local = static_path(url)
        if local is not None:
            files.append((str(local), 0))
    declarations = re.findall(r"(?:font-family|--[a-z]+):([^;]+);", css)
    families = dict.fromkeys(re.findall(r'"([^"]+)"', " ".join(declarations)))
    for family in families:
        files.extend(_installed(family))
    return files


def _installed(family: str) -> list[tuple[str, int]]:
    """The files of ``family`` as fontconfig knows it (none when it is not installed)."""
    try:
        listing = subprocess.run(
            ["fc-list", "-f", "%{file}|%{index}\n", f":family={family}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listing.splitlines():
        path, _, index = line.rpartition("|")
        if path and Path(path).is_file():
            found.append((path, int(index or 0)))
    return sorted(set(found))
