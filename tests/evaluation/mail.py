"""Emails (.eml): the message itself is one item (headers and body); each attachment is an item of its own.

Headers name people and give their addresses, so every message holds PERSON and EMAIL_ADDRESS.
"""

from __future__ import annotations

from .corpus import Mail, Piece
from .people import Person
from . import negatives, positives


def _addr(w: Piece, p: Person, staff: bool = True) -> str:
    return f"{w.name(p)} <{w.email(p, staff=staff)}>"


def _mail(w: Piece, subject: str, body: list[str], sender: Person | None = None, to: Person | None = None,
          sender_staff: bool = True) -> Mail:
    sender = sender or w.adult()
    to = to or w.adult()
    return Mail(subject, _addr(w, sender, sender_staff), [_addr(w, to)], body, [])


def _attach(w: Piece, mail: Mail, filename: str, template) -> Mail:
    ext = filename.rsplit(".", 1)[-1]
    att = w.attachment(ext)
    mail.attachments.append((filename, template(att), att))
    return mail


def sen_medication(w: Piece):
    w.cat("health")
    w.ctx("send")
    p, teacher, senco = w.pupil(year_group=w.rng.randint(3, 8)), w.adult(), w.adult()
    body = [f"Hi {senco.first},",
            f"{w.name(p)} in my class has had {p.his} ADHD medication increased to methylphenidate 18 mg and "
            f"{p.he} is much more settled. Can we review {p.his} SEN support plan at the next meeting? The extra "
            "TA time in maths is working.", "Thanks,", teacher.first]
    mail = _mail(w, f"{p.first} - medication and SEN support", body, teacher, senco)
    return _attach(w, mail, "healthcare-plan.docx", positives.healthcare_plan)


def political_candidate(w: Piece):
    w.cat("political_opinions")
    colleague, a, b = w.adult(), w.adult(), w.adult()
    party = w.pick(positives.PARTIES)
    body = [w.pick([
        f"Did you know {w.name(colleague)} from the science department is standing for the {party} in the county "
        "council elections? Their leaflet came through my door last night.",
        f"Just so you are aware, {w.name(colleague)} has joined the {party} and will be campaigning at the "
        f"by-election - {colleague.he} asked whether {colleague.he} can swap {colleague.his} Thursday duty.",
        f"{w.name(colleague)} told the staffroom {colleague.he} is a paid-up member of the {party} and has "
        "been selected as their candidate for Oldham East.",
    ]), "Not a problem as long as it stays out of the classroom.", a.first]
    return _mail(w, "Staff member standing in the elections", body, a, b)


def union_rep(w: Piece):
    w.cat("trade_union_membership")
    rep, head, m1, m2 = w.adult(), w.adult(), w.adult(), w.adult()
    union = w.pick(["NEU", "NASUWT", "UNISON"])
    body = [f"Dear {head.first},",
            f"As the {union} workplace representative I would like to request facility time on Tuesday afternoon. "
            f"Two {union} members, {w.name(m1)} and {w.name(m2)}, have asked me to accompany them to their "
            "meetings about the restructure.", "Kind regards,", w.name(rep)]
    return _mail(w, f"{union} facility time request", body, rep, head)


def ramadan(w: Piece):
    w.cat("religious_beliefs")
    p = w.pupil(year_group=w.rng.randint(5, 10), background=w.pick(["south_asian", "somali", "west_african"]))
    parent, teacher = w.parent(p), w.adult()
    body = [f"Dear {teacher.title} {teacher.last},",
            f"{w.name(p)} will be fasting for Ramadan this year as we are a Muslim family. Could {p.he} please "
            "sit in the library at lunchtime and be excused from swimming until Eid?", "Many thanks,",
            parent.first]
    return _mail(w, f"Ramadan - {p.first}", body, parent, teacher, sender_staff=False)


def virtual_school(w: Piece):
    w.ctx("looked_after_child")
    vs, dt, p = w.adult(), w.adult(), w.pupil(year_group=w.rng.randint(2, 10))
    body = [f"Dear {dt.first},",
            f"{w.name(p)} became looked after on {w.day('%d %B')} and is now living with foster carers in "
            "Bolton. Please arrange the first PEP meeting within 20 school days; the draft is attached.",
            "Regards,", f"{w.name(vs)}, Virtual School"]
    mail = _mail(w, "New looked after child - PEP", body, vs, dt)
    return _attach(w, mail, "pep-draft.odt", positives.lac_pep)


def payroll_to_finance(w: Piece):
    a, b = w.adult(), w.adult()
    body = [f"Hi {b.first},", "Attached is the deductions export for this month, for reconciliation.", a.first]
    mail = _mail(w, "Payroll deductions", body, a, b)
    return _attach(w, mail, "deductions.xlsx", positives.payroll_export)


def biometric_upload(w: Piece):
    a, b = w.adult(), w.adult()
    body = [f"Hello {b.first},", "Here are the Year 7 enrolments from yesterday for the till system.", a.first]
    mail = _mail(w, "Fingerprint enrolments - Year 7", body, a, b)
    return _attach(w, mail, "enrolments.csv", positives.biometric_register)


def card_details(w: Piece):
    p, office = w.pupil(year_group=w.rng.randint(4, 9)), w.adult()
    parent = w.parent(p)
    body = ["Hello,", f"Please take the £85 for {w.name(p)}'s theatre trip from my card: {w.card()}, expiry "
            f"0{w.rng.randint(1, 9)}/27. My number is {w.mobile()} if there is a problem.", "Thanks,", parent.first]
    return _mail(w, "Trip payment", body, parent, office, sender_staff=False)


def genetic_diagnosis(w: Piece):
    w.cat("genetic", "health")
    p, teacher = w.pupil(year_group=w.rng.randint(1, 6), sex="m"), w.adult()
    parent = w.parent(p)
    body = [f"Dear {teacher.first},",
            f"We have had the results back: genetic testing has confirmed that {w.name(p)} has Duchenne muscular "
            "dystrophy. He tires quickly and will need a lift pass and rest breaks in PE.",
            "We would like to meet to talk about an individual healthcare plan.", parent.first]
    return _mail(w, f"{p.first} - test results", body, parent, teacher, sender_staff=False)


def allegation_to_lado(w: Piece):
    w.crime()
    w.ctx("safeguarding")
    head, lado, staff = w.adult(), w.adult(), w.adult()
    body = [f"Dear {lado.first},",
            f"I need to refer an allegation against {w.name(staff)}, a teaching assistant. A Year 4 pupil says "
            f"that {staff.first} slapped her in the toilets on Monday. The police have been informed and "
            f"{staff.first} has been suspended.", "Please call me today.", w.name(head)]
    return _mail(w, "LADO referral - allegation against staff", body, head, lado)


def fsm_to_kitchen(w: Piece):
    w.ctx("free_school_meals")
    office, cook = w.adult(), w.adult()
    kids = w.pupils(2, year_group=w.rng.randint(1, 6))
    body = [f"Hi {cook.first},", f"{w.name(kids[0])} and {w.name(kids[1])} are now eligible for free school meals "
            "from Monday - please add them to the FSM list on the till.", office.first]
    return _mail(w, "New FSM pupils", body, office, cook)


def dbs_pack(w: Piece):
    a, b = w.adult(), w.adult()
    body = [f"{b.first},", "Attached for the single central record audit on Friday.", a.first]
    mail = _mail(w, "SCR audit papers", body, a, b)
    return _attach(w, mail, "risk-assessment.pdf", positives.dbs_disclosure)


def lesson_share(w: Piece):
    w.hard("email sharing an RE lesson")
    a, b = w.adult(), w.adult()
    mail = _mail(w, "Year 8 RE resources", [f"Hi {b.first},", "Here are the slides for next week's lesson.",
                                           a.first], a, b)
    return _attach(w, mail, "re-lesson.pptx", negatives.re_lesson)


def policy_review(w: Piece):
    w.hard("email circulating the data protection policy")
    a, b = w.adult(), w.adult()
    mail = _mail(w, "Policy review - data protection", [f"Dear {b.first},", "Please review the attached policy "
                 "before the committee meeting. Section 4 defines special category data.", w.name(a)], a, b)
    return _attach(w, mail, "data-protection-policy.docx", negatives.data_protection_policy)


def training_reminder(w: Piece):
    w.hard("training reminder, no special category")
    a, b = w.adult(), w.adult()
    return _mail(w, "Reminder: asthma and EpiPen training", [
        "Hi all,", "Asthma and anaphylaxis training is on Wednesday at 3:30 in the hall. All staff who supervise "
        "lunch must attend.", a.first], a, b)


def newsletter_draft(w: Piece):
    w.hard("newsletter draft email")
    a, b = w.adult(), w.adult()
    mail = _mail(w, "Newsletter draft", [f"{b.first},", "Draft newsletter attached for proofreading.", a.first], a, b)
    return _attach(w, mail, "newsletter.pdf", negatives.newsletter)


def science_sow(w: Piece):
    w.hard("email sharing a science scheme of work")
    a, b = w.adult(), w.adult()
    mail = _mail(w, "Genetics SoW", [f"Hi {b.first},", "Updated inheritance unit attached, with the cystic "
                 "fibrosis ethics debate.", a.first], a, b)
    return _attach(w, mail, "inheritance-sow.docx", negatives.science_inheritance)


PLAN = [
    ("Mail/sen-medication", sen_medication, ("eml",)),
    ("Mail/election-candidate", political_candidate, ("eml", "eml", "eml")),
    ("Mail/facility-time", union_rep, ("eml", "eml")),
    ("Mail/ramadan", ramadan, ("eml",)),
    ("Mail/virtual-school", virtual_school, ("eml",)),
    ("Mail/payroll", payroll_to_finance, ("eml",)),
    ("Mail/biometric-enrolments", biometric_upload, ("eml",)),
    ("Mail/trip-payment", card_details, ("eml",)),
    ("Mail/test-results", genetic_diagnosis, ("eml",)),
    ("Mail/lado-referral", allegation_to_lado, ("eml",)),
    ("Mail/new-fsm", fsm_to_kitchen, ("eml",)),
    ("Mail/scr-audit", dbs_pack, ("eml",)),
    ("Mail/re-resources", lesson_share, ("eml",)),
    ("Mail/policy-review", policy_review, ("eml",)),
    ("Mail/training-reminder", training_reminder, ("eml",)),
    ("Mail/newsletter-draft", newsletter_draft, ("eml",)),
    ("Mail/genetics-sow", science_sow, ("eml",)),
]
