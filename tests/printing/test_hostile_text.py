"""User text with markup prints as text: nothing is attached, linked or fetched."""

import re
from datetime import UTC, datetime

import pytest
from django.template import engines

import printing.render as render_module
from meetings.printed import render_agenda_pdf, render_minutes_pdf
from printing.fetcher import SafeURLFetcher
from tests.printing.helpers import HOSTILE, agenda_doc, minutes_doc, open_pdf, pdf_text


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asks for, allowed or not."""
    urls = []
    original = SafeURLFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(SafeURLFetcher, "fetch", spy)
    return urls


def _only_own_static(urls):
    return all(
        u.startswith("https://print.liaison.invalid/static/") or u.startswith("data:") for u in urls
    )


def test_hostile_minutes_attach_and_fetch_nothing(fetched):
    pdf = render_minutes_pdf(minutes_doc(n_items=2, n_decisions=2, text=HOSTILE))
    assert _only_own_static(fetched), fetched
    assert not any("hostname" in u or "127.0.0.1" in u for u in fetched)
    with open_pdf(pdf) as p:
        assert list(p.attachments) == ["minutes.json"]  # only our own JSON
        for page in p.pages:
            assert "/XObject" not in page.Resources or not any(
                str(x.get("/Subtype")) == "/Image" for x in page.Resources.XObject.values()
            )
    # the markup is printed as the text it is
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    assert "<linkrel=attachmenthref=file:///etc/hostname>" in flat
    assert "<imgsrc=http://127.0.0.1:9/x.png>" in flat


def test_hostile_agenda_attaches_and_fetches_nothing(fetched):
    pdf = render_agenda_pdf(agenda_doc(text=HOSTILE))
    assert _only_own_static(fetched), fetched
    with open_pdf(pdf) as p:
        assert len(p.attachments) == 0
    assert "file:///etc/hostname" in pdf_text(pdf)


def test_even_unescaped_markup_could_not_fetch(fetched, monkeypatch):
    """Defence in depth: if a template ever forgot to escape, the fetcher still refuses."""
    template = engines["django"].from_string(
        '<html lang="zh-CN"><head><meta charset="utf-8"></head><body>{{ evil|safe }}'
        '<img src="/etc/hostname"></body></html>'
    )
    monkeypatch.setattr(render_module, "render_to_string", lambda name, ctx: template.render(ctx))
    pdf = render_module.render_pdf(
        "unused", {"evil": HOSTILE}, timestamp=datetime(2024, 1, 1, tzinfo=UTC)
    )
    # each was asked for, each refused: the document has no image and no attachment
    assert set(fetched) == {
        "file:///etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://print.liaison.invalid/etc/hostname",
    }
    with open_pdf(pdf) as p:
        assert len(p.attachments) == 0
