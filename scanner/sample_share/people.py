"""The fictional cast of Hartfield Academy: pupils, families, staff, former pupils and job candidates.

Everyone is invented; identifiers are valid but random. Namesakes are planted on purpose (siblings, twin first names).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import identifiers as ids

SCHOOL = "Hartfield Academy"
SCHOOL_DOMAIN = "hartfield.sch.uk"
SCHOOL_ADDRESS_TOWN = "Hartfield"
ACADEMIC_YEAR_START = 2024  # the share is as of summer term 2024/25

FIRST_NAMES = (
    "Amelia", "Isla", "Ava", "Mia", "Freya", "Grace", "Lily", "Sophie", "Evie", "Ruby", "Chloe", "Zara", "Aisha",
    "Priya", "Maya", "Niamh", "Erin", "Hannah", "Leah", "Imogen", "Poppy", "Jessica", "Fatima", "Ellie", "Nadia",
    "Harry", "Jack", "Noah", "Leo", "Oscar", "George", "Arthur", "Theo", "Jacob", "Samuel", "Ethan", "Reuben",
    "Kieran", "Callum", "Rhys", "Dylan", "Aarav", "Bilal", "Kofi", "Tomasz", "Luca", "Finley", "Owen", "Ibrahim",
    "Daniel", "Joseph", "Lewis", "Connor", "Mason", "Alfie",
)
SURNAMES = (
    "Ashworth", "Barlow", "Brennan", "Chadwick", "Crossley", "Dewhurst", "Eastwood", "Fairclough", "Greenhalgh",
    "Hargreaves", "Holroyd", "Kowalski", "Lomax", "Mahmood", "Marsden", "Nwosu", "Okafor", "Pilling", "Quayle",
    "Ramsbottom", "Sutcliffe", "Thornley", "Varga", "Whitworth", "Yardley", "Akhtar", "Brannigan", "Cheung",
    "Duckworth", "Entwistle", "Farnworth", "Gorton", "Haworth", "Iqbal", "Kershaw", "Lindqvist", "Mellor",
    "Nuttall", "Ormerod", "Pickup", "Riley", "Schofield", "Tattersall", "Unsworth", "Walmsley", "Zielinski",
    "Ogunleye", "Rafferty", "Birtwistle", "Clegg",
)
KNOWN_AS = {"Samuel": "Sam", "Daniel": "Dan", "Joseph": "Joe", "Jessica": "Jess", "Theo": "Teddy",
            "Alfie": "Alf", "Imogen": "Immy", "Jacob": "Jake"}
STREETS = ("Mill Lane", "Church Street", "Moorside Road", "Victoria Avenue", "Canal Walk", "Holly Bank",
           "Oakfield Drive", "Station Road", "Chapel Fold", "Weavers Court", "Bank Top", "Heathfield Close")
ETHNICITY_CODES = ("WBRI", "WBRI", "WBRI", "WIRI", "WOTH", "APKN", "AIND", "ABAN", "BAFR", "BCRB", "CHNE",
                   "MWBC", "MWAS", "WPOL")
STAFF_ROLES = ("Headteacher", "Deputy Headteacher", "Business Manager", "SENCO", "Designated Safeguarding Lead",
               "Teacher of English", "Teacher of Maths", "Teacher of Science", "Teacher of History",
               "Teacher of RE", "Teacher of Geography", "Teacher of Computing", "Teacher of PE",
               "Teacher of Art", "Teacher of MFL", "Head of Year 7", "Head of Year 10", "Attendance Officer",
               "Exams Officer", "School Nurse", "Finance Officer", "Office Manager", "Teaching Assistant",
               "Teaching Assistant")
SEN_NEEDS = ("Autism spectrum disorder (ASD)", "Specific learning difficulty (dyslexia)",
             "Social, emotional and mental health needs (anxiety, school refusal)",
             "Speech, language and communication needs", "Moderate learning difficulty", "Hearing impairment")
CONDITIONS = (
    ("Asthma", "Salbutamol inhaler 100mcg, 2 puffs as needed", False),
    ("Type 1 diabetes", "Insulin (NovoRapid) by pen with meals; glucose tablets for hypos", False),
    ("Epilepsy (absence and tonic-clonic seizures)", "Buccal midazolam 10mg if a seizure lasts over 5 minutes", False),
    ("Severe peanut allergy with anaphylaxis", "Two EpiPen 0.3mg adrenaline auto-injectors carried at all times", False),
    ("Cystic fibrosis, confirmed by genetic testing (two F508del variants)", "Creon with meals; daily physiotherapy",
     True),
    ("Sickle cell disease (HbSS) found on newborn genetic screening", "Penicillin V twice daily; paracetamol", True),
    ("ADHD", "Methylphenidate (Concerta XL) 18mg each morning, given at home", False),
    ("Coeliac disease", "Strict gluten-free diet; no medicines in school", False),
)
MEAL_RELIGIONS = ("Halal meals (Muslim)", "No pork (Muslim)", "Kosher-style meals (Jewish)",
                  "Vegetarian (Hindu)", "No beef (Sikh)")
UNIONS = ("NEU", "NASUWT", "UNISON", "NAHT", "ASCL", "GMB")


@dataclass
class Person:
    """One fictional person and every identifier the share may mention about them."""

    key: str
    role: str  # pupil, parent, staff, candidate
    first: str
    last: str
    dob: date
    known_as: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    upn: str = ""
    uln: str = ""
    nhs: str = ""
    nino: str = ""
    year_group: int = 0  # 7..13 for current pupils; 0 otherwise
    form: str = ""
    family: str = ""
    ethnicity: str = ""
    sort_code: str = ""
    account: str = ""
    union: str = ""
    job: str = ""
    left: int = 0  # year a former pupil left
    sen_need: str = ""
    ehcp: bool = False
    condition: tuple[str, str, bool] | None = None  # (condition, medicines, confirmed genetically)
    fsm: bool = False
    looked_after: bool = False
    meal_religion: str = ""
    parents: list["Person"] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def initials(self) -> str:
        return f"{self.first[0]}{self.last[0]}"


@dataclass
class Cast:
    pupils: list[Person]
    parents: list[Person]
    staff: list[Person]
    former_pupils: list[Person]
    candidates: list[Person]

    def everyone(self) -> list[Person]:
        return self.pupils + self.parents + self.staff + self.former_pupils + self.candidates

    def staff_in(self, job: str) -> Person:
        return next(p for p in self.staff if p.job == job)

    def year(self, year_group: int) -> list[Person]:
        return [p for p in self.pupils if p.year_group == year_group]


class _NamePool:
    """Hands out unique full names, except where a namesake is asked for."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def take(self, first: str | None = None, last: str | None = None) -> tuple[str, str]:
        for _ in range(10_000):
            pair = (first or self.rng.choice(FIRST_NAMES), last or self.rng.choice(SURNAMES))
            if pair not in self.used:
                self.used.add(pair)
                return pair
        raise RuntimeError("name pool exhausted")


def _birthday(rng: random.Random, year_group: int) -> date:
    """A date of birth in the right school year (1 Sept .. 31 Aug) for the 2024/25 year group."""
    start_year = ACADEMIC_YEAR_START - year_group - 5
    return date.fromordinal(date(start_year, 9, 1).toordinal() + rng.randint(0, 364))


def make_cast(rng: random.Random, scale: int = 1) -> Cast:
    names = _NamePool(rng)
    pupils, parents = [], []
    per_year = 12 * scale

    def new_family(last: str, n: int) -> list[Person]:
        family = f"F{len(parents) + 1:03d}"
        street, postcode = f"{rng.randint(1, 140)} {rng.choice(STREETS)}", ids.postcode(rng)
        adults = []
        for i in range(n):
            first, _ = names.take(last=last)
            adults.append(Person(
                key=f"parent-{len(parents) + 1:04d}", role="parent", first=first, last=last,
                dob=date(rng.randint(1972, 1990), rng.randint(1, 12), rng.randint(1, 28)),
                email=f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(['example.com', 'example.org'])}",
                phone=ids.mobile(rng), street=street, postcode=postcode, family=family))
            parents.append(adults[-1])
        return adults

    def new_pupil(year_group: int, first: str | None = None, last: str | None = None,
                  family: list[Person] | None = None) -> Person:
        first, last = names.take(first, last)
        family = family or new_family(last, rng.choice((1, 2, 2)))
        n = len(pupils) + 1
        pupil = Person(
            key=f"pupil-{n:04d}", role="pupil", first=first, last=last, dob=_birthday(rng, year_group),
            known_as=KNOWN_AS.get(first, first),
            email=f"{ACADEMIC_YEAR_START - year_group + 7}{first[0].lower()}{last.lower()}@{SCHOOL_DOMAIN}",
            upn=ids.upn(rng, ACADEMIC_YEAR_START - year_group), uln=ids.uln(rng), nhs=ids.nhs(rng),
            year_group=year_group, form=f"{year_group}{rng.choice('HAR')}", family=family[0].family,
            street=family[0].street, postcode=family[0].postcode, ethnicity=rng.choice(ETHNICITY_CODES),
            parents=family)
        pupils.append(pupil)
        return pupil

    # Planted namesakes: two siblings sharing parents and a surname; two unrelated pupils called Oliver.
    elder = new_pupil(11, "Amira", "Hussain")
    new_pupil(8, "Yusuf", "Hussain", family=elder.parents)
    new_pupil(9, "Oliver", "Bennett")
    new_pupil(9, "Oliver", "Grant")
    for year_group in range(7, 14):
        while len([p for p in pupils if p.year_group == year_group]) < per_year:
            new_pupil(year_group)

    staff = []
    for i, job in enumerate(STAFF_ROLES + ("Teaching Assistant",) * 2 * (scale - 1)):
        first, last = names.take()
        staff.append(Person(
            key=f"staff-{i + 1:04d}", role="staff", first=first, last=last, job=job,
            dob=date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28)),
            known_as=KNOWN_AS.get(first, first), email=f"{first[0].lower()}.{last.lower()}@{SCHOOL_DOMAIN}",
            phone=ids.mobile(rng), street=f"{rng.randint(1, 140)} {rng.choice(STREETS)}", postcode=ids.postcode(rng),
            nino=ids.nino(rng), sort_code=ids.sort_code(rng), account=ids.account_number(rng),
            union=rng.choice(UNIONS) if rng.random() < 0.7 else "", ethnicity=rng.choice(ETHNICITY_CODES)))

    former = []
    for i in range(15 * scale):
        first, last = names.take()
        former.append(Person(
            key=f"former-{i + 1:04d}", role="pupil", first=first, last=last, dob=_birthday(rng, 19),  # Year 7 in 2012/13
            known_as=KNOWN_AS.get(first, first), upn=ids.upn(rng, 2012), left=2019,
            street=f"{rng.randint(1, 140)} {rng.choice(STREETS)}", postcode=ids.postcode(rng), phone=ids.landline(rng)))

    candidates = []
    for i in range(10 * scale):
        first, last = names.take()
        candidates.append(Person(
            key=f"candidate-{i + 1:04d}", role="candidate", first=first, last=last,
            dob=date(rng.randint(1975, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"{first.lower()}{last.lower()[:3]}{rng.randint(10, 99)}@example.net", phone=ids.mobile(rng),
            street=f"{rng.randint(1, 140)} {rng.choice(STREETS)}", postcode=ids.postcode(rng),
            nino=ids.nino(rng), ethnicity=rng.choice(ETHNICITY_CODES)))
    _assign_needs(rng, pupils, scale)
    return Cast(pupils, parents, staff, former, candidates)


def _assign_needs(rng: random.Random, pupils: list[Person], scale: int) -> None:
    """Give a deterministic subset of pupils SEN, medical conditions, FSM, care status and meal requests."""
    for pupil in rng.sample(pupils, 10 * scale):
        pupil.sen_need = rng.choice(SEN_NEEDS)
        pupil.ehcp = rng.random() < 0.5
    for i, pupil in enumerate(rng.sample(pupils, 10 * scale)):
        pupil.condition = CONDITIONS[i % len(CONDITIONS)]
    for pupil in pupils:
        pupil.fsm = rng.random() < 0.22
        if rng.random() < 0.15:
            pupil.meal_religion = rng.choice(MEAL_RELIGIONS)
    for pupil in rng.sample([p for p in pupils if p.last != "Hussain"], 3 * scale):
        pupil.looked_after = True
