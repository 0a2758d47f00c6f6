"""Email/ content: exported .eml messages (some with attachments holding personal data, one attachment password
protected) and an .mbox export of the safeguarding lead's mailbox.

An .eml's own record holds its headers and body; each attachment is a member ``PARENT!<filename>``. An .mbox holds
nothing itself; its messages are members ``BOX!message-1.eml``, ``BOX!message-2.eml``... in order, and their
attachments ``BOX!message-N.eml!<filename>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from .formats import Doc, render
from .manifest import Tally
from .people import Cast, Person
from .share import ShareWriter, encrypt_ooxml

MIME_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "pdf": "application/pdf", "csv": "text/csv"}


@dataclass
class Attachment:
    filename: str
    data: bytes
    tally: Tally
    encrypted: bool = False
    password: str | None = None


@dataclass
class Mail:
    """One message being composed: headers and body lines are planted into ``tally`` as they are written."""

    subject: str
    when: datetime
    tally: Tally = field(default_factory=Tally)
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def from_(self, person: Person) -> "Mail":
        self.sender = f"{self.tally.name(person)} <{self.tally.email(person)}>"
        return self

    def to(self, person: Person) -> "Mail":
        self.recipients.append(f"{self.tally.name(person)} <{self.tally.email(person)}>")
        return self

    def to_mailbox(self, address: str) -> "Mail":
        """A functional mailbox (not a person's), still an email address in the text."""
        self.recipients.append(self.tally.plant("EMAIL_ADDRESS", address))
        return self

    def attach(self, filename: str, content: Doc | dict, tally: Tally, password: str | None = None) -> "Mail":
        data = render(filename, content)
        if password:
            data = encrypt_ooxml(data, password)
        self.attachments.append(Attachment(filename, data, tally, encrypted=bool(password), password=password))
        return self

    def to_bytes(self, number: int) -> bytes:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = self.subject
        message["Date"] = format_datetime(self.when.replace(tzinfo=timezone.utc))
        message.set_content("\n".join(self.body) + "\n", cte="7bit")
        for attachment in self.attachments:
            ext = attachment.filename.rsplit(".", 1)[-1]
            maintype, subtype = MIME_TYPES[ext].split("/")
            message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                                   filename=attachment.filename)
        if self.attachments:
            message.set_boundary(f"==hartfield-{number:05d}==")  # a fixed boundary keeps the bytes stable
        return message.as_bytes()

    def record(self, share: ShareWriter, path: str, number: int, in_container: bool = False) -> None:
        """Record the message (and write it at ``path`` unless it lives in a container) and its attachments."""
        if in_container:
            share.member(*path.rsplit("!", 1), self.tally)
        else:
            share.write(path, self.to_bytes(number), self.tally, mtime=self.when)
        for attachment in self.attachments:
            share.member(path, attachment.filename, attachment.tally, encrypted=attachment.encrypted,
                         password=attachment.password)


def build(share: ShareWriter, cast: Cast, scale: int) -> None:
    mails = _messages(share, cast)
    for number, (path, mail) in enumerate(mails, 1):
        mail.record(share, path, number)
    _mailbox(share, cast, scale)


def _messages(share: ShareWriter, cast: Cast) -> list[tuple[str, Mail]]:
    rng = share.rng
    senco, dsl = cast.staff_in("SENCO"), cast.staff_in("Designated Safeguarding Lead")
    business, head = cast.staff_in("Business Manager"), cast.staff_in("Headteacher")
    nurse, attendance = cast.staff_in("School Nurse"), cast.staff_in("Attendance Officer")
    out = []

    pupil = next(p for p in cast.pupils if p.ehcp)
    parent = pupil.parents[0]
    m = Mail("Draft EHCP for review", datetime(2025, 3, 4, 15, 12)).from_(senco).to(parent)
    m.body += [f"Dear {m.tally.name(parent)},",
               f"Please find attached the draft EHCP for {m.tally.name(pupil)}, following the annual review.",
               "Let me know of any changes to sections B and F by Friday.", "Kind regards", m.tally.name(senco)]
    m.tally.mark(contexts=("send",))
    a = Tally()
    doc = Doc(f"Draft EHCP - {a.name(pupil)}").p(f"Date of birth: {a.dob(pupil)}", f"NHS number: {a.nhs(pupil)}",
                                                f"Section B: {pupil.sen_need}")
    a.mark("health", contexts=("send",))
    out.append(("Email/SENCO/2025-03-04_Draft_EHCP.eml", m.attach(f"EHCP_draft_{pupil.last}.docx", doc, a)))

    pupil = rng.choice([p for p in cast.pupils if not p.looked_after])
    m = Mail("Referral to MASH - urgent", datetime(2025, 1, 20, 9, 41)).from_(dsl).to_mailbox(
        "mash@hartfield-council.example.gov.uk")
    m.body += [f"Please see attached referral regarding {m.tally.name(pupil)} ({pupil.form}).",
               "The pupil disclosed physical chastisement at home this morning. Bruising seen on the arm.",
               m.tally.name(dsl), "Designated Safeguarding Lead"]
    m.tally.mark(contexts=("safeguarding",))
    a = Tally()
    doc = Doc("Multi-agency referral form").table([
        ["Child", a.name(pupil)], ["Date of birth", a.dob(pupil)], ["Address", a.address(pupil)],
        ["Parents", ", ".join(a.name(p) for p in pupil.parents)],
        ["Concern", "Disclosure of being hit with a belt; bruising to left upper arm."]])
    a.mark(contexts=("safeguarding",), criminal=True)
    out.append(("Email/DSL/2025-01-20_MASH_referral.eml", m.attach("MASH_referral.pdf", doc, a)))

    m = Mail("March payroll changes", datetime(2025, 3, 14, 11, 5)).from_(business).to_mailbox(
        "payroll@northern-payroll.example.co.uk")
    m.body += ["Hello,", "Changes for March attached: two new starters and a change of bank details.",
               "Thanks", m.tally.name(business)]
    a = Tally()
    rows = [["Name", "NI number", "Date of birth", "Sort code", "Account", "Change"]]
    for p in cast.staff[-3:]:
        rows.append([a.name(p), a.nino(p), a.dob(p), p.sort_code, a.account(p), "New bank details"])
    out.append(("Email/Business/2025-03-14_payroll_changes.eml", m.attach("payroll_changes_march.xlsx",
                                                                          {"Changes": rows}, a)))

    leader = cast.staff_in("Head of Year 10")
    trip = rng.sample(cast.year(10), 6)
    m = Mail("Year 10 Lake District trip - medical information", datetime(2025, 5, 2, 16, 30)).from_(leader)
    m.to(nurse)
    m.body += ["Hi,", "Medical and dietary information for the trip group is attached. Please check the "
               "medication list before we leave.", m.tally.name(leader)]
    a = Tally()
    rows = [["Pupil", "Emergency contact", "Phone", "Medical / dietary"]]
    for p in trip:
        rows.append([a.name(p), a.name(p.parents[0]), a.phone(p.parents[0]),
                     p.condition[0] if p.condition else (p.meal_religion or "None")])
    a.mark(*(("health",) if any(p.condition for p in trip) else ()),
           *(("religious_beliefs",) if any(p.meal_religion and not p.condition for p in trip) else ()))
    out.append(("Email/Trips/2025-05-02_trip_medical.eml", m.attach("trip_medical_info.csv", {"trip": rows}, a)))

    pupil = rng.choice(cast.pupils)
    parent = pupil.parents[-1]
    m = Mail(f"Absence - {pupil.form}", datetime(2025, 2, 11, 8, 2)).from_(parent).to(attendance)
    m.body += ["Good morning,", f"{m.tally.name(pupil)} will be absent today for a hospital appointment about the "
               "seizures they have been having. The consultant thinks it may be epilepsy.",
               f"Thanks, {m.tally.name(parent)}", m.tally.phone(parent)]
    m.tally.mark("health")
    out.append(("Email/Attendance/2025-02-11_absence_reason.eml", m))

    pupil = next(p for p in cast.pupils if p.condition and "Asthma" in p.condition[0])
    parent = pupil.parents[0]
    m = Mail("Inhaler out of date", datetime(2025, 4, 24, 13, 15)).from_(nurse).to(parent)
    m.body += [f"Dear {m.tally.name(parent)},", f"The spare salbutamol inhaler we hold for {m.tally.name(pupil)} "
               "expired last month. Please send a replacement in a named bag.", m.tally.name(nurse)]
    m.tally.mark("health")
    out.append(("Email/Medical/2025-04-24_inhaler.eml", m))

    sender, colleague = cast.staff_in("Teacher of Maths"), cast.staff_in("Teacher of Geography")
    m = Mail("Staff quiz Friday", datetime(2025, 6, 20, 12, 0)).from_(sender).to(colleague)
    m.body += ["Quiz in the staffroom at 4pm, teams of four. Bring snacks!"]
    out.append(("Email/Staff/2025-06-20_staff_quiz.eml", m))

    subject = cast.staff[12]
    m = Mail("Grievance outcome - protected document", datetime(2025, 5, 19, 17, 45)).from_(business).to(head)
    m.body += ["The grievance outcome letter is attached. The password will follow by text message.",
               m.tally.name(business)]
    a = Tally()
    doc = Doc("Grievance outcome").p(f"Employee: {a.name(subject)}, {subject.job}",
                                     "The grievance about workload allocation is partly upheld.")
    out.append(("Email/HR/2025-05-19_grievance_outcome.eml",
                m.attach("grievance_outcome.docx", doc, a, password="Gr1evance!2025")))
    return out


def _mailbox(share: ShareWriter, cast: Cast, scale: int) -> None:
    rng = share.rng
    dsl = cast.staff_in("Designated Safeguarding Lead")
    box = "Email/Exports/dsl_mailbox_2024.mbox"
    mails = []
    topics = (("Welfare check", "was not collected after school yesterday and was very hungry."),
              ("Early help assessment", "family have agreed to an early help assessment."),
              ("Bruise reported", "had a bruise on the cheek; explanation inconsistent. Logged on CPOMS."),
              ("Young carer", "is caring for a parent with multiple sclerosis and missing homework."),
              ("Online concern", "received threatening messages on social media from a former pupil."))
    for n, ((title, text), pupil) in enumerate(zip(topics * scale, rng.sample(cast.pupils, len(topics) * scale))):
        staff = rng.choice(cast.staff)
        m = Mail(f"{title} - {pupil.form}", datetime(2024, 9 + n % 4, 2 + n % 26, 10 + n % 6, 5 * n % 60))
        m.from_(staff).to(dsl)
        m.body += [f"{m.tally.name(pupil)} {text}", m.tally.name(staff)]
        m.tally.mark(*(("health",) if "sclerosis" in text else ()), contexts=("safeguarding",))
        if n == 2:
            a = Tally()
            doc = Doc("Body map").p(f"Pupil: {a.name(pupil)}, DOB {a.dob(pupil)}",
                                    "Bruise approx 3cm on left cheek, yellowing.")
            a.mark(contexts=("safeguarding",))
            m.attach("body_map.pdf", doc, a)
        mails.append(m)
    chunks = []
    for number, m in enumerate(mails, 1):
        data = m.to_bytes(900 + number).replace(b"\nFrom ", b"\n>From ")
        chunks.append(f"From MAILER-DAEMON {m.when:%a %b %d %H:%M:%S %Y}\n".encode() + data + b"\n")
    share.write(box, b"".join(chunks), mtime=datetime(2024, 12, 31, 17, 0))
    for number, m in enumerate(mails, 1):
        m.record(share, f"{box}!message-{number}.eml", number, in_container=True)
