"""Content dates for retention: birth years and leaving months reduced at scan time, never stored as dates."""

import random
import re
import sqlite3
import string
import sys

import pytest

from detectors import content_dates
from detectors.content_dates import ContentDateDetector
from detectors.uk_identifiers import parse_date
from scanner.config import Config, DetectionConfig
from scanner.engine import Engine
from scanner.items import CONTENT_DATE, Finding, Segment, TextBatch
from scanner.retention import add_period, trigger_date
from scanner.store import Store
from tests.fakes import CountingExtractor


def dates(text, found=()):
    batch = TextBatch.of([Segment(text, "line 1")])
    return {(f.entity_type, f.value) for f in ContentDateDetector(DetectionConfig()).detect(batch, found)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Date of leaving: 19/07/2019", {("LEAVING_DATE", "2019-07")}),
        ("Leaving date 2018-12-31", {("LEAVING_DATE", "2018-12")}),
        ("She left the school on 3 March 2017.", {("LEAVING_DATE", "2017-03")}),
        ("End of employment: 31st August 2016", {("LEAVING_DATE", "2016-08")}),
        ("Contract ended | 30.04.2015", {("LEAVING_DATE", "2015-04")}),
        ("Date of leaving: 31/02/2019", set()),  # not a real date
        ("Date of leaving: 01/09/2099", set()),  # in the future: not left yet
        ("Start date 01/09/2010; review date 01/09/2019", set()),  # no leaving label
        ("Leaving do in the staffroom, 01/09/2019", set()),  # label must be a leaving label, not "leaving"
    ],
)
def test_leaving_dates(text, expected):
    assert dates(text) == expected


def test_birth_year_is_the_latest_date_of_birth_found_before():
    text = "DOB 14/03/2011 and DOB 2012-01-05"
    found = [
        Finding("DATE_OF_BIRTH", "line 1", 0.85, "", "personal_data", value="14/03/2011", start=4, end=14),
        Finding("DATE_OF_BIRTH", "line 1", 0.85, "", "personal_data", value="", start=23, end=33),
    ]
    assert dates(text, found) == {("BIRTH_YEAR", "2012")}


def test_switched_off():
    batch = TextBatch.of([Segment("Date of leaving: 19/07/2019", "line 1")])
    assert list(ContentDateDetector(DetectionConfig(content_dates=False)).detect(batch)) == []


class FakeDob:
    """Every 'born YYYY-MM-DD' is a DATE_OF_BIRTH finding, as personal_data would report it."""

    name = "fake_dob"

    def detect(self, batch, found=()):
        import re

        for m in re.finditer(r"born (\d{4}-\d{2}-\d{2})", batch.text):
            yield Finding("DATE_OF_BIRTH", "line", 0.85, "[DATE_OF_BIRTH]", self.name, value=m.group(1),
                          start=m.start(1), end=m.end(1))


def test_the_engine_keeps_only_the_latest_year_and_month_on_the_item(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "register.txt").write_text("A born 2009-05-01\nB born 2011-02-03\n")
    (share / "staff.txt").write_text("Date of leaving: 19/07/2019\nContract ended 01/08/2016\n")
    (share / "plain.txt").write_text("nothing here\n")
    config = Config.model_validate({"sources": [{"type": "filesystem", "name": "s", "paths": [str(share)]}]})
    store = Store(tmp_path / "s.db")
    detectors = [FakeDob(), ContentDateDetector(config.detection)]
    Engine(config, store, detectors, extract=CountingExtractor()).run()
    rows = {r["name"]: r for r in store.items()}
    assert (rows["register.txt"]["birth_year"], rows["register.txt"]["leaving_date"]) == (2011, None)
    assert (rows["staff.txt"]["birth_year"], rows["staff.txt"]["leaving_date"]) == (None, "2019-07")
    assert (rows["plain.txt"]["birth_year"], rows["plain.txt"]["leaving_date"]) == (None, None)
    # Never a finding row, and no full date anywhere in the store.
    assert not list(store.db.query("SELECT * FROM findings WHERE kind = ?", [CONTENT_DATE]))
    dump = "\n".join(store.db.conn.iterdump())
    assert "2011-02-03" not in dump and "19/07/2019" not in dump and "2019-07-19" not in dump


def test_an_older_store_gets_the_new_columns(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE items (id TEXT PRIMARY KEY, root_id TEXT, location TEXT, gone INTEGER)")
    conn.execute("INSERT INTO items VALUES ('a', 'a', '/x', 0)")
    conn.commit()
    conn.close()
    store = Store(db)
    assert {"birth_year", "leaving_date"} <= set(store.db["items"].columns_dict)
    assert "retention_audit" in store.db.table_names()
    assert [r["id"] for r in store.db.query("SELECT id FROM items")] == ["a"]


@pytest.mark.parametrize(
    "start, period, expected",
    [("2019-08-31", "6m", "2020-02-29"), ("2020-02-29", "1y", "2021-02-28"), ("2000-12-31", "25y", "2025-12-31"),
     ("2024-01-01", "30d", "2024-01-31"), ("2024-01-01", "2w", "2024-01-15")],
)
def test_periods(start, period, expected):
    from datetime import date

    assert add_period(date.fromisoformat(start), period).isoformat() == expected


def test_year_and_month_triggers_count_from_their_last_day():
    assert trigger_date({"birth_year": 2001}, "date_of_birth")[0].isoformat() == "2001-12-31"
    assert trigger_date({"leaving_date": "2019-02"}, "leaving_date")[0].isoformat() == "2019-02-28"
    assert trigger_date({"birth_year": None}, "date_of_birth")[0] is None
    assert trigger_date({"created": None, "modified": "2015-04-19T10:30:00+00:00"}, "created")[0].isoformat() == "2015-04-19"


def test_registered_after_personal_data():
    from detectors import DETECTORS

    names = list(DETECTORS)
    assert names.index("personal_data") < names.index("content_dates")


# The plain way: the leaving pattern searched everywhere, without the lookahead and the label-word check.
_PLAIN_LEAVING = re.compile(r"\b(?:" + content_dates._LABEL + r")\b[^\d\n]{0,30}?" + content_dates._DATE,
                            re.IGNORECASE)


def leaving_dates(text):
    batch = TextBatch.of([Segment(text, "line 1")])
    return [(f.value, f.start, f.end) for f in ContentDateDetector(DetectionConfig()).detect(batch)
            if f.entity_type == "LEAVING_DATE"]


def plain_leaving_dates(text):
    return [(f"{parse_date(m.group('date')):%Y-%m}", m.start(), m.end()) for m in _PLAIN_LEAVING.finditer(text)
            if parse_date(m.group("date"))]


# Every label, each written in ways only IGNORECASE matches: odd case, and the characters it folds to ASCII
# letters that str.lower() does not ("İ" and "ı" for i, "ſ" for s, the Kelvin sign for k).
LABELS = [
    "date of leaving", "leaving date", "date left", "left on", "left the school on", "end of employment",
    "employment ended", "employment end date", "contract ended", "contract end date", "last day of employment",
    "last day of service", "termination date", "date of termination",
]
ODD_SPELLINGS = [str.upper, str.title, lambda s: s.replace("i", "İ"), lambda s: s.replace("i", "ı"),
                 lambda s: s.replace("s", "ſ"), lambda s: s.replace("e", "E").replace("t", "T")]


@pytest.mark.parametrize("label", LABELS)
def test_every_label_in_every_case_is_found_as_the_plain_way_finds_it(label):
    assert [value for value, _, _ in leaving_dates(f"{label}: 19/07/2019")] == ["2019-07"]
    for spelling in ODD_SPELLINGS:
        text = f"Staff record | {spelling(label)}: 19/07/2019 | Notes: none"
        assert leaving_dates(text) == plain_leaving_dates(text)


def test_only_three_characters_case_fold_to_an_ascii_letter_that_lower_misses():
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    odd = {c for c in map(chr, range(sys.maxunicode + 1))
           if ascii_letter.fullmatch(c) and not (len(c.lower()) == 1 and c.lower() in string.ascii_lowercase)}
    assert odd == set(content_dates._FOLDED_TO_ASCII)


def test_the_fast_search_is_the_plain_one_on_mixed_text():
    rng = random.Random(7)
    pieces = LABELS + ["Leaving", "LEFT", "left", "employment", "contract", "service", "termination", "date",
                       "İ", "ı", "ſ", "\u212a", "é", ": ", " ", "\n", " | ", " was ", ", ", "19/07/2019",
                       "31st August 2016", "30.04.2015", "2018-12-31", "3 March 2017", "01/09/2099", "31/02/2019"]
    dates = pieces[-6:]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.5:  # a label written oddly, then a date
            label = rng.choice([str] + ODD_SPELLINGS)(rng.choice(LABELS))
            text = text + " " + label + rng.choice([": ", " ", " | ", " was\n"]) + rng.choice(dates) + text
        assert leaving_dates(text) == plain_leaving_dates(text), text
        found += bool(plain_leaving_dates(text))
    assert found > 600
