"""Catering/ content: kitchen allergy list, fingerprint templates and consents for cashless catering, religious
diet requests, free-school-meal lists and till top-ups."""

from __future__ import annotations

import base64

from .formats import Doc
from .identifiers import TEST_CARDS
from .manifest import Tally
from .people import Cast
from .share import ShareWriter


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    t = Tally()
    doc = Doc("Kitchen allergy and special diet list - photo board copy")
    rows = [["Pupil", "Form", "Allergy / condition", "Action"]]
    for p in cast.pupils:
        if p.condition and ("allergy" in p.condition[0] or "Coeliac" in p.condition[0]):
            rows.append([t.name(p), p.form, p.condition[0], p.condition[1]])
    doc.table(rows)
    t.mark("health")
    share.doc("Catering/Allergies/kitchen_allergy_list.pdf", doc, t)

    enrolled = cast.pupils[: 30 * scale]
    t = Tally()
    rows = [["Pupil", "UPN", "Finger", "Minutiae template (ISO 19794-2, base64)"]]
    for p in enrolled[:12 * scale]:
        rows.append([t.name(p), t.upn(p), rng.choice(["R index", "L index"]),
                     base64.b64encode(rng.randbytes(48)).decode()])
    t.mark("biometric")
    share.doc("Catering/Biometrics/fingerprint_templates_export.csv", {"templates": rows}, t)

    for i, p in enumerate(enrolled[:8 * scale]):
        t = Tally()
        parent = p.parents[0]
        doc = Doc("Consent to use biometric information (Protection of Freedoms Act 2012)")
        doc.p(f"Child: {t.name(p)} ({p.form})",
              "I consent to the school taking and using my child's fingerprint for the cashless catering system.",
              f"Parent/carer: {t.name(parent)}", f"Signed {parent.first[0]}.{parent.last[0]}. on 02/09/2024")
        t.mark("biometric")
        share.doc(f"Catering/Biometrics/Consents/consent_{p.last}_{p.first}.{('pdf', 'docx')[i % 2]}", doc, t)

    t = Tally()
    doc = Doc("Religious and cultural meal requests 2024-25")
    rows = [["Pupil", "Form", "Request"]]
    for p in cast.pupils:
        if p.meal_religion:
            rows.append([t.name(p), p.form, p.meal_religion])
    doc.table(rows).p("Halal meat is from a certified supplier; kosher-style meals are pre-packed.")
    t.mark("religious_beliefs")
    share.doc("Catering/Meals/religious_meal_requests.docx", doc, t)

    for term in ("autumn_2024", "spring_2025", "summer_2025"):
        t = Tally()
        rows = [["Pupil", "Form", "Free school meals", "Daily allowance"]]
        for p in cast.pupils:
            if p.fsm:
                rows.append([t.name(p), p.form, "Yes", "2.61"])
        t.mark(contexts=("free_school_meals",))
        share.doc(f"Catering/FSM/fsm_kitchen_list_{term}.xlsx", {"FSM": rows}, t)

    t = Tally()
    rows = [["Account", "Pupil", "Top-up", "Balance"]]
    for p in rng.sample(cast.pupils, 25 * scale):
        rows.append([f"C{rng.randint(10000, 99999)}", t.name(p), f"{rng.choice([5, 10, 20])}.00",
                     f"{rng.randint(0, 4000) / 100:.2f}"])
    share.doc("Catering/Till/topup_report_2025-06.csv", {"topups": rows}, t)

    t = Tally()
    rows = [["Parent/carer", "Card used", "Refund", "Reason"]]
    for parent, card in zip(rng.sample(cast.parents, len(TEST_CARDS)), TEST_CARDS):
        rows.append([t.name(parent), t.card(card), f"{rng.randint(5, 40)}.00", "Account closed"])
    share.doc("Catering/Till/card_refunds_2025.csv", {"refunds": rows}, t)

    doc = Doc("Summer menu (three-week cycle)")
    doc.table([["Week", "Monday", "Tuesday", "Wednesday"], ["1", "Pasta bake", "Chicken curry (halal)", "Fish"],
               ["2", "Jacket potatoes", "Vegetable chilli", "Roast"], ["3", "Pizza", "Stir fry", "Fish"]])
    doc.p("All meals can be made gluten-free on request. Allergen information is available from the kitchen.")
    share.doc("Catering/Menus/summer_menu_2025.pdf", doc, decoy=True)
