"""Pastoral/ content: safeguarding concerns (CPOMS-style), SEN register and EHCPs, medical register and care plans,
serious incidents involving the police, counselling referrals and looked-after reviews."""

from __future__ import annotations

from datetime import datetime

from .formats import Doc, render
from .manifest import Tally
from .people import SCHOOL, Cast
from .share import ShareWriter, encrypt_pdf

# (category, narrative, special categories, criminal offence). ``{pupil}`` and ``{staff}`` are planted names.
CONCERNS = (
    ("Neglect", "{pupil} arrived without a coat again and said there had been no food at home over the weekend. "
     "Breakfast club place offered.", (), False),
    ("Self-harm", "{pupil} disclosed self-harm (cuts to the forearm) to {staff}. First aid given; CAMHS referral "
     "discussed with parent.", ("health",), False),
    ("Peer-on-peer abuse", "{pupil} reported being pressured to send intimate images to an older pupil at another "
     "school.", ("sex_life_or_orientation",), False),
    ("Domestic abuse", "Operation Encompass notification for {pupil}: police attended the family home overnight and "
     "arrested a parent for assault.", (), True),
    ("Sexual health", "{pupil} told {staff} that they may be pregnant and are in a sexual relationship with a "
     "19-year-old. Referred to the school nurse and the sexual health clinic.", ("health", "sex_life_or_orientation"),
     False),
    ("Eating disorder", "{pupil} has lost a lot of weight this half term; staff are concerned about anorexia. Parent "
     "informed and GP appointment booked.", ("health",), False),
    ("Online safety", "{pupil} shared that an adult contact on a gaming platform asked to meet in person.", (),
     False),
    ("Sexual orientation", "{pupil} told {staff} that they are gay and fear their family's reaction; they do not "
     "want their parents told yet.", ("sex_life_or_orientation",), False),
    ("Missing from education", "{pupil} absent for three days without contact; home visit made by {staff}.", (),
     False),
    ("Substance misuse", "{pupil} was found with cannabis on the school site. Police informed; {pupil_again} "
     "received a community resolution.", (), True),
)
POLICE_INCIDENTS = (
    "Assault on another pupil at the bus stop; police attended and the pupil received a youth caution.",
    "Theft of a mobile phone from the PE changing room; reported to police, community resolution agreed.",
    "Bladed article found in bag; police called, pupil arrested and later released under investigation.",
    "Criminal damage to a staff car; police informed, restorative justice completed.",
)
COUNSELLING = (
    ("Low mood and panic attacks since a family bereavement; sleeping poorly.", ("health",)),
    ("Anxiety about exams; history of OCD diagnosed by CAMHS in 2023.", ("health",)),
    ("Questioning their sexuality and being bullied online about it; low mood.", ("health", "sex_life_or_orientation")),
)


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    _safeguarding(share, cast, scale)
    _looked_after(share, cast)
    _send(share, cast)
    _medical(share, cast)
    _behaviour(share, cast, scale)
    _counselling(share, cast)


def _safeguarding(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    dsl = cast.staff_in("Designated Safeguarding Lead")
    summary = Tally()
    rows = [["Date", "Student", "Form", "Category", "Status", "Assigned to"]]
    for n in range(1, 15 * scale + 1):
        category, narrative, special, criminal = CONCERNS[(n - 1) % len(CONCERNS)]
        pupil, staff = rng.choice(cast.pupils), rng.choice(cast.staff)
        when = datetime(2024 + (n % 2), rng.randint(1, 6) if n % 2 else rng.randint(9, 12), rng.randint(1, 28))
        t = Tally()
        doc = Doc(f"CPOMS incident record #{4000 + n}")
        doc.table([["Student", t.name(pupil)], ["Form", pupil.form], ["Date of birth", t.dob(pupil)],
                   ["UPN", t.upn(pupil)], ["Category", category], ["Date", f"{when:%d/%m/%Y}"]])
        fields = {"pupil": t.name(pupil), "staff": t.name(staff) if "{staff}" in narrative else ""}
        if "{pupil_again}" in narrative:
            fields["pupil_again"] = t.name(pupil)
        doc.h("Incident").p(narrative.format(**fields))
        doc.h("Action taken").p(f"Alerted: {t.name(dsl)} (DSL). Parent contacted: "
                                f"{'no - risk to pupil' if special else 'yes'}.")
        doc.p(f"Recorded by {t.name(staff)}")
        t.mark(*special, contexts=("safeguarding",), criminal=criminal)
        ext = ("docx", "pdf", "txt", "docx", "html")[n % 5]
        share.doc(f"Pastoral/Safeguarding/CPOMS/{when:%Y-%m-%d}_{4000 + n}_{pupil.last}.{ext}", doc, t,
                  mtime=when.replace(hour=16))
        rows.append([f"{when:%d/%m/%Y}", summary.name(pupil), pupil.form, category,
                     rng.choice(["Open", "Closed", "Monitoring"]), summary.name(dsl)])
        summary.mark(*special, contexts=("safeguarding",), criminal=criminal)
    share.doc("Pastoral/Safeguarding/cpoms_export_2024-25.csv", {"export": rows}, summary)

    pupil = rng.choice([p for p in cast.pupils if not p.looked_after])
    t = Tally()
    doc = Doc("Initial child protection conference - minutes")
    doc.p(f"Child: {t.name(pupil)}, date of birth {t.dob(pupil)}, {t.address(pupil)}",
          f"Parents: {', '.join(t.name(parent) for parent in pupil.parents)}",
          f"School represented by {t.name(dsl)} (DSL).",
          "Decision: child protection plan under the category of emotional abuse. Core group to meet in 10 days.")
    t.mark(contexts=("safeguarding",))
    password = "Conf!dential-2025"
    share.write("Pastoral/Safeguarding/child_protection_conference_minutes.pdf",
                encrypt_pdf(render("x.pdf", doc), password), t, encrypted=True, password=password)


def _looked_after(share: ShareWriter, cast: Cast) -> None:
    head_of_year = cast.staff_in("Head of Year 10")
    for pupil in [p for p in cast.pupils if p.looked_after]:
        t = Tally()
        doc = Doc(f"Looked-after child review - {t.name(pupil)}")
        doc.p(f"Date of birth: {t.dob(pupil, 'long')}", f"Form: {pupil.form}",
              "Care status: looked after under a care order; placed with local authority foster carers.",
              f"Designated teacher for looked-after children: {t.name(head_of_year)}",
              "Contact with birth family is supervised fortnightly. Placement stable; PEP targets on track.")
        t.mark(contexts=("looked_after_child",))
        share.doc(f"Pastoral/Looked_After/LAC_review_{pupil.last}_{pupil.first}.md", doc, t)


def _send(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    senco = cast.staff_in("SENCO")
    sen = [p for p in cast.pupils if p.sen_need]
    t = Tally()
    rows = [["Pupil", "UPN", "Year", "Primary need", "Provision", "Last review"]]
    for p in sen:
        rows.append([t.name(p), t.upn(p), str(p.year_group), p.sen_need, "EHCP" if p.ehcp else "SEN support",
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/2025"])
    t.mark("health", contexts=("send",))
    share.doc("Pastoral/SEN/SEN_register_2024-25.xlsx", {"Register": rows}, t)

    for i, p in enumerate(sen):
        t = Tally()
        if p.ehcp:
            doc = Doc(f"Education, Health and Care Plan - {t.name(p)}")
            doc.table([["Date of birth", t.dob(p)], ["NHS number", t.nhs(p)], ["UPN", t.upn(p)],
                       ["Home address", t.address(p)], ["Parent/carer", t.name(p.parents[0])]])
            doc.h("Section B: special educational needs").p(p.sen_need)
            health = p.condition[0] if p.condition else "No health needs beyond those in section B."
            doc.h("Section C: health needs").p(health)
            doc.h("Section F: provision").p("15 hours a week of teaching assistant support; weekly speech and "
                                            "language therapy; a quiet space at break and lunch.")
            t.mark("health", *(("genetic",) if p.condition and p.condition[2] else ()), contexts=("send",))
            share.doc(f"Pastoral/SEN/EHCP/EHCP_{p.last}_{p.first}.{('docx', 'pdf')[i % 2]}", doc, t)
        else:
            doc = Doc(f"SEN support plan - {t.name(p)} ({p.form})")
            doc.p(f"Need: {p.sen_need}", "Strategies: seat near the front, chunked instructions, exam access "
                  "arrangements (25% extra time).", f"Plan reviewed by {t.name(senco)} (SENCO).")
            t.mark("health", contexts=("send",))
            share.doc(f"Pastoral/SEN/Support_plans/{p.last}_{p.first}_support_plan.odt", doc, t)


def _medical(share: ShareWriter, cast: Cast) -> None:
    nurse = cast.staff_in("School Nurse")
    with_condition = [p for p in cast.pupils if p.condition]
    t = Tally()
    rows = [["Pupil", "Form", "DOB", "NHS number", "Condition", "Medication", "Care plan"]]
    for p in with_condition:
        rows.append([t.name(p), p.form, t.dob(p), t.nhs(p), p.condition[0], p.condition[1], "Yes"])
    t.mark("health", *(("genetic",) if any(p.condition[2] for p in with_condition) else ()))
    share.doc("Pastoral/Medical/medical_register_2024-25.xlsx", {"Medical": rows}, t)

    for i, p in enumerate(with_condition):
        t = Tally()
        parent = p.parents[0]
        doc = Doc(f"Individual healthcare plan: {t.name(p)}")
        doc.table([["Date of birth", t.dob(p)], ["NHS number", t.nhs(p)], ["Condition", p.condition[0]],
                   ["Medication", p.condition[1]],
                   ["Emergency contact", f"{t.name(parent)}, {t.phone(parent)}"]])
        doc.p(f"Plan agreed with parent and {t.name(nurse)} (School Nurse). Review each September.")
        t.mark("health", *(("genetic",) if p.condition[2] else ()))
        share.doc(f"Pastoral/Medical/Care_plans/IHCP_{p.last}_{p.first}.{('docx', 'pdf', 'odt')[i % 3]}", doc, t)


def _behaviour(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    deputy = cast.staff_in("Deputy Headteacher")
    involved = rng.sample(cast.pupils, len(POLICE_INCIDENTS) * scale)
    t = Tally()
    doc = Doc("Serious incidents involving the police 2024-25")
    rows = [["Date", "Pupil", "Form", "Incident and police involvement"]]
    for i, p in enumerate(involved):
        rows.append([f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024", t.name(p), p.form,
                     POLICE_INCIDENTS[i % len(POLICE_INCIDENTS)]])
    doc.table(rows).p(f"Log kept by {t.name(deputy)} (Deputy Headteacher). Restricted: SLT only.")
    t.mark(criminal=True)
    share.doc("Pastoral/Behaviour/serious_incidents_police_2024-25.docx", doc, t)

    head = cast.staff_in("Headteacher")
    for p in involved[2:4]:
        t = Tally()
        parent = p.parents[0]
        doc = Doc(f"{SCHOOL} - permanent exclusion")
        doc.p(f"Dear {t.name(parent)},", t.address(parent),
              f"I am writing to confirm that {t.name(p)} ({p.form}) has been permanently excluded following the "
              "incident on the school site, which the police are investigating. You may ask the governing board "
              "to review this decision.", "Yours sincerely,", f"{t.name(head)}, Headteacher")
        t.mark(criminal=True)
        share.doc(f"Pastoral/Behaviour/Exclusions/exclusion_{p.last}_{p.first}.pdf", doc, t)


def _counselling(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    nurse = cast.staff_in("School Nurse")
    for (reason, special), p in zip(COUNSELLING, rng.sample(cast.pupils, len(COUNSELLING))):
        t = Tally()
        doc = Doc("School counselling service - referral")
        doc.p(f"Pupil: {t.name(p)} ({p.form}), DOB {t.dob(p)}", f"Reason for referral: {reason}",
              f"Referred by: {t.name(nurse)}", "Consent: pupil consented (Gillick competent).")
        t.mark(*special)
        share.doc(f"Pastoral/Counselling/referral_{p.last}_{p.first}.txt", doc, t)
