"""Retention: which files are past their retention period, and the approval workflow that moves them aside.

``candidates`` reads the store only: each top-level item present now is matched against the rules (first match
wins), its trigger date found (modified, created, or the birth year / leaving month the scan recorded) and its
expiry computed conservatively. ``apply`` moves approved candidates that are unchanged since the scan into a
quarantine folder (never deleting), honouring legal holds and writing an audit entry per action; ``restore``
puts them back exactly. See README, "Retention: deletion candidates and the approval workflow".
"""

from __future__ import annotations

import calendar
import csv
import getpass
import io
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from connectors.filesystem import glob_to_regex
from scanner.config import Config, LegalHoldConfig, RetentionRule, parse_period
from scanner.errors import GdprscanError
from scanner.items import CONTEXT, CRIMINAL_OFFENCE, ENTITY, SPECIAL_CATEGORY
from scanner.store import Store, now_iso

# --- dates ------------------------------------------------------------------------------------------------


def add_period(start: date, period: str) -> date:
    """``start`` + a period such as 25y, 6m, 2w, 30d (29 February + 1y is 28 February)."""
    number, unit = parse_period(period)
    if unit in ("d", "w"):
        return date.fromordinal(start.toordinal() + number * (7 if unit == "w" else 1))
    months = start.month - 1 + number * (12 if unit == "y" else 1)
    year, month = start.year + months // 12, months % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def trigger_date(item: dict, trigger: str) -> tuple[date | None, str]:
    """The date a rule counts from, and how it was found. Dates known only to the year or month count from
    the last day of it, so nothing expires early."""
    if trigger == "date_of_birth":
        year = item.get("birth_year")
        return (date(int(year), 12, 31), "birth year (31 Dec)") if year else (None, "no date of birth found")
    if trigger == "leaving_date":
        value = item.get("leaving_date")
        if not value:
            return None, "no leaving date found"
        year, month = (int(p) for p in value.split("-")[:2])
        return date(year, month, calendar.monthrange(year, month)[1]), "leaving month (last day)"
    if trigger == "created" and item.get("created"):
        return datetime.fromisoformat(item["created"]).date(), "created"
    if item.get("modified"):
        how = "modified" if trigger == "modified" else "modified (no creation date recorded)"
        return datetime.fromisoformat(item["modified"]).date(), how
    return None, "no modification date recorded"


# --- matching ---------------------------------------------------------------------------------------------


def _slash(location: str) -> str:
    return location.replace("\\", "/")


class RuleMatcher:
    """A rule's match criteria with its globs compiled once."""

    def __init__(self, rule: RetentionRule):
        self.rule = rule
        self.globs = [glob_to_regex(g) for g in rule.match.paths]

    def matches(self, item: dict, found: ItemFindings) -> bool:
        m = self.rule.match
        return (
            (not self.globs or any(g.match(_slash(item["location"])) for g in self.globs))
            and (not m.sources or item["source"] in m.sources)
            and (not m.file_types or (item.get("file_type") or "").lower() in m.file_types
                 or _extension(item["location"]) in m.file_types)
            and (not m.categories or bool(set(m.categories) & found.categories))
            and (not m.contexts or bool(set(m.contexts) & found.contexts))
            and (not m.entities or bool(set(m.entities) & found.entities))
        )


def _extension(location: str) -> str:
    name = _slash(location).rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@dataclass
class ItemFindings:
    """What a file and its members (attachments, archive members) hold, by kind."""

    categories: set[str] = field(default_factory=set)  # special categories and criminal_offence
    contexts: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    birth_year: int | None = None
    leaving_date: str | None = None


def findings_by_root(store: Store) -> dict[str, ItemFindings]:
    """Root item id → what its whole tree holds (present items only), content dates included."""
    out: dict[str, ItemFindings] = {}
    for row in store.db.query(
        "SELECT f.root_id AS root_id, f.kind AS kind, f.entity_type AS entity_type FROM findings f "
        "JOIN items i ON i.id = f.item_id WHERE i.gone = 0"
    ):
        held = out.setdefault(row["root_id"], ItemFindings())
        if row["kind"] in (SPECIAL_CATEGORY, CRIMINAL_OFFENCE):
            held.categories.add(row["entity_type"])
        elif row["kind"] == CONTEXT:
            held.contexts.add(row["entity_type"])
        elif row["kind"] == ENTITY:
            held.entities.add(row["entity_type"])
    for row in store.db.query(
        "SELECT root_id, MAX(birth_year) AS birth_year, MAX(leaving_date) AS leaving_date FROM items "
        "WHERE gone = 0 AND (birth_year IS NOT NULL OR leaving_date IS NOT NULL) GROUP BY root_id"
    ):
        held = out.setdefault(row["root_id"], ItemFindings())
        held.birth_year, held.leaving_date = row["birth_year"], row["leaving_date"]
    return out


# --- candidates -------------------------------------------------------------------------------------------

CANDIDATE_COLUMNS = [
    "location", "source", "rule", "action", "trigger", "trigger_date", "period", "expires", "modified", "size",
    "file_type", "categories", "contexts", "entities", "legal_hold", "version", "id", "approved",
]


@dataclass(frozen=True)
class Candidate:
    location: str
    source: str
    rule: str
    action: str
    trigger: str  # how the trigger date was found
    trigger_date: str
    period: str
    expires: str
    modified: str | None
    size: int | None
    file_type: str | None
    categories: list[str]
    contexts: list[str]
    entities: list[str]
    legal_hold: str  # the hold by path or case that covers it ("" none); holds by person are checked at apply
    version: str
    id: str
    approved: str = ""  # for the DPO to fill in: yes / true

    def as_dict(self) -> dict:
        return asdict(self)


def candidates(store: Store, config: Config, as_of: date) -> Iterator[Candidate]:
    """Top-level items present now that are past their period on ``as_of``, in location order.

    The first rule whose match holds decides; an item whose trigger date is unknown is not a candidate.
    """
    matchers = [RuleMatcher(rule) for rule in config.retention.rules]
    holds = LegalHold(config.retention.legal_hold)
    held_by_root = findings_by_root(store)
    for item in store.db.query("SELECT * FROM items WHERE gone = 0 AND depth = 0 ORDER BY location"):
        found = held_by_root.get(item["id"], ItemFindings())
        item = {**item, "birth_year": found.birth_year, "leaving_date": found.leaving_date}
        rule = next((m.rule for m in matchers if m.matches(item, found)), None)
        if rule is None:
            continue
        start, how = trigger_date(item, rule.trigger)
        if start is None:
            continue
        expires = add_period(start, rule.period)
        if expires > as_of:
            continue
        yield Candidate(
            location=item["location"], source=item["source"], rule=rule.name, action=rule.action, trigger=how,
            trigger_date=start.isoformat(), period=rule.period, expires=expires.isoformat(),
            modified=item["modified"], size=item["size"], file_type=item["file_type"],
            categories=sorted(found.categories), contexts=sorted(found.contexts), entities=sorted(found.entities),
            legal_hold=holds.by_path(item["location"]) or "", version=item["version"], id=item["id"],
        )


# --- legal hold -------------------------------------------------------------------------------------------


class LegalHold:
    """Paths, people and cases that must not be moved. A person is held when named in the file's path (any
    order: "Cheung_Nadia" holds Nadia Cheung) or in its content ("Nadia Cheung", "Cheung, Nadia")."""

    def __init__(self, config: LegalHoldConfig):
        self.paths = [("legal hold", p, glob_to_regex(p)) for p in config.paths]
        self.people = [("legal hold", p) for p in config.people]
        for case in config.cases:
            self.paths += [(f"legal hold case {case.name!r}", p, glob_to_regex(p)) for p in case.paths]
            self.people += [(f"legal hold case {case.name!r}", p) for p in case.people]

    def by_path(self, location: str) -> str | None:
        slashed = _slash(location)
        for label, pattern, regex in self.paths:
            if regex.match(slashed):
                return f"{label}: path {pattern}"
        for label, person in self.people:
            tokens = [t.lower() for t in re.findall(r"\w+", person)]
            words = set(re.findall(r"[^\W_]+", slashed.lower()))
            if tokens and all(t in words for t in tokens):
                return f"{label}: {person} (named in the path)"
        return None

    def by_content(self, text: str) -> str | None:
        for label, person in self.people:
            if _person_pattern(person).search(text):
                return f"{label}: {person} (named in the file)"
        return None


def _person_pattern(person: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in person.split()]
    if len(parts) < 2:
        return re.compile(rf"\b{parts[0] if parts else '(?!)'}\b", re.IGNORECASE)
    space = r"\s+"
    forward = space.join(parts)
    reverse = parts[-1] + r",?\s+" + space.join(parts[:-1])
    return re.compile(rf"\b(?:{forward}|{reverse})\b", re.IGNORECASE)


def _file_text(path: Path, source: str, limits) -> str:
    """All the text of a file and its members, for the people hold. Raises when it cannot be read."""
    from scanner.extractors import extract
    from scanner.items import Item

    st = path.stat()
    item = Item(source=source, location=str(path), name=path.name, size=st.st_size, modified=None,
                version=f"{st.st_mtime_ns}:{st.st_size}", opener=lambda: open(path, "rb"))
    parts: list[str] = []

    def walk(it, depth: int) -> None:
        doc = extract(it, limits)
        if doc.encrypted:
            raise GdprscanError("encrypted")
        if doc.not_scanned:
            raise GdprscanError(doc.not_scanned)
        parts.extend(seg.text for seg in doc.segments)
        for child in doc.children:
            if depth < limits.max_depth:
                walk(child, depth + 1)

    walk(item, 0)
    return "\n".join(parts)


# --- approvals ----------------------------------------------------------------------------------------------

_YES = {"yes", "y", "true", "1", "x", "approved"}


@dataclass(frozen=True)
class Approval:
    location: str
    version: str | None = None  # from a candidates export: refuse if the store's version changed since


def read_approved(path: Path) -> list[Approval]:
    """The candidates export (jsonl, csv or xlsx) with ``approved`` set to yes/true, or a plain list of
    locations (one a line; blank lines and ``#`` comments ignored)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            sheet = load_workbook(path, read_only=True).worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            header = [str(h or "") for h in next(rows, ())]
            records = [dict(zip(header, row)) for row in rows]
        elif suffix == ".csv":
            records = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        elif suffix == ".jsonl":
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            return [Approval(line.strip()) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise GdprscanError(f"{path}: cannot read the approved list ({exc})") from None
    if records and "location" not in records[0]:
        raise GdprscanError(f"{path}: no 'location' column (use the candidates export, or a plain list)")
    if records and "approved" not in records[0]:
        raise GdprscanError(f"{path}: no 'approved' column: set it to yes for each file to act on")
    return [
        Approval(str(r["location"]), str(r["version"]) if r.get("version") else None)
        for r in records
        if str(r.get("approved") or "").strip().lower() in _YES and r.get("location")
    ]


# --- apply and restore ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    location: str
    action: str  # quarantined | would quarantine | restored | would restore | skipped
    reason: str = ""
    rule: str = ""
    quarantined_as: str = ""


class Quarantine:
    """A 0700 folder holding moved files under SOURCE/relative/path, with an append-only manifest
    (``manifest.jsonl``) that restore reads, and a JSON Lines audit log."""

    def __init__(self, root: Path, audit_log: Path | None = None):
        self.root = Path(root)
        self.manifest = self.root / "manifest.jsonl"
        self.audit_log = Path(audit_log) if audit_log else self.root / "audit.jsonl"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)

    def place_for(self, source: str, relative: str) -> Path:
        slug = re.sub(r"[^\w.-]+", "_", source).strip("_") or "source"
        target = self.root / slug / relative
        n = 1
        while target.exists() or target.is_symlink():
            target = self.root / slug / f"{relative}.{n}"
            n += 1
        return target

    def append(self, path: Path, entry: dict) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def held(self) -> list[dict]:
        """Entries quarantined and not yet restored, oldest first."""
        if not self.manifest.exists():
            return []
        entries: dict[str, dict] = {}
        for line in self.manifest.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry["event"] == "quarantined":
                entries[entry["id"]] = entry
            elif entry["event"] == "restored":
                entries.pop(entry["id"], None)
        return list(entries.values())


def default_quarantine(store_path: Path) -> Path:
    return Path(store_path).absolute().parent / f"{Path(store_path).stem}-quarantine"


def _move(src: Path, dst: Path) -> None:
    """Rename where possible; across file systems copy (with times), check, then remove the original."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(src, dst)
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another file system
            raise
        shutil.copy2(src, dst)
        if dst.stat().st_size != src.stat().st_size:
            dst.unlink()
            raise OSError("copy incomplete") from None
        src.unlink()


def _private_dirs(root: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for parent in target.relative_to(root).parents:
        os.chmod(root / parent, 0o700)


class RetentionActions:
    """Apply and restore, writing each action to the store's audit table and the JSON Lines audit log."""

    def __init__(self, store: Store, config: Config, quarantine: Quarantine, by: str | None = None):
        self.store = store
        self.config = config
        self.quarantine = quarantine
        self.who = getpass.getuser()
        self.by = by or ""

    def _audit(self, action: str, location: str, source: str, rule: str, reason: str, placed: str, version: str):
        entry = {"at": now_iso(), "who": self.who, "by": self.by, "action": action, "location": location,
                 "source": source, "rule": rule, "reason": reason, "quarantined_as": placed, "version": version}
        self.store.record_retention_action(entry)
        self.quarantine.append(self.quarantine.audit_log, entry)

    def _filesystem_root(self, source: str, location: str) -> tuple[bool, str]:
        """Whether the item can be acted on here, and its path relative to its source's folder."""
        configured = {s.name: s for s in self.config.sources}
        src = configured.get(source)
        if src is not None and src.type != "filesystem":
            return False, ""
        if not location.startswith("/"):
            return False, ""
        roots = [str(p) for p in src.paths] if src is not None else [source]
        for root in roots:
            if location.startswith(root.rstrip("/") + "/"):
                return True, location[len(root.rstrip("/")) + 1 :]
        return True, location.lstrip("/")

    def apply(self, approved: Iterable[Approval], as_of: date, dry_run: bool = True) -> list[Outcome]:
        by_location = {c.location: c for c in candidates(self.store, self.config, as_of)}
        holds = LegalHold(self.config.retention.legal_hold)
        outcomes: list[Outcome] = []
        if not dry_run:
            self.quarantine.ensure()
        from scanner.config import extraction_limits

        limits = extraction_limits(self.config.extraction)
        for approval in dict.fromkeys(approved):
            cand = by_location.get(approval.location)

            def skip(reason: str, rule: str = "", source: str = "", version: str = "") -> None:
                outcomes.append(Outcome(approval.location, "skipped", reason, rule))
                if not dry_run:
                    self._audit("skipped", approval.location, source, rule, reason, "", version)

            if cand is None:
                skip("not a retention candidate now (not in the store, gone, not yet expired, or no rule matches)")
                continue
            args = (cand.rule, cand.source, cand.version)
            if approval.version and approval.version != cand.version:
                skip("changed since the candidates list was made: list the candidates again", *args)
                continue
            movable, relative = self._filesystem_root(cand.source, cand.location)
            if not movable:
                skip("not on a local or mounted share: only filesystem sources can be moved; act at the source",
                     *args)
                continue
            path = Path(cand.location)
            hold = cand.legal_hold or holds.by_path(cand.location)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                skip("no longer at this location", *args)
                continue
            except OSError as exc:
                skip(f"cannot check the file: {exc.strerror or exc}", *args)
                continue
            if not stat.S_ISREG(st.st_mode):
                skip("not a regular file (a link or a folder)", *args)
                continue
            if f"{st.st_mtime_ns}:{st.st_size}" != cand.version:
                skip("changed since the scan (modification time or size differs): scan again", *args)
                continue
            if hold is None and holds.people:
                try:
                    hold = holds.by_content(_file_text(path, cand.source, limits))
                except Exception as exc:  # noqa: BLE001 - unreadable content cannot be cleared of a hold
                    hold = f"legal hold on people: the content could not be checked ({str(exc)[:80] or 'unreadable'})"
            if hold:
                skip(hold, *args)
                continue
            target = self.quarantine.place_for(cand.source, relative)
            if dry_run:
                outcomes.append(Outcome(cand.location, "would quarantine", cand.expires, cand.rule, str(target)))
                continue
            try:
                _private_dirs(self.quarantine.root, target)
                _move(path, target)
            except OSError as exc:
                skip(f"could not move: {exc.strerror or exc}", *args)
                continue
            self.quarantine.append(self.quarantine.manifest, {
                "event": "quarantined", "id": uuid.uuid4().hex, "location": cand.location,
                "quarantined_as": str(target), "source": cand.source, "item_id": cand.id, "rule": cand.rule,
                "version": cand.version, "at": now_iso(), "who": self.who, "by": self.by,
            })
            self.store.set_tree_gone(cand.id, True)
            self._audit("quarantined", cand.location, cand.source, cand.rule, f"expired {cand.expires}",
                        str(target), cand.version)
            outcomes.append(Outcome(cand.location, "quarantined", f"expired {cand.expires}", cand.rule, str(target)))
        return outcomes

    def restore(self, locations: Iterable[str] | None, dry_run: bool = True) -> list[Outcome]:
        """Put quarantined files back where they were (all of them when ``locations`` is None)."""
        wanted = None if locations is None else set(locations)
        held = [e for e in self.quarantine.held() if wanted is None or e["location"] in wanted]
        outcomes: list[Outcome] = []
        for location in sorted((wanted or set()) - {e["location"] for e in held}):
            outcomes.append(Outcome(location, "skipped", "not in the quarantine"))
        for entry in held:
            original, placed = Path(entry["location"]), Path(entry["quarantined_as"])

            def skip(reason: str) -> None:
                outcomes.append(Outcome(entry["location"], "skipped", reason, entry["rule"], str(placed)))
                if not dry_run:
                    self._audit("restore skipped", entry["location"], entry["source"], entry["rule"], reason,
                                str(placed), entry["version"])

            if original.exists() or original.is_symlink():
                skip("a file is already at the original location: not overwritten")
                continue
            if not placed.is_file():
                skip("the quarantined copy is missing")
                continue
            if dry_run:
                outcomes.append(Outcome(entry["location"], "would restore", "", entry["rule"], str(placed)))
                continue
            try:
                _move(placed, original)
            except OSError as exc:
                skip(f"could not move back: {exc.strerror or exc}")
                continue
            self.quarantine.append(self.quarantine.manifest, {
                "event": "restored", "id": entry["id"], "location": entry["location"], "at": now_iso(),
                "who": self.who, "by": self.by,
            })
            stored = self.store.stored_version(entry["item_id"])
            if stored is not None and stored.version == entry["version"]:
                self.store.set_tree_gone(entry["item_id"], False)
            self._audit("restored", entry["location"], entry["source"], entry["rule"], "", str(placed),
                        entry["version"])
            outcomes.append(Outcome(entry["location"], "restored", "", entry["rule"], str(placed)))
        return outcomes


def today() -> date:
    return datetime.now(timezone.utc).date()
