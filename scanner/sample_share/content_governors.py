"""Governors/ content: parent-governor election statements (one naming a party membership), the register of
interests, minutes (one discussing a teacher's political campaigning) and a ballot paper."""

from __future__ import annotations

from datetime import datetime

from .formats import Doc
from .manifest import Tally
from .people import Cast
from .share import ShareWriter

STATEMENTS = (
    ("I have been a member of the Labour Party for ten years and a Hartfield ward councillor since 2021; I will "
     "bring that experience of public service to the board.", True),
    ("I am an accountant and would like to help the school with its budget.", False),
    ("I have two children at the school and volunteer with the PTA.", False),
)


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    candidates = rng.sample(cast.parents, len(STATEMENTS))
    t = Tally()
    doc = Doc("Parent governor election 2024 - candidate statements")
    for parent, (statement, political) in zip(candidates, STATEMENTS):
        doc.h(t.name(parent)).p(statement)
        if political:
            t.mark("political_opinions")
    share.doc("Governors/Elections/parent_governor_statements_2024.docx", doc, t,
              mtime=datetime(2024, 10, 4, 12, 0))

    t = Tally()
    doc = Doc("Ballot paper - parent governor election")
    doc.p("Vote for ONE candidate by placing a cross in the box.")
    doc.table([[t.name(parent), "[  ]"] for parent in candidates])
    share.doc("Governors/Elections/ballot_paper_2024.pdf", doc, t, mtime=datetime(2024, 10, 4, 12, 5))

    board = [cast.staff_in("Headteacher"), cast.staff_in("Business Manager")] + rng.sample(cast.parents, 5)
    t = Tally()
    rows = [["Governor", "Category", "Business interests", "Other interests"]]
    for i, person in enumerate(board):
        other = "Member of the Green Party; local election candidate 2023" if i == 3 else "None"
        rows.append([t.name(person), "Staff" if person.role == "staff" else "Parent",
                     rng.choice(["None", "Director, Moorside Joinery Ltd", "Trustee, Hartfield Food Bank"]), other])
    t.mark("political_opinions")
    share.doc("Governors/register_of_interests_2024-25.xlsx", {"Interests": rows}, t)

    teacher = cast.staff_in("Teacher of History")
    for n, when in enumerate((datetime(2024, 11, 20), datetime(2025, 3, 12), datetime(2025, 6, 18))):
        t = Tally()
        doc = Doc(f"Full governing board - minutes {when:%d %B %Y}")
        doc.p("Present: " + ", ".join(t.name(person) for person in board), "1. Apologies: none.",
              "2. Budget monitoring: on track; the Business Manager presented the forecast.")
        if n == 1:
            doc.p(f"3. Complaint (confidential): a parent complained that {t.name(teacher)} handed out Reform UK "
                  "campaign leaflets at the school gate. The headteacher reminded staff of the duty of political "
                  "impartiality; no further action.")
            t.mark("political_opinions")
        share.doc(f"Governors/Minutes/FGB_minutes_{when:%Y-%m-%d}.{('docx', 'pdf', 'odt')[n]}", doc, t,
                  mtime=when.replace(hour=21))

    senco = cast.staff_in("SENCO")
    t = Tally()
    doc = Doc("SEND report to governors - spring 2025")
    doc.p(f"Presented by {t.name(senco)} (SENCO)")
    doc.h("Pupils with EHCPs: case studies")
    for p in [p for p in cast.pupils if p.ehcp][:3]:
        doc.p(f"{t.name(p)} ({p.form}): {p.sen_need}; annual review completed, provision in place.")
    doc.h("Next steps").p("Two new EHCP applications expected in the summer term.")
    t.mark("health", contexts=("send",))
    share.doc("Governors/Reports/SEND_report_spring_2025.pptx", doc, t, mtime=datetime(2025, 3, 10, 18, 0))
