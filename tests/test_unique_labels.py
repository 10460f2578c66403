"""No two fields of one doctype read the same in Russian: an agent telling «Тема» from «Тема» on a
form, a filter or a report column cannot know which field is which."""

import csv
import json
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "apps" / "support_hub" / "support_hub"
LAYOUT = {"Section Break", "Column Break", "Tab Break", "Fold"}  # headings, not fields one picks


def russian() -> dict[str, str]:
    with open(APP / "translations" / "ru.csv", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if row}


def clashes(meta: dict, translated: dict[str, str]) -> dict[str, list[str]]:
    """Russian label -> the fields that share it, for labels held by more than one field."""
    by_label = defaultdict(list)
    for field in meta["fields"]:
        if field["fieldtype"] in LAYOUT or not field.get("label"):
            continue
        label = translated.get(field["label"], field["label"])
        by_label[label.strip().casefold()].append(field["fieldname"])
    return {label: names for label, names in by_label.items() if len(names) > 1}


def test_no_two_fields_of_a_doctype_share_a_russian_label():
    translated = russian()
    found = {}
    for path in sorted((APP / "support_hub" / "doctype").glob("*/*.json")):
        meta = json.loads(path.read_text())
        if meta.get("doctype") != "DocType":
            continue
        for label, names in clashes(meta, translated).items():
            found[f"{meta['name']}: «{label}»"] = names
    assert not found, f"give these fields distinct Russian labels in translations/ru.csv: {found}"


def test_the_check_sees_a_clash():
    meta = {"fields": [{"fieldname": "subject", "fieldtype": "Data", "label": "Subject"},
                       {"fieldname": "topic", "fieldtype": "Link", "label": "Topic"},
                       {"fieldname": "topic_section", "fieldtype": "Section Break", "label": "Topic"}]}
    assert clashes(meta, {"Subject": "Тема", "Topic": "Тема"}) == {"тема": ["subject", "topic"]}
    assert clashes(meta, {"Subject": "Тема", "Topic": "Тематика"}) == {}
