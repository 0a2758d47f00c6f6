"""HR/ content: personnel records, payslips and payroll, the single central record and DBS certificates, sickness
absence, old recruitment files with equal-opportunities monitoring, and password-protected HR documents."""

from __future__ import annotations

from datetime import datetime

from .formats import Doc, render
from .manifest import Tally
from .people import SCHOOL, Cast, Person
from .share import ShareWriter, encrypt_ooxml

ETHNICITY_NAMES = {
    "WBRI": "White - British", "WIRI": "White - Irish", "WOTH": "Any other White background",
    "WPOL": "White - Polish", "APKN": "Asian or Asian British - Pakistani", "AIND": "Asian or Asian British - Indian",
    "ABAN": "Asian or Asian British - Bangladeshi", "BAFR": "Black or Black British - African",
    "BCRB": "Black or Black British - Caribbean", "CHNE": "Chinese", "MWBC": "Mixed - White and Black Caribbean",
    "MWAS": "Mixed - White and Asian",
}
RELIGIONS = ("No religion", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", "Buddhist", "Prefer not to say")
ORIENTATIONS = ("Heterosexual", "Heterosexual", "Gay man", "Lesbian", "Bisexual", "Prefer not to say")
SICKNESS = ("Gastroenteritis", "Stress-related illness (GP fit note)", "Back injury", "Migraine",
            "Surgery and recovery (hysterectomy)", "Chemotherapy for breast cancer", "Covid-19", "Depression")
PAY_SPINE = (24_000, 28_000, 31_650, 36_480, 41_333, 46_525, 52_300, 61_200, 78_400, 96_000)


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    _personnel(share, cast)
    _payroll(share, cast)
    _safer_recruitment(share, cast)
    _absence(share, cast)
    _recruitment(share, cast)
    _protected(share, cast)


def _salary(person: Person) -> int:
    return PAY_SPINE[int(person.key.rsplit("-", 1)[1]) % len(PAY_SPINE)]


def _personnel(share: ShareWriter, cast: Cast) -> None:
    for i, p in enumerate(cast.staff):
        t = Tally()
        doc = Doc(f"Personnel record - {t.name(p)}")
        doc.table([["Post", p.job], ["Date of birth", t.dob(p)], ["National Insurance number", t.nino(p)],
                   ["Home address", t.address(p)], ["Mobile", t.phone(p)], ["Work email", t.email(p)],
                   ["Bank sort code", p.sort_code], ["Account number", t.account(p)],
                   ["Start date", f"01/09/{2005 + i % 18}"]])
        share.doc(f"HR/Personnel/{p.last}_{p.first}/personnel_record.{('docx', 'odt', 'pdf')[i % 3]}", doc, t)


def _payroll(share: ShareWriter, cast: Cast) -> None:
    bacs, unions = Tally(), Tally()
    bacs_rows = [["Payee", "Sort code", "Account number", "Amount", "Reference"]]
    union_rows = [["Employee", "Union", "Monthly subscription"]]
    for p in cast.staff:
        gross = _salary(p) / 12
        t = Tally()
        doc = Doc(f"{SCHOOL} payslip - March 2025")
        lines = [["Employee", t.name(p)], ["NI number", t.nino(p)], ["Payroll no", f"HA{p.key[-4:]}"],
                 ["Gross pay", f"{gross:.2f}"], ["Income tax", f"{gross * 0.14:.2f}"],
                 ["National Insurance", f"{gross * 0.06:.2f}"], ["Teachers' pension", f"{gross * 0.096:.2f}"]]
        if p.union:
            lines.append([f"{p.union} union subscription", "18.40"])
            t.mark("trade_union_membership")
            union_rows.append([unions.name(p), p.union, "18.40"])
        doc.table(lines).p(f"Paid to sort code {p.sort_code}, account {t.account(p)}.")
        share.doc(f"HR/Payroll/2025-03/payslip_{p.key}.pdf", doc, t, mtime=datetime(2025, 3, 26, 9, 0))
        bacs_rows.append([bacs.name(p), p.sort_code, bacs.account(p), f"{gross * 0.72:.2f}", "HARTFIELD SAL MAR"])
    unions.mark("trade_union_membership")
    share.doc("HR/Payroll/bacs_salaries_2025-03.csv", {"bacs": bacs_rows}, bacs, mtime=datetime(2025, 3, 25, 14, 0))
    share.doc("HR/Payroll/union_deductions_2024-25.xlsx", {"Unions": union_rows}, unions)


def _safer_recruitment(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    disclosed = cast.staff[7]
    t = Tally()
    rows = [["Name", "Post", "DOB", "DBS certificate", "Issued", "Barred list", "Disclosure / notes"]]
    for p in cast.staff:
        note = ("Caution for theft (shoplifting), 2004. Risk assessed and approved by the headteacher."
                if p is disclosed else "None")
        rows.append([t.name(p), p.job, t.dob(p), f"00{rng.randint(10 ** 9, 10 ** 10 - 1)}",
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2016, 2024)}", "Clear", note])
    t.mark(criminal=True)
    share.doc("HR/Safer_Recruitment/single_central_record.xlsx", {"SCR": rows}, t)

    t = Tally()
    doc = Doc("Risk assessment - DBS disclosure")
    doc.p(f"Employee: {t.name(disclosed)} ({disclosed.job})",
          "The enhanced DBS certificate discloses a police caution for theft (shoplifting) in 2004, aged 19.",
          "Assessment: isolated, historic, not relevant to work with children. Appointment confirmed.",
          f"Signed: {t.name(cast.staff_in('Headteacher'))}, Headteacher")
    t.mark(criminal=True)
    share.doc(f"HR/Safer_Recruitment/dbs_risk_assessment_{disclosed.last}.docx", doc, t,
              mtime=datetime(2016, 8, 22, 11, 0))

    # Old certificate copies, kept far longer than the six months guidance allows.
    for year, p in zip(range(2010, 2016), [disclosed] + cast.staff[8:13]):
        t = Tally()
        doc = Doc("Disclosure and Barring Service - Enhanced Certificate (copy)")
        doc.table([["Certificate number", f"00{rng.randint(10 ** 9, 10 ** 10 - 1)}"], ["Applicant", t.name(p)],
                   ["Date of birth", t.dob(p)],
                   ["Address", t.address(p)], ["Position applied for", p.job]])
        if p is disclosed:
            doc.p("Police records of convictions, cautions, reprimands and warnings: Caution, 2004, theft from a "
                  "shop (Theft Act 1968 s.1).")
            t.mark(criminal=True)
        else:
            doc.p("Police records of convictions, cautions, reprimands and warnings: None recorded.")
        share.doc(f"HR/DBS/Certificates/DBS_{p.last}_{p.first}_{year}.pdf", doc, t,
                  mtime=datetime(year, rng.randint(1, 12), rng.randint(1, 28), 10, 30))


def _absence(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    absent = rng.sample(cast.staff, 10)
    t = Tally()
    rows = [["Employee", "First day", "Working days", "Reason"]]
    for i, p in enumerate(absent):
        rows.append([t.name(p), f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024", str(rng.randint(1, 40)),
                     SICKNESS[i % len(SICKNESS)]])
    t.mark("health")
    share.doc("HR/Absence/sickness_absence_2024-25.xlsx", {"Absence": rows}, t)

    business = cast.staff_in("Business Manager")
    for i, p in enumerate(absent[:5]):
        t = Tally()
        doc = Doc("Return to work interview")
        doc.p(f"Employee: {t.name(p)}", f"Reason for absence: {SICKNESS[i % len(SICKNESS)]}",
              "Adjustments agreed: phased return over two weeks; occupational health referral made.",
              f"Interviewer: {t.name(business)}")
        t.mark("health")
        share.doc(f"HR/Absence/RTW_{p.last}_{p.first}.{('docx', 'rtf')[i % 2]}", doc, t)


def _recruitment(share: ShareWriter, cast: Cast) -> None:
    """Unsuccessful candidates' papers from 2019-2021, long past the six months a school should keep them."""
    rng = share.rng
    folders = ("2019_Teacher_of_Science", "2020_Teacher_of_English", "2021_Business_Manager")
    for i, p in enumerate(cast.candidates):
        folder = folders[i % len(folders)]
        year = int(folder[:4])
        when = datetime(year, rng.randint(2, 6), rng.randint(1, 28), rng.randint(8, 17), rng.randint(0, 59))
        t = Tally()
        doc = Doc(f"Application form - {folder[5:].replace('_', ' ')}")
        doc.table([["Name", t.name(p)], ["Date of birth", t.dob(p)], ["Address", t.address(p)],
                   ["Telephone", t.phone(p)], ["Email", t.email(p)], ["NI number", t.nino(p)]])
        doc.h("Supporting statement").p("I am an enthusiastic practitioner with experience across Key Stages 3 "
                                         "and 4 and would welcome the chance to join your team.")
        share.doc(f"HR/Recruitment/{folder}/Unsuccessful/{p.last}_{p.first}_application.docx", doc, t, mtime=when)

        t = Tally()
        doc = Doc("Equal opportunities monitoring form")
        doc.table([["Candidate", t.name(p)], ["Ethnic origin", ETHNICITY_NAMES[p.ethnicity]],
                   ["Religion or belief", RELIGIONS[i % len(RELIGIONS)]],
                   ["Sexual orientation", ORIENTATIONS[i % len(ORIENTATIONS)]]])
        t.mark("racial_ethnic_origin", "religious_beliefs", "sex_life_or_orientation")
        share.doc(f"HR/Recruitment/{folder}/Unsuccessful/{p.last}_{p.first}_equal_opps."
                  f"{('pdf', 'docx', 'odt')[i % 3]}", doc, t, mtime=when)

    t = Tally()
    rows = [["Candidate", "Post", "Shortlisted", "Interview score", "Outcome"]]
    for i, p in enumerate(cast.candidates):
        rows.append([t.name(p), folders[i % len(folders)][5:].replace("_", " "), "Yes" if i % 3 else "No",
                     str(rng.randint(8, 30)), "Not appointed"])
    share.doc("HR/Recruitment/shortlisting_2019-2021.xlsx", {"Shortlisting": rows}, t,
              mtime=datetime(2021, 6, 30, 15, 45))


def _protected(share: ShareWriter, cast: Cast) -> None:
    subject = cast.staff[11]
    t = Tally()
    doc = Doc("Disciplinary investigation report - CONFIDENTIAL")
    doc.p(f"Employee: {t.name(subject)}, {subject.job}", f"NI number: {t.nino(subject)}",
          "Allegation: inappropriate messages to a former pupil. Interviewed under the disciplinary procedure.",
          f"Investigating officer: {t.name(cast.staff_in('Deputy Headteacher'))}")
    password = "Hartfield-HR-2025"
    share.write("HR/Confidential/disciplinary_investigation_2025.docx",
                encrypt_ooxml(render("x.docx", doc), password), t, encrypted=True, password=password)

    t = Tally()
    rows = [["Name", "Post", "NI number", "Salary"]]
    for p in cast.staff:
        rows.append([t.name(p), p.job, t.nino(p), str(_salary(p))])
    share.write("HR/Payroll/salaries_2025-26_protected.xlsx",
                encrypt_ooxml(render("x.xlsx", {"Salaries": rows}), password), t, encrypted=True,
                password=password)
