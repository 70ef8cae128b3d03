"""The only way the PDF renderer may load anything: the project's own static files and data: URIs.

WeasyPrint's default fetcher opens ``file://`` and any ``http(s)://`` URL, so text a user typed
(an issue title with ``<img src=http://...>`` if it were ever unescaped, or a stylesheet link)
could read the server's files or call the network. This fetcher never opens a socket or a path
outside the static files; everything else raises before anything is fetched.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base URL the print templates are rendered against: relative and /static/ URLs resolve
# to this made-up origin, which maps to the static files and nothing else.
BASE_URL = "https://print.liaison.invalid/"
_ORIGIN = urlsplit(BASE_URL).netloc


class RefusedURL(ValueError):
    """A URL the renderer may not fetch."""


class SafeURLFetcher(URLFetcher):
    """Serve ``/static/...`` from the project's static files and decode ``data:``; refuse the rest."""

    def __init__(self) -> None:
        # No handlers beyond the parent's are used: fetch() below never calls the opener.
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _decode_data_url(url)
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.netloc == _ORIGIN and not parts.query:
            path = static_path(unquote(parts.path))
            if path is not None:
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise RefusedURL(f"the PDF renderer refuses to fetch {url[:200]!r}")

    # Redirects and anything else going through urllib's opener are refused as well.
    def open(self, url, data=None, timeout=None):
        raise RefusedURL("the PDF renderer does not open URLs")


def static_path(url_path: str) -> Path | None:
    """The file behind ``/static/<name>`` if it is one of the project's static files."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not url_path.startswith(prefix):
        return None
    name = url_path[len(prefix) :]
    if not name or ".." in Path(name).parts or name.startswith("/"):
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    candidate = (Path(settings.STATIC_ROOT) / name).resolve()
    root = Path(settings.STATIC_ROOT).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return None


def _decode_data_url(url: str) -> URLFetcherResponse:
    head, sep, payload = url[5:].partition(",")
    if not sep:
        raise RefusedURL("malformed data: URI")
    params = head.split(";")
    mime = params[0] or "text/plain"
    body = base64.b64decode(payload) if "base64" in params[1:] else unquote(payload).encode("utf-8")
    return URLFetcherResponse(url, body, {"Content-Type": mime})


def static_url(name: str) -> str:
    """The URL under which the renderer finds a static file (for templates)."""
    return BASE_URL + settings.STATIC_URL.strip("/") + "/" + name
