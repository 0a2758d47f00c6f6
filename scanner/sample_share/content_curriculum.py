"""Curriculum/, Policies/ and Templates/: decoys that talk about special categories without being about anyone.

Nothing here is planted. Lessons on religion, genetics and sexual health, the data protection policy, blank forms,
a timetable of staff codes and reading lists whose ISBN-10s also pass the NHS mod-11 check.
"""

from __future__ import annotations

import random

from .formats import Doc
from .share import ShareWriter
from .people import Cast

LESSONS = (
    ("RE", "Year8_Islam_the_Five_Pillars.pptx", "Islam: the Five Pillars",
     ("Shahadah: the declaration of faith.", "Salah: prayer five times a day, facing Makkah.",
      "Zakat: giving 2.5% of savings to those in need.", "Sawm: fasting during Ramadan.",
      "Hajj: pilgrimage to Makkah once in a lifetime if able.",
      "Task: explain why Muslims might eat halal food and how a school can support this.")),
    ("RE", "Year9_Judaism_festivals_and_kashrut.docx", "Judaism: festivals and kashrut",
     ("Pesach, Rosh Hashanah and Yom Kippur.", "Kosher food laws: meat and dairy kept apart.",
      "Discuss: what might a Jewish pupil need on a school trip?")),
    ("RE", "Year10_Sikhism_beliefs.odt", "Sikhism: beliefs and practices",
     ("The Five Ks and the langar.", "Why many Sikhs do not eat beef.")),
    ("Science", "SoW_Year10_Inheritance_and_genetic_disorders.docx", "Scheme of work: inheritance and variation",
     ("Lesson 4: cystic fibrosis is caused by a recessive allele; use Punnett squares to predict risk.",
      "Lesson 5: sickle cell disease and malaria resistance; genetic screening of newborns.",
      "Lesson 6: ethics of embryo screening - debate.")),
    ("Science", "Year9_Health_and_disease.pdf", "Health and disease",
     ("Communicable and non-communicable diseases; type 1 and type 2 diabetes compared.",
      "Asthma: triggers, inhalers and what to do in an attack.", "Practical: measuring peak flow.")),
    ("PSHE", "Year10_Sexual_health_and_consent.pptx", "Relationships and sex education: sexual health",
     ("Consent: what the law says.", "Contraception methods and where to get advice.",
      "Sexually transmitted infections: testing is free and confidential.",
      "Sexual orientation and gender identity: respect and the Equality Act 2010.")),
    ("PSHE", "Year9_Mental_health_awareness.odt", "Mental health awareness",
     ("Recognising anxiety and low mood.", "Self-harm: myths and facts; how to get help.",
      "Signposting: school counsellor, Childline, Kooth.")),
    ("PSHE", "Year8_Drugs_alcohol_and_the_law.rtf", "Drugs, alcohol and the law",
     ("Classes of drugs and penalties for possession.", "What a police caution is and how it shows on a DBS check.")),
    ("Citizenship", "Year11_Political_parties_and_elections.html", "Political parties and elections",
     ("How a general election works.", "Compare party manifestos on education.",
      "Trade unions: what they do and why people join.")),
    ("Computing", "Year8_Phishing_and_passwords.pptx", "Staying safe online: phishing and passwords",
     ("Spot the signs of a phishing email.", "Use a password manager and two-factor authentication.")),
    ("History", "Year9_Windrush_generation.md", "The Windrush generation",
     ("Migration from the Caribbean after 1948.", "The 2018 Windrush scandal and the right to remain.")),
    ("Geography", "Year7_Map_skills.txt", "Map skills",
     ("Grid references and scale.", "Postcodes and how the Royal Mail sorts post by area, district and sector.")),
    ("Maths", "Year11_Statistics_revision.pdf", "Statistics revision",
     ("Mean, median and mode of a grouped frequency table.", "Box plots and cumulative frequency.")),
    ("PE", "Fixtures_2024-25.csv", None, ()),
)
POLICIES = (
    ("Policies/Data_protection_policy_2024.pdf", "Data protection (UK GDPR) policy",
     ("Personal data is any information about an identified or identifiable living person.",
      "Special category data is personal data revealing racial or ethnic origin, political opinions, religious or "
      "philosophical beliefs, or trade union membership, and genetic data, biometric data, data concerning health "
      "or data concerning a person's sex life or sexual orientation.",
      "Criminal offence data is handled under Article 10 and Schedule 1 of the Data Protection Act 2018.",
      "Subject access requests are answered within one calendar month.")),
    ("Policies/Safeguarding_and_child_protection_policy.docx", "Safeguarding and child protection policy",
     ("All staff must report a concern to the Designated Safeguarding Lead the same day using CPOMS.",
      "Records of concerns are kept until the pupil's 25th birthday, or longer where there are allegations.")),
    ("Policies/Supporting_pupils_with_medical_conditions.odt", "Supporting pupils with medical conditions",
     ("Individual healthcare plans are agreed with parents and reviewed annually.",
      "Staff administering medicines must be trained; epilepsy and anaphylaxis training is annual.")),
    ("Policies/Records_retention_schedule.html", "Records retention schedule",
     ("Admissions registers: 3 years after the register is closed.",
      "Unsuccessful job applications: 6 months after the appointment.",
      "DBS certificates: not kept beyond 6 months; record only the number and date.",
      "Accident book: until the pupil is 21.")),
)
TEMPLATES = (
    ("Templates/SEN_referral_form_BLANK.docx", "SEN referral form",
     ("Pupil name: ______________________", "Date of birth: ___/___/______", "UPN: ______________",
      "Area of need (tick): [ ] Cognition and learning  [ ] SEMH  [ ] Communication  [ ] Sensory/physical",
      "Diagnoses and health needs: ______________________", "Referred by: ______________________")),
    ("Templates/Medical_consent_form_BLANK.pdf", "Parental consent to administer medicine",
     ("Name of child: ______________________", "NHS number: ___ ___ ____", "Medical condition: ______________",
      "Medicine, dose and timing: ______________", "Parent/carer signature: ______________")),
    ("Templates/Equal_opportunities_monitoring_form_BLANK.docx", "Equal opportunities monitoring form",
     ("Ethnic origin: [ ] White British [ ] White Irish [ ] Asian or Asian British [ ] Black or Black British "
      "[ ] Mixed [ ] Other", "Religion or belief: [ ] None [ ] Christian [ ] Muslim [ ] Jewish [ ] Hindu [ ] Sikh "
      "[ ] Other", "Sexual orientation: [ ] Heterosexual [ ] Gay or lesbian [ ] Bisexual [ ] Prefer not to say")),
    ("Templates/Trip_consent_form_BLANK.rtf", "Educational visit consent",
     ("Child's name: ______________", "Emergency contact telephone: ______________",
      "Medical needs or allergies: ______________")),
)
FIXTURES = (("U13 football", "Ridgeway High", "Home"), ("U15 netball", "Moorside", "Away"),
            ("U14 rugby", "Calder Vale", "Home"))
BOOKS = (
    ("A Boy Beneath the Viaduct", "Pennine Press", 2016), ("The Weavers' Daughter", "Moorside Books", 2012),
    ("Counting Stars over Calder", "Pennine Press", 2019), ("Ironside Street", "Northbank", 2009),
    ("The Lighthouse Code", "Northbank", 2021), ("Seven Summers", "Moorside Books", 2015),
    ("Flood Season", "Canal House", 2018), ("The Last Mill", "Canal House", 2011),
    ("Paper Boats", "Pennine Press", 2020), ("Where the Trams Turn", "Northbank", 2014),
)


def isbn10(rng: random.Random) -> str:
    """An ISBN-10 with a numeric check digit. Weights 10..1 sum to 0 mod 11: the same test an NHS number passes."""
    while True:
        digits = [rng.randint(0, 1)] + [rng.randint(0, 9) for _ in range(8)]
        check = (11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    for subject, name, title, points in LESSONS:
        if title is None:
            rows = [["Date", "Team", "Opponent", "Venue"]] + [
                [f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025", team, opponent, venue]
                for team, opponent, venue in FIXTURES]
            share.doc(f"Curriculum/{subject}/{name}", {"fixtures": rows}, decoy=True)
            continue
        doc = Doc(title).h("Learning objectives").p(*points)
        share.doc(f"Curriculum/{subject}/{name}", doc, decoy=True)
    for path, title, points in POLICIES + TEMPLATES:
        share.doc(path, Doc(title).p(*points), decoy=True)

    for year, fmt in ((7, "txt"), (9, "md"), (11, "html")):
        doc = Doc(f"Year {year} reading list")
        doc.p("Borrow these from the library; ask for the ISBN at the front desk.")
        rows = [["Title", "Publisher", "Year", "ISBN"]]
        for title, publisher, published in rng.sample(BOOKS, 6):
            number = isbn10(rng)
            rows.append([title, publisher, str(published), number if rng.random() < 0.5 else
                         f"{number[0]}-{number[1:4]}-{number[4:9]}-{number[9]}"])
        share.doc(f"Curriculum/English/Year{year}_reading_list.{fmt}", doc.table(rows), decoy=True)

    days = ("Mon", "Tue", "Wed", "Thu", "Fri")
    rows = [["Period"] + list(days)]
    for period in range(1, 7):
        rows.append([str(period)] + [f"{rng.choice(['Ma', 'En', 'Sc', 'Hi', 'Gg', 'RE', 'PE', 'Cp'])} "
                                     f"R{rng.randint(1, 30)} {rng.choice('ABCDEFGH')}{rng.choice('KLMNPRST')}"
                                     for _ in days])
    share.doc("Curriculum/Timetable/timetable_2024-25.xlsx", {"Week A": rows}, decoy=True)
    share.doc("Curriculum/Timetable/timetable_2024-25.ods", {"Week A": rows}, decoy=True)
