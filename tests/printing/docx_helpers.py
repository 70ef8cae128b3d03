"""Reading a DOCX back: its text in document order, as python-docx (and Word) sees it."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from tests.printing.helpers import pdf_text


def docx_body_text(content: bytes) -> str:
    """Every text run of the body (paragraphs and table cells) in order, without whitespace."""
    document = Document(io.BytesIO(content))
    texts = [t.text or "" for t in document.element.body.iter(qn("w:t"))]
    return re.sub(r"\s+", "", "".join(texts))


def pdf_body_text(pdf: bytes, *, footer_fingerprint: str = "") -> str:
    """The PDF's text without whitespace and without what its page footers print (the number
    "— 1 —" of each page and, on minutes, the fingerprint): the DOCX has those in its footer."""
    pages = []
    for n, page in enumerate(pdf_text(pdf).split("\f"), start=1):
        flat = re.sub(r"\s+", "", page)
        footers = [f"—{n}—"] + ([f"纪要指纹{footer_fingerprint}"] if footer_fingerprint else [])
        for _ in footers:  # in whichever order the page drew them, before or after the body
            for footer in footers:
                flat = flat.removesuffix(footer).removeprefix(footer)
        pages.append(flat)
    return "".join(pages)


def libreoffice_pdf(content: bytes, out_dir: Path) -> bytes:
    """The DOCX opened and printed to PDF by LibreOffice, as a person's office suite would."""
    with tempfile.TemporaryDirectory() as profile:
        source = out_dir / "document.docx"
        source.write_bytes(content)
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return (out_dir / "document.pdf").read_bytes()
