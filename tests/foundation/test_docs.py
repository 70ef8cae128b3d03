"""Every design section the code cites exists in docs/design.md, which a clone carries."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["liaison", "organisation", "issues", "meetings", "reports", "notifications", "printing"]
# DESIGN "Roles and visibility", DESIGN's "Meetings", DESIGN.md "Layout"
CITATION = re.compile(r"""DESIGN(?:'s|\.md)? "([^"]+)\"""")


def headings() -> list[str]:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def citations() -> list[tuple[str, str]]:
    found = []
    for folder in [*APPS, "tests", "templates"]:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".css"} and path != Path(__file__):
                for section in CITATION.findall(path.read_text(encoding="utf-8")):
                    found.append((str(path.relative_to(ROOT)), section))
    return found


def test_the_code_cites_design_sections():
    # the check below would pass vacuously if the pattern stopped matching
    assert ("issues/models.py", "Roles and visibility") in citations()


def test_every_cited_section_is_a_heading_of_docs_design():
    sections = headings()
    missing = [
        f'{path}: DESIGN "{section}"'
        for path, section in citations()
        if not any(heading.startswith(section) for heading in sections)
    ]
    assert missing == []
