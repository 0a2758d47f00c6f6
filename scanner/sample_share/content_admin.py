"""Admin/ and Pastoral/ content: census, contact lists, admissions (old), meals, biometrics, FSM, attendance, reports."""

from __future__ import annotations

from datetime import datetime

from .formats import Doc, png_logo
from .manifest import Tally
from .people import SCHOOL, Cast
from .share import ShareWriter


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    share.write("Admin/Branding/hartfield_logo.png", png_logo(), decoy=False)

    t = Tally()
    rows = [["UPN", "ULN", "Pupil name", "DOB", "NCyear", "Ethnicity", "FSM eligible", "SEN provision", "Postcode"]]
    for p in cast.pupils:
        sen = ("E" if p.ehcp else "K") if p.sen_need else "N"
        rows.append([t.upn(p), t.uln(p), t.name(p), t.dob(p, "iso"), str(p.year_group), p.ethnicity,
                     "T" if p.fsm else "F", sen, t.postcode(p)])
    t.mark("racial_ethnic_origin", contexts=("free_school_meals", "send"))
    share.doc("Admin/Census/school_census_spring_2025.csv", {"census": rows}, t)

    for year_group in range(7, 14):
        t = Tally()
        rows = [["Pupil", "Form", "Parent/carer", "Relationship", "Phone", "Email", "Address"]]
        for p in cast.year(year_group):
            for parent in p.parents:
                rows.append([t.name(p), p.form, t.name(parent), "Parent", t.phone(parent), t.email(parent),
                             t.address(parent)])
        share.doc(f"Admin/Contacts/Year{year_group}_contacts.xlsx", {f"Year {year_group}": rows}, t)

    t = Tally()
    rows = [["Adm no", "Pupil name", "Date of birth", "Address", "Home phone", "Date of admission"]]
    for i, p in enumerate(cast.former_pupils, 1):
        rows.append([f"2012/{i:03d}", t.name(p), t.dob(p), t.address(p), t.plant("PHONE_NUMBER", p.phone),
                     "04/09/2012"])
    share.doc("Admin/Admissions/admissions_register_2012.xlsx", {"Register": rows}, t,
              mtime=datetime(2012, 9, 14, 15, 30))
    t = Tally()
    doc = Doc("Year 7 waiting list September 2013")
    doc.table([["Position", "Child", "UPN", "Date of birth"]] +
              [[str(i), t.name(p), t.upn(p), t.dob(p)] for i, p in enumerate(cast.former_pupils[:6], 1)])
    share.doc("Admin/Admissions/waiting_list_2013.odt", doc, t, mtime=datetime(2013, 7, 2, 10, 5))

    t = Tally()
    rows = [["Pupil", "Form", "Dietary requirement", "Reason given by parent"]]
    for p in cast.pupils:
        if p.meal_religion:
            rows.append([t.name(p), p.form, p.meal_religion.split(" (")[0], p.meal_religion])
    t.mark("religious_beliefs")
    share.doc("Admin/Catering/meal_requests_2025.tsv", {"meals": rows}, t)

    t = Tally()
    rows = [["Pupil", "UPN", "Fingerprint template ID", "Enrolled", "Parental consent"]]
    for p in cast.pupils[: 30 * scale]:
        rows.append([t.name(p), t.upn(p), f"FP-{rng.randint(100000, 999999)}", "05/09/2024", "Yes"])
    t.mark("biometric")
    share.doc("Admin/Catering/biometric_cashless_enrolment.csv", {"biometric": rows}, t)

    t = Tally()
    rows = [["Pupil", "DOB", "Parent/carer", "Eligible from", "Pupil premium"]]
    for p in cast.pupils:
        if p.fsm:
            rows.append([t.name(p), t.dob(p), t.name(p.parents[0]), "01/09/2024", "Yes"])
    t.mark(contexts=("free_school_meals",))
    share.doc("Admin/FSM/free_school_meals_eligibility.ods", {"FSM": rows}, t)

    for p in [p for p in cast.pupils if p.looked_after]:
        t = Tally()
        doc = Doc(f"Personal Education Plan - {t.name(p)}")
        doc.p(f"Date of birth: {t.dob(p)}", f"UPN: {t.upn(p)}", "Legal status: Section 31 care order",
              f"Placement: foster carers, postcode {t.postcode(p)}",
              "Virtual School Head attended; pupil premium plus funding agreed for tutoring.")
        t.mark(contexts=("looked_after_child",))
        share.doc(f"Admin/Looked_After/PEP_{p.last}_{p.first}.docx", doc, t)

    officer = cast.staff_in("Attendance Officer")
    for p in rng.sample(cast.pupils, 20 * scale):
        t = Tally()
        parent = p.parents[0]
        doc = Doc(f"{SCHOOL} - attendance concern")
        doc.p(f"Dear {t.name(parent)},", t.address(parent),
              f"We are writing about {t.name(p)} ({p.form}), whose attendance this term is "
              f"{rng.randint(78, 89)}%. Please contact {t.name(officer)} on {t.plant('PHONE_NUMBER', '0161 496 0000')}.",
              "Yours sincerely,", "Attendance Office")
        share.doc(f"Admin/Attendance/Letters/{p.last}_{p.first}_attendance.{rng.choice(['docx', 'pdf', 'odt'])}",
                  doc, t)

    for term, (month, year) in enumerate([(10, 2024), (12, 2024), (2, 2025), (4, 2025), (5, 2025), (7, 2025)], 1):
        t = Tally()
        doc = Doc(f"Hartfield News - {datetime(year, month, 1):%B %Y}")
        doc.h("Celebrations")
        for p in rng.sample(cast.pupils, 4):
            doc.p(f"Well done to {t.name(p)} ({p.form}) for {rng.choice(['the county cross-country', 'a poetry prize', 'the maths challenge', '100% attendance'])}.")
        doc.h("Dates for your diary").p("Parents' evening, Thursday 6pm. Non-uniform day on Friday.")
        share.doc(f"Admin/Newsletters/newsletter_{year}_{month:02d}.html", doc, t,
                  mtime=datetime(year, month, 3, 16, 0))

    for year_group in range(7, 14):
        t = Tally()
        doc = Doc(f"Year {year_group} end of year reports - tutor comments")
        for p in cast.year(year_group)[: 6 * scale]:
            doc.p(f"{t.name(p)}: {rng.choice(['A conscientious and kind member of the form.', 'Must focus on homework deadlines.', 'Excellent contribution to house events.', 'Has grown in confidence this year.'])}")
        share.doc(f"Pastoral/Reports/Year{year_group}_tutor_comments.{'docx' if year_group % 2 else 'rtf'}", doc, t)

    t = Tally()
    rows = [["Date", "Pupil", "Form", "Incident", "Sanction", "Staff"]]
    for _ in range(40 * scale):
        p, s = rng.choice(cast.pupils), rng.choice(cast.staff)
        rows.append([f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024", t.name(p), p.form,
                     rng.choice(["Defiance", "Late to lesson", "Mobile phone", "Fighting", "Lack of equipment"]),
                     rng.choice(["Detention", "Warning", "Isolation"]), t.name(s)])
    share.doc("Pastoral/Behaviour/behaviour_log_2024-25.xlsx", {"log": rows}, t)
