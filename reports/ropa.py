"""The record of processing activities (UK GDPR Art. 30(1)), with what the store shows for each activity.

Each activity in ``ropa.activities`` is written with the Art. 30(1) content (controller and DPO, purposes,
data subjects and categories, recipients, transfers, retention, security), its lawful basis and Art. 9 / 10
conditions, and the evidence found in its locations (items, folders, categories, oldest item). Flags:

- ``unrecorded processing``: special-category (Art. 9) or criminal-offence data in files no activity covers;
- ``undeclared category``: a category found in an activity's locations that no activity covering it declares;
- ``location without data``: a declared location glob where no file holding personal data was found.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from connectors.filesystem import glob_to_regex
from reports.export import private_output
from reports.spreadsheet import write_xlsx
from scanner.config import SPECIAL_CATEGORIES, Config, ProcessingActivity
from scanner.items import CRIMINAL_OFFENCE
from scanner.retention import ItemFindings, findings_by_root
from scanner.store import Store

REGISTER_COLUMNS = [
    "activity", "purpose", "lawful_basis", "special_category_condition", "criminal_offence_condition",
    "data_subjects", "data_categories", "special_categories_declared", "recipients", "international_transfers",
    "retention", "security_measures", "systems", "locations",
    "controller", "controller_contact", "dpo", "representative",
    "observed_items", "observed_items_with_personal_data", "observed_folders", "observed_categories",
    "oldest_item", "oldest_item_modified", "flags",
]
FLAG_COLUMNS = ["flag", "activity", "category", "location", "items", "detail"]
MAX_LISTED = 10  # folders and example locations listed per row


@dataclass
class Evidence:
    items: int = 0
    with_data: int = 0
    folders: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    oldest: tuple[str, str] | None = None  # (modified, location)


def _folder(location: str) -> str:
    slashed = location.replace("\\", "/").split("!", 1)[0]
    return slashed.rsplit("/", 1)[0] or "/"


class _Coverage:
    def __init__(self, activity: ProcessingActivity):
        self.activity = activity
        self.globs = [(g, glob_to_regex(g)) for g in activity.locations]

    def glob_matching(self, item: dict) -> str | None:
        if self.activity.sources and item["source"] not in self.activity.sources:
            return None
        slashed = item["location"].replace("\\", "/")
        return next((g for g, regex in self.globs if regex.match(slashed)), None)


def _has_data(found: ItemFindings) -> bool:
    return bool(found.categories or found.contexts or found.entities)


def build_register(store: Store, config: Config) -> tuple[list[dict], list[dict]]:
    """(register rows, flag rows) from the store and ``config.ropa``."""
    activities = [_Coverage(a) for a in config.ropa.activities]
    found_by_root = findings_by_root(store)
    evidence = {c.activity.name: Evidence() for c in activities}
    glob_data: dict[tuple[str, str], int] = defaultdict(int)
    unrecorded: dict[str, list[str]] = defaultdict(list)  # category → locations
    undeclared: dict[tuple[str, str], list[str]] = defaultdict(list)  # (activity, category) → locations
    for item in store.db.query("SELECT * FROM items WHERE gone = 0 AND depth = 0 ORDER BY location"):
        found = found_by_root.get(item["id"], ItemFindings())
        covering = [(c, g) for c in activities if (g := c.glob_matching(item))]
        held = found.categories | found.contexts
        for coverage, glob in covering:
            ev = evidence[coverage.activity.name]
            ev.items += 1
            if _has_data(found):
                ev.with_data += 1
                glob_data[(coverage.activity.name, glob)] += 1
                ev.folders.add(_folder(item["location"]))
            ev.categories |= held
            if item["modified"] and (ev.oldest is None or item["modified"] < ev.oldest[0]):
                ev.oldest = (item["modified"], item["location"])
        if not covering:
            for category in sorted(found.categories & {*SPECIAL_CATEGORIES, CRIMINAL_OFFENCE}):
                unrecorded[category].append(item["location"])
            continue
        declared = set().union(*(set(c.activity.special_categories) for c, _ in covering))
        for category in sorted(held - declared):
            for coverage, _ in covering:
                undeclared[(coverage.activity.name, category)].append(item["location"])

    flags: list[dict] = []
    for category, locations in sorted(unrecorded.items()):
        folders = sorted({_folder(loc) for loc in locations})
        flags.append({
            "flag": "unrecorded processing", "activity": "", "category": category,
            "location": "; ".join(folders[:MAX_LISTED]), "items": len(locations),
            "detail": f"{category} data in {len(locations)} file(s) that no processing activity covers; "
                      f"e.g. {locations[0]}",
        })
    for (name, category), locations in sorted(undeclared.items()):
        flags.append({
            "flag": "undeclared category", "activity": name, "category": category,
            "location": "; ".join(sorted({_folder(loc) for loc in locations})[:MAX_LISTED]), "items": len(locations),
            "detail": f"{category} found in {len(locations)} file(s) in this activity's locations; it is not "
                      f"declared in special_categories; e.g. {locations[0]}",
        })
    for coverage in activities:
        for glob, _ in coverage.globs:
            if not glob_data.get((coverage.activity.name, glob)):
                flags.append({
                    "flag": "location without data", "activity": coverage.activity.name, "category": "",
                    "location": glob, "items": 0,
                    "detail": "no file holding personal data was found at this declared location",
                })

    controller = config.ropa.controller
    rows = []
    for coverage in activities:
        a, ev = coverage.activity, evidence[coverage.activity.name]
        rows.append({
            "activity": a.name, "purpose": a.purpose, "lawful_basis": a.lawful_basis,
            "special_category_condition": a.special_category_condition,
            "criminal_offence_condition": a.criminal_offence_condition,
            "data_subjects": a.data_subjects, "data_categories": a.data_categories,
            "special_categories_declared": a.special_categories, "recipients": a.recipients,
            "international_transfers": a.international_transfers, "retention": a.retention,
            "security_measures": a.security_measures, "systems": a.systems, "locations": a.locations,
            "controller": controller.name, "controller_contact": controller.contact, "dpo": controller.dpo,
            "representative": controller.representative,
            "observed_items": ev.items, "observed_items_with_personal_data": ev.with_data,
            "observed_folders": sorted(ev.folders)[:MAX_LISTED], "observed_categories": sorted(ev.categories),
            "oldest_item": ev.oldest[1] if ev.oldest else "", "oldest_item_modified": ev.oldest[0] if ev.oldest else "",
            "flags": sum(1 for f in flags if f["activity"] == a.name),
        })
    return rows, flags


def flags_path(out: Path) -> Path:
    """For csv the flags go beside the register: ``ropa.csv`` → ``ropa-flags.csv``."""
    return out.with_name(f"{out.stem}-flags{out.suffix}")


def write_register(store: Store, config: Config, out: Path) -> tuple[int, list[dict]]:
    rows, flags = build_register(store, config)
    if out.suffix.lower() == ".xlsx":
        write_xlsx(out, [("Register", REGISTER_COLUMNS, rows), ("Flags", FLAG_COLUMNS, flags)])
        return len(rows), flags
    for path, columns, records in ((out, REGISTER_COLUMNS, rows), (flags_path(out), FLAG_COLUMNS, flags)):
        with private_output(path) as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for record in records:
                writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in record.items()})
    return len(rows), flags
