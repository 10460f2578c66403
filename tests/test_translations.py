"""Every label and message the app adds has a Russian translation (English is the source)."""

import csv
import json
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "apps" / "support_hub" / "support_hub"
CALL = re.compile(r'(?<![\w.])__?\(\s*"((?:[^"\\]|\\.)*)"')


def app_strings() -> set[str]:
    found = set()
    for path in (APP / "support_hub" / "doctype").glob("*/*.json"):
        meta = json.loads(path.read_text())
        found.add(meta["name"])
        for field in meta["fields"]:
            found.update(field[k] for k in ("label", "description") if field.get(k))
            if field["fieldtype"] == "Select" and field.get("options"):
                found.update(o for o in field["options"].split("\n") if o)
    for workspace in (APP / "support_hub" / "workspace").glob("*/*.json"):
        meta = json.loads(workspace.read_text())
        found.update(link["label"] for link in meta["links"])
        found.update(s["label"] for s in meta["shortcuts"])
        found.update(s["format"] for s in meta["shortcuts"] if s.get("format"))
    for path in [*APP.rglob("*.py"), *APP.rglob("*.js")]:
        if "/engine/" in str(path) or path.name.startswith("test_"):
            continue  # the engine speaks no UI; tests assert, not display
        found.update(CALL.findall(path.read_text()))
    for role in json.loads((APP / "fixtures" / "role.json").read_text()):
        found.add(role["name"])
    return found


def test_every_string_has_a_russian_translation():
    with open(APP / "translations" / "ru.csv", newline="") as handle:
        translated = {row[0]: row[1] for row in csv.reader(handle) if row}
    missing = sorted(s for s in app_strings() if not translated.get(s))
    assert not missing, f"add to translations/ru.csv: {missing}"


def test_translations_keep_their_placeholders():
    with open(APP / "translations" / "ru.csv", newline="") as handle:
        for source, target, *_ in csv.reader(handle):
            assert sorted(re.findall(r"\{\d*\}", source)) == sorted(re.findall(r"\{\d*\}", target)), source
