"""The shared core of every printed document: template -> HTML -> PDF bytes, nothing fetched."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from liaison.formats import BEIJING, cn_date, cn_numeral  # noqa: F401 - shared by the printing modules
from printing.fetcher import BASE_URL, SafeURLFetcher, static_path
from printing.glyphs import print_charset, printable


def fixed_timestamp(*candidates: Any) -> datetime:
    """The first usable timestamp among ``candidates``: PDFs carry dates from the document,
    never the clock, so rendering the same document twice gives the same bytes."""
    for value in candidates:
        if not value:
            continue
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=BEIJING)
    return datetime(2024, 1, 1, tzinfo=BEIJING)


def w3c(ts: datetime) -> str:
    return ts.astimezone(BEIJING).isoformat(timespec="seconds")


def canonical_json(data: Any) -> bytes:
    """The one canonical form of a document's data: UTF-8, keys sorted, no spaces. What is
    attached to a PDF and what a fingerprint hashes; a value JSON cannot hold is an error."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


STYLESHEET = "/static/print/gbt9704.css"
# Per thread: a threaded server (runserver, gunicorn --threads) never shares Pango objects.
_parsed = threading.local()


def _print_resources() -> tuple[CSS, FontConfiguration]:
    """The print stylesheet, parsed once per thread (and again when the file changes), with
    the font configuration it was parsed for. The stylesheet has no @font-face rules: every
    face comes from the system, so one configuration serves every rendering."""
    path = _stylesheet_path()
    key = f"{path}:{path.stat().st_mtime_ns}"
    if getattr(_parsed, "key", None) != key:
        font_config = FontConfiguration()
        _parsed.css = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=BASE_URL,
            url_fetcher=SafeURLFetcher(),
            font_config=font_config,
        )
        _parsed.font_config, _parsed.key = font_config, key
    return _parsed.css, _parsed.font_config


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    timestamp: datetime,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    archival: bool = False,
    even_pages: str | None = None,
) -> bytes:
    """Render ``template`` to PDF bytes.

    ``attachments`` are (name, bytes, description); ``archival`` makes the file PDF/A-3b.
    The timestamp goes into the metadata and the attachments so the output is deterministic.
    ``even_pages`` names a context flag: when the document lays out on an odd number of
    pages it is laid out again with that flag set, and the template then puts its closing
    part (the 版记) on a page of its own, so that the last page is an even one (GB/T 9704).
    """
    # the variant sets layout options too (its colour profile): the same for both steps
    variant = {"pdf_variant": "pdf/a-3b" if archival else None}
    html = _html(template, context, timestamp)
    document = _layout(html, variant)
    if even_pages and len(document.pages) % 2:
        html = _html(template, {**context, even_pages: True}, timestamp)
        document = _layout(html, variant)
    fetcher = SafeURLFetcher()
    utc = timestamp.astimezone(UTC)  # WeasyPrint writes attachment dates with a "Z" suffix
    files = [
        Attachment(
            string=body,
            base_url=BASE_URL,
            url_fetcher=fetcher,
            name=name,
            description=description,
            created=utc,
            modified=utc,
            relationship="Source" if archival else "Unspecified",
        )
        for name, body, description in attachments
    ]
    return document.write_pdf(
        attachments=files or None,
        **variant,
        # A fixed identifier: PDF/A asks for one, and a random one would break determinism.
        pdf_identifier=hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    )


def _html(template: str, context: dict[str, Any], timestamp: datetime) -> str:
    """The document's HTML, every character the print fonts lack marked (never a box)."""
    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "pdf_timestamp": w3c(timestamp)})
    return printable(html, print_charset(_stylesheet_path()))


def _stylesheet_path() -> Path:
    path = static_path(STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"the print stylesheet {STYLESHEET} is not among the static files")
    return path


def _layout(html: str, options: dict[str, Any]) -> Document:
    stylesheet, font_config = _print_resources()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()).render(
        stylesheets=[stylesheet], font_config=font_config, **options
    )
