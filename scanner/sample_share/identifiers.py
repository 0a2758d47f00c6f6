"""Fictional but check-digit-valid UK identifiers for the sample share.

Phone numbers come from Ofcom's drama ranges, bank cards are published test numbers.
"""

from __future__ import annotations

import random

from stdnum.gb import upn as stdnum_upn

# Local-authority numbers that stdnum.gb.upn accepts (a few North-West and Yorkshire LAs).
UPN_LA_NUMBERS = (350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 380, 381, 382, 383, 384)
NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BANNED_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
POSTCODE_AREAS = ("SK", "M", "OL", "WA", "LS", "BD", "S", "CW", "BL", "WN")
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
TEST_CARDS = ("4111 1111 1111 1111", "5555 5555 5555 4444", "4000 0566 5566 5556")


def upn(rng: random.Random, year_of_entry: int) -> str:
    """A permanent UPN: check letter, LA number, establishment number, two-digit year, serial."""
    body = f"{rng.choice(UPN_LA_NUMBERS)}{rng.randint(2000, 6999)}{year_of_entry % 100:02d}{rng.randint(0, 999):03d}"
    return stdnum_upn.calc_check_digit(body) + body


def uln(rng: random.Random) -> str:
    """A 10-digit Unique Learner Number: weights 10..2, check = 10 - (sum mod 11), never 10."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        check = 10 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def nhs(rng: random.Random) -> str:
    """A mod-11-valid NHS number in the usual 3-3-4 layout."""
    while True:
        digits = [rng.randint(4, 6)] + [rng.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            number = "".join(map(str, digits)) + str(check)
            return f"{number[:3]} {number[3:6]} {number[6:]}"


def nino(rng: random.Random) -> str:
    """A National Insurance number with an issuable prefix, e.g. ``JG 10 37 22 B``."""
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in NINO_BANNED_PREFIXES:
            break
    pairs = " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))
    return f"{prefix} {pairs} {rng.choice('ABCD')}"


# Mobile ranges phonenumbers treats as allocated. Ofcom's drama range (07700 900xxx) is not: it can be nobody's
# number, so gdprscan rightly ignores it, and a sample share using it would plant phone numbers nobody can find.
MOBILE_PREFIXES = ("07400", "07507", "07715", "07800", "07944")


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)} {rng.randint(100000, 999999)}"


def landline(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"0161 496 0{rng.randint(0, 999):03d}"
    return f"020 7946 0{rng.randint(0, 999):03d}"


def postcode(rng: random.Random) -> str:
    unit = rng.choice(POSTCODE_UNIT_LETTERS) + rng.choice(POSTCODE_UNIT_LETTERS)
    return f"{rng.choice(POSTCODE_AREAS)}{rng.randint(1, 19)} {rng.randint(1, 9)}{unit}"


def sort_code(rng: random.Random) -> str:
    return f"{rng.randint(10, 99)}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}"


def account_number(rng: random.Random) -> str:
    return f"{rng.randint(10_000_000, 99_999_999)}"


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
