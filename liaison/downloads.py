"""The one way a download is named: `Content-Disposition` with a Chinese file name.

RFC 6266 with RFC 5987's `filename*=UTF-8''…` for the real (Chinese) name, which every
current browser uses, and a plain ASCII `filename="…"` before it for the few clients that
read nothing else (old mail clients, some download managers). Django's own
`content_disposition_header` gives a non-ASCII name no ASCII fallback at all.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str, *, attachment: bool = True, fallback: str = "") -> str:
    """The header for `filename`; `fallback` is the ASCII name for old clients (default: the
    ASCII letters of `filename`, else "download" with its extension)."""
    kind = "attachment" if attachment else "inline"
    if filename.isascii():
        return f'{kind}; filename="{_ascii(filename)}"'
    suffix = PurePosixPath(filename).suffix
    ascii_name = _ascii(fallback) if fallback else ""
    if not ascii_name or ascii_name == suffix:
        stem = _ascii(PurePosixPath(filename).stem).strip("._-")
        ascii_name = f"{stem or 'download'}{_ascii(suffix)}"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii(name: str) -> str:
    return _UNSAFE_ASCII.sub("-", name.encode("ascii", "ignore").decode()).strip("-")
