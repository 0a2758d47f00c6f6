"""Fictional people and check-digit-valid UK identifiers for the evaluation set, plus look-alikes that fail.

Independent of ``scanner.sample_share`` on purpose: a different school, different names and different number
ranges, so the evaluation set does not share the sample share's blind spots.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import phonenumbers
from stdnum import luhn
from stdnum.gb import nhs as stdnum_nhs
from stdnum.gb import upn as stdnum_upn

SCHOOL = "Larkfield Community School"
SCHOOL_DOMAIN = "larkfield.sch.uk"

# (first names with sex, surnames, DfE ethnicity codes that fit) per background. Every person is invented.
BACKGROUNDS = {
    "british": (
        [("Oliver", "m"), ("Harry", "m"), ("George", "m"), ("Charlie", "m"), ("Alfie", "m"), ("Thomas", "m"),
         ("William", "m"), ("Jack", "m"), ("Amelia", "f"), ("Isla", "f"), ("Poppy", "f"), ("Freya", "f"),
         ("Evie", "f"), ("Ruby", "f"), ("Grace", "f"), ("Lily", "f"), ("Sophie", "f"), ("Jessica", "f")],
        ["Thompson", "Walker", "Hughes", "Fletcher", "Collins", "Barker", "Holt", "Pearson", "Shaw", "Turner",
         "Whitaker", "Ingham", "Lockwood", "Pennington", "Ridley", "Sowerby"],
        ["WBRI"],
    ),
    "irish": (
        [("Niamh", "f"), ("Aoife", "f"), ("Siobhan", "f"), ("Ciaran", "m"), ("Sean", "m"), ("Declan", "m")],
        ["O'Connor", "Byrne", "Murphy", "Gallagher", "Doherty", "Flanagan"],
        ["WIRI"],
    ),
    "south_asian": (
        [("Aarav", "m"), ("Hamza", "m"), ("Ayaan", "m"), ("Imran", "m"), ("Rohan", "m"), ("Yusuf", "m"),
         ("Harpreet", "f"), ("Priya", "f"), ("Zainab", "f"), ("Anika", "f"), ("Sana", "f"), ("Meera", "f"),
         ("Aisha", "f"), ("Gurdeep", "m")],
        ["Patel", "Hussain", "Begum", "Khan", "Sharma", "Chaudhry", "Rahman", "Iqbal", "Ahmed", "Mistry",
         "Sandhu", "Bhatti"],
        ["APKN", "AIND", "ABAN"],
    ),
    "polish": (
        [("Zofia", "f"), ("Maja", "f"), ("Oliwia", "f"), ("Natalia", "f"), ("Jakub", "m"), ("Kacper", "m"),
         ("Szymon", "m"), ("Filip", "m")],
        ["Kowalczyk", "Nowak", "Mazur", "Wójcik", "Lewandowski", "Zieliński", "Kamiński", "Grabowski"],
        ["WPOL", "WOTH"],
    ),
    "west_african": (
        [("Chidi", "m"), ("Kwame", "m"), ("Tunde", "m"), ("Kofi", "m"), ("Oluwaseun", "m"), ("Adaeze", "f"),
         ("Ama", "f"), ("Folake", "f"), ("Efua", "f"), ("Chiamaka", "f")],
        ["Okafor", "Adeyemi", "Mensah", "Owusu", "Nwosu", "Boateng", "Adebayo", "Eze", "Asante", "Okonkwo"],
        ["BAFR"],
    ),
    "caribbean": (
        [("Jordan", "m"), ("Marcus", "m"), ("Andre", "m"), ("Tia", "f"), ("Shanice", "f"), ("Kayla", "f")],
        ["Campbell", "Clarke", "Grant", "Francis", "Bailey", "Reid"],
        ["BCRB", "MWBC"],
    ),
    "chinese": (
        [("Wei", "m"), ("Jun", "m"), ("Mei", "f"), ("Xin", "f")],
        ["Chen", "Wong", "Zhang", "Liu"],
        ["CHNE"],
    ),
    "somali": (
        [("Abdi", "m"), ("Mohamed", "m"), ("Hodan", "f"), ("Ayan", "f"), ("Idil", "f")],
        ["Farah", "Warsame", "Hassan", "Abdullahi", "Jama"],
        ["BSOM", "BAFR"],
    ),
    "romanian": (
        [("Andrei", "m"), ("Stefan", "m"), ("Ioana", "f"), ("Elena", "f")],
        ["Popescu", "Ionescu", "Dumitru", "Stan"],
        ["WROM", "WOTH"],
    ),
}
BACKGROUND_WEIGHTS = {"british": 8, "irish": 1, "south_asian": 4, "polish": 2, "west_african": 2, "caribbean": 1,
                      "chinese": 1, "somali": 1, "romanian": 1}
ETHNICITY_NAMES = {
    "WBRI": "White - British", "WIRI": "White - Irish", "WOTH": "Any other White background",
    "WPOL": "White - Polish", "WROM": "Gypsy / Roma", "APKN": "Pakistani", "AIND": "Indian",
    "ABAN": "Bangladeshi", "BAFR": "Black - African", "BSOM": "Black - Somali", "BCRB": "Black Caribbean",
    "CHNE": "Chinese", "MWBC": "White and Black Caribbean", "MWAS": "White and Asian",
}
STREETS = ("Beech Grove", "Albert Road", "Moss Lane", "Springfield Avenue", "Cotton Street", "Delph Close",
           "Lime Tree Walk", "Brook Terrace", "Hollins Road", "Clarendon Street", "Mayfield Drive", "Tanner Row")
TOWNS = (("Oldham", "OL"), ("Bolton", "BL"), ("Bradford", "BD"), ("Leeds", "LS"), ("Manchester", "M"),
         ("Stockport", "SK"), ("Leicester", "LE"), ("Nottingham", "NG"), ("Birmingham", "B"), ("Liverpool", "L"))
POSTCODE_UNIT = "ABDEFGHJLNPQRSTUWXYZ"
# Mobile prefixes phonenumbers treats as allocated (not Ofcom's 07700 900xxx drama range).
MOBILE_PREFIXES = ("07412", "07539", "07723", "07811", "07903", "07956", "07588", "07466")
LANDLINE_AREAS = ("0161", "0113", "01204", "01274", "0116", "0115", "0121", "0151")
PERSONAL_MAIL = ("gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "icloud.com")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    sex: str  # "m" or "f": only for pronouns
    background: str
    born: date

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def he(self) -> str:
        return "he" if self.sex == "m" else "she"

    @property
    def his(self) -> str:
        return "his" if self.sex == "m" else "her"

    @property
    def him(self) -> str:
        return "him" if self.sex == "m" else "her"

    @property
    def title(self) -> str:
        return "Mr" if self.sex == "m" else "Ms"

    def ethnicity(self, rng: random.Random) -> str:
        return rng.choice(BACKGROUNDS[self.background][2])


class People:
    """Invents people, avoiding names already used while fresh ones are easy to find (namesakes then happen,
    as they do in a real school)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def one(self, *, adult: bool = False, sex: str | None = None, background: str | None = None,
            year_group: int | None = None) -> Person:
        rng = self.rng
        for attempt in range(40):
            bg = background or rng.choices(list(BACKGROUND_WEIGHTS), weights=list(BACKGROUND_WEIGHTS.values()))[0]
            firsts, lasts, _ = BACKGROUNDS[bg]
            first, s = rng.choice([f for f in firsts if sex is None or f[1] == sex])
            last = rng.choice(lasts)
            if f"{first} {last}" not in self.used or attempt == 39:
                self.used.add(f"{first} {last}")
                break
        if adult:
            born = date(rng.randint(1962, 1998), 1, 1) + timedelta(days=rng.randint(0, 364))
        else:
            year = year_group if year_group is not None else rng.randint(1, 13)
            # Year N in 2024/25: born between 1 Sep (2019 - N) and 31 Aug (2020 - N).
            born = date(2019 - year, 9, 1) + timedelta(days=rng.randint(0, 364))
        return Person(first, last, s, bg, born)

    def pupils(self, n: int, **kw) -> list[Person]:
        return [self.one(**kw) for _ in range(n)]

    def parent_of(self, child: Person, sex: str | None = None) -> Person:
        """An adult of the child's family: same surname and background."""
        adult = self.one(adult=True, sex=sex, background=child.background)
        return Person(adult.first, child.last, adult.sex, adult.background, adult.born)


def fold(text: str) -> str:
    """ASCII-ish text for PDF core fonts (Latin-1 only): Wójcik → Wojcik, Zieliński → Zielinski."""
    text = text.replace("Ł", "L").replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- identifiers that pass their checks --------------------------------------------------------------------------

def nhs_number(rng: random.Random, spaced: bool = True) -> str:
    while True:
        body = f"{rng.randint(4, 7)}{rng.randint(0, 99_999_999):08d}"
        check = (11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11) % 11
        if check != 10:
            number = body + str(check)
            assert stdnum_nhs.is_valid(number)
            return f"{number[:3]} {number[3:6]} {number[6:]}" if spaced else number


UPN_LAS = (350, 351, 353, 354, 355, 380, 381, 383, 855, 856, 330, 340, 341)


def upn(rng: random.Random) -> str:
    body = f"{rng.choice(UPN_LAS)}{rng.randint(2000, 7499)}{rng.randint(8, 23):02d}{rng.randint(0, 999):03d}"
    number = stdnum_upn.calc_check_digit(body) + body
    assert stdnum_upn.is_valid(number)
    return number


def uln(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        if total % 11 == 0:
            continue
        check = 10 - total % 11
        if 0 <= check <= 9:
            return "".join(map(str, digits)) + str(check)


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BANNED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino(rng: random.Random, spaced: bool | None = None) -> str:
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in NINO_BANNED:
            break
    digits = [f"{rng.randint(0, 99):02d}" for _ in range(3)]
    suffix = rng.choice("ABCD")
    if spaced if spaced is not None else rng.random() < 0.6:
        return f"{prefix} {' '.join(digits)} {suffix}"
    return f"{prefix}{''.join(digits)}{suffix}"


def card_number(rng: random.Random) -> str:
    prefix = rng.choice(["4", "4", "51", "52", "53", "54", "55"])
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix)))
    number = body + luhn.calc_check_digit(body)
    return " ".join(number[i:i + 4] for i in range(0, 16, 4))


def mobile(rng: random.Random) -> str:
    while True:
        number = f"{rng.choice(MOBILE_PREFIXES)} {rng.randint(100000, 999999)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "GB")):
            return number


def landline(rng: random.Random) -> str:
    while True:
        area = rng.choice(LANDLINE_AREAS)
        local = rng.randint(2_000_000, 8_999_999) if len(area) == 4 else rng.randint(200_000, 899_999)
        digits = str(local)
        number = f"{area} {digits[:3]} {digits[3:]}" if len(area) == 4 else f"{area} {digits}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "GB")):
            return number


def postcode(rng: random.Random, area: str | None = None) -> str:
    area = area or rng.choice(TOWNS)[1]
    return f"{area}{rng.randint(1, 16)} {rng.randint(1, 9)}{rng.choice(POSTCODE_UNIT)}{rng.choice(POSTCODE_UNIT)}"


def sort_code(rng: random.Random) -> str:
    return f"{rng.randint(11, 89)}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"


def account_number(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 99_999_999))


# --- look-alikes that fail their checks ------------------------------------------------------------------------------

def isbn10(rng: random.Random) -> str:
    """An ISBN-10 (English-language group 0 or 1) whose check is a digit: it therefore passes the NHS mod 11 check."""
    while True:
        body = f"{rng.choice('01')}{rng.randint(0, 99_999_999):08d}"
        check = (11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11) % 11
        if check != 10:
            number = body + str(check)
            assert stdnum_nhs.is_valid(number)
            return number


def failing_ten_digits(rng: random.Random) -> str:
    """Ten digits that are neither an NHS number (mod 11) nor a ULN, nor start with 0 (no phone look-alike)."""
    while True:
        number = f"{rng.randint(1_000_000_000, 9_999_999_999)}"
        digits = [int(d) for d in number]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        uln_ok = total % 11 != 0 and 10 - total % 11 == digits[9]
        if not stdnum_nhs.is_valid(number) and not uln_ok:
            return number


def failing_card(rng: random.Random) -> str:
    while True:
        number = "4" + "".join(str(rng.randint(0, 9)) for _ in range(15))
        if not luhn.is_valid(number):
            return " ".join(number[i:i + 4] for i in range(0, 16, 4))
