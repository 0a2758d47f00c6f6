"""Archive/ content: old records past their retention period, zips (one nested, one AES-encrypted), plus items a
scanner cannot read: a scanned PDF with no text layer and an unknown binary."""

from __future__ import annotations

import io
from datetime import datetime

from .formats import Doc, png_logo, render
from .manifest import Tally
from .people import Cast
from .share import ShareWriter, aes_zip_bytes, zip_bytes

DESTINATIONS = ("Hartfield College - A levels", "Apprenticeship (engineering)", "Calder Vale Sixth Form",
                "Employment", "Hartfield College - BTEC Sport")
REFERENCES = ("Reliable and hard-working.", "Talented musician.", "Needs to improve punctuality.")
ACCIDENTS = ("Fell in the playground, grazed knee; cleaned and plaster applied.",
             "Hit on the head by a football; head injury letter sent home.",
             "Sprained ankle in PE; ice pack, parent collected.",
             "Nosebleed in class; stopped after 10 minutes.",
             "Trapped finger in a door; swelling, parent advised A&E - fracture confirmed.")


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    _leavers_zip(share, cast)
    _trips_zip(share, cast)
    _encrypted_zip(share, cast)
    _old_records(share, cast)
    _unreadable(share)


def _leavers_zip(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    path = "Archive/Leavers/2019_leavers.zip"
    former = cast.former_pupils
    members = []

    t = Tally()
    rows = [["Name", "UPN", "DOB", "Leaving date", "Destination"]]
    for p in former:
        rows.append([t.name(p), t.upn(p), t.dob(p), "24/05/2019", rng.choice(DESTINATIONS)])
    members.append(("leavers_2019.csv", render("x.csv", {"leavers": rows}), t))

    t = Tally()
    doc = Doc("Year 11 leavers 2019 - references summary")
    for p in former[:8]:
        doc.p(f"{t.name(p)}: {rng.choice(REFERENCES)}")
    members.append(("References/references_summary.docx", render("x.docx", doc), t))

    t = Tally()
    rows = [["Name", "Address", "Home phone", "Photo consent"]]
    for p in former:
        rows.append([t.name(p), t.address(p), t.plant("PHONE_NUMBER", p.phone), rng.choice(["Yes", "No"])])
    members.append(("Year11_contacts_and_photo_consent.xlsx", render("x.xlsx", {"Contacts": rows}), t))

    share.write(path, zip_bytes([(name, data) for name, data, _ in members]), mtime=datetime(2019, 7, 25, 14, 0))
    for name, _, tally in members:
        share.member(path, name, tally)


def _trips_zip(share: ShareWriter, cast: Cast) -> None:
    """A zip holding a zip: ``trips_2018.zip!consent_forms.zip!consent_summary.docx``."""
    outer = "Archive/Trips/trips_2018.zip"
    inner = f"{outer}!consent_forms.zip"
    group = cast.former_pupils[3:11]
    leader = cast.staff_in("Teacher of Geography")

    t_risk = Tally()
    doc = Doc("Risk assessment - Year 10 Lake District residential 2018")
    doc.p(f"Trip leader: {t_risk.name(leader)}", "Hazards: water, steep paths, minibus travel.",
          "Controls: qualified instructors, buddy system, head counts at every stop.")
    risk = render("x.pdf", doc)

    t_consent = Tally()
    doc = Doc("Consent forms received")
    doc.table([["Pupil", "Parent signed", "Emergency phone"]] +
              [[t_consent.name(p), "Yes", t_consent.plant("PHONE_NUMBER", p.phone)] for p in group])
    t_medical = Tally()
    conditions = ("Asthma - inhaler", "None", "Nut allergy - EpiPen", "None", "Type 1 diabetes - insulin pen")
    rows = [["Pupil", "Medical needs"]] + [[t_medical.name(p), conditions[i % len(conditions)]]
                                           for i, p in enumerate(group)]
    t_medical.mark("health")
    inner_bytes = zip_bytes([("consent_summary.docx", render("x.docx", doc)),
                             ("medical_info.xlsx", render("x.xlsx", {"Medical": rows}))])
    share.write(outer, zip_bytes([("Lake_District/risk_assessment.pdf", risk), ("consent_forms.zip", inner_bytes)]),
                mtime=datetime(2018, 8, 1, 10, 0))
    share.member(outer, "Lake_District/risk_assessment.pdf", t_risk)
    share.member(outer, "consent_forms.zip")
    share.member(inner, "consent_summary.docx", t_consent)
    share.member(inner, "medical_info.xlsx", t_medical)


def _encrypted_zip(share: ShareWriter, cast: Cast) -> None:
    rng = share.rng
    path = "Archive/Safeguarding/closed_cases_2020.zip"
    password = "Closed-Cases-2020"
    members = []
    for i, p in enumerate(rng.sample(cast.former_pupils, 2)):
        t = Tally()
        doc = Doc("Closed safeguarding file")
        doc.p(f"Pupil: {t.name(p)}, DOB {t.dob(p)}", "Section 47 enquiry 2018; child protection plan ended 2019.",
              "File closed on leaving; to be kept until the pupil's 25th birthday.")
        t.mark(contexts=("safeguarding",))
        name = f"case_{i + 1}_{p.last}.{('docx', 'txt')[i % 2]}"
        members.append((name, render(name, doc), t))
    share.write(path, aes_zip_bytes([(n, d) for n, d, _ in members], password), mtime=datetime(2020, 9, 1, 9, 0))
    for name, _, tally in members:
        share.member(path, name, tally, encrypted=True, password=password)


def _old_records(share: ShareWriter, cast: Cast) -> None:
    """Records from 2010-2018 that the retention schedule says should be gone."""
    rng = share.rng
    former = cast.former_pupils
    t = Tally()
    rows = [["Date", "Name", "Form", "Injury and treatment", "First aider"]]
    aider = cast.staff_in("Teacher of PE")
    for i, p in enumerate(rng.sample(former, 10)):
        rows.append([f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2015", t.name(p), "9R",
                     ACCIDENTS[i % len(ACCIDENTS)], t.name(aider)])
    t.mark("health")
    share.doc("Archive/Health_and_Safety/accident_book_2015.xlsx", {"Accidents": rows}, t,
              mtime=datetime(2015, 12, 18, 15, 0))

    t = Tally()
    rows = [["Name", "UPN", "English", "Maths", "Science"]]
    for p in former:
        rows.append([t.name(p), t.upn(p)] + [str(rng.randint(3, 8)) for _ in range(3)])
    share.doc("Archive/Assessment/KS3_results_2015.ods", {"KS3": rows}, t, mtime=datetime(2015, 7, 10, 12, 0))

    for i, p in enumerate(former[:6]):
        t = Tally()
        doc = Doc("Common transfer file - primary to secondary (summary)")
        doc.table([["Pupil", t.name(p)], ["UPN", t.upn(p)], ["Date of birth", t.dob(p)],
                   ["Address", t.address(p)], ["Previous school", "Hartfield Primary"]])
        share.doc(f"Archive/Pupil_files/{p.last}_{p.first}/transfer_record_2012.{('docx', 'rtf', 'pdf')[i % 3]}",
                  doc, t, mtime=datetime(2012, 7, 16 + i, 11, 0))

    t = Tally()
    doc = Doc("Admissions appeals 2012 - panel decisions")
    for p in former[-4:]:
        doc.p(f"Appeal for {t.name(p)} (DOB {t.dob(p)}): {rng.choice(['upheld', 'dismissed'])}.")
    share.doc("Archive/Admissions/admission_appeals_2012.txt", doc, t, mtime=datetime(2012, 6, 29, 17, 0))

    t = Tally()
    doc = Doc("Year 11 leavers' destinations 2019")
    doc.table([["Name", "Destination"]] + [[t.name(p), rng.choice(DESTINATIONS)] for p in former[:10]])
    share.doc("Archive/Leavers/leavers_destinations_2019.rtf", doc, t, mtime=datetime(2019, 10, 3, 9, 30))


def _unreadable(share: ShareWriter) -> None:
    from fpdf import FPDF

    from .formats import FIXED_TIME

    pdf = FPDF()
    pdf.set_creation_date(FIXED_TIME)
    pdf.add_page()
    pdf.image(io.BytesIO(png_logo(128)), x=20, y=20, w=170)
    share.write("Admin/Scans/scan_2025-05-12_0931.pdf", bytes(pdf.output()))
    share.write("Admin/IT/mis_backup_2024-12.bin", b"HFMIS\x00\x01" + share.rng.randbytes(4096))
