"""Reports room: the DPO findings report, built from the store alone (nothing is rescanned).

``build_report`` gathers the headline figures, chart data, prioritised risky items, changes since the previous
scan, encrypted items and what could not be read into one ``Report``; ``reports.dpo_formats`` writes it as
HTML, PDF, CSV or XLSX.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from reports.charts import MAIN, Chart
from reports.risk import CATEGORY_LABELS, ENTITY_LABELS, SENSITIVE_KINDS, RiskyItem, assess, label, prioritised
from reports.uk_dates import uk_date
from scanner.items import CHILD_SEPARATOR, ENTITY
from scanner.store import Store

log = logging.getLogger("gdprscan.report")

AGE_BANDS = ((1, "Under 1 year"), (3, "1 to 3 years"), (6, "3 to 6 years"), (10, "6 to 10 years"))
MAX_AREAS = 12


@dataclass(frozen=True)
class Figure:
    key: str  # stable name, also the HTML's data-figure attribute
    label: str
    value: int
    note: str = ""
    alert: bool = False  # shown highlighted when non-zero


@dataclass(frozen=True)
class Change:
    location: str
    what: tuple[str, ...]  # labels of the categories / identifier types that appeared or went
    how: str
    sensitive: bool


@dataclass(frozen=True)
class Changes:
    available: bool
    note: str
    new: tuple[Change, ...] = ()
    resolved: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Unread:
    """An item whose content was not inspected (encrypted, skipped, failed) or an error with no item."""

    location: str
    source: str
    status: str
    reason: str
    modified: datetime | None = None


@dataclass(frozen=True)
class Report:
    title: str
    school: str | None
    generated: datetime
    store_path: str
    latest_scan: dict | None
    previous_scan: dict | None
    figures: tuple[Figure, ...]
    charts: tuple[Chart, ...]
    risky: tuple[RiskyItem, ...]
    changes: Changes
    encrypted: tuple[Unread, ...]
    skipped_reasons: tuple[tuple[str, int], ...]  # reason → items, most common first
    skipped: tuple[Unread, ...]
    errors: tuple[Unread, ...]
    retention_note: str
    retention_assessed: bool

    def figure(self, key: str) -> int:
        return next(f.value for f in self.figures if f.key == key)


def build_report(
    store: Store,
    *,
    config=None,
    as_of: datetime | None = None,
    retention_years: float | None = None,
    school: str | None = None,
    title: str = "Personal data findings report",
) -> Report:
    as_of = as_of or datetime.now(timezone.utc)
    latest = store.last_scan(full_only=True)
    previous = _previous_full_scan(store, latest)
    items = list(store.items())
    findings = store.findings_by_item()
    expired, retention_note, assessed = retention_verdicts(store, config, as_of, retention_years, items)

    risky = prioritised(
        [
            r
            for item in items  # an attachment or archive member is kept as long as its container
            if (r := assess(item, findings.get(item["id"], []), expired.get(item["id"]) or expired.get(item["root_id"])))
        ]
    )
    with_data = [item for item in items if findings.get(item["id"])]
    encrypted = [_unread(i) for i in items if i["status"] == "encrypted"]
    skipped = [_unread(i) for i in items if i["status"] == "not_scanned"]
    errors = _errors(store, latest, items)
    changes = _changes(store, latest, previous, findings)

    figures = (
        Figure("items", "Items in the store", len(items), "files, emails, attachments and archive members"),
        Figure("personal", "Items with personal data", len(with_data)),
        Figure("sensitive", "Items with sensitive data", len(risky), "special-category, criminal-offence or "
               "safeguarding, SEND, looked-after or free-school-meals information"),
        Figure("act_now", "Act now", sum(r.priority == 1 for r in risky),
               "sensitive items readable by everyone or shared", alert=True),
        Figure("high", "High priority", sum(r.priority == 2 for r in risky),
               "sensitive items past retention or readable by a wide group", alert=True),
        Figure("expired", "Sensitive items past retention", sum(bool(r.expired) for r in risky),
               "" if assessed else "retention not assessed", alert=True),
        Figure("new", "Items with new findings", len(changes.new), "since the previous scan"),
        Figure("resolved", "Items with resolved findings", len(changes.resolved), "since the previous scan"),
        Figure("encrypted", "Encrypted items", len(encrypted), "could not be inspected"),
        Figure("skipped", "Items not read", len(skipped), "images, unknown types, scans without text"),
        Figure("errors", "Errors", len(errors), "items or folders that failed", alert=True),
    )
    charts = (
        _category_chart(risky),
        _identifier_chart(with_data, findings),
        _area_chart(items, with_data, risky),
        _age_chart(with_data, risky, as_of),
    )
    return Report(
        title=title,
        school=school,
        generated=as_of,
        store_path=str(store.path.absolute()),
        latest_scan=latest,
        previous_scan=previous,
        figures=figures,
        charts=charts,
        risky=tuple(risky),
        changes=changes,
        encrypted=tuple(encrypted),
        skipped_reasons=tuple(Counter(u.reason for u in skipped).most_common()),
        skipped=tuple(skipped),
        errors=tuple(errors),
        retention_note=retention_note,
        retention_assessed=assessed,
    )


def _previous_full_scan(store: Store, latest: dict | None) -> dict | None:
    if latest is None:
        return None
    rows = list(
        store.db.query(
            "SELECT * FROM scans WHERE id < ? AND (kind IS NULL OR kind != 'watch') AND status != 'running' "
            "ORDER BY id DESC LIMIT 1",
            [latest["id"]],
        )
    )
    return rows[0] if rows else None


def _parse(iso: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _unread(item: dict) -> Unread:
    return Unread(item["location"], item["source"], item["status"], item["reason"] or "", _parse(item["modified"]))


# --- retention ---------------------------------------------------------------------------------------------------


def retention_verdicts(
    store: Store, config, as_of: datetime, retention_years: float | None, items: list[dict]
) -> tuple[dict[str, str], str, bool]:
    """Item id → why it is past its retention period; a note saying which rule was used; whether any was.

    The simple age rule when one is asked for (``retention_years``); otherwise the retention schedule of the
    configuration, through ``reports.retention.expired_items`` or, before that exists, the retention
    candidates (``scanner.retention.candidates``); otherwise retention is not assessed.
    """
    if retention_years:
        cutoff = as_of - timedelta(days=365.25 * retention_years)
        expired = {}
        for item in items:
            modified = _parse(item["modified"])
            if modified is not None and _aware(modified) < cutoff:
                expired[item["id"]] = f"last changed over {retention_years:g} years ago"
        note = (f"Retention is judged by a simple rule: anything not changed for {retention_years:g} years is "
                "past its retention period. Check each item against the school's retention schedule.")
        return expired, note, True
    schedule = _retention_schedule()
    if schedule is not None:
        from scanner.config import Config

        try:
            found = schedule(store, config or Config(), as_of.date())
            return _verdicts(found), ("Retention periods come from the retention schedule in the configuration"
                                      f"{'' if config else ' (the default schedule: no --config was given)'}."), True
        except Exception as exc:  # noqa: BLE001 - a broken rule must not lose the whole report
            log.warning("retention rules could not be applied: %s", exc)
            return {}, f"Retention was not assessed: the retention schedule could not be applied ({exc}).", False
    return {}, ("Retention was not assessed: no retention schedule is available. Give --retention-years to "
                "apply a simple age rule."), False


def _retention_schedule():
    """The retention module's verdicts, when it is installed (it is developed alongside this report)."""
    try:
        from reports.retention import expired_items

        return expired_items
    except ImportError:
        pass
    try:
        from scanner.retention import candidates

        return candidates
    except ImportError:
        return None


def _verdicts(found) -> dict[str, str]:
    """Accepts what a retention module returns: ids, a mapping id → reason, or records with an id and reason."""
    out: dict[str, str] = {}
    if isinstance(found, dict):
        return {str(k): str(v or "past its retention period") for k, v in found.items()}
    for entry in found or ():
        if isinstance(entry, str):
            out[entry] = "past its retention period"
            continue
        get = entry.get if isinstance(entry, dict) else (lambda key, e=entry: getattr(e, key, None))
        item = get("item_id") or get("id")
        if item and not get("legal_hold"):  # held for a case or claim: it must be kept
            rule, expires = get("rule"), get("expires")
            because = f"the {rule} rule" if rule else "the retention schedule"
            out[str(item)] = str(get("reason") or (f"{because}, expired {uk_date(expires)}" if expires else because))
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --- changes since the previous scan -------------------------------------------------------------------------------


def _kinds(rows) -> set[tuple[str, str]]:
    return {(r["kind"], r["entity_type"]) for r in rows if r["kind"]}


def _change(location: str, kinds: set[tuple[str, str]], how: str) -> Change:
    ordered = sorted(kinds, key=lambda k: (k[0] == ENTITY, k[1]))
    return Change(location, tuple(label(t) for _, t in ordered), how, any(k in SENSITIVE_KINDS for k, _ in kinds))


def _changes(store: Store, latest: dict | None, previous: dict | None, findings: dict[str, list[dict]]) -> Changes:
    if latest is None:
        return Changes(False, "No scan has been recorded in this store yet.")
    if previous is None:
        return Changes(False, "This is the first scan recorded in this store: there is nothing to compare with yet.")
    since = int(store.meta("finding_history_since") or 1)
    if since > previous["id"] + 1:
        return Changes(False, f"Changes are recorded from scan {since} on: they are shown from the next scan.")
    prev = previous["id"]
    # The state as of the previous scan is what the first rescan after it replaced.
    first_rescan: dict[str, int] = {}
    before: dict[str, set[tuple[str, str]]] = {}
    root_of: dict[str, str] = {}
    for row in store.db.query(
        "SELECT * FROM finding_history WHERE replaced_in_scan > ? ORDER BY replaced_in_scan, rowid", [prev]
    ):
        if first_rescan.setdefault(row["root_id"], row["replaced_in_scan"]) == row["replaced_in_scan"]:
            before.setdefault(row["item_id"], set())
            root_of[row["item_id"]] = row["root_id"]
            if row["kind"]:
                before[row["item_id"]].add((row["kind"], row["entity_type"]))
    new: list[Change] = []
    resolved: list[Change] = []
    locations: dict[str, str] = {}
    for item in store.items(include_gone=True):
        locations[item["id"]] = item["location"]
        now = _kinds(findings.get(item["id"], []))
        if item["gone"]:
            if (item["gone_in_scan"] or 0) > prev and now:
                resolved.append(_change(item["location"], now, "Deleted or moved away"))
            continue
        if (item["scanned_in_scan"] or 0) <= prev:
            continue
        if (item["first_seen_scan"] or 0) > prev:
            if now:
                new.append(_change(item["location"], now, "New item"))
            continue
        if item["root_id"] not in first_rescan:
            continue  # rescanned without a record of what it held: say nothing rather than guess
        then = before.get(item["id"], set())
        if now - then:
            new.append(_change(item["location"], now - then, "Found after the item changed"))
        if then - now and item["status"] in ("scanned", "encrypted"):
            how = "Now password-protected" if item["status"] == "encrypted" else "No longer found after the item changed"
            resolved.append(_change(item["location"], then - now, how))
    for gone_id, kinds in before.items():
        if gone_id not in locations and kinds:
            # A member (an attachment, an archive member) that a rescan of its container no longer found.
            where = locations.get(root_of[gone_id], "(an item no longer in the store)")
            resolved.append(_change(f"{where}{CHILD_SEPARATOR}(removed member)", kinds, "Removed from its container"))
    order = lambda c: (not c.sensitive, c.location)  # noqa: E731
    return Changes(True, "", tuple(sorted(new, key=order)), tuple(sorted(resolved, key=order)))


# --- errors --------------------------------------------------------------------------------------------------------


def _errors(store: Store, latest: dict | None, items: list[dict]) -> list[Unread]:
    """Items that failed, and errors of the latest full scan (and the agent's since) that name no item."""
    out = [_unread(i) for i in items if i["status"] == "error"]
    seen = {(u.location, u.reason) for u in out}
    failed_ids = {i["id"] for i in items if i["status"] == "error"}
    if latest is not None:
        for row in store.db.query("SELECT * FROM errors WHERE scan_id >= ? ORDER BY rowid", [latest["id"]]):
            key = (row["location"], row["reason"])
            if key in seen or row["item_id"] in failed_ids:
                continue
            seen.add(key)
            out.append(Unread(row["location"], "", "error", row["reason"] or ""))
    return out


# --- charts --------------------------------------------------------------------------------------------------------


def _category_chart(risky: list[RiskyItem]) -> Chart:
    counts: dict[str, list[int]] = {}
    for r in risky:
        for category in r.categories:
            counts.setdefault(category, [0, 0])[0 if r.priority == 1 else 1] += 1
    bars = tuple(
        (CATEGORY_LABELS.get(c, c), tuple(v))
        for c, v in sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    )
    return Chart("chart-categories", "Sensitive data by category", ("Readable by everyone or shared", "Access limited"),
                 bars, "Items holding each category (an item can hold several).")


def _identifier_chart(with_data: list[dict], findings: dict[str, list[dict]]) -> Chart:
    counts: Counter[str] = Counter()
    for item in with_data:
        counts.update({f["entity_type"] for f in findings[item["id"]] if f["kind"] == ENTITY})
    bars = tuple((ENTITY_LABELS.get(t, t), (n,)) for t, n in counts.most_common())
    return Chart("chart-identifiers", "Personal data by type", ("Items",), bars,
                 "Items holding each kind of personal data.", colours=(MAIN,))


def _area(location: str, root: list[str], sep: str) -> str:
    parts = location.split(CHILD_SEPARATOR, 1)[0].split(sep)
    return parts[len(root)] if len(parts) > len(root) + 1 else "(top folder)"


def _split(location: str) -> tuple[str, list[str]]:
    sep = "\\" if location.startswith("\\\\") else "/"
    return sep, location.split(CHILD_SEPARATOR, 1)[0].split(sep)


def _area_chart(items: list[dict], with_data: list[dict], risky: list[RiskyItem]) -> Chart:
    roots: dict[str, list[str]] = {}
    for item in items:
        if item["depth"] == 0:
            _, parts = _split(item["location"])
            folder = parts[:-1]
            root = roots.setdefault(item["source"], folder)
            n = 0
            while n < min(len(root), len(folder)) and root[n] == folder[n]:
                n += 1
            roots[item["source"]] = root[:n]
    several = len({i["source"] for i in items}) > 1
    sensitive_ids = {r.item_id for r in risky}
    counts: dict[str, list[int]] = {}
    for item in with_data:
        sep, _ = _split(item["location"])
        area = _area(item["location"], roots.get(item["source"], []), sep)
        name = f"{item['source']} › {area}" if several else area
        counts.setdefault(name, [0, 0])[0 if item["id"] in sensitive_ids else 1] += 1
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    if len(ordered) > MAX_AREAS:
        rest = ordered[MAX_AREAS - 1 :]
        ordered = ordered[: MAX_AREAS - 1] + [
            (f"{len(rest)} other folders", [sum(v[0] for _, v in rest), sum(v[1] for _, v in rest)])
        ]
    return Chart("chart-areas", "Where personal data is", ("Sensitive", "Other personal data"),
                 tuple((name, tuple(v)) for name, v in ordered),
                 "Items with personal data in each top-level folder of each source.")


def _age_chart(with_data: list[dict], risky: list[RiskyItem], as_of: datetime) -> Chart:
    sensitive_ids = {r.item_id for r in risky}
    names = [name for _, name in AGE_BANDS] + ["Over 10 years", "Date unknown"]
    counts = {name: [0, 0] for name in names}
    for item in with_data:
        modified = _parse(item["modified"])
        if modified is None:
            band = "Date unknown"
        else:
            years = (as_of - _aware(modified)).days / 365.25
            band = next((name for limit, name in AGE_BANDS if years < limit), "Over 10 years")
        counts[band][0 if item["id"] in sensitive_ids else 1] += 1
    if not counts["Date unknown"][0] and not counts["Date unknown"][1]:
        del counts["Date unknown"]
    return Chart("chart-age", "Age of data (time since last change)", ("Sensitive", "Other personal data"),
                 tuple((name, tuple(v)) for name, v in counts.items()),
                 "Many school records need keeping for no more than six years; older files are worth a look.")
