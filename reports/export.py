"""The findings export: one record per item, in a shape other tools rely on (see README, "Export contract").

Contract fields: location, source, encrypted, entities, special_categories, criminal_offence, size, modified.
Further fields (id, file_type, status, reason, contexts, exposed, exposed_to, gone) may be added to, never renamed.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from scanner.items import CONTEXT, CRIMINAL_OFFENCE, ENTITY, SPECIAL_CATEGORY
from scanner.store import Store

FORMATS = ("jsonl", "csv")

CSV_COLUMNS = [
    "location",
    "source",
    "encrypted",
    "entities",
    "special_categories",
    "criminal_offence",
    "contexts",
    "size",
    "modified",
    "file_type",
    "status",
    "reason",
    "exposed",
    "exposed_to",
    "id",
]


def finding_records(store: Store) -> Iterator[dict]:
    """One record per item present now (gone items are left out), in location order."""
    findings = store.findings_by_item()
    for item in store.items():
        rows = findings.get(item["id"], [])
        yield {
            "location": item["location"],
            "source": item["source"],
            "encrypted": bool(item["encrypted"]),
            "entities": {f["entity_type"]: f["count"] for f in rows if f["kind"] == ENTITY},
            "special_categories": sorted({f["entity_type"] for f in rows if f["kind"] == SPECIAL_CATEGORY}),
            "criminal_offence": any(f["kind"] == CRIMINAL_OFFENCE for f in rows),
            "contexts": sorted({f["entity_type"] for f in rows if f["kind"] == CONTEXT}),
            "size": item["size"],
            "modified": item["modified"],
            "file_type": item["file_type"],
            "status": item["status"],
            "reason": item["reason"],
            "exposed": bool(item["exposed"]),
            "exposed_to": json.loads(item["exposure"] or "{}").get("exposed_to", []),
            "id": item["id"],
        }


def write_jsonl(records, out: IO[str]) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(records, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for record in records:
        row = dict(record)
        row["entities"] = json.dumps(record["entities"])
        row["special_categories"] = ";".join(record["special_categories"])
        row["contexts"] = ";".join(record["contexts"])
        row["exposed_to"] = ";".join(record["exposed_to"])
        writer.writerow(row)
        n += 1
    return n


def private_output(path: Path, binary: bool = False) -> IO:
    """Open an export or report file owner-only (0600): it says where personal data lives. Text (UTF-8, no
    newline translation, for csv/jsonl/html) unless ``binary`` (xlsx, pdf)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    if binary:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def export_findings(store: Store, fmt: str, out: IO[str]) -> int:
    writer = {"jsonl": write_jsonl, "csv": write_csv}[fmt]
    return writer(finding_records(store), out)
