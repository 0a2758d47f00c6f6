"""Items that hold personal data: special categories, criminal-offence data and contexts about named people,
and plain personal data (contact lists, payroll, exam entries) that holds none of them.

Each template writes one item with a ``Piece`` and states what it plants where it writes it.
"""

from __future__ import annotations

from scanner.sample_share.formats import Doc

from .corpus import Piece
from .people import ETHNICITY_NAMES, SCHOOL

CONDITIONS = (
    ("Asthma", "Salbutamol (blue) inhaler, 2 puffs via spacer when wheezy; spare inhaler in medical room"),
    ("Epilepsy (tonic-clonic seizures)", "Buccal midazolam 10 mg if a seizure lasts more than 5 minutes; call 999"),
    ("Type 1 diabetes", "Insulin (NovoRapid) by pen before lunch; blood glucose check at 11:45; hypo box in class"),
    ("Anaphylaxis - peanut and tree nut allergy", "Two EpiPen 0.3 mg auto-injectors: one in bag, one in office"),
    ("ADHD", "Methylphenidate 10 mg at lunchtime, given by the office"),
    ("Coeliac disease", "Strict gluten-free diet; no medication in school"),
    ("Severe eczema", "Hydrocortisone 1% cream twice daily; cotton gloves for art"),
    ("Crohn's disease", "Azathioprine taken at home; toilet pass at all times"),
    ("Sickle cell anaemia", "Penicillin V twice daily; keep warm and hydrated; no cross-country"),
    ("Migraine", "Paracetamol 500 mg with parental consent; quiet room"),
)
SEN_DIAGNOSES = (
    ("ASD", "Autism diagnosed by the community paediatrician in 2021; sensory overload in busy corridors"),
    ("HI", "Moderate bilateral hearing loss; wears two hearing aids, radio aid in lessons"),
    ("PD", "Cerebral palsy (left hemiplegia); uses a walking frame, physio programme twice a week"),
    ("SEMH", "Diagnosed with generalised anxiety disorder by CAMHS; on sertraline"),
    ("VI", "Nystagmus and low vision; enlarged A3 resources"),
    ("SLCN", "Developmental language disorder diagnosed by the NHS speech and language therapist"),
    ("SpLD", "Dyspraxia (DCD) diagnosed by occupational therapy; laptop for extended writing"),
)
INTERVENTIONS = ("Precision teaching (reading)", "Toe by Toe reading programme", "Phonics catch-up group",
                 "Numicon small-group maths", "Handwriting group", "Pre-teaching of subject vocabulary",
                 "Touch-typing course", "Homework club with TA support", "Spelling intervention (Nessy)")
# (requirement, reason, backgrounds a pupil with it is drawn from)
RELIGIOUS_DIETS = (
    ("Halal meat only", "Religious - Muslim family", ("south_asian", "somali", "west_african")),
    ("Halal, no pork products", "Religion (Islam)", ("south_asian", "somali")),
    ("Kosher-style: no pork, no shellfish, meat and dairy not mixed", "Religious - Jewish", ("british",)),
    ("No beef", "Religious - Hindu family", ("south_asian",)),
    ("Vegetarian (no meat, fish or eggs)", "Religious - Sikh", ("south_asian",)),
    ("No pork or gelatine", "Religion: Muslim", ("south_asian", "somali", "british")),
)
UNIONS = ("NEU", "NASUWT", "UNISON", "GMB", "NAHT", "ASCL", "Unite")
PARTIES = ("Labour Party", "Conservative Party", "Liberal Democrats", "Green Party", "Reform UK")
RELIGIONS = ("Muslim", "Christian (Church of England)", "Roman Catholic", "Hindu", "Sikh", "Jewish", "Buddhist",
             "Christian (Pentecostal)")
ORIENTATIONS = ("Heterosexual / straight", "Gay man", "Gay woman / lesbian", "Bisexual")
DISABILITIES = ("Type 2 diabetes", "Multiple sclerosis", "Depression (long-term)", "Partially sighted",
                "Rheumatoid arthritis")


def _register(w: Piece, title: str, sheet: str, rows: list[list[str]]):
    return title, {sheet: rows}


# --- health ------------------------------------------------------------------------------------------------------

def medical_register(w: Piece):
    w.cat("health")
    rows = [["Surname", "Forename", "Year", "DOB", "NHS Number", "Medical condition", "Medication / action",
             "IHP in place"]]
    for p in w.pupils(w.rng.randint(6, 10)):
        condition, action = w.pick(CONDITIONS)
        rows.append([p.last, w.name(p).split(" ", 1)[0], f"Y{w.year_group(p)}", w.dob(p, "%d/%m/%Y"), w.nhs(),
                     condition, action, w.pick(["Yes", "Yes", "Review due"])])
    return _register(w, "Medical needs register 2024-25", "Medical register", rows)


def healthcare_plan(w: Piece):
    w.cat("health")
    p, gp = w.pupil(year_group=w.rng.randint(1, 9)), w.adult()
    parent = w.parent(p)
    condition, action = w.pick(CONDITIONS[:5])
    doc = Doc("Individual Healthcare Plan")
    doc.p(f"Pupil name: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"NHS number: {w.nhs()}",
          f"Home address: {w.address()}", f"Class: {w.year_group(p)}{w.pick('ABC')}")
    doc.h("Medical condition")
    doc.p(f"Diagnosis: {condition}.",
          f"{p.first} has had this condition since {p.his} early years and is seen at the hospital clinic twice a year.")
    doc.h("Daily care and emergency procedure")
    doc.p(action + ".", f"Staff trained to support {p.first}: {w.name(w.adult())} and {w.name(w.adult())}.")
    doc.h("Contacts")
    doc.p(f"Parent/carer: {w.name(parent)}, mobile {w.mobile()}", f"GP: Dr {w.name(gp)}, telephone {w.landline()}")
    return doc


def medicine_log(w: Piece):
    w.cat("health")
    rows = [["Date", "Time", "Pupil", "Class", "Medicine", "Dose", "Given by"]]
    kids = w.pupils(4)
    meds = {k.full: w.pick([("Methylphenidate", "10 mg"), ("Salbutamol inhaler", "2 puffs"),
                            ("Insulin (NovoRapid)", "4 units"), ("Paracetamol", "500 mg"),
                            ("Cetirizine", "10 mg")]) for k in kids}
    staff = w.adult()
    for _ in range(10):
        k = w.pick(kids)
        med, dose = meds[k.full]
        rows.append([w.day(), w.pick(["12:10", "12:15", "10:30", "14:05"]), w.name(k), f"{w.year_group(k)}{w.pick('NS')}",
                     med, dose, w.staff_initials(staff)])
    return _register(w, "Record of medicine administered to pupils", "Spring term", rows)


def camhs_referral(w: Piece):
    w.cat("health")
    p = w.pupil(year_group=w.rng.randint(7, 11))
    mum = w.parent(p, sex="f")
    doc = Doc("Referral to Child and Adolescent Mental Health Services (CAMHS)")
    doc.p(f"Young person: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"NHS number: {w.nhs()}",
          f"Address: {w.address()}")
    doc.h("Reason for referral")
    doc.p(f"{p.first} has presented with persistent low mood, panic attacks and poor sleep since October. "
          f"{p.he.capitalize()} was seen by {p.his} GP in November and started on sertraline 50 mg.",
          f"In school {p.first} has left lessons on several occasions because of panic attacks and is now on a "
          "reduced timetable agreed with the pastoral team.")
    doc.p(f"Parent consent: given by {w.name(mum)} (mother), contact {w.mobile()}.",
          f"Referrer: {w.name(w.adult(), 'initial')}, Head of Year {w.year_group(p)}")
    return doc


def staff_absence(w: Piece):
    w.cat("health")
    rows = [["Staff member", "Department", "First day", "Last day", "Working days", "Reason given"]]
    for _ in range(w.rng.randint(6, 9)):
        s = w.adult()
        rows.append([w.name(s), w.pick(["Maths", "English", "Science", "Support staff", "Admin", "PE"]), w.day(),
                     w.day(), str(w.rng.randint(1, 25)),
                     w.pick(["Gastroenteritis", "Back injury (lifting)", "Work-related stress - fit note",
                             "Knee surgery", "Covid-19", "Migraine", "Bronchitis", "Depression - fit note"])])
    return _register(w, "Staff sickness absence 2024-25", "Absence", rows)


def immunisation_list(w: Piece):
    w.cat("health")
    rows = [["Surname", "Forename", "DOB", "NHS number", "Consent", "HPV dose 1 given", "Batch"]]
    for p in w.pupils(w.rng.randint(7, 10), year_group=8):
        given = w.pick(["Yes", "Yes", "Yes", "Absent - catch-up clinic"])
        rows.append([p.last, p.first, w.dob(p, "%d/%m/%Y"), w.nhs(), "Parent consent received",
                     given, f"HPV{w.rng.randint(1000, 9999)}" if given == "Yes" else ""])
        w.name(p)
    return _register(w, "School immunisation team - Year 8 HPV session", "HPV Year 8", rows)


# --- SEND --------------------------------------------------------------------------------------------------------

def sen_register(w: Piece):
    w.ctx("send")
    w.cat("health")
    rows = [["UPN", "Name", "Year", "DOB", "SEN status", "Primary need", "Diagnosis / notes", "Key worker"]]
    for p in w.pupils(w.rng.randint(6, 9)):
        need, notes = w.pick(SEN_DIAGNOSES)
        rows.append([w.upn(), w.name(p), str(w.year_group(p)), w.dob(p, "%d/%m/%Y"),
                     w.pick(["K - SEN support", "E - EHC plan"]), need, notes, w.name(w.adult(), "title")])
    return _register(w, "SEN register", "SEN register", rows)


def provision_map(w: Piece):
    w.ctx("send")
    rows = [["Pupil", "Year", "SEN stage", "Intervention", "Sessions", "Delivered by", "Cost per term"]]
    for p in w.pupils(w.rng.randint(6, 9), year_group=w.rng.randint(2, 6)):
        rows.append([w.name(p), str(w.year_group(p)), "SEN Support", w.pick(INTERVENTIONS),
                     f"{w.rng.randint(1, 4)} x 20 min weekly", w.name(w.adult(), "title"),
                     f"£{w.rng.randint(40, 220)}"])
    return _register(w, "Provision map - SEN Support pupils, spring term", "Provision map", rows)


def ehcp_review(w: Piece):
    w.ctx("send")
    w.cat("health")
    p = w.pupil(year_group=w.rng.randint(3, 12))
    need, notes = w.pick(SEN_DIAGNOSES[:4])
    doc = Doc(f"Education, Health and Care Plan - annual review")
    doc.p(f"Child or young person: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"UPN: {w.upn()}")
    if w.year_group(p) >= 11:
        doc.p(f"ULN: {w.uln()}")
    doc.p(f"Home address: {w.address()}", f"Review meeting held on {w.day()}")
    doc.h("Section B - special educational needs")
    doc.p(f"{p.first} has an EHC plan for {need}. {notes}.",
          f"{p.first} needs a consistent adult in unstructured times and a visual timetable.")
    doc.h("Section F - provision")
    doc.p("15 hours per week of teaching assistant support; daily check-in with key worker; "
          "speech and language therapy programme delivered weekly.")
    doc.p(f"Attended by: {w.name(w.adult())} (SENCO), {w.name(w.parent(p))} (parent), {w.name(w.adult())} "
          "(local authority SEN officer)")
    return doc


def access_arrangements(w: Piece):
    w.ctx("send")
    rows = [["Candidate no", "Candidate name", "ULN", "SEN status", "Access arrangement", "Evidence"]]
    for p in w.pupils(w.rng.randint(6, 9), year_group=11):
        rows.append([str(w.rng.randint(1000, 9999)), w.name(p), w.uln(), "SEN Support",
                     w.pick(["25% extra time", "Reader", "Scribe", "Word processor", "Separate room, 25% extra time"]),
                     w.pick(["Form 8: below average speed of reading (SS 81)", "Form 8: below average processing speed",
                             "SEN support plan - history of need since Year 7"])])
    return _register(w, "GCSE access arrangements 2025", "Access arrangements", rows)


# --- safeguarding -------------------------------------------------------------------------------------------------

def _concern_header(w: Piece, doc: Doc, p, category: str) -> None:
    staff = w.adult()
    doc.p(f"Pupil: {w.name(p)} (Year {w.year_group(p)})", f"Date of concern: {w.day()}",
          f"Category: {category}", f"Logged by: {w.name(staff)}")


def concern_neglect(w: Piece):
    w.ctx("safeguarding")
    p = w.pupil(year_group=w.rng.randint(1, 8))
    doc = Doc("Safeguarding concern record")
    _concern_header(w, doc, p, "Neglect")
    doc.h("What was seen or heard")
    doc.p(w.pick([
        f"{p.first} arrived at 9:40 without a coat in heavy rain and said there had been no breakfast because "
        f"mum had not come home last night. {p.he.capitalize()} was given toast at breakfast club.",
        f"{p.first}'s uniform has not been washed for two weeks and {p.he} has been collected late on four "
        f"occasions this half term. {p.he.capitalize()} told the TA there is no electricity at home.",
        f"{p.first} said {p.he} looks after {p.his} two younger siblings every evening and is often alone "
        "in the house until after 10pm.",
    ]))
    doc.h("Action")
    doc.p(f"DSL {w.name(w.adult(), 'title')} informed the same day; early help assessment to be offered to the family.")
    return doc


def concern_selfharm(w: Piece):
    w.ctx("safeguarding")
    w.cat("health")
    p = w.pupil(year_group=w.rng.randint(7, 12))
    doc = Doc("Safeguarding concern - self-harm")
    _concern_header(w, doc, p, "Self-harm / emotional wellbeing")
    doc.p(w.pick([
        f"{p.first} showed {p.his} form tutor cuts on {p.his} forearm and said {p.he} has been cutting "
        "since Christmas when things got bad at home.",
        f"A friend reported that {p.first} took an overdose of paracetamol at the weekend. {p.first} confirmed "
        f"this and said {p.he} was seen at A&E on Saturday.",
        f"{p.first} disclosed that {p.he} has been making {p.him}self sick after meals; school nurse suspects an "
        "eating disorder.",
    ]))
    doc.p(f"Action: safety plan agreed; referral to CAMHS; parent informed by {w.name(w.adult(), 'title')}.")
    return doc


def concern_orientation(w: Piece):
    w.ctx("safeguarding")
    w.cat("sex_life_or_orientation")
    p = w.pupil(year_group=w.rng.randint(9, 12))
    doc = Doc("Pastoral / safeguarding note")
    _concern_header(w, doc, p, "Disclosure - peer-on-peer bullying")
    partner = "boyfriend" if p.sex == "m" else "girlfriend"
    doc.p(w.pick([
        f"In a 1:1 with me {p.first} said {p.he} is gay and has a {partner} in Year 11. {p.he.capitalize()} is "
        f"worried about how {p.his} father will react and asked that we do not tell home.",
        f"{p.first} told me {p.he} is bisexual. Since {p.he} came out to friends, pupils in {p.his} year have "
        "sent homophobic messages on Snapchat.",
        f"{p.first} disclosed that {p.he} is in a same-sex relationship with another Year {w.year_group(p)} pupil "
        f"and has been outed by a classmate who shared their messages.",
    ]))
    doc.p("Action: DSL consulted; messages screenshotted; bullying sanctions applied to the pupils involved; "
          f"{p.first} to check in with the pastoral lead weekly.")
    return doc


def cpoms_export(w: Piece):
    w.ctx("safeguarding")
    w.cat("health", "sex_life_or_orientation")
    rows = [["Date", "Student", "Year", "Category", "Concern", "Action", "Logged by"]]
    entries = [
        ("Neglect", "{n} came in hungry again; no packed lunch three days this week", "Early help offered"),
        ("Self-harm", "{n} has fresh scratches on {his} wrists and said {he} does it when upset", "CAMHS referral made"),
        ("Sexual orientation disclosure", "{n} told tutor {he} is gay and is afraid of {his} family finding out",
         "Pastoral lead 1:1; do not share with home"),
        ("Attendance", "{n} missing from school for 5 days; no contact from home", "Home visit by EWO"),
        ("Mental health", "{n} having panic attacks in lessons; GP has diagnosed anxiety", "Reduced timetable"),
        ("Neglect", "{n} has head lice untreated for six weeks and wears the same clothes daily", "Letter home"),
    ]
    order = entries[:3] + w.rng.sample(entries[3:], 3)
    w.rng.shuffle(order)
    for category, text, action in order:
        p = w.pupil()
        rows.append([w.day(), w.name(p), str(w.year_group(p)), category,
                     text.format(n=p.first, he=p.he, his=p.his), action, w.staff_initials(w.adult())])
    return _register(w, "CPOMS export - concerns", "Concerns", rows)


def county_lines(w: Piece):
    w.ctx("safeguarding")
    w.crime()
    p = w.pupil(year_group=w.rng.randint(9, 11), sex="m")
    doc = Doc("Strategy meeting notes - criminal exploitation concern")
    doc.p(f"Young person: {w.name(p)}, Year {w.year_group(p)}", f"Meeting date: {w.day()}")
    doc.p(f"{p.first} was arrested by Greater Manchester Police on {w.day()} in possession of cannabis and £600 in "
          f"cash at Preston railway station. {p.he.capitalize()} has been released under investigation.",
          f"Police believe {p.first} is being exploited to carry drugs on a county line. {p.his.capitalize()} Youth "
          f"Offending Team worker, {w.name(w.adult())}, attended the meeting.")
    doc.p("Actions: NRM referral; safety plan; daily check-in with the DSL; share with the exploitation hub.")
    return doc


# --- criminal offence ---------------------------------------------------------------------------------------------

def behaviour_police(w: Piece):
    w.crime()
    rows = [["Date", "Pupil", "Year", "Incident", "Outcome"]]
    serious = [
        "Police attended after an assault on another pupil off site; {n} was given a youth caution",
        "{n} arrested for shoplifting in town during lunch; referred to the Youth Offending Team",
        "{n} charged with criminal damage to a bus shelter; court date set",
        "Knife found in {n}'s bag; police informed and {n} interviewed under caution",
    ]
    mundane = ["No homework three times", "Mobile phone used in lesson", "Late to school", "Rude to a supply teacher",
               "Truanted period 5"]
    for i in range(w.rng.randint(7, 10)):
        p = w.pupil(year_group=w.rng.randint(8, 11))
        text = w.pick(serious) if i in (1, 4) else w.pick(mundane)
        rows.append([w.day(), w.name(p), str(w.year_group(p)), text.format(n=p.first),
                     w.pick(["Suspension 3 days", "Detention", "Parent meeting", "Internal exclusion"])])
    return _register(w, "Behaviour log - Key Stage 4", "Behaviour", rows)


def allegation_staff(w: Piece):
    w.crime()
    w.ctx("safeguarding")
    staff, lado = w.adult(), w.adult()
    doc = Doc("Record of an allegation against a member of staff")
    doc.p(f"Member of staff: {w.name(staff)} ({w.pick(['Teacher of PE', 'Teaching assistant', 'Science technician', 'Teacher of Music'])})",
          f"Date allegation received: {w.day()}")
    doc.h("Allegation")
    doc.p(w.pick([
        f"A Year 8 pupil alleged that {w.name(staff, 'title')} grabbed him by the neck and pushed him against a wall.",
        f"A parent alleged that {w.name(staff, 'title')} sent sexual messages to a Year 10 pupil on Instagram.",
        f"A Year 6 pupil said that {w.name(staff, 'title')} hit her with a ruler during a music lesson.",
    ]))
    doc.h("Action")
    doc.p(f"LADO ({w.name(lado)}) consulted; police informed and a criminal investigation opened. "
          f"{w.name(staff, 'title')} suspended on full pay pending the outcome.")
    return doc


def dbs_disclosure(w: Piece):
    w.crime()
    a = w.adult()
    doc = Doc("Risk assessment following a DBS disclosure")
    doc.p(f"Applicant: {w.name(a)}", f"Date of birth: {w.dob(a)}", f"National Insurance number: {w.nino()}",
          f"Current address: {w.address()}", f"Post: {w.pick(['Midday supervisor', 'Teaching assistant', 'Caretaker', 'Cover supervisor'])}")
    doc.h("Information disclosed on the enhanced certificate")
    doc.p(w.pick([
        "Conviction 2011, Bradford Magistrates' Court: theft from a shop (Theft Act 1968 s.1); fine £150.",
        "Caution 2009: possession of a controlled drug (cannabis, Class B).",
        "Conviction 2014: driving with excess alcohol; disqualified for 18 months.",
        "Conviction 2006: common assault; community order 12 months.",
    ]))
    doc.p(f"{a.first} declared this at interview and explained the circumstances. Decision: appointment confirmed "
          f"by {w.name(w.adult())}, headteacher, with the risk assessment kept on the personnel file.")
    return doc


def dbs_tracker(w: Piece):
    w.crime()
    rows = [["Name", "Role", "DOB", "DBS issued", "Disclosure", "Risk assessment"]]
    for i in range(w.rng.randint(6, 8)):
        a = w.adult()
        disclosure = (w.pick(["Caution 2010 - theft", "Conviction 2013 - drink driving", "Conviction 2005 - criminal damage"])
                      if i in (2, 5) else "No information disclosed")
        rows.append([w.name(a), w.pick(["TA", "Teacher", "Volunteer", "Cleaner", "Governor"]), w.dob(a, "%d/%m/%Y"),
                     w.day(), disclosure, "Completed - head" if disclosure.startswith(("Cau", "Con")) else "n/a"])
    return _register(w, "Recruitment tracker - DBS", "DBS", rows)


# --- looked-after children and free school meals --------------------------------------------------------------------

def lac_pep(w: Piece):
    w.ctx("looked_after_child")
    p = w.pupil(year_group=w.rng.randint(1, 11))
    carer1, sw = w.adult(), w.adult()
    doc = Doc("Personal Education Plan (PEP) - looked after child")
    doc.p(f"Child: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"UPN: {w.upn()}",
          f"Legal status: {w.pick(['Care order (s31)', 'Section 20 accommodated', 'Interim care order'])}",
          f"Placement: with foster carer {w.name(carer1)} since {w.day('%B %Y')}",
          f"Social worker: {w.name(sw)}, {w.pick(['Oldham', 'Bolton', 'Leeds', 'Bradford'])} Children's Services",
          f"Designated teacher: {w.name(w.adult())}")
    doc.h("Targets this term")
    doc.p(f"Reading: move from working towards to expected by July (daily reading with carer).",
          f"Pupil Premium Plus of £{w.rng.randint(3, 9)}00 to fund one-to-one maths tuition.")
    return doc


def lac_register(w: Piece):
    w.ctx("looked_after_child")
    rows = [["UPN", "Name", "Year", "DOB", "Responsible LA", "Placement type", "Social worker", "Last PEP"]]
    for p in w.pupils(w.rng.randint(4, 7)):
        rows.append([w.upn(), w.name(p), str(w.year_group(p)), w.dob(p, "%d/%m/%Y"),
                     w.pick(["Oldham", "Manchester", "Rochdale", "Kirklees"]),
                     w.pick(["Foster care", "Kinship care", "Residential children's home", "Foster care (out of area)"]),
                     w.name(w.adult()), w.day()])
    return _register(w, "Looked after children register", "CLA", rows)


def fsm_list(w: Piece):
    w.ctx("free_school_meals")
    rows = [["UPN", "Surname", "Forename", "Year", "FSM eligible from", "Pupil premium", "Notes"]]
    for p in w.pupils(w.rng.randint(7, 10)):
        w.name(p)
        rows.append([w.upn(), p.last, p.first, str(w.year_group(p)), w.day(), "Yes - FSM Ever 6",
                     w.pick(["", "Uniform grant paid", "Breakfast club free place", ""])])
    return _register(w, "Free school meals eligibility list", "FSM", rows)


def fsm_letter(w: Piece):
    w.ctx("free_school_meals")
    p = w.pupil(year_group=w.rng.randint(3, 9))
    parent = w.parent(p)
    doc = Doc("Free school meals - confirmation of eligibility")
    doc.p(f"{w.name(parent)}", w.address(), "",
          f"Dear {w.name(parent, 'title')},",
          f"I am pleased to confirm that {w.name(p)} (date of birth {w.dob(p)}) is eligible for free school meals "
          f"from {w.day('%d %B %Y')}, following the check through the eligibility checking service.",
          f"{p.first} will receive a free lunch each day, and the school will also receive pupil premium funding.",
          "Yours sincerely,", f"{w.name(w.adult())}, School Business Manager")
    return doc


# --- ethnicity, religion, sexual orientation --------------------------------------------------------------------

def census_ethnicity(w: Piece, with_fsm: bool = False):
    w.cat("racial_ethnic_origin")
    head = ["UPN", "Surname", "Forename", "DOB", "Gender", "Ethnicity", "First language", "NC year"]
    if with_fsm:
        w.ctx("free_school_meals")
        head.append("FSM eligible")
    rows = [head]
    for p in w.pupils(w.rng.randint(8, 12)):
        w.name(p)
        row = [w.upn(), p.last, p.first, w.dob(p, "%Y-%m-%d"), p.sex.upper(), p.ethnicity(w.rng),
               w.pick(["ENG", "ENG", "URD", "POL", "PNJ", "SOM", "YOR"]), str(w.year_group(p))]
        if with_fsm:
            row.append(w.pick(["true", "false", "false"]))
        rows.append(row)
    if with_fsm:
        rows[1][-1] = "true"
    return _register(w, "School census return - pupil extract", "Pupils", rows)


def census_with_fsm(w: Piece):
    return census_ethnicity(w, with_fsm=True)


def pupil_profile(w: Piece):
    w.cat("racial_ethnic_origin", "religious_beliefs", "health")
    p = w.pupil(year_group=w.rng.randint(0, 7))
    parent = w.parent(p)
    code = p.ethnicity(w.rng)
    condition, action = w.pick(CONDITIONS)
    doc = Doc("Pupil data collection sheet - please check and return")
    doc.p(f"Legal name: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"Address: {w.address()}",
          f"Ethnicity: {ETHNICITY_NAMES[code]} ({code})",
          f"Religion: {w.pick(RELIGIONS)}", f"Medical conditions: {condition} - {action.split(';')[0]}",
          f"Contact 1: {w.name(parent)} ({w.pick(['Mother', 'Father', 'Grandmother', 'Step-father'])}), "
          f"mobile {w.mobile()}, email {w.email(parent)}")
    doc.p("Signed by parent/carer on " + w.day())
    return doc


def religious_diet_list(w: Piece):
    w.cat("religious_beliefs")
    rows = [["Pupil", "Class", "Dietary requirement", "Reason"]]
    year = w.rng.randint(1, 6)
    for _ in range(w.rng.randint(6, 9)):
        diet, reason, backgrounds = w.pick(RELIGIOUS_DIETS)
        p = w.pupil(year_group=year, background=w.pick(backgrounds))
        rows.append([w.name(p), f"{w.year_group(p)}{w.pick(['Oak', 'Ash', 'Elm'])}", diet, reason])
    return _register(w, "Kitchen - special diets by religion", "Special diets", rows)


def allergy_diet_list(w: Piece):
    w.cat("religious_beliefs", "health")
    rows = [["Pupil", "Class", "Requirement", "Details"]]
    year = w.rng.randint(1, 6)
    for i in range(w.rng.randint(6, 9)):
        if i % 2:
            diet, reason, backgrounds = w.pick(RELIGIOUS_DIETS)
            p = w.pupil(year_group=year, background=w.pick(backgrounds))
        else:
            p = w.pupil(year_group=year)
            diet, reason = w.pick([("Nut free", "Anaphylaxis - EpiPen in class bag"),
                                   ("Dairy free", "Cow's milk protein allergy (dietitian letter)"),
                                   ("Gluten free", "Coeliac disease diagnosed 2023"),
                                   ("Egg free", "Egg allergy - hives and vomiting")])
        rows.append([w.name(p), str(w.year_group(p)), diet, reason])
    return _register(w, "Special diets - allergies and religious requirements", "Diets", rows)


def re_withdrawal_letter(w: Piece):
    w.cat("religious_beliefs")
    faith = w.pick([
        ("As Jehovah's Witnesses, our family does not take part in collective worship or celebrate Christmas "
         "and birthdays.", "religious education and collective worship", ("british", "caribbean", "polish")),
        ("We are practising Muslims and do not want our child to take part in the Christmas nativity or "
         "church services.", "the nativity play and the end-of-term church service", ("south_asian", "somali")),
        ("As members of the Plymouth Brethren Christian Church we ask that our child is not taught other "
         "religions.", "religious education lessons", ("british",)),
        ("Our family is Orthodox Jewish and we would prefer our child not to attend Christian assemblies.",
         "collective worship (assemblies)", ("british",)),
    ])
    p = w.pupil(year_group=w.rng.randint(1, 9), background=w.pick(faith[2]))
    parent = w.parent(p)
    doc = Doc("Request to withdraw from religious education")
    doc.p(w.name(parent), w.address(), f"Telephone: {w.phone()}", "",
          "Dear Headteacher,",
          f"I am writing to withdraw my {'son' if p.sex == 'm' else 'daughter'} {w.name(p)} "
          f"(Year {w.year_group(p)}) from {faith[1]}. {faith[0]}",
          "Please let me know what supervised work will be provided instead.",
          "Yours faithfully,", w.name(parent))
    return doc


def equal_ops_form(w: Piece):
    a = w.adult()
    doc = Doc("Equal opportunities monitoring form - completed")
    doc.p(f"Applicant name: {w.name(a)}", f"Post applied for: {w.pick(['Teacher of Maths', 'Cleaner', 'Teaching Assistant', 'Finance Officer'])}",
          f"Reference: LCS-{w.rng.randint(100, 999)}")
    w.cat("racial_ethnic_origin", "sex_life_or_orientation")
    doc.p(f"Ethnic group: {w.pick(['Asian or Asian British - Pakistani', 'White - British', 'Black or Black British - African', 'Mixed - White and Black Caribbean', 'White - Polish', 'Chinese'])}")
    if w.rng.random() < 0.8:
        w.cat("religious_beliefs")
        doc.p(f"Religion or belief: {w.pick(RELIGIONS)}")
    else:
        doc.p("Religion or belief: Prefer not to say")
    doc.p(f"Sexual orientation: {w.pick(ORIENTATIONS)}")
    if w.rng.random() < 0.6:
        w.cat("health")
        doc.p(f"Do you consider yourself to have a disability? Yes - {w.pick(DISABILITIES)}")
    else:
        doc.p("Do you consider yourself to have a disability? Prefer not to say")
    doc.p(f"Signed: {w.name(a)}  Date: {w.day()}")
    return doc


def equal_ops_export(w: Piece):
    w.cat("racial_ethnic_origin", "religious_beliefs", "sex_life_or_orientation", "health")
    rows = [["Applicant", "Vacancy", "Ethnicity", "Religion", "Sexual orientation", "Disability"]]
    for i in range(w.rng.randint(6, 9)):
        a = w.adult()
        rows.append([w.name(a), w.pick(["Teacher of English", "Site supervisor", "Midday assistant"]),
                     w.pick(list(ETHNICITY_NAMES.values())), w.pick(RELIGIONS), w.pick(ORIENTATIONS),
                     w.pick(DISABILITIES) if i == 0 or w.rng.random() < 0.3 else "None declared"])
    return _register(w, "Recruitment monitoring - applicants", "Monitoring", rows)


# --- biometric and genetic ---------------------------------------------------------------------------------------

def biometric_register(w: Piece):
    w.cat("biometric")
    rows = [["Pupil", "Year", "Form", "Biometric status", "Enrolled on", "Enrolled by"]]
    staff = w.adult()
    for i, p in enumerate(w.pupils(w.rng.randint(8, 12), year_group=w.rng.randint(7, 11))):
        enrolled = i % 5 != 3
        rows.append([w.name(p), str(w.year_group(p)), f"{w.year_group(p)}{w.pick('LCS')}",
                     "Fingerprint template enrolled" if enrolled else "No consent - PIN issued",
                     w.day() if enrolled else "", w.staff_initials(staff) if enrolled else ""])
    return _register(w, "Cashless catering - fingerprint enrolment", "Enrolment", rows)


def biometric_consent(w: Piece):
    w.cat("biometric")
    p = w.pupil(year_group=w.rng.randint(7, 10))
    parent = w.parent(p)
    doc = Doc("Consent to use biometric information - cashless catering (completed)")
    doc.p(f"Pupil: {w.name(p)}   Form: {w.year_group(p)}{w.pick('LCS')}",
          "I give consent for information from the fingerprint of my child named above to be taken and used by "
          "Larkfield Community School for the cashless catering system.",
          f"Parent/carer: {w.name(parent)}   Signed: {parent.first[0]}. {parent.last}   Date: {w.day()}")
    doc.h("Office use")
    doc.p(f"Fingerprint scanned and template registered on {w.day()} by {w.name(w.adult(), 'initial')}.")
    return doc


GENETIC = (
    ("genetic testing at the children's hospital confirmed cystic fibrosis (two F508del variants in the CFTR gene)",
     "Creon capsules with every meal and snack; physiotherapy at home twice daily"),
    ("a genetic test confirmed Duchenne muscular dystrophy (deletion in the DMD gene)",
     "lift pass, no stairs, rest breaks in PE"),
    ("newborn blood spot screening and a follow-up genetic test confirmed sickle cell disease (HbSS)",
     "penicillin V twice daily; must keep warm and drink plenty"),
    ("chromosome microarray found a 22q11.2 deletion (DiGeorge syndrome)",
     "heart clinic yearly; calcium supplements"),
    ("genetic testing confirmed Fragile X syndrome (FMR1 full mutation)",
     "visual timetable and quiet workstation"),
)


def genetic_note(w: Piece):
    w.cat("genetic", "health")
    p = w.pupil(year_group=w.rng.randint(0, 9))
    mum = w.parent(p, sex="f")
    finding, care = w.pick(GENETIC)
    doc = Doc("School nurse - health note")
    doc.p(f"Pupil: {w.name(p)}  DOB: {w.dob(p)}  NHS no: {w.nhs()}",
          f"Following a meeting with {p.his} mother, {w.name(mum)}, on {w.day()}: {finding}.",
          f"In school: {care}.", f"Nurse: {w.name(w.adult())}")
    return doc


def genetic_ohs(w: Piece):
    w.cat("genetic", "health")
    a = w.adult(sex="f")
    doc = Doc("Occupational health report - management summary")
    doc.p(f"Employee: {w.name(a)}", f"Role: {w.pick(['Teacher of English', 'Finance Officer', 'Teaching Assistant'])}",
          f"{a.first} has told us that genetic testing has confirmed she carries a BRCA2 variant. She has chosen "
          "preventive surgery in the spring and will need about six weeks' leave followed by a phased return.",
          "Adjustments: no lifting for eight weeks after return; a ground-floor classroom.",
          f"Occupational health adviser: {w.name(w.adult())}")
    return doc


# --- trade union and political opinions ---------------------------------------------------------------------------

def payslip(w: Piece):
    w.cat("trade_union_membership")
    a = w.adult()
    union = w.pick(UNIONS)
    gross = w.rng.randint(1800, 4200)
    doc = Doc(f"{SCHOOL} - payslip {w.pick(['March', 'April', 'May', 'June'])} 2025")
    doc.p(f"Employee: {w.name(a)}", f"Employee number: E{w.rng.randint(10000, 99999)}", f"NI number: {w.nino()}",
          "Tax code: 1257L")
    doc.table([["Payments", "Amount", "Deductions", "Amount"],
               ["Basic pay", f"£{gross}.00", "Income tax", f"£{gross // 6}.40"],
               ["TLR 2b", "£228.50", "National Insurance", f"£{gross // 12}.12"],
               ["", "", "Teachers' Pension", f"£{gross // 9}.75"],
               ["", "", f"{union} subscription", f"£{w.rng.randint(12, 36)}.{w.rng.randint(10, 99)}"]])
    return doc


def payroll_export(w: Piece):
    w.cat("trade_union_membership")
    rows = [["Employee", "NI number", "Sort code", "Account number", "Gross", "Union", "Union subs"]]
    for i in range(w.rng.randint(6, 9)):
        a = w.adult()
        sort, account = w.bank()
        union = w.pick(UNIONS) if i % 3 != 2 else ""
        rows.append([w.name(a), w.nino(), sort, account, f"{w.rng.randint(1500, 4500)}.00", union,
                     f"{w.rng.randint(10, 30)}.{w.rng.randint(10, 99)}" if union else "0.00"])
    return _register(w, "Payroll deductions export", "Payroll", rows)


def governor_interests(w: Piece):
    w.cat("political_opinions")
    rows = [["Governor", "Category", "Term ends", "Business and pecuniary interests", "Other declared interests"]]
    political = ["Member of the {p}", "Local councillor ({p})", "Branch secretary, {p}", "Stood for the {p} in the 2024 general election"]
    for i in range(w.rng.randint(5, 8)):
        g = w.adult()
        other = w.pick(political).format(p=w.pick(PARTIES)) if i in (1, 3) else "None"
        rows.append([w.name(g), w.pick(["Parent", "Staff", "Co-opted", "LA"]), w.day(), "None", other])
    return _register(w, "Register of governors' interests", "Interests", rows)


def political_complaint(w: Piece):
    w.cat("political_opinions")
    t, parent = w.adult(), w.adult()
    party = w.pick(PARTIES)
    doc = Doc("Note of a telephone complaint")
    doc.p(f"Caller: {w.name(parent)}", f"Date: {w.day()}",
          f"{parent.first} complained that {w.name(t, 'title')}, the Year 6 teacher, is standing as the {party} "
          f"candidate for Werneth ward in the May council elections and had been seen delivering {party} leaflets "
          "near the school gates.",
          f"Response: the headteacher explained that {t.first} campaigns in {t.his} own time and has been reminded "
          "of the political impartiality guidance for lessons.")
    return doc


# --- the briefing decks (pptx): several kinds of data about named pupils --------------------------------------------

def briefing_medical_send_lac(w: Piece):
    w.cat("health")
    w.ctx("send", "looked_after_child")
    a, b, c, d = w.pupils(4, year_group=7)
    doc = Doc("Year 7 staff briefing - pupils to be aware of")
    doc.h("Medical")
    doc.p(f"{w.name(a)} (7B): epilepsy - buccal midazolam in the medical room; seizure plan on the staffroom board",
          f"{w.name(b)} (7C): type 1 diabetes - may eat in lessons; insulin pump")
    doc.h("SEN and looked after")
    doc.p(f"{w.name(c)} (7A): EHCP, autism - give warning of changes, exit card",
          f"{w.name(d)} (7D): looked after child, lives with foster carers; PEP review in March")
    return doc


def briefing_fsm_send(w: Piece):
    w.ctx("free_school_meals", "send")
    doc = Doc("9H tutor briefing - disadvantaged pupils")
    doc.h("Free school meals / pupil premium")
    doc.p(*[f"{w.name(p)} - FSM eligible; pupil premium funds revision guides and the Year 9 trip"
            for p in w.pupils(3, year_group=9)])
    doc.h("SEN support")
    doc.p(*[f"{w.name(p)} - SEN support: {w.pick(INTERVENTIONS).lower()}" for p in w.pupils(2, year_group=9)])
    return doc


def briefing_safeguarding(w: Piece):
    w.ctx("safeguarding")
    w.cat("health")
    a, b = w.pupils(2, year_group=w.rng.randint(8, 10))
    doc = Doc("DSL briefing for form tutors - confidential")
    doc.p(f"{w.name(a)}: child protection plan; father must not collect - call the DSL if he arrives",
          f"{w.name(b)}: self-harm risk after hospital admission last week; check in every morning")
    return doc


# --- plain personal data: identifiers without a special category ---------------------------------------------------

def trip_payments(w: Piece):
    rows = [["Pupil", "Class", "Trip", "Paid by", "Card number", "Expiry", "Amount"]]
    for p in w.pupils(w.rng.randint(5, 8), year_group=w.rng.randint(4, 6)):
        parent = w.parent(p)
        rows.append([w.name(p), str(w.year_group(p)), w.pick(["Robinwood residential", "Chester Zoo", "Eureka!"]),
                     w.name(parent), w.card(), f"{w.rng.randint(1, 12):02d}/{w.rng.randint(26, 29)}",
                     f"£{w.rng.randint(12, 240)}.00"])
    return _register(w, "Trip payments taken by phone", "Payments", rows)


def phone_payment_note(w: Piece):
    p = w.pupil(year_group=w.rng.randint(3, 10))
    parent = w.parent(p)
    doc = Doc("Message for the finance office")
    doc.p(f"{w.name(parent)} rang at 10:15 to pay the balance for {w.name(p)}'s residential trip.",
          f"Card number {w.card()}, expiry {w.rng.randint(1, 12):02d}/{w.rng.randint(26, 29)}, amount £{w.rng.randint(50, 250)}.",
          f"Please call back on {w.mobile()} to confirm it went through.")
    return doc


def uniform_order(w: Piece):
    p = w.pupil(year_group=w.rng.randint(6, 7))
    parent = w.parent(p)
    doc = Doc("Uniform shop order form")
    doc.p(f"Parent name: {w.name(parent)}", f"Delivery address: {w.address()}", f"Phone: {w.phone()}",
          f"Pupil: {w.name(p)}, starting Year 7 in September")
    doc.table([["Item", "Size", "Qty", "Price"], ["Blazer", "32", "1", "£32.00"], ["Tie", "-", "2", "£10.00"]])
    doc.p(f"Pay by card: {w.card()}  Expiry: {w.rng.randint(1, 12):02d}/{w.rng.randint(26, 29)}")
    return doc


def contact_list(w: Piece):
    rows = [["Pupil", "Class", "Contact", "Relationship", "Mobile", "Email", "Address"]]
    for p in w.pupils(w.rng.randint(6, 9), year_group=w.rng.randint(0, 6)):
        parent = w.parent(p)
        rows.append([w.name(p), str(w.year_group(p)), w.name(parent), w.pick(["Mother", "Father", "Aunt", "Grandad"]),
                     w.mobile(), w.email(parent), w.address()])
    return _register(w, "Emergency contacts", "Contacts", rows)


def new_starter_form(w: Piece):
    a = w.adult()
    sort, account = w.bank()
    doc = Doc("New starter form - payroll")
    doc.p(f"Full name: {w.name(a)}", f"Date of birth: {w.dob(a)}", f"Home address: {w.address()}",
          f"Personal email: {w.email(a)}", f"Mobile: {w.mobile()}", f"National Insurance number: {w.nino()}",
          f"Bank sort code: {sort}", f"Account number: {account}",
          f"Start date: {w.day()}", f"Post: {w.pick(['Cover supervisor', 'Teacher of Science', 'Receptionist'])}")
    return doc


def exam_entries(w: Piece):
    rows = [["Candidate number", "Surname", "Forename", "DOB", "ULN", "UPN", "Entries"]]
    for p in w.pupils(w.rng.randint(6, 9), year_group=11):
        w.name(p)
        rows.append([str(w.rng.randint(1000, 9999)), p.last, p.first, w.dob(p, "%d/%m/%Y"), w.uln(), w.upn(),
                     w.pick(["8300F, 8700, 8702", "8461H, 8462H, 8463H", "8035, 8145"])])
    return _register(w, "Summer 2025 exam entries", "Entries", rows)


def careers_referral(w: Piece):
    p = w.pupil(year_group=11)
    doc = Doc("Apprenticeship referral - careers adviser")
    doc.p(f"Student: {w.name(p)}", f"Date of birth: {w.dob(p)}", f"ULN: {w.uln()}", f"Mobile: {w.mobile()}",
          f"Email: {w.email(p)}",
          f"{p.first} would like a Level 2 apprenticeship in {w.pick(['motor vehicle', 'hairdressing', 'IT support', 'joinery'])} "
          "from September and has applied through the Find an Apprenticeship service.",
          f"Adviser: {w.name(w.adult())}")
    return doc


def bursary_payments(w: Piece):
    rows = [["Student", "ULN", "Sort code", "Account number", "Amount", "Term"]]
    for p in w.pupils(w.rng.randint(5, 7), year_group=12):
        sort, account = w.bank()
        rows.append([w.name(p), w.uln(), sort, account, f"£{w.rng.randint(100, 400)}.00", "Spring"])
    return _register(w, "16-19 bursary payments", "Bursary", rows)


def expenses_claim(w: Piece):
    a = w.adult()
    sort, account = w.bank()
    doc = Doc("Staff expenses claim")
    doc.p(f"Claimant: {w.name(a)}", f"Pay into sort code {sort}, account number {account}")
    doc.table([["Date", "Description", "Amount"], [w.day(), "Mileage - Year 10 trip", "£23.40"],
               [w.day(), "Art materials", "£41.15"]])
    return doc


def parents_evening(w: Piece):
    doc = Doc("Year 5 parents' evening appointments")
    doc.table([["Time", "Pupil", "Parent", "Teacher"]] + [
        [f"16:{10 * i:02d}", w.name(p), w.name(w.adult()), w.name(w.adult(), "title")]
        for i, p in enumerate(w.pupils(5, year_group=5))])
    return doc


def attendance_letter(w: Piece):
    p = w.pupil(year_group=w.rng.randint(2, 10))
    parent = w.parent(p)
    doc = Doc("Attendance - letter 1")
    doc.p(w.name(parent), w.address(), "", f"Dear {w.name(parent, 'title')},",
          f"{w.name(p)}'s attendance this term is {w.rng.randint(80, 89)}%, which is below our target of 96%. "
          "Eleven of the sessions missed were unauthorised holiday.",
          "Please contact the attendance officer to arrange a meeting.", "Yours sincerely,",
          w.name(w.adult()))
    return doc


def training_record(w: Piece):
    """Names and many dates, none of them a date of birth."""
    rows = [["Staff member", "Course", "Date completed", "Renewal due"]]
    for _ in range(w.rng.randint(6, 9)):
        rows.append([w.name(w.adult()), w.pick(["Safeguarding level 1", "Paediatric first aid", "Fire marshal",
                                                "Prevent duty", "Manual handling"]), w.day(), w.day("%d/%m/2027")])
    return _register(w, "Staff training record", "Training", rows)


PLAN = [
    ("Medical/medical-register", medical_register, ("xlsx", "csv", "ods", "html")),
    ("Medical/healthcare-plan", healthcare_plan, ("docx", "odt", "pdf", "rtf")),
    ("Medical/medicine-log", medicine_log, ("xlsx", "tsv")),
    ("Medical/camhs-referral", camhs_referral, ("docx", "pdf", "txt")),
    ("Medical/immunisation", immunisation_list, ("csv", "ods")),
    ("HR/sickness-absence", staff_absence, ("xlsx", "tsv")),
    ("SEN/sen-register", sen_register, ("xlsx", "ods", "csv")),
    ("SEN/provision-map", provision_map, ("xlsx", "docx", "md")),
    ("SEN/ehcp-review", ehcp_review, ("docx", "odt", "pdf")),
    ("SEN/access-arrangements", access_arrangements, ("xlsx", "csv")),
    ("Safeguarding/concern-neglect", concern_neglect, ("txt", "docx", "html")),
    ("Safeguarding/concern-selfharm", concern_selfharm, ("docx", "md", "pdf")),
    ("Safeguarding/pastoral-note", concern_orientation, ("txt", "odt", "rtf")),
    ("Safeguarding/cpoms-export", cpoms_export, ("xlsx", "csv")),
    ("Safeguarding/strategy-meeting", county_lines, ("docx", "txt")),
    ("Behaviour/behaviour-log", behaviour_police, ("xlsx", "docx", "tsv")),
    ("HR/allegation-record", allegation_staff, ("docx", "pdf", "odt")),
    ("HR/dbs-risk-assessment", dbs_disclosure, ("pdf", "docx", "rtf")),
    ("HR/recruitment-tracker", dbs_tracker, ("xlsx", "ods")),
    ("Inclusion/pep", lac_pep, ("docx", "odt", "pdf", "html", "rtf")),
    ("Inclusion/cla-register", lac_register, ("xlsx", "csv")),
    ("Admin/fsm-list", fsm_list, ("xlsx", "csv", "ods", "tsv")),
    ("Admin/fsm-letter", fsm_letter, ("docx", "rtf")),
    ("Admin/census-extract", census_ethnicity, ("csv", "xlsx", "tsv")),
    ("Admin/census-extract-fsm", census_with_fsm, ("ods",)),
    ("Admin/data-collection-sheet", pupil_profile, ("docx", "pdf", "odt")),
    ("Catering/special-diets", religious_diet_list, ("xlsx", "csv", "html")),
    ("Catering/diets-allergies", allergy_diet_list, ("ods", "md")),
    ("Admin/re-withdrawal", re_withdrawal_letter, ("txt", "docx", "rtf")),
    ("Catering/biometric-enrolment", biometric_register, ("xlsx", "csv", "ods", "tsv", "html")),
    ("Catering/biometric-consent", biometric_consent, ("docx", "pdf", "odt")),
    ("Medical/health-note", genetic_note, ("docx", "txt", "pdf", "md", "html", "odt")),
    ("HR/occupational-health", genetic_ohs, ("docx", "rtf")),
    ("HR/payslip", payslip, ("pdf", "docx", "txt", "odt")),
    ("HR/payroll-deductions", payroll_export, ("xlsx", "csv", "ods")),
    ("Governors/register-of-interests", governor_interests, ("xlsx", "docx", "html")),
    ("Admin/complaint-note", political_complaint, ("txt", "md", "docx")),
    ("HR/recruitment-monitoring-form", equal_ops_form, ("docx", "pdf", "odt", "rtf")),
    ("HR/recruitment-monitoring", equal_ops_export, ("xlsx", "csv")),
    ("Pastoral/year7-briefing", briefing_medical_send_lac, ("pptx",)),
    ("Pastoral/tutor-briefing", briefing_fsm_send, ("pptx",)),
    ("Pastoral/dsl-briefing", briefing_safeguarding, ("pptx",)),
    ("Finance/trip-payments", trip_payments, ("csv", "xlsx", "tsv")),
    ("Finance/phone-message", phone_payment_note, ("txt", "rtf")),
    ("Finance/uniform-order", uniform_order, ("pdf", "docx")),
    ("Admin/emergency-contacts", contact_list, ("xlsx", "csv", "ods", "md")),
    ("HR/new-starter", new_starter_form, ("docx", "pdf", "odt")),
    ("Exams/entries", exam_entries, ("xlsx", "csv", "tsv")),
    ("Careers/apprenticeship-referral", careers_referral, ("docx", "txt")),
    ("Finance/bursary", bursary_payments, ("xlsx", "ods")),
    ("Finance/expenses", expenses_claim, ("docx", "pdf")),
    ("Admin/parents-evening", parents_evening, ("docx", "html")),
    ("Admin/attendance-letter", attendance_letter, ("rtf", "txt")),
    ("HR/training-record", training_record, ("xlsx", "ods")),
]
