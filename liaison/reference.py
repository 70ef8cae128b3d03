"""Load the reference data file (liaison/data/reference.json) idempotently."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from liaison.models import Department, IndustryChain, IndustryUnion, IssueCategory, Measure

DATA_FILE = Path(__file__).resolve().parent / "data" / "reference.json"
SEED_FILE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "zhengzhou-11-measures.txt"
NUMERALS = "一二三四五六七八九十"


def measure_texts() -> dict[int, str]:
    """The full text of each measure from the seed document, when it is beside the project."""
    if not SEED_FILE.exists():
        return {}
    texts = {}
    for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(十一|十|[一二三四五六七八九])、(.+)$", line.strip())
        if match:
            numeral = match.group(1)
            number = 11 if numeral == "十一" else NUMERALS.index(numeral) + 1
            texts[number] = match.group(2)
    return texts


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    created = {"unions": 0, "chains": 0, "departments": 0, "categories": 0, "measures": 0}
    unions = {}
    for order, row in enumerate(data["unions"], start=1):
        unions[row["code"]], new = IndustryUnion.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "is_example": row["is_example"], "order": order}
        )
        created["unions"] += new
    for order, row in enumerate(data["chains"], start=1):
        _obj, new = IndustryChain.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "union": unions[row["union"]],
                "union_is_assumed": row["union_is_assumed"],
                "order": order,
            },
        )
        created["chains"] += new
    for order, row in enumerate(data["departments"], start=1):
        _obj, new = Department.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "short_name": row["short_name"], "is_example": True, "order": order},
        )
        created["departments"] += new
    for order, row in enumerate(data["categories"], start=1):
        _obj, new = IssueCategory.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "order": order}
        )
        created["categories"] += new
    texts = measure_texts()
    for row in data["measures"]:
        defaults = {"title": row["title"]}
        if texts.get(row["number"]):
            defaults["text"] = texts[row["number"]]
        _obj, new = Measure.objects.update_or_create(number=row["number"], defaults=defaults)
        created["measures"] += new
    return created


def secretariat_group():
    """The admin rights of the secretariat: the organisation and reference data, nothing else.

    Issues and meetings change only through their state machines, never in the admin.
    """
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name="秘书处")
    group.permissions.set(Permission.objects.filter(content_type__app_label="liaison"))
    return group
