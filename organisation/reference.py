"""Load the reference data files (organisation/data/reference.json, calendar.json) idempotently."""

import datetime
import json
from pathlib import Path

from django.db import transaction

from organisation import roles
from organisation.models import (
    CalendarDay,
    Department,
    IndustryChain,
    IndustryUnion,
    IssueCategory,
    Measure,
)

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference.json"
CALENDAR_FILE = Path(__file__).resolve().parent / "data" / "calendar.json"

ReferenceModel = (
    type[IndustryUnion]
    | type[IndustryChain]
    | type[Department]
    | type[IssueCategory]
    | type[Measure]
    | type[CalendarDay]
)


def _rows(data: dict) -> list[tuple[str, ReferenceModel, str, list[dict]]]:
    """(summary key, model, key field, rows with model field values) in loading order."""
    return [
        (
            "unions",
            IndustryUnion,
            "code",
            [
                {"code": r["code"], "name": r["name"], "is_example": r["is_example"], "order": i}
                for i, r in enumerate(data["unions"], start=1)
            ],
        ),
        (
            "chains",
            IndustryChain,
            "code",
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "union": r["union"],
                    "union_is_assumed": r["union_is_assumed"],
                    "order": i,
                }
                for i, r in enumerate(data["chains"], start=1)
            ],
        ),
        (
            "departments",
            Department,
            "code",
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "short_name": r["short_name"],
                    "is_example": True,
                    "order": i,
                    "leader_name": r.get("leader_name", ""),
                    "leader_title": r.get("leader_title", ""),
                    "leader_email": r.get("leader_email", ""),
                }
                for i, r in enumerate(data["departments"], start=1)
            ],
        ),
        (
            "categories",
            IssueCategory,
            "code",
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "default_days": r["default_days"],
                    "order": i,
                }
                for i, r in enumerate(data["categories"], start=1)
            ],
        ),
        (
            "measures",
            Measure,
            "number",
            [
                {"number": r["number"], "title": r["title"], "text": r.get("text", "")}
                for r in data["measures"]
            ],
        ),
    ]


def calendar_rows(calendar: dict) -> list[dict]:
    """One CalendarDay's field values per date of calendar.json: each holiday span expanded
    to its dates (weekend days inside it included), each 调休 working day, with the notice."""
    rows = []
    for year in calendar["years"]:
        source = year.get("number") or year["notice"]
        if year.get("published") and not year.get("number"):
            source = f"{year['notice']}（{year['published']}）"
        common = {"source": source, "is_provisional": year["provisional"]}
        for span in year["holidays"]:
            day = datetime.date.fromisoformat(span["from"])
            last = datetime.date.fromisoformat(span["to"])
            while day <= last:
                rows.append({"date": day, "kind": "holiday", "name": span["name"], **common})
                day += datetime.timedelta(days=1)
        for workday in year["workdays"]:
            date = datetime.date.fromisoformat(workday["date"])
            rows.append({"date": date, "kind": "workday", "name": workday["name"], **common})
    return rows


@transaction.atomic
def load_reference_data(*, update: bool = False) -> dict[str, int]:
    """Create the reference entries that are missing; returns how many of each were added.

    Existing entries are left alone, so that names corrected in the admin survive `make run`
    and a repeated load writes nothing (not even history rows). `update=True` rewrites
    them from the data file instead (after the file itself was corrected).
    """
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    calendar = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))
    changed: dict[str, int] = {}
    unions: dict[str, IndustryUnion] = {}
    tables = [*_rows(data), ("calendar", CalendarDay, "date", calendar_rows(calendar))]
    for key, model, key_field, rows in tables:
        existing = {getattr(obj, key_field): obj for obj in model.objects.all()}
        changed[key] = 0
        for values in rows:
            if "union" in values:
                values["union"] = unions[values["union"]]
            obj = existing.get(values[key_field])
            if obj is None:
                obj = model.objects.create(**values)
                changed[key] += 1
            elif update and any(getattr(obj, f) != v for f, v in values.items()):
                for field, value in values.items():
                    setattr(obj, field, value)
                obj.save()
                changed[key] += 1
            if isinstance(obj, IndustryUnion):
                unions[obj.code] = obj
    return changed


def secretariat_group():
    """The secretariat's admin group (organisation/roles.py says what it may do)."""
    return roles.secretariat_group()
