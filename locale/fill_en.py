"""Fill locale/en/LC_MESSAGES/django.po from the dictionary locale/en.tsv (no network).

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=tests --no-obsolete
    .venv/bin/python locale/fill_en.py          # lists any string still without English
    .venv/bin/python manage.py compilemessages --ignore=.venv

A translation whose format fields differ from the source is refused, so that a typo in the
dictionary cannot crash a page at run time.
"""

import re
import sys
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
FORMAT_FIELD = re.compile(r"%\([a-z_]+\)[sdf]|\{[a-z_]+\}|%[sd]")


def load_dictionary(path: Path = HERE / "en.tsv") -> dict[str, str]:
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            source, english = line.split("\t")
        except ValueError:
            sys.exit(f"{path.name}:{number}: expected one tab between Chinese and English")
        entries[source.replace("\\n", "\n")] = english.replace("\\n", "\n")
    return entries


def same_format_fields(source: str, english: str) -> bool:
    return sorted(FORMAT_FIELD.findall(source)) == sorted(FORMAT_FIELD.findall(english))


def fill(po_path: Path = HERE / "en" / "LC_MESSAGES" / "django.po") -> list[str]:
    dictionary = load_dictionary()
    po = polib.pofile(str(po_path), wrapwidth=100)
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        english = dictionary.get(entry.msgid)
        if english is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            one, _sep, many = english.partition("|||")
            many = many or one
            if not (
                same_format_fields(entry.msgid, one) or same_format_fields(entry.msgid_plural, one)
            ):
                missing.append(entry.msgid)
                continue
            entry.msgstr_plural = {0: one, 1: many}
        else:
            if not same_format_fields(entry.msgid, english):
                missing.append(entry.msgid)
                continue
            entry.msgstr = english
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    po.metadata_is_fuzzy = False
    po.metadata["Project-Id-Version"] = "liaison"
    po.metadata["Language"] = "en"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    return missing


if __name__ == "__main__":
    missing = fill()
    for msgid in missing:
        print("no English for:", msgid.replace("\n", "\\n"))
    print(f"{len(missing)} without English")
    sys.exit(1 if missing else 0)
