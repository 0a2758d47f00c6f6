"""The retention candidates list (jsonl, csv, xlsx), for the DPO to approve: set ``approved`` to yes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from reports.export import private_output
from reports.spreadsheet import write_xlsx
from scanner.retention import CANDIDATE_COLUMNS, Candidate

FORMATS = ("jsonl", "csv", "xlsx")


def write_candidates(candidates: Iterable[Candidate], fmt: str, out: Path | None, stdout: IO[str]) -> int:
    records = [c.as_dict() for c in candidates]
    if fmt == "xlsx":
        return write_xlsx(out, [("Retention candidates", CANDIDATE_COLUMNS, records)])
    with private_output(out) if out else _no_close(stdout) as handle:
        if fmt == "jsonl":
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=CANDIDATE_COLUMNS)
            writer.writeheader()
            for record in records:
                writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in record.items()})
    return len(records)


class _no_close:
    def __init__(self, handle: IO[str]):
        self.handle = handle

    def __enter__(self) -> IO[str]:
        return self.handle

    def __exit__(self, *exc) -> None:
        self.handle.flush()
