"""Reports room: which stored items are risky, in what order, why, and what the DPO should do about each.

Pure functions over one item's stored row, its findings and its retention verdict; no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from scanner.items import CONTEXT, CRIMINAL_OFFENCE, ENTITY, SPECIAL_CATEGORY

CATEGORY_LABELS = {
    "health": "Health",
    "racial_ethnic_origin": "Racial or ethnic origin",
    "religious_beliefs": "Religious beliefs",
    "sex_life_or_orientation": "Sex life or sexual orientation",
    "biometric": "Biometric",
    "genetic": "Genetic",
    "trade_union_membership": "Trade union membership",
    "political_opinions": "Political opinions",
    "criminal_offence": "Criminal offence",
    "safeguarding": "Safeguarding",
    "send": "SEND",
    "looked_after_child": "Looked-after child",
    "free_school_meals": "Free school meals",
}

ENTITY_LABELS = {
    "PERSON": "Names",
    "EMAIL_ADDRESS": "Email addresses",
    "PHONE_NUMBER": "Phone numbers",
    "UK_POSTCODE": "Postcodes",
    "UK_NHS": "NHS numbers",
    "UK_NINO": "NI numbers",
    "UK_UPN": "UPNs",
    "UK_ULN": "ULNs",
    "DATE_OF_BIRTH": "Dates of birth",
    "UK_BANK_ACCOUNT": "Bank account numbers",
    "CREDIT_CARD": "Payment card numbers",
}

# How much harm a leak does: Art. 9/10 data and the school contexts treated like it (safeguarding, care) first.
SEVERITY = {CRIMINAL_OFFENCE: 3, "safeguarding": 3, "looked_after_child": 3, "send": 2, "free_school_meals": 1}
SENSITIVE_KINDS = (SPECIAL_CATEGORY, CRIMINAL_OFFENCE, CONTEXT)

PRIORITIES = {1: "Act now", 2: "High", 3: "Review"}


def label(entity_type: str) -> str:
    return CATEGORY_LABELS.get(entity_type) or ENTITY_LABELS.get(entity_type) or entity_type


def severity(category: str) -> int:
    return SEVERITY.get(category, 3)  # every Art. 9 category is 3


@dataclass(frozen=True)
class RiskyItem:
    """An item holding special-category, criminal-offence or sensitive school-context data, with its verdict."""

    item_id: str
    location: str
    source: str
    categories: tuple[str, ...]  # category keys, most severe first
    identifiers: tuple[tuple[str, int], ...]  # (entity type, matches)
    modified: datetime | None
    exposed_to: tuple[str, ...]
    priority: int  # 1 act now, 2 high, 3 review
    score: int
    why: tuple[str, ...]
    actions: tuple[str, ...]
    expired: str | None = None  # why it is past its retention period, when it is

    @property
    def priority_label(self) -> str:
        return PRIORITIES[self.priority]

    @property
    def category_labels(self) -> tuple[str, ...]:
        return tuple(label(c) for c in self.categories)

    @property
    def identifier_labels(self) -> tuple[str, ...]:
        return tuple(f"{label(t)} ({n:,})" for t, n in self.identifiers)


def _listing(words: list[str]) -> str:
    words = [w.lower() if w not in ("SEND",) else w for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def assess(item: dict, findings: list[dict], expired: str | None = None) -> RiskyItem | None:
    """The verdict on one stored item (a row of ``items`` and its ``findings`` rows), or None if not risky."""
    categories = sorted(
        {f["entity_type"] for f in findings if f["kind"] in SENSITIVE_KINDS},
        key=lambda c: (-severity(c), c),
    )
    if not categories:
        return None
    identifiers = tuple(
        sorted(((f["entity_type"], f["count"]) for f in findings if f["kind"] == ENTITY), key=lambda t: -t[1])
    )
    exposure = json.loads(item.get("exposure") or "{}")
    world = bool(exposure.get("world_readable"))
    by_link = bool(exposure.get("shared_by_link"))
    external = bool(exposure.get("shared_externally"))
    group = bool(exposure.get("group_readable"))
    exposed_to = tuple(exposure.get("exposed_to") or ())
    top = severity(categories[0])
    names = [label(c) for c in categories]
    kinds = {f["kind"] for f in findings if f["kind"] in SENSITIVE_KINDS}
    art = [name for kind, name in ((SPECIAL_CATEGORY, "special-category data, UK GDPR Art. 9"),
                                   (CRIMINAL_OFFENCE, "criminal-offence data, Art. 10")) if kind in kinds]
    what = "; ".join(art) if art else "sensitive school records"

    why = [f"Holds {_listing(names)} information about identifiable people ({what})."]
    actions: list[str] = []
    if world:
        who = ", ".join(exposed_to) if exposed_to else "everyone"
        named = f" ({who})" if who.lower() != "everyone" else ""
        why.append(f"Readable by everyone with access to the server or tenant{named}.")
        actions.append(f"Remove read access for {who}; give it only to the staff who need this file.")
    if by_link:
        why.append("Shared by a link: anyone who has the link can open it.")
        actions.append("Turn off the sharing link, or limit it to named people.")
    if external:
        why.append("Shared with people outside the school.")
        actions.append("Stop the external share, or check that a data-sharing agreement covers it.")
    if group and not world:
        readers = exposure.get("readers") or []
        more = f" ({', '.join(readers[:3])}{', …' if len(readers) > 3 else ''})" if readers else ""
        why.append(f"Readable by a group beyond its owner{more}.")
        actions.append("Check that everyone in the group needs this file; narrow the permissions if not.")
    why.append("Stored as an ordinary file, not encrypted or password-protected.")
    if expired:
        why.append(f"Past its retention period: {expired}.")
        actions.append("Delete it securely, or record in the retention schedule why it must be kept longer.")
    if CRIMINAL_OFFENCE in categories:
        actions.append(
            "Criminal-offence data (e.g. DBS disclosure details): keep only what the law requires; the DBS code "
            "of practice says certificate details should not be kept beyond six months once a decision is made."
        )
    if top == 3 and not (world or by_link or external):
        actions.append(
            "Move it into the system meant for it (the MIS, CPOMS, the HR system) or protect it with a password."
        )
    elif top < 3 and not actions:
        actions.append("Check it is kept where only the staff who need it can read it.")
    exposed = world or by_link or external
    if exposed:
        actions.append("Record what you did in the data protection log.")
    if exposed:
        priority = 1
    elif expired or (top == 3 and group):
        priority = 2
    else:
        priority = 3
    score = 100 * exposed + 40 * bool(expired) + 10 * group + 5 * top + min(len(categories), 5)
    score += min(sum(n for _, n in identifiers), 99) // 10
    return RiskyItem(
        item_id=item["id"],
        location=item["location"],
        source=item["source"],
        categories=tuple(categories),
        identifiers=identifiers,
        modified=_parse(item.get("modified")),
        exposed_to=exposed_to,
        priority=priority,
        score=score,
        why=tuple(why),
        actions=tuple(dict.fromkeys(actions)),
        expired=expired,
    )


def prioritised(items: list[RiskyItem]) -> list[RiskyItem]:
    """Act-now first, then high, then review; within each, the most harmful first."""
    return sorted(items, key=lambda r: (r.priority, -r.score, r.location))


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None
