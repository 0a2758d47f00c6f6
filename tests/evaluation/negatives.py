"""Hard negatives: items that use the vocabulary of special categories, crime and school contexts but hold no
such data about anyone (policies, blank templates, lessons, newsletters, menus, reading lists, invoices,
anonymised statistics). Some name people (authors, governors, pupils praised in a newsletter): those names are
labelled PERSON and nothing more.
"""

from __future__ import annotations

from scanner.sample_share.formats import Doc

from .corpus import Piece
from .people import ETHNICITY_NAMES, SCHOOL, failing_card, failing_ten_digits, isbn10


# --- policies and notices ------------------------------------------------------------------------------------------

def data_protection_policy(w: Piece):
    w.hard("policy defining special categories")
    doc = Doc(f"{SCHOOL} - Data Protection Policy")
    if w.rng.random() < 0.5:
        doc.p(f"Policy owner: {w.name(w.adult())}, Data Protection Officer. Approved by the governing board.")
    doc.h("Special category data")
    doc.p("Special category personal data is personal data revealing racial or ethnic origin, political opinions, "
          "religious or philosophical beliefs, or trade union membership; genetic data; biometric data used to "
          "identify a person; data concerning health; and data concerning a person's sex life or sexual orientation.",
          "Criminal offence data (convictions, cautions and allegations, including DBS disclosures) is handled "
          "under Article 10 and Schedule 1 of the Data Protection Act 2018.",
          "The school processes such data only where a condition in Article 9 applies, for example to meet its "
          "safeguarding duties or to provide for pupils with medical conditions or special educational needs.")
    doc.h("Retention")
    doc.p("Child protection files are kept until the pupil's 25th birthday; medical records of pupils for the "
          "duration of their time at the school plus 25 years.")
    return doc


def privacy_notice_pupils(w: Piece):
    w.hard("privacy notice listing categories")
    doc = Doc("Privacy notice for pupils and their families")
    doc.p("The categories of pupil information that we collect include: personal identifiers and contacts "
          "(name, unique pupil number, contact details and address); characteristics (ethnicity, language, "
          "religion, eligibility for free school meals); safeguarding information (court orders, professional "
          "involvement); special educational needs; medical and administration (doctors' information, child "
          "health, dental health, allergies, medication and dietary requirements); attendance; assessment and "
          "behavioural information; biometric data for the cashless catering system, with parental consent.",
          "We share pupil data with the local authority, the Department for Education, the NHS school nursing "
          "service and the youth support services.")
    return doc


def privacy_notice_staff(w: Piece):
    w.hard("staff privacy notice")
    doc = Doc("Privacy notice - school workforce")
    doc.p("We process personal data relating to those we employ, including: contact details, date of birth, "
          "marital status and gender, next of kin, National Insurance number, bank account details, payroll "
          "records, trade union membership where you ask us to deduct subscriptions, recruitment information "
          "including DBS checks and any information about criminal convictions, health information including "
          "sickness absence and occupational health referrals, and equality monitoring data (ethnicity, religion, "
          "sexual orientation, disability).")
    return doc


def biometric_policy(w: Piece):
    w.hard("biometric policy")
    doc = Doc("Protection of biometric information of children in schools")
    doc.p("Under the Protection of Freedoms Act 2012, the school must obtain the written consent of at least one "
          "parent before a child's biometric information (a fingerprint) is processed for the cashless catering "
          "system. If a parent objects or the child refuses, an alternative such as a PIN or card is provided.",
          "The system stores a numeric template derived from points on the fingerprint, not an image, and it is "
          "deleted when the pupil leaves.")
    return doc


def safeguarding_policy(w: Piece):
    w.hard("safeguarding policy")
    doc = Doc("Child Protection and Safeguarding Policy 2024-25")
    doc.h("Types of abuse")
    doc.p("Abuse can be physical, emotional or sexual, or neglect. Staff should be alert to child criminal "
          "exploitation (county lines), child sexual exploitation, self-harm, female genital mutilation and "
          "radicalisation.")
    doc.h("Allegations against staff")
    doc.p("Any allegation that a member of staff has harmed a child or committed a criminal offence against a "
          "child is reported to the headteacher, who will consult the LADO within one working day.")
    doc.h("Looked after children")
    doc.p("The designated teacher promotes the educational achievement of looked after and previously looked "
          "after children and works with the virtual school head on each child's personal education plan.")
    return doc


def medical_conditions_policy(w: Piece):
    w.hard("supporting pupils with medical conditions policy")
    doc = Doc("Supporting pupils with medical conditions")
    doc.p("Pupils with asthma must have access to their reliever inhaler at all times. Spare salbutamol inhalers "
          "and EpiPens are kept in the medical room for emergency use.",
          "Where a pupil has epilepsy, diabetes or anaphylaxis, an individual healthcare plan is agreed with "
          "parents and the school nursing team and reviewed annually.",
          "No pupil will be given prescription medicines without written parental consent.")
    return doc


def send_information_report(w: Piece):
    w.hard("anonymised SEND information report")
    doc = Doc("SEND information report 2024-25")
    doc.p(f"Our SENCO is {w.name(w.adult())}." if w.rng.random() < 0.5 else "Our SENCO leads the inclusion team.",
          f"{w.rng.randint(10, 16)}% of our pupils are on the SEN register and {w.rng.randint(2, 4)}% have an "
          "education, health and care plan. The most common primary needs are speech, language and communication "
          "needs and autism.",
          "We offer phonics catch-up, precision teaching, a nurture group and access arrangements for exams.")
    return doc


# --- blank templates --------------------------------------------------------------------------------------------

def blank_medical_form(w: Piece):
    w.hard("blank medical form")
    doc = Doc("Medical information form - to be completed by parents")
    doc.p("Child's name: ______________________", "Date of birth: ____ / ____ / ________",
          "NHS number: ___ ___ ____", "Medical condition(s): ______________________",
          "Medication and dose: ______________________",
          "Parent mobile (e.g. 07700 900 123): ______________________",
          "Does your child have asthma / epilepsy / diabetes / a severe allergy? Please circle.")
    return doc


def blank_equal_ops(w: Piece):
    w.hard("blank equal opportunities form")
    doc = Doc("Equal opportunities monitoring form")
    doc.p("Name: ______________________   Post applied for: ______________________",
          "Ethnic group (tick one): [ ] White British  [ ] White Irish  [ ] Pakistani  [ ] Indian  [ ] Bangladeshi  "
          "[ ] Black African  [ ] Black Caribbean  [ ] Chinese  [ ] Mixed  [ ] Other",
          "Religion or belief: [ ] None [ ] Christian [ ] Muslim [ ] Hindu [ ] Sikh [ ] Jewish [ ] Buddhist [ ] Other",
          "Sexual orientation: [ ] Heterosexual [ ] Gay man [ ] Gay woman/lesbian [ ] Bisexual [ ] Prefer not to say",
          "Do you consider yourself to have a disability? [ ] Yes [ ] No")
    return doc


def blank_ehcp(w: Piece):
    w.hard("blank EHCP template")
    doc = Doc("Education, Health and Care Plan - template")
    doc.p("Child or young person's name: [name]", "Date of birth: [dd/mm/yyyy]", "UPN: [UPN]")
    for section in ("Section A - views, interests and aspirations", "Section B - special educational needs",
                    "Section C - health needs related to SEN", "Section F - special educational provision"):
        doc.h(section)
        doc.p("[To be completed by the local authority]")
    return doc


def blank_dbs_checklist(w: Piece):
    w.hard("blank DBS checklist")
    doc = Doc("DBS application - ID checklist for recruiters")
    doc.p("Route 1: one document from Group 1 (passport, biometric residence permit, driving licence) plus two "
          "further documents.", "Check the applicant's name history and address history for five years.",
          "Applicant name: ______________   Certificate number: ______________",
          "Disclosure content seen? [ ] Yes [ ] No     Risk assessment needed? [ ] Yes [ ] No")
    return doc


def blank_biometric_consent(w: Piece):
    w.hard("blank biometric consent form")
    doc = Doc("Consent form for the use of biometric information in school")
    doc.p("Please sign below if you consent to the school taking and using information from your child's "
          "fingerprint for the cashless catering system.",
          "Name of child: ______________   Form: ______",
          "Parent signature: ______________   Date: ______________")
    return doc


def blank_meal_request(w: Piece):
    w.hard("blank special diet request")
    doc = Doc("Special diet request")
    doc.p("Pupil name: ______________   Class: ______",
          "Requirement: [ ] Halal  [ ] Kosher  [ ] Vegetarian  [ ] No pork  [ ] Allergy (medical evidence needed)",
          "Parent signature: ______________")
    return doc


def blank_concern_form(w: Piece):
    w.hard("blank safeguarding concern form")
    doc = Doc("Record of concern - blank form")
    doc.p("Pupil name: ______________  DOB: ___/___/_____  Year: ___",
          "Nature of concern (tick): [ ] physical [ ] emotional [ ] sexual [ ] neglect [ ] self-harm [ ] exploitation",
          "What did you see or hear? Use the child's own words.",
          "Signed: ______________  Passed to DSL at: ______")
    return doc


def blank_pep(w: Piece):
    w.hard("blank PEP template")
    doc = Doc("Personal Education Plan - template for looked after children")
    doc.p("Child's name: ______  Date of birth: ______  Legal status: ______  Placement: ______",
          "Social worker: ______  Designated teacher: ______",
          "Pupil Premium Plus spending plan: ______")
    return doc


def blank_fsm_form(w: Piece):
    w.hard("blank FSM application")
    doc = Doc("Application for free school meals")
    doc.p("Parent/carer name: ______________  National Insurance number: __ __ __ __ _",
          "Child's name: ______________  Date of birth: ___/___/_____",
          "Do you receive Universal Credit, income support or income-based JSA? [ ] Yes [ ] No")
    return doc


# --- teaching material -------------------------------------------------------------------------------------------

RE_LESSONS = {
    "Islam": ("The Five Pillars of Islam", [
        "Muslims pray five times a day (salah), facing Makkah.",
        "During Ramadan Muslims fast from dawn until sunset; Eid al-Fitr marks the end of the fast.",
        "Halal food is food permitted by Islamic law; pork and alcohol are haram.",
        "Task: explain why zakat (charity) matters to a Muslim."]),
    "Judaism": ("Jewish dietary laws and Shabbat", [
        "Kosher food follows the laws of kashrut: meat and dairy are not eaten together.",
        "Shabbat begins at sunset on Friday; many Jewish families light candles and share a meal.",
        "Task: compare kosher and halal food laws."]),
    "Sikhism": ("The Five Ks", [
        "Sikhs who are initiated into the Khalsa wear the five Ks: kesh, kara, kanga, kachera and kirpan.",
        "The langar in every gurdwara serves free vegetarian food to all.",
        "Task: why is equality important in Sikhism?"]),
    "Christianity": ("Baptism and the Eucharist", [
        "Christians believe baptism welcomes a person into the Church.",
        "Roman Catholics, Anglicans and Methodists celebrate the Eucharist in different ways.",
        "Task: describe two differences between infant and believer's baptism."]),
    "Hinduism": ("Hindu festivals: Diwali and Holi", [
        "Diwali, the festival of lights, remembers the return of Rama and Sita.",
        "Many Hindus do not eat beef because the cow is sacred.",
        "Task: plan a Diwali celebration for the class."]),
}


def re_lesson(w: Piece):
    faith = w.pick(sorted(RE_LESSONS))
    w.hard(f"RE lesson on {faith}")
    title, lines = RE_LESSONS[faith]
    doc = Doc(f"RE Year {w.rng.randint(5, 9)} - {faith}: {title}")
    doc.h("Learning objectives")
    doc.p(f"Know key beliefs and practices in {faith}.", "Use religious vocabulary accurately.")
    doc.h("Key knowledge")
    doc.p(*lines)
    return doc


def science_inheritance(w: Piece):
    w.hard("science scheme of work on genetics")
    doc = Doc("Biology scheme of work - inheritance, variation and evolution")
    doc.h("Lesson 4: genetic disorders")
    doc.p("Cystic fibrosis is caused by a recessive allele of the CFTR gene; two carrier parents have a 1 in 4 "
          "chance of having an affected child.",
          "Polydactyly is caused by a dominant allele. Sickle cell disease is inherited in a recessive pattern.",
          "Discuss: should embryos be screened for genetic disorders? Consider the ethical issues.")
    doc.h("Lesson 5: fingerprints and variation")
    doc.p("Fingerprints are an example of variation caused by both genes and the environment. Identical twins "
          "have different fingerprints.")
    return doc


def pshe_lesson(w: Piece):
    topic = w.pick(["sexual health", "consent", "LGBT+ History Month", "healthy relationships"])
    w.hard(f"PSHE lesson on {topic}")
    body = {
        "sexual health": ["Contraception: condoms also protect against sexually transmitted infections.",
                          "Where to get help: the school nurse drop-in and local sexual health clinics.",
                          "Myth-busting quiz on STIs."],
        "consent": ["Consent must be freely given, and can be withdrawn at any time.",
                    "The age of consent in the UK is 16. Scenario cards: discuss in pairs.",
                    "Sharing nude images of under-18s is illegal, even between friends."],
        "LGBT+ History Month": ["February is LGBT+ History Month in the UK.",
                                "Timeline: Section 28 repealed in 2003; same-sex marriage legal in England in 2014.",
                                "Task: research a campaigner for LGBT+ equality and present to the class."],
        "healthy relationships": ["Signs of a healthy relationship: trust, respect, honesty.",
                                  "Coercive control is a crime. Who can you talk to if you are worried?",
                                  "Role play: saying no to pressure."],
    }[topic]
    doc = Doc(f"PSHE Year {w.rng.randint(8, 11)} - {topic}")
    doc.p("Ground rules: no personal questions; use correct terminology; the right to pass.")
    doc.p(*body)
    return doc


def citizenship_lesson(w: Piece):
    topic = w.pick(["elections", "trade unions"])
    w.hard(f"citizenship lesson on {topic}")
    if topic == "elections":
        doc = Doc("Citizenship - how UK elections work")
        doc.p("The UK uses first past the post for general elections. Parties such as Labour, the Conservatives, "
              "the Liberal Democrats, the Green Party and Reform UK stand candidates in each constituency.",
              "Activity: hold a mock election. Write a manifesto for an invented party.")
    else:
        doc = Doc("Citizenship and history - trade unions and workers' rights")
        doc.p("In 1834 six farm labourers from Tolpuddle in Dorset, the Tolpuddle Martyrs, were transported to "
              "Australia for forming a trade union.",
              "Today unions such as the NEU, UNISON and Unite bargain collectively for their members.",
              "Discuss: should teachers have the right to strike?")
    return doc


def history_crime(w: Piece):
    w.hard("history unit on crime and punishment")
    doc = Doc("GCSE History - crime and punishment in Britain, c1000 to the present")
    doc.p("Medieval punishments included fines, the stocks and execution. The Bloody Code made over 200 crimes "
          "punishable by death by 1810.",
          "The Metropolitan Police was founded in 1829. Transportation to Australia ended in 1868.",
          "Modern era: the abolition of the death penalty (1965) and the creation of youth offending teams (1998).",
          "Exam question: explain why the use of transportation ended. (12 marks)")
    return doc


def forensics_lesson(w: Piece):
    w.hard("forensic science lesson on fingerprints")
    doc = Doc("STEM club - forensic science: fingerprints and DNA")
    doc.p("Fingerprints are classed as loops, whorls and arches. Police compare ridge patterns with a database.",
          "DNA profiling was first used in a criminal case in 1986.",
          "Activity: take your own print with a pencil and tape and classify it. Prints are taken home, not kept.")
    return doc


def first_aid_training(w: Piece):
    w.hard("staff training slides, no person")
    doc = Doc("INSET - asthma, epilepsy and anaphylaxis awareness")
    doc.h("Asthma attack")
    doc.p("Signs: wheezing, tight chest, difficulty speaking.", "Give 2 puffs of the blue reliever inhaler every "
          "two minutes, up to 10 puffs. Call 999 if no improvement.")
    doc.h("Seizures")
    doc.p("Time the seizure, protect the head, do not restrain. Buccal midazolam only if it is in the care plan.")
    doc.h("Anaphylaxis")
    doc.p("Use the adrenaline auto-injector (EpiPen) in the outer thigh, then call 999.")
    return doc


def halal_menu(w: Piece):
    w.hard("menu with halal options")
    doc = Doc("Spring term lunch menu - week 1")
    doc.table([["Day", "Main", "Halal option", "Vegetarian"],
               ["Monday", "Roast chicken", "Halal roast chicken", "Quorn roast"],
               ["Tuesday", "Beef lasagne", "Halal beef lasagne", "Vegetable lasagne"],
               ["Wednesday", "Fish fingers", "Fish fingers", "Cheese and onion pie"],
               ["Thursday", "Sausage and mash", "Halal chicken sausages", "Veggie sausages"],
               ["Friday", "Fish and chips", "Fish and chips", "Bean burger"]])
    doc.p("All meat in the halal options is certified halal. Kosher meals can be ordered in advance.")
    return doc


def newsletter(w: Piece):
    w.hard("newsletter naming pupils for achievements")
    a, b, c = w.pupils(3, year_group=w.rng.randint(3, 6))
    doc = Doc(f"{SCHOOL} newsletter - {w.day('%d %B %Y')}")
    doc.h("Celebrations")
    doc.p(f"Congratulations to {w.name(a)} who won the district cross-country race, and to {w.name(b)} for a "
          "brilliant poem in the library competition.",
          f"{w.name(c)} has been chosen as the new school council chair.")
    doc.h("Around school")
    doc.p("Year 5 visited the Central Mosque as part of their RE topic on Islam, and Year 3 enjoyed a Diwali "
          "workshop.", "The school council raised £340 for Diabetes UK at the cake sale.",
          "Reminder: the nurse will run the flu vaccination session for Reception on Thursday.")
    return doc


def sports_fixtures(w: Piece):
    w.hard("sports fixtures list with names")
    rows = [["Date", "Fixture", "Team", "Players"]]
    for _ in range(5):
        rows.append([w.day(), w.pick(["v St Mary's (home)", "v Hollins Academy (away)", "County cup round 2"]),
                     w.pick(["U13 football", "U15 netball", "U12 rugby"]),
                     ", ".join(w.name(p) for p in w.pupils(3, year_group=8))])
    return "Fixtures - spring term", {"Fixtures": rows}


def reading_list(w: Piece):
    w.hard("reading list with ISBN-10s that pass the NHS check")
    rows = [["Title", "Author", "ISBN", "Copies"]]
    titles = ["The Lighthouse Keeper's Year", "Running with Wolves", "A Map of Small Things", "The Glass River",
              "Tidewater", "Under the Viaduct", "Numbers in the Dark", "The Clockmaker's Girl"]
    for t in w.rng.sample(titles, 6):
        number = isbn10(w.rng)
        rows.append([t, w.author(), number if w.rng.random() < 0.5 else f"ISBN {number}", str(w.rng.randint(1, 30))])
    return "Year 8 reading list", {"Books": rows}


def supplier_invoice(w: Piece):
    w.hard("supplier invoice with order numbers failing checks")
    rows = [["Order number", "Description", "Qty", "Unit price", "Line total"]]
    for _ in range(6):
        rows.append([failing_ten_digits(w.rng), w.pick(["A4 exercise books (pack of 50)", "Whiteboard pens",
                                                        "Glue sticks", "Science goggles", "Laminating pouches"]),
                     str(w.rng.randint(1, 20)), f"£{w.rng.randint(2, 40)}.99", f"£{w.rng.randint(20, 400)}.00"])
    rows.append(["Payment reference", failing_card(w.rng), "", "", ""])
    return "Invoice INV-2025-0413 - Northern Education Supplies Ltd", {"Invoice": rows}


def timetable(w: Piece):
    w.hard("timetable")
    rows = [["Period", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]]
    subjects = ["Maths", "English", "Science", "RE", "PSHE", "History", "Geography", "PE", "Music", "Computing"]
    for period, start in enumerate(["08:50", "09:50", "11:05", "12:05", "13:45"], 1):
        rows.append([f"P{period} {start}"] + [f"{w.pick(subjects)} ({w.pick('ABCDS')}{w.rng.randint(1, 12)})"
                                               for _ in range(5)])
    return "Timetable 8K - 2024-25", {"8K": rows}


def union_agreement(w: Piece):
    w.hard("union recognition agreement, organisation level")
    doc = Doc("Trade union recognition and facilities agreement")
    doc.p("The trust recognises the NEU, NASUWT, NAHT, ASCL, UNISON, GMB and Unite for collective bargaining.",
          "Accredited representatives are entitled to reasonable paid time off (facility time) for union duties.",
          "Check-off: the trust will deduct union subscriptions from pay where an employee asks for this.")
    return doc


def anonymised_statistics(w: Piece):
    w.hard("anonymised statistics")
    rows = [["Measure", "School", "National"],
            ["Pupils eligible for free school meals", f"{w.rng.randint(18, 40)}%", "24.6%"],
            ["Pupils with SEN support", f"{w.rng.randint(10, 18)}%", "13.6%"],
            ["Pupils with an EHC plan", f"{w.rng.randint(2, 5)}%", "4.8%"],
            ["Looked after children", str(w.rng.randint(3, 9)), "-"],
            ["Pupils of minority ethnic origin", f"{w.rng.randint(20, 60)}%", "37.4%"],
            ["Suspensions (rate)", f"{w.rng.randint(3, 12)}.{w.rng.randint(0, 9)}", "9.3"]]
    return "Governors' data pack - anonymised pupil characteristics", {"Characteristics": rows}


def ethnicity_codes(w: Piece):
    w.hard("DfE ethnicity code reference list")
    rows = [["Code", "Description"]] + [[c, d] for c, d in ETHNICITY_NAMES.items()]
    rows.append(["REFU", "Refused"])
    rows.append(["NOBT", "Information not yet obtained"])
    return "DfE ethnicity codes (census)", {"Codes": rows}


def catering_guide(w: Piece):
    w.hard("cashless catering user guide")
    doc = Doc("Cashless catering - till operator guide")
    doc.p("Ask the pupil to place their finger on the reader. If the reader does not recognise the finger, "
          "search by name or ask for the PIN.", "Enrolling new pupils: only enrol where the office has a signed "
          "consent form. Re-enrol if the reader repeatedly fails.")
    return doc


def school_calendar(w: Piece):
    w.hard("calendar with religious festivals")
    rows = [["Date", "Event"], ["01/03/2025", "Ramadan begins (approx.)"], ["31/03/2025", "Eid al-Fitr (approx.)"],
            ["13/04/2025", "Vaisakhi"], ["18/04/2025", "Good Friday - school closed"], ["23/04/2025", "Passover"],
            ["01/06/2025", "Pride month begins"], ["20/10/2025", "Diwali"]]
    return "Whole-school calendar and festivals", {"Calendar": rows}


def outbreak_letter(w: Piece):
    w.hard("letter to all parents about an illness outbreak")
    illness = w.pick(["chickenpox", "measles", "scarlet fever", "norovirus"])
    doc = Doc(f"Letter to all parents - {illness}")
    doc.p("Dear parents and carers,",
          f"We have been informed of cases of {illness} in the school. Please look out for symptoms and keep your "
          "child at home if they are unwell, following the UK Health Security Agency guidance.",
          "Yours sincerely,", w.name(w.adult()) + ", Headteacher")
    return doc


def medical_stock(w: Piece):
    w.hard("medical room stock check, no person")
    rows = [["Item", "Quantity", "Expiry", "Checked"],
            ["Spare salbutamol inhaler", "2", "03/2026", "Yes"], ["Spare adrenaline auto-injector", "2", "11/2025", "Yes"],
            ["Plasters (assorted)", "200", "-", "Yes"], ["Ice packs", "12", "-", "Yes"], ["Spacers", "4", "-", "Yes"]]
    return "Medical room stock check", {"Stock": rows}


def governors_minutes(w: Piece):
    w.hard("governors' minutes with aggregate data only")
    chair, head, clerk = w.adult(), w.adult(), w.adult()
    doc = Doc("Full governing board - minutes")
    doc.p(f"Present: {w.name(chair)} (chair), {w.name(head)} (headteacher), {w.name(w.adult())}. "
          f"Clerk: {w.name(clerk)}.",
          "Safeguarding: the DSL reported 14 referrals to children's social care this term and no allegations "
          "against staff. Governors asked about the rise in referrals for mental health.",
          "SEND: 47 pupils on SEN support and 9 with EHC plans. Pupil premium: 112 pupils eligible.",
          "Data protection: one breach (a misdirected email) reported to the DPO; not reportable to the ICO.")
    return doc


def job_advert(w: Piece):
    w.hard("job advert")
    doc = Doc("Vacancy: Teaching Assistant (Level 3)")
    doc.p("We are looking for a caring teaching assistant to support pupils with SEND, including autism.",
          "This post is subject to an enhanced DBS check with barred list. Shortlisted candidates will be asked "
          "to declare any convictions or cautions that are not protected.")
    return doc


def trip_risk_assessment(w: Piece):
    w.hard("generic trip risk assessment")
    doc = Doc("Risk assessment - Year 6 residential")
    doc.table([["Hazard", "Risk", "Control"],
               ["Medical needs", "Asthma attack or allergic reaction", "Carry inhalers and EpiPens; first aider present"],
               ["Dietary needs", "Wrong food served", "Centre sent halal, vegetarian and allergy lists in advance"],
               ["Water activities", "Drowning", "Qualified instructors; buoyancy aids"]])
    return doc


def crime_statistics_worksheet(w: Piece):
    w.hard("maths worksheet on crime statistics")
    doc = Doc("Maths - interpreting crime statistics")
    doc.p("The table shows recorded crime in a town over five years. Draw a line graph and describe the trend.")
    doc.table([["Year", "Burglary", "Vehicle crime", "Violence"],
               ["2020", "412", "380", "655"], ["2021", "398", "341", "702"], ["2022", "367", "355", "731"]])
    return doc


def exam_timetable(w: Piece):
    w.hard("exam timetable")
    rows = [["Date", "Session", "Subject", "Paper", "Duration"]]
    for subject in ("Biology", "English Language", "Maths", "History", "Religious Studies", "Geography"):
        rows.append([w.day(), w.pick(["AM", "PM"]), subject, f"Paper {w.rng.randint(1, 2)}", "1h 45m"])
    return "GCSE exam timetable summer 2025", {"Exams": rows}


def attendance_codes(w: Piece):
    w.hard("attendance code reference")
    doc = Doc("Attendance codes - quick reference")
    doc.p("I - illness (not medical or dental appointment)", "M - medical or dental appointment",
          "R - religious observance", "E - suspended or permanently excluded", "G - holiday not authorised",
          "Remember: code R only for days set apart exclusively for religious observance.")
    return doc


def it_asset_register(w: Piece):
    w.hard("asset register: serial numbers and dates, no person")
    rows = [["Asset tag", "Device", "Serial number", "Location", "Purchased", "Warranty until"]]
    for _ in range(8):
        rows.append([failing_ten_digits(w.rng), w.pick(["Laptop", "Visualiser", "Projector", "iPad", "Printer"]),
                     f"SN{w.rng.randint(10**9, 10**10 - 1)}", w.pick(["IT suite", "Room 12", "Library", "Hall"]),
                     w.day(), w.day("%d/%m/2028")])
    return "IT asset register", {"Assets": rows}


PLAN = [
    ("Policies/data-protection-policy", data_protection_policy, ("docx", "pdf", "html", "odt")),
    ("Policies/privacy-notice-pupils", privacy_notice_pupils, ("md", "html")),
    ("Policies/privacy-notice-workforce", privacy_notice_staff, ("pdf", "txt")),
    ("Policies/biometric-policy", biometric_policy, ("docx", "odt")),
    ("Policies/safeguarding-policy", safeguarding_policy, ("pdf", "docx")),
    ("Policies/medical-conditions-policy", medical_conditions_policy, ("docx", "rtf")),
    ("Policies/send-information-report", send_information_report, ("html", "pdf")),
    ("Templates/medical-form", blank_medical_form, ("docx", "pdf", "odt")),
    ("Templates/equal-opportunities-form", blank_equal_ops, ("docx", "pdf", "rtf")),
    ("Templates/ehcp-template", blank_ehcp, ("docx", "odt")),
    ("Templates/dbs-checklist", blank_dbs_checklist, ("docx", "pdf")),
    ("Templates/biometric-consent", blank_biometric_consent, ("pdf", "txt")),
    ("Templates/special-diet-request", blank_meal_request, ("docx",)),
    ("Templates/concern-form", blank_concern_form, ("odt", "md")),
    ("Templates/pep-template", blank_pep, ("docx",)),
    ("Templates/fsm-application", blank_fsm_form, ("pdf",)),
    ("Curriculum/RE/lesson", re_lesson, ("pptx", "docx", "pptx", "odt", "md", "pdf")),
    ("Curriculum/Science/inheritance", science_inheritance, ("docx", "pptx", "pdf")),
    ("Curriculum/PSHE/lesson", pshe_lesson, ("pptx", "docx", "html", "md", "pptx")),
    ("Curriculum/Citizenship/lesson", citizenship_lesson, ("pptx", "docx", "odt", "txt")),
    ("Curriculum/History/crime-and-punishment", history_crime, ("pptx", "pdf")),
    ("Curriculum/STEM/forensics", forensics_lesson, ("pptx",)),
    ("Training/first-aid-awareness", first_aid_training, ("pptx", "pdf")),
    ("Catering/menu", halal_menu, ("html", "pdf", "docx")),
    ("Newsletters/newsletter", newsletter, ("html", "docx", "pdf")),
    ("PE/fixtures", sports_fixtures, ("xlsx", "csv")),
    ("Library/reading-list", reading_list, ("docx", "xlsx", "md", "csv")),
    ("Finance/invoice", supplier_invoice, ("pdf", "csv", "xlsx")),
    ("Timetables/timetable", timetable, ("xlsx", "ods")),
    ("HR/union-recognition-agreement", union_agreement, ("docx", "pdf")),
    ("Governors/data-pack", anonymised_statistics, ("pdf", "xlsx", "html")),
    ("Admin/ethnicity-codes", ethnicity_codes, ("csv", "xlsx")),
    ("Catering/till-guide", catering_guide, ("pdf",)),
    ("Admin/calendar", school_calendar, ("ods", "tsv")),
    ("Letters/outbreak", outbreak_letter, ("txt", "rtf")),
    ("Medical/stock-check", medical_stock, ("xlsx",)),
    ("Governors/minutes", governors_minutes, ("docx", "txt")),
    ("HR/job-advert", job_advert, ("html",)),
    ("Trips/risk-assessment", trip_risk_assessment, ("docx",)),
    ("Curriculum/Maths/crime-statistics", crime_statistics_worksheet, ("docx",)),
    ("Exams/timetable", exam_timetable, ("tsv",)),
    ("Admin/attendance-codes", attendance_codes, ("txt",)),
    ("IT/asset-register", it_asset_register, ("xlsx", "csv")),
]
