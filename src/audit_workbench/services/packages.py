"""Offline audit packages (`.awp`): take cases to a laptop, bring the results back to the office.

An `.awp` file is a zip archive:

    manifest.json           format and version, package id and kind, who exported it and when, the
                            source and origin databases, each case with its rubric id and SHA-256, the
                            accounts, and every other member with its SHA-256 and size
    cases/<case_no>.json    a checkout: the whole case; a return: every record the laptop scores with
                            its base (version and content at checkout) and its current content
    rubrics/<id>.yaml       the rubric file each case is pinned to (its hash is the case's rubric hash)
    users.json              (checkout only) the audit team's accounts: name, roles, argon2 hash
    attachments/<sha256>    material and evidence files, named by their content hash

Direction. A *checkout* (office → laptop) creates the cases, their team's accounts and files on the
laptop (a new database is made when the target does not exist yet). A *return* (laptop → office)
carries scores, notes, evidence, special items, nonconformities, document reviews and the conclusion.

Identity. Records without a natural key (reviews, evidence, nonconformities, special items) travel
under the key they were first created with, `<type>:<database id>:<row id>`; each database keeps, per
case, the links from foreign keys to its own rows (a JSON setting `package:<case_no>`), so a record
keeps one identity however often it travels, and importing the same record twice never duplicates it.

Versions. The office records the version of every versioned row (case, score, nonconformity) at
checkout; the laptop keeps it and the content as the *base*. A return lists every record the laptop
scores with its base and its current content. A record the laptop changed applies only if the office
row is still at the base version (or at the version an earlier return from the same laptop left it
at; unversioned records compare content); otherwise nothing at all is applied and every conflict is
listed with the base, the office's value and the package's. The caller may settle conflicts one by one
(`resolve={conflict.id: "office" | "package"}`); a declined laptop value is remembered, so the next
return does not ask again. Returns are numbered per case and laptop: the same package twice, or an
older one after a newer, is refused; a newer one carrying what an older one brought duplicates nothing.

Safety. Every member is checked before anything is written: names inside the archive root (no `..`,
no absolute paths, no links), listed in the manifest with the right size and SHA-256, sizes capped
while streaming (zip bombs), the format version known, and every value validated with the core rules
against the packaged rubric. Attachments are staged in a temporary folder and moved into the
content-addressed store inside the transaction; files this import created are removed again if it
fails, and a database this import created is deleted, so a refused import leaves no trace.

Each side appends its own events (`package.export`, `package.import` and one event per applied
change); no event is ever copied between databases, so `log verify` holds on both.

Not covered: the hashes prove a package undamaged, not who made it. Someone who can write a return
package by hand can claim any base version (an honest laptop never does); signing returns with a
secret issued at checkout would close that.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import __version__
from ..core import creditcode
from ..core.datafiles import resources_dir
from ..core.errors import NotFound, Refused
from ..core.materials import MaterialsChecklist, load_materials
from ..core.policy import Role
from ..core.rubric import (
    EnterpriseType,
    Grade,
    LoadedRubric,
    Rubric,
    RubricError,
    RubricRegistry,
    installed_registry,
    parse_rubric,
)
from ..core.scoring import (
    HALF,
    TENTH,
    IndicatorEntry,
    ScoringError,
    check_points,
    compute,
    plain,
    points_from_sample,
)
from ..core.workflow import CaseKind, CaseState, ReviewOutcome, VoteDecision
from ..storage import models as m
from ..storage.attachments import MAX_ATTACHMENT_BYTES, AttachmentStore
from ..storage.db import Database, open_database, sqlite_path, to_url
from ..storage.db import exists as database_exists
from .base import Actor, Services, Tx
from .certificates import DATABASE_ID_KEY
from .views import get_case_row

FORMAT = "audit-workbench-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USERS_MEMBER = "users.json"

# Limits against hostile archives (module attributes, so tests can lower them).
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = MAX_ATTACHMENT_BYTES  # one attachment
MAX_JSON_BYTES = 64 * 1024 * 1024  # the manifest, a case, the accounts, a rubric
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # everything, expanded
CHUNK = 1024 * 1024

CHECKOUT_STATES = frozenset({CaseState.document_review, CaseState.onsite_audit})
RETURN_STATES = frozenset({CaseState.document_review, CaseState.onsite_audit, CaseState.committee_review})
SYNC_PREFIX = "package:"
RUBRIC_PREFIX = "rubric:"
DISABLED_PASSWORD = "!package-reference"  # not an argon2 hash: this account can never log in

_MEMBER_NAME = re.compile(
    r"^(manifest\.json|users\.json|cases/[A-Za-z0-9][A-Za-z0-9._-]{0,31}\.json"
    r"|rubrics/[a-z0-9][a-z0-9.-]{0,55}\.yaml|attachments/[0-9a-f]{64})$"
)


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


# == results =========================================================================================


@dataclass(frozen=True)
class PackageSummary:
    """What `export_package` wrote."""

    path: Path
    package_id: str
    kind: str  # checkout | return
    cases: tuple[str, ...]
    accounts: tuple[str, ...]
    attachments: int
    members: int
    size: int  # bytes of the .awp file
    exported_at: datetime


@dataclass(frozen=True)
class PackageCase:
    case_no: str
    organization: str
    status: str
    rubric_id: str
    rubric_sha256: str


@dataclass(frozen=True)
class PackageChange:
    """One record an import creates, updates or deletes; values as plain JSON (for display)."""

    case_no: str
    type: str  # case | material | team | review | score | evidence | nonconformity | special | vote | account
    key: str
    label: str
    action: str  # create | update | delete
    before: Any
    after: Any


@dataclass(frozen=True)
class PackageConflict:
    """A record both sides changed: the office's current value and the package's, side by side."""

    id: str  # pass back in `resolve` to choose a side
    case_no: str
    type: str
    key: str
    label: str
    base: Any  # the value at checkout (None: created on the laptop)
    office: Any
    package: Any
    resolvable: bool = True


@dataclass(frozen=True)
class PackagePreview:
    package_id: str
    kind: str
    format_version: int
    exported_at: datetime
    exported_by: str
    source_database: str
    origin_database: str
    app_version: str
    cases: tuple[PackageCase, ...]
    accounts: tuple[str, ...]
    members: int
    attachments: int
    size: int  # bytes, expanded
    target_checked: bool  # False: no target database was given (or it does not exist yet)
    changes: tuple[PackageChange, ...]
    unchanged: int  # records the package carries that the target already holds as they are
    conflicts: tuple[PackageConflict, ...]


@dataclass(frozen=True)
class ImportResult:
    package_id: str
    kind: str
    database_created: bool
    cases: tuple[str, ...]
    changes: tuple[PackageChange, ...]
    unchanged: int
    accounts: tuple[str, ...]
    attachments_added: int
    resolved: tuple[str, ...]  # conflict ids settled by `resolve`


class PackageConflicts(Refused):
    """Records changed on both sides: nothing was imported; `conflicts` lists each with both values."""

    def __init__(self, conflicts: Iterable[PackageConflict]) -> None:
        self.conflicts = tuple(conflicts)
        names = "; ".join(f"{c.case_no} {c.label}" for c in self.conflicts[:8])
        more = f" and {len(self.conflicts) - 8} more" if len(self.conflicts) > 8 else ""
        super().__init__(
            "package_conflict",
            f"{len(self.conflicts)} record(s) were changed here since the package was exported "
            f"({names}{more}); nothing was imported",
            f"自导出以来本库中有 {len(self.conflicts)} 条记录已被修改（{names}{more}），未导入任何内容",
        )


# == the package's JSON models =======================================================================


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Sha = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
CaseNo = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
RubricId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{0,55}$")]
UserName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]
Code = Annotated[str, Field(min_length=1, max_length=16)]
Line = Annotated[str, Field(max_length=255)]
Text = Annotated[str, Field(max_length=4000)]
LongText = Annotated[str, Field(max_length=20000)]
FileName = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$")]
Key = Annotated[str, Field(min_length=1, max_length=120)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]


class OrgValue(_Wire):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{18}$")]
    address: Annotated[str, Field(max_length=300)]

    @field_validator("credit_code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        creditcode.validate(value)
        return value


class CaseValue(_Wire):
    case_no: CaseNo
    kind: CaseKind
    status: CaseState
    enterprise_type: EnterpriseType
    rubric_id: RubricId
    rubric_sha256: Sha
    headcount: Annotated[int, Field(ge=1, le=1_000_000)]
    scope: LongText
    contract_no: Annotated[str, Field(max_length=64)] | None
    fee: Money | None
    document_days: Money | None
    onsite_days: Money | None
    days_override_reason: Text | None
    committee_round: Annotated[int, Field(ge=1, le=1000)]
    conclusion_summary: Text | None
    recommended_total: Annotated[Decimal, Field(ge=0, le=100)] | None
    recommended_grade: Grade | None
    decided_grade: Grade | None
    parent_certificate: Annotated[str, Field(max_length=64)] | None
    created_at: AwareDatetime
    updated_at: AwareDatetime


class ConclusionValue(_Wire):
    """The part of a case row that travels back: its state and the team leader's conclusion."""

    status: CaseState
    conclusion_summary: Text | None
    recommended_total: Annotated[Decimal, Field(ge=0, le=100)] | None
    recommended_grade: Grade | None

    @field_validator("recommended_total")
    @classmethod
    def _tenth(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(TENTH)


class FileValue(_Wire):
    sha256: Sha
    filename: FileName
    added_at: AwareDatetime


class MaterialValue(_Wire):
    item_no: Annotated[int, Field(ge=1, le=1000)]
    status: Literal["missing", "provided", "not_applicable"]
    reason: Text | None
    files: tuple[FileValue, ...]


class TeamValue(_Wire):
    user: UserName
    leader: bool


class FindingValue(_Wire):
    category: Code | None
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class ReviewValue(_Wire):
    reviewer: UserName
    outcome: ReviewOutcome
    note: Annotated[str, Field(min_length=1, max_length=4000)]
    created_at: AwareDatetime
    findings: tuple[FindingValue, ...]


class ScoreValue(_Wire):
    code: Code
    points: Decimal | None
    not_applicable: bool
    reason: Text
    note: Text
    sampled: Count | None
    nonconforming: Count | None
    updated_by: UserName
    updated_at: AwareDatetime

    @field_validator("points")
    @classmethod
    def _plain(cls, value: Decimal | None) -> Decimal | None:
        # 2.50 and 2.5 are the same score; anything off the 0.5 grid is left as it is for the refusal.
        if value is not None and value.is_finite() and value % HALF == 0:
            return plain(value)
        return value


class EvidenceValue(_Wire):
    code: Code
    note: Text
    sha256: Sha | None
    filename: FileName | None
    added_by: UserName
    added_at: AwareDatetime


class NonconformityValue(_Wire):
    code: Code | None
    text: Annotated[str, Field(min_length=1, max_length=4100)]  # a deduction's: a prefix + its reason
    deadline: date
    status: Literal["open", "closed"]
    corrective_action: Text | None
    raised_by: UserName
    raised_at: AwareDatetime
    closed_by: UserName | None
    closed_at: AwareDatetime | None


class SpecialValue(_Wire):
    kind: Literal["deduction", "bonus"]
    reason: Annotated[str, Field(min_length=1, max_length=4000)]
    nonconformity: Key | None
    created_by: UserName
    created_at: AwareDatetime


class VoteValue(_Wire):
    round: Annotated[int, Field(ge=1, le=1000)]
    user: UserName
    decision: VoteDecision
    grade: Grade | None
    comment: Text
    created_at: AwareDatetime


VALUE_MODELS: dict[str, type[_Wire]] = {
    "case": ConclusionValue,
    "material": MaterialValue,
    "team": TeamValue,
    "review": ReviewValue,
    "score": ScoreValue,
    "evidence": EvidenceValue,
    "nonconformity": NonconformityValue,
    "special": SpecialValue,
    "vote": VoteValue,
}
# The fields that make two values "the same record content" (the rest is who and when).
COMPARE: dict[str, tuple[str, ...]] = {
    "case": ("status", "conclusion_summary", "recommended_total", "recommended_grade"),
    "material": ("item_no", "status", "reason", "files"),
    "team": ("user", "leader"),
    "review": ("reviewer", "outcome", "note", "findings"),
    "score": ("code", "points", "not_applicable", "reason", "note", "sampled", "nonconforming"),
    "evidence": ("code", "note", "sha256", "filename"),
    "nonconformity": ("code", "text", "deadline", "status", "corrective_action"),
    "special": ("kind", "reason", "nonconformity"),
    "vote": ("round", "user", "decision", "grade", "comment"),
}
KEYED_TYPES = ("review", "evidence", "nonconformity", "special")  # keys `<type>:<database>:<id>`
VERSIONED_TYPES = frozenset({"case", "score", "nonconformity"})
RETURN_TYPES = ("review", "nonconformity", "special", "score", "evidence")
CREATE_ONLY = frozenset({"review", "evidence"})  # the services offer no edit or removal of these
NO_EDIT = CREATE_ONLY | {"special"}  # special items are added or removed, never edited
LABELS_ZH = {
    "case": "案件",
    "material": "申请材料",
    "team": "评审组成员",
    "review": "文件审查",
    "score": "评分",
    "evidence": "证据",
    "nonconformity": "不符合项",
    "special": "特别项",
    "vote": "表决",
    "account": "账户",
}


class _Record(_Wire):
    key: Key
    version: Annotated[int, Field(ge=1)] | None = None


class MaterialRecord(_Record):
    type: Literal["material"]
    value: MaterialValue


class TeamRecord(_Record):
    type: Literal["team"]
    value: TeamValue


class ReviewRecord(_Record):
    type: Literal["review"]
    value: ReviewValue


class ScoreRecord(_Record):
    type: Literal["score"]
    value: ScoreValue


class EvidenceRecord(_Record):
    type: Literal["evidence"]
    value: EvidenceValue


class NonconformityRecord(_Record):
    type: Literal["nonconformity"]
    value: NonconformityValue


class SpecialRecord(_Record):
    type: Literal["special"]
    value: SpecialValue


class VoteRecord(_Record):
    type: Literal["vote"]
    value: VoteValue


CheckoutRecord = Annotated[
    MaterialRecord
    | TeamRecord
    | ReviewRecord
    | ScoreRecord
    | EvidenceRecord
    | NonconformityRecord
    | SpecialRecord
    | VoteRecord,
    Field(discriminator="type"),
]


class CheckoutCase(_Wire):
    kind: Literal["checkout"]
    case_no: CaseNo
    version: Annotated[int, Field(ge=1)]
    organization: OrgValue
    case: CaseValue
    records: Annotated[tuple[CheckoutRecord, ...], Field(max_length=200_000)]


class _Change(_Wire):
    key: Key
    base_version: Annotated[int, Field(ge=1)] | None = None


class CaseChange(_Change):
    type: Literal["case"]
    base: ConclusionValue | None
    value: ConclusionValue | None


class ReviewChange(_Change):
    type: Literal["review"]
    base: ReviewValue | None
    value: ReviewValue | None


class ScoreChange(_Change):
    type: Literal["score"]
    base: ScoreValue | None
    value: ScoreValue | None


class EvidenceChange(_Change):
    type: Literal["evidence"]
    base: EvidenceValue | None
    value: EvidenceValue | None


class NonconformityChange(_Change):
    type: Literal["nonconformity"]
    base: NonconformityValue | None
    value: NonconformityValue | None


class SpecialChange(_Change):
    type: Literal["special"]
    base: SpecialValue | None
    value: SpecialValue | None


ReturnRecord = Annotated[
    CaseChange | ReviewChange | ScoreChange | EvidenceChange | NonconformityChange | SpecialChange,
    Field(discriminator="type"),
]


class ReturnCase(_Wire):
    kind: Literal["return"]
    case_no: CaseNo
    checkout_package: Hex32
    return_seq: Annotated[int, Field(ge=1)]
    base_status: CaseState
    changes: Annotated[tuple[ReturnRecord, ...], Field(max_length=200_000)]


class AccountValue(_Wire):
    name: UserName
    display_name: Annotated[str, Field(max_length=128)]
    password_hash: Annotated[str, Field(max_length=255, pattern=r"^\$argon2(id|i|d)\$")]
    roles: Annotated[tuple[Role, ...], Field(min_length=1, max_length=8)]
    active: bool  # an account closed in the office stays closed on the laptop


class UsersDoc(_Wire):
    accounts: Annotated[tuple[AccountValue, ...], Field(max_length=1000)]
    others: Annotated[tuple[UserName, ...], Field(max_length=10_000)]  # names only: no other data


class MemberEntry(_Wire):
    path: Annotated[str, Field(min_length=1, max_length=200)]
    sha256: Sha
    size: Annotated[int, Field(ge=0)]


class CaseEntry(_Wire):
    case_no: CaseNo
    member: Annotated[str, Field(max_length=200)]
    status: CaseState
    organization: Annotated[str, Field(max_length=200)]
    rubric_id: RubricId
    rubric_sha256: Sha
    return_seq: Annotated[int, Field(ge=1)] | None = None


class RubricEntry(_Wire):
    id: RubricId
    sha256: Sha
    member: Annotated[str, Field(max_length=200)]


class Exporter(_Wire):
    name: UserName
    display_name: Annotated[str, Field(max_length=128)]


class Manifest(_Wire):
    format: Literal["audit-workbench-package"]
    format_version: Literal[1]
    package_id: Hex32
    kind: Literal["checkout", "return"]
    exported_at: AwareDatetime
    exported_by: Exporter
    source_database: Hex32
    origin_database: Hex32
    app_version: Annotated[str, Field(max_length=32)]
    cases: Annotated[tuple[CaseEntry, ...], Field(min_length=1, max_length=1000)]
    rubrics: Annotated[tuple[RubricEntry, ...], Field(min_length=1, max_length=100)]
    accounts: Annotated[tuple[UserName, ...], Field(max_length=1000)]
    members: Annotated[tuple[MemberEntry, ...], Field(max_length=200_000)]


# == small helpers ===================================================================================


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} into a package")


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, default=_json_default).encode()


def _canon(model: type[_Wire], raw: Mapping[str, Any]) -> Any:
    """A stored value through its model, the way a package carries it (so both sides compare alike)."""
    try:
        return model.model_validate_json(json.dumps(raw, default=_json_default))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        raise Refused(
            "bad_value",
            f"a stored {model.__name__.removesuffix('Value').lower()} cannot go into a package ({problems})",
            f"存储的记录无法写入审核包（{problems}）",
        ) from None


def _plain_json(value: _Wire | None) -> Any:
    return None if value is None else value.model_dump(mode="json")


def _same(type_: str, a: _Wire | None, b: _Wire | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    return all(da[f] == db[f] for f in COMPARE[type_])


def _label(type_: str, key: str, value: _Wire | None) -> str:
    if isinstance(value, ScoreValue):
        return f"score {value.code}"
    if isinstance(value, NonconformityValue):
        return f"nonconformity “{value.text[:40]}”"
    if isinstance(value, SpecialValue):
        return f"special {value.kind} “{value.reason[:40]}”"
    if isinstance(value, EvidenceValue):
        return f"evidence {value.code} {value.filename or value.note[:30]}"
    if isinstance(value, ReviewValue):
        return f"document review by {value.reviewer}"
    if isinstance(value, MaterialValue):
        return f"material {value.item_no}"
    if isinstance(value, TeamValue):
        return f"team member {value.user}"
    if isinstance(value, VoteValue):
        return f"vote of {value.user} (round {value.round})"
    if type_ == "case":
        return f"case {key}"
    return f"{type_} {key}"


class _Progress:
    def __init__(self, progress: ProgressFn | None, cancel: CancelToken | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.total = 0
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Refused("cancelled", "cancelled: nothing was changed", "已取消：未做任何更改")

    def add(self, n: int) -> None:
        self.total += n

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))
        self.check()

    def finish(self) -> None:
        """Report completion (after the commit: too late to cancel)."""
        self.done = self.total = max(self.total, self.done)
        if self.progress is not None:
            self.progress(self.done, self.total)


def _setting(session: Session, key: str) -> Any:
    row = session.get(m.Setting, key)
    return None if row is None else json.loads(row.value)


def _put_setting(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(m.Setting, key)
    if row is None:
        session.add(m.Setting(key=key, value=text))
    else:
        row.value = text


def _database_id(session: Session) -> str | None:
    value = _setting(session, DATABASE_ID_KEY)
    return str(value) if value else None


def _ensure_database_id(session: Session) -> str:
    db_id = _database_id(session)
    if db_id is None:
        db_id = uuid.uuid4().hex
        _put_setting(session, DATABASE_ID_KEY, db_id)
    return db_id


def _sync(session: Session, case_no: str) -> dict[str, Any]:
    return _setting(session, SYNC_PREFIX + case_no) or {}


class _Keys:
    """Keys of this database's rows: the foreign key a row arrived under, else its own."""

    def __init__(self, db_id: str, links: Mapping[str, int]) -> None:
        self.db_id = db_id
        self.links = dict(links)
        self.reverse = {(k.split(":", 1)[0], v): k for k, v in self.links.items()}

    def key(self, type_: str, row_id: int) -> str:
        return self.reverse.get((type_, row_id)) or f"{type_}:{self.db_id}:{row_id}"

    def link(self, key: str, row_id: int) -> None:
        if key != f"{key.split(':', 1)[0]}:{self.db_id}:{row_id}":
            self.links[key] = row_id
            self.reverse[(key.split(":", 1)[0], row_id)] = key

    def is_own(self, key: str) -> bool:
        parts = key.split(":")
        return len(parts) == 3 and parts[1] == self.db_id


def _key_ok(type_: str, key: str) -> bool:
    return re.fullmatch(rf"{type_}:[0-9a-f]{{32}}:[0-9]{{1,12}}", key) is not None


# == reading a case out of the store =================================================================


@dataclass
class _Row:
    type: str
    key: str
    id: int | None
    version: int | None
    value: Any  # a value model

    @property
    def rkey(self) -> str:
        return f"{self.type}/{self.key}"


def _names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(m.User.id, m.User.name)).all())


def _case_value(session: Session, case: m.Case) -> CaseValue:
    parent = session.get(m.Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
    raw = {
        "case_no": case.case_no,
        "kind": case.kind,
        "status": case.status,
        "enterprise_type": case.enterprise_type,
        "rubric_id": case.rubric_id,
        "rubric_sha256": case.rubric_sha256,
        "headcount": case.headcount,
        "scope": case.scope,
        "contract_no": case.contract_no,
        "fee": case.fee,
        "document_days": case.document_days,
        "onsite_days": case.onsite_days,
        "days_override_reason": case.days_override_reason,
        "committee_round": case.committee_round,
        "conclusion_summary": case.conclusion_summary,
        "recommended_total": case.recommended_total,
        "recommended_grade": case.recommended_grade,
        "decided_grade": case.decided_grade,
        "parent_certificate": parent.number if parent else None,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }
    return _canon(CaseValue, raw)  # type: ignore[no-any-return]


def _conclusion(case: m.Case) -> ConclusionValue:
    raw = {
        "status": case.status,
        "conclusion_summary": case.conclusion_summary,
        "recommended_total": case.recommended_total,
        "recommended_grade": case.recommended_grade,
    }
    return _canon(ConclusionValue, raw)  # type: ignore[no-any-return]


def _org_value(org: m.Organization) -> OrgValue:
    return _canon(OrgValue, {"name": org.name, "credit_code": org.credit_code, "address": org.address})  # type: ignore[no-any-return]


def _current(session: Session, case: m.Case, keys: _Keys, names: Mapping[int, str]) -> dict[str, _Row]:
    """Every record of a case in package form, by `<type>/<key>`."""
    rows: dict[str, _Row] = {}

    def put(type_: str, key: str, row_id: int, version: int | None, raw: Mapping[str, Any]) -> None:
        row = _Row(type_, key, row_id, version, _canon(VALUE_MODELS[type_], raw))
        rows[row.rkey] = row

    for mat in session.scalars(
        select(m.Material).where(m.Material.case_id == case.id).order_by(m.Material.item_no)
    ):
        files = session.scalars(
            select(m.MaterialFile).where(m.MaterialFile.material_id == mat.id).order_by(m.MaterialFile.id)
        )
        put(
            "material",
            str(mat.item_no),
            mat.id,
            None,
            {
                "item_no": mat.item_no,
                "status": mat.status,
                "reason": mat.reason,
                "files": [
                    {"sha256": f.sha256, "filename": f.filename, "added_at": f.added_at} for f in files
                ],
            },
        )
    for t in session.scalars(
        select(m.TeamMember).where(m.TeamMember.case_id == case.id).order_by(m.TeamMember.id)
    ):
        put("team", names[t.user_id], t.id, None, {"user": names[t.user_id], "leader": t.is_leader})
    for r in session.scalars(
        select(m.DocumentReview).where(m.DocumentReview.case_id == case.id).order_by(m.DocumentReview.id)
    ):
        put(
            "review",
            keys.key("review", r.id),
            r.id,
            None,
            {
                "reviewer": names[r.reviewer_id],
                "outcome": r.outcome,
                "note": r.note,
                "created_at": r.created_at,
                "findings": [{"category": f.category_code, "text": f.text} for f in r.findings],
            },
        )
    for s in session.scalars(
        select(m.IndicatorScore).where(m.IndicatorScore.case_id == case.id).order_by(m.IndicatorScore.id)
    ):
        put(
            "score",
            s.code,
            s.id,
            s.version,
            {
                "code": s.code,
                "points": s.points,
                "not_applicable": s.not_applicable,
                "reason": s.reason,
                "note": s.note,
                "sampled": s.sampled,
                "nonconforming": s.nonconforming,
                "updated_by": names[s.updated_by],
                "updated_at": s.updated_at,
            },
        )
    for e in session.scalars(select(m.Evidence).where(m.Evidence.case_id == case.id).order_by(m.Evidence.id)):
        put(
            "evidence",
            keys.key("evidence", e.id),
            e.id,
            None,
            {
                "code": e.code,
                "note": e.note,
                "sha256": e.sha256,
                "filename": e.filename,
                "added_by": names[e.added_by],
                "added_at": e.added_at,
            },
        )
    for n in session.scalars(
        select(m.Nonconformity).where(m.Nonconformity.case_id == case.id).order_by(m.Nonconformity.id)
    ):
        put(
            "nonconformity",
            keys.key("nonconformity", n.id),
            n.id,
            n.version,
            {
                "code": n.code,
                "text": n.text,
                "deadline": n.deadline,
                "status": n.status,
                "corrective_action": n.corrective_action,
                "raised_by": names[n.raised_by],
                "raised_at": n.raised_at,
                "closed_by": names[n.closed_by] if n.closed_by else None,
                "closed_at": n.closed_at,
            },
        )
    for sp in session.scalars(
        select(m.SpecialItem).where(m.SpecialItem.case_id == case.id).order_by(m.SpecialItem.id)
    ):
        put(
            "special",
            keys.key("special", sp.id),
            sp.id,
            None,
            {
                "kind": sp.kind,
                "reason": sp.reason,
                "nonconformity": keys.key("nonconformity", sp.nonconformity_id)
                if sp.nonconformity_id
                else None,
                "created_by": names[sp.created_by],
                "created_at": sp.created_at,
            },
        )
    for v in session.scalars(
        select(m.CommitteeVote).where(m.CommitteeVote.case_id == case.id).order_by(m.CommitteeVote.id)
    ):
        put(
            "vote",
            f"{v.round}:{names[v.user_id]}",
            v.id,
            None,
            {
                "round": v.round,
                "user": names[v.user_id],
                "decision": v.decision,
                "grade": v.grade,
                "comment": v.comment,
                "created_at": v.created_at,
            },
        )
    return rows


# == export ==========================================================================================


def export_package(
    services: Services,
    actor: Actor,
    case_nos: list[str],
    out: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> PackageSummary:
    """Write an `.awp` package of the given cases (through the output guard: an existing file is
    replaced only with `force`, the database and its attachments never).

    In the office this is a *checkout* (the cases must be in document review or on-site audit; the
    exporter is a clerk or on the audit team of every case). On a laptop holding checked-out cases it
    is a *return* of the results (the exporter is on the audit team of every case).
    """
    case_nos = list(dict.fromkeys(c.strip() for c in case_nos if c and c.strip()))
    if not case_nos:
        raise Refused("missing_value", "name at least one case to export", "请至少指定一个案件")
    out = Path(out)
    if out.suffix.lower() != ".awp":
        raise Refused(
            "bad_file", f"{out.name}: an audit package file ends in .awp", "审核包文件扩展名应为 .awp"
        )
    guard = services.outputs
    out = guard.check(out, force=force)
    steps = _Progress(progress, cancel)
    steps.check()
    package_id = uuid.uuid4().hex
    exported_at = services.now()
    with services.read() as session:
        # Keys name this database; one that never had an id gets it with this export's event.
        db_id = _database_id(session) or uuid.uuid4().hex
        plan = _export_plan(services, session, actor, case_nos, package_id, exported_at, db_id)
    steps.add(len(plan.documents) + len(plan.attachments))
    with guard.staged(out, force=force) as staged:
        members = _write_zip(staged.path, plan, services.db.attachments, steps)
        with services.tx(actor) as tx:
            if _database_id(tx.session) is None:
                _put_setting(tx.session, DATABASE_ID_KEY, db_id)
            elif _database_id(tx.session) != db_id:  # pragma: no cover - two first exports at once
                raise Refused("conflict", "the database changed while exporting; export again")
            for case_no, seq, sent in plan.returns:
                data = _sync(tx.session, case_no)
                data["return_seq"] = max(int(data.get("return_seq", 0)), seq)
                data["sent"] = sent
                _put_setting(tx.session, SYNC_PREFIX + case_no, data)
            tx.record(
                "package.export",
                "package",
                package_id,
                after={
                    "kind": plan.kind,
                    "cases": list(case_nos),
                    "file": out.name,
                    "accounts": list(plan.accounts),
                    "attachments": len(plan.attachments),
                    "members": members,
                },
            )
            steps.check()
            staged.commit()  # a package that cannot be put in place is not recorded as exported
    steps.finish()
    return PackageSummary(
        path=out,
        package_id=package_id,
        kind=plan.kind,
        cases=tuple(case_nos),
        accounts=plan.accounts,
        attachments=len(plan.attachments),
        members=members,
        size=out.stat().st_size,
        exported_at=exported_at,
    )


@dataclass
class _ExportPlan:
    kind: str
    manifest: dict[str, Any]
    documents: dict[str, bytes]  # member name -> bytes (cases, rubrics, users)
    attachments: dict[str, int]  # sha256 -> size
    accounts: tuple[str, ...]
    returns: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)


def _export_plan(
    services: Services,
    session: Session,
    actor: Actor,
    case_nos: list[str],
    package_id: str,
    now: datetime,
    db_id: str,
) -> _ExportPlan:
    user = session.get(m.User, actor.id)
    if user is None or not user.active:
        raise Refused("inactive_user", f"user {actor.name} is not active", f"用户 {actor.name} 已停用")
    roles = {r for r in user.roles.split(",") if r}
    names = _names(session)
    cases: list[m.Case] = []
    for case_no in case_nos:
        case = session.scalar(select(m.Case).where(m.Case.case_no == case_no))
        if case is None:
            raise Refused("not_found", f"case {case_no} does not exist", f"案件 {case_no} 不存在")
        cases.append(case)
    syncs = {c.case_no: _sync(session, c.case_no) for c in cases}
    checked_out = [c.case_no for c in cases if "checkout" in syncs[c.case_no]]
    if checked_out and len(checked_out) != len(cases):
        raise Refused(
            "package_mixed",
            "a package either takes cases out of the office or brings results back: "
            f"{', '.join(checked_out)} came from another database, the others did not",
            "审核包要么从办公室带出案件，要么带回结果，不能混合",
        )
    kind = "return" if checked_out else "checkout"
    documents: dict[str, bytes] = {}
    attachments: dict[str, int] = {}
    case_entries = []
    rubric_entries: dict[str, dict[str, str]] = {}
    accounts: dict[str, m.User] = {}
    referenced: set[str] = set()
    origins = set()
    plan = _ExportPlan(kind, {}, documents, attachments, ())
    for case in cases:
        team = {
            names[t.user_id]: t
            for t in session.scalars(select(m.TeamMember).where(m.TeamMember.case_id == case.id))
        }
        on_team = actor.name in team and Role.auditor.value in roles
        if kind == "checkout":
            if not (on_team or Role.clerk.value in roles):
                raise Refused(
                    "not_on_team",
                    f"only a clerk or a member of the audit team of {case.case_no} may take it to a laptop",
                    f"只有受理人员或 {case.case_no} 评审组成员可以将其带出",
                )
            if case.status not in CHECKOUT_STATES:
                raise Refused(
                    "wrong_state",
                    f"case {case.case_no} is {case.status}: only cases in document review or on-site audit "
                    "can be taken to a laptop",
                    f"案件 {case.case_no} 不处于文件审查或现场评审状态，不能带出",
                )
        else:
            if not on_team:
                raise Refused(
                    "not_on_team",
                    f"only a member of the audit team of {case.case_no} may bring its results back",
                    f"只有 {case.case_no} 评审组成员可以带回结果",
                )
            if case.status not in RETURN_STATES:
                raise Refused(
                    "wrong_state", f"case {case.case_no} is {case.status}", f"案件 {case.case_no} 状态不符"
                )
        rubric_member = f"rubrics/{case.rubric_id}.yaml"
        documents[rubric_member] = _rubric_file(services, session, case)
        rubric_entries[case.rubric_id] = {
            "id": case.rubric_id,
            "sha256": case.rubric_sha256,
            "member": rubric_member,
        }
        sync = syncs[case.case_no]
        keys = _Keys(db_id, sync.get("links", {}))
        rows = _current(session, case, keys, names)
        member = f"cases/{case.case_no}.json"
        entry: dict[str, Any] = {
            "case_no": case.case_no,
            "member": member,
            "status": case.status,
            "organization": case.organization.name,
            "rubric_id": case.rubric_id,
            "rubric_sha256": case.rubric_sha256,
        }
        if kind == "checkout":
            origins.add(db_id)
            doc: dict[str, Any] = {
                "kind": "checkout",
                "case_no": case.case_no,
                "version": case.version,
                "organization": _org_value(case.organization).model_dump(mode="json"),
                "case": _case_value(session, case).model_dump(mode="json"),
                "records": [
                    {"type": r.type, "key": r.key, "version": r.version, "value": _plain_json(r.value)}
                    for r in rows.values()
                ],
            }
            for r in rows.values():
                referenced.update(_users_in(r.value))
                for sha in _files_in(r.value):
                    attachments[sha] = 0
            for name, member_row in team.items():
                accounts[name] = member_row.user
        else:
            checkout = sync["checkout"]
            origins.add(checkout["origin"])
            seq = int(sync.get("return_seq", 0)) + 1
            changes, sent = _return_changes(case, rows, checkout, sync.get("sent", {}))
            doc = {
                "kind": "return",
                "case_no": case.case_no,
                "checkout_package": checkout["package_id"],
                "return_seq": seq,
                "base_status": checkout["status"],
                "changes": changes,
            }
            entry["return_seq"] = seq
            plan.returns.append((case.case_no, seq, sent))
            for change in changes:  # the files of evidence added on the laptop (the office has the rest)
                value = change["value"]
                if change["type"] == "evidence" and change["base"] is None and value and value["sha256"]:
                    attachments[value["sha256"]] = 0
        documents[member] = _dumps(doc)
        case_entries.append(entry)
    if len(origins) > 1:
        raise Refused(
            "package_mixed",
            "these cases were taken out of different office databases; export them separately",
            "这些案件来自不同的办公室数据库，请分别导出",
        )
    for sha in attachments:
        row = session.get(m.Attachment, sha)
        if row is None:
            raise Refused("attachment_missing", f"attachment {sha[:12]}… is not in this database")
        attachments[sha] = row.size
    if kind == "checkout":
        others = sorted(referenced - set(accounts))
        users_doc = {
            "accounts": [
                {
                    "name": u.name,
                    "display_name": u.display_name,
                    "password_hash": u.password_hash,
                    "roles": sorted(r for r in u.roles.split(",") if r),
                    "active": u.active,
                }
                for u in sorted(accounts.values(), key=lambda u: u.name)
            ],
            "others": others,
        }
        documents[USERS_MEMBER] = _dumps(users_doc)
    plan.accounts = tuple(sorted(accounts))
    plan.manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_id": package_id,
        "kind": kind,
        "exported_at": now.astimezone(UTC).isoformat(),
        "exported_by": {"name": actor.name, "display_name": actor.display_name},
        "source_database": db_id,
        "origin_database": origins.pop(),
        "app_version": __version__,
        "cases": case_entries,
        "rubrics": list(rubric_entries.values()),
        "accounts": list(plan.accounts),
    }
    return plan


def _rubric_file(services: Services, session: Session, case: m.Case) -> bytes:
    """The bytes of the rubric file a case is pinned to: installed, or brought by a package."""
    if case.rubric_id in services.rubrics:
        data = services.rubrics.get(case.rubric_id).path.read_bytes()
    else:
        stored = _setting(session, RUBRIC_PREFIX + case.rubric_id)
        if stored is None:
            raise Refused(
                "rubric_missing",
                f"rubric {case.rubric_id} of case {case.case_no} is not installed",
                f"案件 {case.case_no} 的评价规则 {case.rubric_id} 未安装",
            )
        data = stored["yaml"].encode("utf-8")
    if hashlib.sha256(data).hexdigest() != case.rubric_sha256:
        raise Refused(
            "rubric_changed",
            f"rubric file {case.rubric_id} changed since case {case.case_no} was opened; restore the "
            "original file before exporting (a revision of a rubric must be a new file)",
            f"评价规则文件 {case.rubric_id} 在立案后被修改",
        )
    return data


def _users_in(value: Any) -> set[str]:
    found = set()
    for name in ("reviewer", "updated_by", "added_by", "raised_by", "closed_by", "created_by", "user"):
        who = getattr(value, name, None)
        if who:
            found.add(who)
    return found


def _files_in(value: Any) -> list[str]:
    if isinstance(value, MaterialValue):
        return [f.sha256 for f in value.files]
    if isinstance(value, EvidenceValue) and value.sha256:
        return [value.sha256]
    return []


def _return_changes(
    case: m.Case, rows: Mapping[str, _Row], checkout: Mapping[str, Any], sent: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every record the laptop scores, with its base (as checked out) and its current content."""
    base: Mapping[str, Any] = checkout["base"]
    changes: list[dict[str, Any]] = [
        {
            "type": "case",
            "key": case.case_no,
            "base_version": checkout["version"],
            "base": checkout["conclusion"],
            "value": _conclusion(case).model_dump(mode="json"),
        }
    ]
    now_sent: dict[str, Any] = {}
    for rkey in sorted(set(base) | set(rows) | set(sent)):
        type_, key = rkey.split("/", 1)
        if type_ not in RETURN_TYPES:
            continue
        current = rows.get(rkey)
        value = _plain_json(current.value) if current else None
        if rkey in base:
            changes.append(
                {
                    "type": type_,
                    "key": key,
                    "base_version": base[rkey]["version"],
                    "base": base[rkey]["value"],
                    "value": value,
                }
            )
        elif current is not None:  # created on this laptop
            changes.append({"type": type_, "key": key, "base_version": None, "base": None, "value": value})
            now_sent[rkey] = value
        else:  # created here, sent in an earlier return, removed since: tell the office, every time
            changes.append(
                {"type": type_, "key": key, "base_version": None, "base": sent[rkey], "value": None}
            )
            now_sent[rkey] = sent[rkey]
    return changes, now_sent


def _zip_info(name: str, when: datetime) -> zipfile.ZipInfo:
    stamp = when.astimezone(UTC)
    info = zipfile.ZipInfo(name, date_time=(max(stamp.year, 1980), *stamp.timetuple()[1:6]))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _write_zip(path: Path, plan: _ExportPlan, store: AttachmentStore, steps: _Progress) -> int:
    when = datetime.fromisoformat(plan.manifest["exported_at"])
    entries = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, data in plan.documents.items():
            zf.writestr(_zip_info(name, when), data)
            entries.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
            steps.step()
        for sha, size in plan.attachments.items():
            source = store.path_for(sha)
            name = f"attachments/{sha}"
            digest = hashlib.sha256()
            written = 0
            try:
                with (
                    open(source, "rb") as src,
                    zf.open(_zip_info(name, when), "w", force_zip64=size >= 2**31) as dst,
                ):
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
                        written += len(chunk)
                        steps.check()
            except FileNotFoundError:
                raise Refused(
                    "attachment_missing", f"attachment {sha[:12]}… is missing from {store.root}"
                ) from None
            if digest.hexdigest() != sha or written != size:
                raise Refused("attachment_corrupt", f"attachment {sha[:12]}… does not match its checksum")
            entries.append({"path": name, "sha256": sha, "size": size})
            steps.step()
        manifest = {**plan.manifest, "members": entries}
        zf.writestr(_zip_info(MANIFEST, when), _dumps(manifest))
    return len(entries) + 1


# == reading and validating a package ================================================================


@dataclass
class _Package:
    manifest: Manifest
    cases: dict[str, CheckoutCase | ReturnCase]
    rubrics: dict[str, LoadedRubric]
    rubric_bytes: dict[str, bytes]
    users: UsersDoc | None
    attachments: dict[str, int]  # sha256 -> size
    staging: Path | None
    expanded: int


def _corrupt(detail: str) -> Refused:
    return Refused(
        "package_corrupt",
        f"the package is damaged or not an audit package ({detail})",
        f"审核包已损坏或不是审核包（{detail}）",
    )


def _too_large(detail: str) -> Refused:
    return Refused(
        "package_too_large",
        f"the package expands beyond a safe size ({detail}); it was not opened",
        f"审核包解压后超出安全大小（{detail}），已拒绝",
    )


def _check_member_name(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    if "\x00" in name or "\\" in name:
        raise Refused(
            "package_unsafe_path",
            f"member {name!r} has a backslash or NUL in its name",
            f"成员 {name!r} 名称中含有非法字符",
        )
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise Refused(
            "package_absolute_path",
            f"member {name!r} has an absolute path",
            f"成员 {name!r} 使用了绝对路径",
        )
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts) or "" in parts[:-1]:
        raise Refused(
            "package_unsafe_path",
            f"member {name!r} points outside the package",
            f"成员 {name!r} 指向审核包以外",
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise Refused("package_link", f"member {name!r} is a symbolic link", f"成员 {name!r} 是符号链接")
    if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        raise Refused(
            "package_bad_member", f"member {name!r} is not a plain file", f"成员 {name!r} 不是普通文件"
        )
    if info.flag_bits & 0x1:
        raise Refused("package_bad_member", f"member {name!r} is encrypted", f"成员 {name!r} 已加密")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(
            "package_bad_member",
            f"member {name!r} uses an unsupported compression",
            f"成员 {name!r} 的压缩方式不受支持",
        )
    if not _MEMBER_NAME.fullmatch(name):
        raise Refused(
            "package_bad_member",
            f"member {name!r} does not belong in an audit package",
            f"成员 {name!r} 不属于审核包",
        )


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limit: int,
    steps: _Progress,
    sink: Callable[[bytes], object] | None = None,
) -> tuple[str, int, bytes]:
    """Stream one member, never past `limit` bytes; return its SHA-256, size and (if no sink) bytes."""
    digest = hashlib.sha256()
    size = 0
    parts: list[bytes] = []
    try:
        with zf.open(info) as src:
            while True:
                chunk = src.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit or size > info.file_size:
                    raise _too_large(f"{info.filename} expands past {min(limit, info.file_size)} bytes")
                digest.update(chunk)
                if sink is None:
                    parts.append(chunk)
                else:
                    sink(chunk)
                steps.check()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _corrupt(f"{info.filename}: {exc}") from None
    except NotImplementedError as exc:  # a zip feature zipfile cannot read, e.g. patched data (flag bit 5)
        raise Refused(
            "package_bad_member",
            f"member {info.filename!r} cannot be read: {exc}",
            f"成员 {info.filename!r} 无法读取：{exc}",
        ) from None
    return digest.hexdigest(), size, b"".join(parts)


def _parse_json(model: type[_Wire], data: bytes, member: str, code: str = "bad_value") -> Any:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)[:5]
        )
        raise Refused(code, f"{member}: {problems}", f"{member}：数据无效（{problems}）") from None


def _load(path: Path, staging: Path | None, steps: _Progress) -> _Package:
    path = Path(path)
    if not path.is_file():
        raise Refused("package_missing", f"{path} is not a file", f"{path} 不是文件")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt(str(exc)) from None
    with zf:
        try:
            infos = zf.infolist()
        except (zipfile.BadZipFile, ValueError) as exc:  # pragma: no cover - ZipFile read it already
            raise _corrupt(str(exc)) from None
        if len(infos) > MAX_MEMBERS:
            raise _too_large(f"{len(infos)} members")
        by_name: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            _check_member_name(info)
            if info.filename in by_name:
                raise Refused(
                    "package_bad_member",
                    f"member {info.filename!r} appears twice",
                    f"成员 {info.filename!r} 重复出现",
                )
            by_name[info.filename] = info
            cap = MAX_MEMBER_BYTES if info.filename.startswith("attachments/") else MAX_JSON_BYTES
            if info.file_size > cap:
                raise _too_large(f"{info.filename} declares {info.file_size} bytes")
            declared += info.file_size
        if declared > MAX_TOTAL_BYTES:
            raise _too_large(f"{declared} bytes in all")
        if MANIFEST not in by_name:
            raise Refused("package_manifest", "the package has no manifest.json", "审核包缺少 manifest.json")
        steps.add(len(by_name))
        _, _, raw = _read_member(zf, by_name[MANIFEST], MAX_JSON_BYTES, steps)
        manifest = _parse_manifest(raw)
        steps.step()
        listed = {e.path: e for e in manifest.members}
        if len(listed) != len(manifest.members) or MANIFEST in listed:
            raise Refused("package_manifest", "the manifest lists a member twice", "清单重复列出成员")
        unlisted = sorted(set(by_name) - set(listed) - {MANIFEST})
        if unlisted:
            raise Refused(
                "package_unlisted_member",
                f"member(s) not in the manifest: {', '.join(unlisted[:5])}",
                f"清单中未列出的成员：{', '.join(unlisted[:5])}",
            )
        missing = sorted(set(listed) - set(by_name))
        if missing:
            raise Refused(
                "package_missing_member",
                f"member(s) listed in the manifest but missing: {', '.join(missing[:5])}",
                f"清单列出但缺失的成员：{', '.join(missing[:5])}",
            )
        contents: dict[str, bytes] = {}
        attachments: dict[str, int] = {}
        expanded = 0
        for name, entry in listed.items():
            info = by_name[name]
            if info.file_size != entry.size:
                raise _size_mismatch(name, entry.size, info.file_size)
            is_file = name.startswith("attachments/")
            if is_file and name != f"attachments/{entry.sha256}":
                raise _hash_mismatch(name)
            if is_file and staging is not None:
                target = staging / entry.sha256
                with open(target, "wb") as fh:
                    digest, size, _ = _read_member(zf, info, MAX_MEMBER_BYTES, steps, fh.write)
            elif is_file:
                digest, size, _ = _read_member(zf, info, MAX_MEMBER_BYTES, steps, lambda _chunk: None)
            else:
                digest, size, data = _read_member(zf, info, MAX_JSON_BYTES, steps)
                contents[name] = data
            expanded += size
            if expanded > MAX_TOTAL_BYTES:
                raise _too_large(f"more than {MAX_TOTAL_BYTES} bytes in all")
            if size != entry.size:
                raise _size_mismatch(name, entry.size, size)
            if digest != entry.sha256:
                raise _hash_mismatch(name)
            if is_file:
                attachments[entry.sha256] = size
            steps.step()
    return _parse_contents(manifest, contents, attachments, staging, expanded)


def _size_mismatch(name: str, listed: int, actual: int) -> Refused:
    return Refused(
        "package_size_mismatch",
        f"{name} is {actual} bytes but the manifest says {listed}",
        f"{name} 的大小为 {actual} 字节，清单记载为 {listed} 字节",
    )


def _hash_mismatch(name: str) -> Refused:
    return Refused(
        "package_hash_mismatch",
        f"{name} does not match its SHA-256 in the manifest (altered or damaged)",
        f"{name} 与清单中的 SHA-256 不符（被修改或损坏）",
    )


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(
            "package_manifest", f"manifest.json is not valid JSON ({exc})", "manifest.json 不是有效的 JSON"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Refused(
            "package_manifest",
            "manifest.json is not an audit package manifest",
            "manifest.json 不是审核包清单",
        )
    version = data.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise Refused(
            "package_version",
            f"package format version {version!r} is not supported (this program reads format version "
            f"{FORMAT_VERSION}, a whole number); update the program or export the package again",
            f"不支持的审核包格式版本 {version!r}（本程序读取版本 {FORMAT_VERSION}）",
        )
    return _parse_json(Manifest, raw, MANIFEST, "package_manifest")  # type: ignore[no-any-return]


_PARSED: dict[
    tuple[str, str], Rubric
] = {}  # (id, SHA-256 of the file) -> its rubric; same bytes, same rubric


def _parsed_rubric(data: bytes, member: str, rubric_id: str, sha256: str) -> Rubric:
    cached = _PARSED.get((rubric_id, sha256))
    if cached is not None:
        return cached
    try:
        rubric = parse_rubric(data, member, expected_id=rubric_id)
    except RubricError as exc:
        raise Refused("bad_rubric", str(exc), f"审核包中的评价规则无效：{exc}") from None
    _PARSED[(rubric_id, sha256)] = rubric
    return rubric


def _installed_rubrics() -> RubricRegistry:
    return installed_registry()


def _tampered(detail: str) -> Refused:
    return Refused(
        "package_manifest",
        f"the manifest does not agree with the package ({detail})",
        f"清单与审核包内容不一致（{detail}）",
    )


def _parse_contents(
    manifest: Manifest,
    contents: Mapping[str, bytes],
    attachments: Mapping[str, int],
    staging: Path | None,
    expanded: int,
) -> _Package:
    rubrics: dict[str, LoadedRubric] = {}
    rubric_bytes: dict[str, bytes] = {}
    expected = {MANIFEST}
    for rubric_entry in manifest.rubrics:
        if rubric_entry.member != f"rubrics/{rubric_entry.id}.yaml" or rubric_entry.member not in contents:
            raise _tampered(f"rubric {rubric_entry.id} is not at {rubric_entry.member}")
        data = contents[rubric_entry.member]
        if hashlib.sha256(data).hexdigest() != rubric_entry.sha256:
            raise _tampered(f"rubric {rubric_entry.id} has another hash than the manifest says")
        if rubric_entry.id in rubrics:
            raise _tampered(f"rubric {rubric_entry.id} listed twice")
        rubric = _parsed_rubric(data, rubric_entry.member, rubric_entry.id, rubric_entry.sha256)
        rubrics[rubric_entry.id] = LoadedRubric(
            rubric=rubric, sha256=rubric_entry.sha256, path=Path(rubric_entry.member)
        )
        rubric_bytes[rubric_entry.id] = data
        expected.add(rubric_entry.member)
    cases: dict[str, CheckoutCase | ReturnCase] = {}
    model: type[_Wire] = CheckoutCase if manifest.kind == "checkout" else ReturnCase
    for entry in manifest.cases:
        if entry.member != f"cases/{entry.case_no}.json" or entry.member not in contents:
            raise _tampered(f"case {entry.case_no} is not at {entry.member}")
        if entry.case_no in cases:
            raise _tampered(f"case {entry.case_no} listed twice")
        raw = contents[entry.member]
        try:
            kind = json.loads(raw).get("kind")
        except (ValueError, AttributeError):
            kind = None  # not JSON: the model below says what is wrong
        if isinstance(kind, str) and kind != manifest.kind:
            raise _tampered(f"{entry.member} is a {kind!r} record in a {manifest.kind} package")
        doc = _parse_json(model, raw, entry.member)
        if doc.case_no != entry.case_no:
            raise _tampered(f"{entry.member} holds case {doc.case_no}")
        loaded = rubrics.get(entry.rubric_id)
        if loaded is None or loaded.sha256 != entry.rubric_sha256:
            raise _tampered(f"case {entry.case_no} is pinned to a rubric the package does not carry")
        if isinstance(doc, CheckoutCase) and (
            doc.case.rubric_id != entry.rubric_id or doc.case.rubric_sha256 != entry.rubric_sha256
        ):
            raise _tampered(f"case {entry.case_no} names another rubric than the manifest")
        if isinstance(doc, ReturnCase) and entry.return_seq != doc.return_seq:
            raise _tampered(f"case {entry.case_no} has another return number than the manifest")
        cases[entry.case_no] = doc
        expected.add(entry.member)
    if {e.id for e in manifest.rubrics} != {e.rubric_id for e in manifest.cases}:
        raise _tampered("the rubrics listed are not those of the cases")
    users: UsersDoc | None = None
    if manifest.kind == "checkout":
        if USERS_MEMBER not in contents:
            raise _tampered("a checkout package needs users.json")
        users = _parse_json(UsersDoc, contents[USERS_MEMBER], USERS_MEMBER)
        expected.add(USERS_MEMBER)
        if users is not None and tuple(sorted(a.name for a in users.accounts)) != tuple(
            sorted(manifest.accounts)
        ):
            raise _tampered("the accounts listed are not those in users.json")
    elif manifest.accounts:
        raise _tampered("a return package carries no accounts")
    extra = sorted(set(contents) - expected)
    if extra:
        raise _tampered(f"unexpected member(s) {', '.join(extra[:5])}")
    package = _Package(manifest, cases, rubrics, rubric_bytes, users, dict(attachments), staging, expanded)
    _validate_values(package)
    return package


# -- value rules ------------------------------------------------------------------------------------


def _bad(case_no: str, detail: str, code: str = "bad_value") -> Refused:
    return Refused(code, f"case {case_no} in the package: {detail}", f"审核包中案件 {case_no}：{detail}")


def _indicator_of(rubric: Rubric, case_no: str, code: str | None) -> None:
    if code is None:
        return
    try:
        rubric.indicator(code)
    except KeyError:
        raise _bad(case_no, f"indicator {code!r} is not in rubric {rubric.id}", "unknown_indicator") from None


def _check_score(rubric: Rubric, case_no: str, value: ScoreValue) -> IndicatorEntry:
    _indicator_of(rubric, case_no, value.code)
    indicator = rubric.indicator(value.code)
    try:
        if value.not_applicable:
            if value.points is not None or not value.reason.strip() or value.sampled is not None:
                raise ScoringError(f"{value.code}: not applicable needs a reason and no points")
        elif value.points is not None:
            check_points(indicator, value.points)
            if (value.sampled is None) != (value.nonconforming is None):
                raise ScoringError(f"{value.code}: a sample needs both counts")
            if value.sampled is not None and value.nonconforming is not None:
                expected = points_from_sample(indicator, value.sampled, value.nonconforming)
                if expected != value.points:
                    raise ScoringError(f"{value.code}: the sample gives {expected}, not {value.points}")
        elif value.sampled is not None or value.nonconforming is not None or value.reason:
            raise ScoringError(f"{value.code}: a sample or reason without points")
    except ScoringError as exc:
        raise _bad(case_no, str(exc), "bad_score") from None
    return IndicatorEntry(
        value.code,
        value.points,
        value.not_applicable,
        value.reason,
        value.note,
        value.sampled,
        value.nonconforming,
    )


def _check_value(
    type_: str,
    value: Any,
    rubric: Rubric,
    case_no: str,
    attachments: Mapping[str, int] | None,
    checklist: Any,
) -> None:
    """One record's values against the rules; `attachments`: the files it must find in the package."""
    if isinstance(value, ScoreValue):
        _check_score(rubric, case_no, value)
    elif isinstance(value, EvidenceValue):
        _indicator_of(rubric, case_no, value.code)
        if value.sha256 is None and (value.filename is not None or not value.note.strip()):
            raise _bad(case_no, "evidence needs a note or a file")
        if value.sha256 is not None and value.filename is None:
            raise _bad(case_no, "an evidence file needs its name")
        if value.sha256 is not None and attachments is not None and value.sha256 not in attachments:
            raise _bad(case_no, f"evidence file {value.sha256[:12]}… is not in the package")
    elif isinstance(value, NonconformityValue):
        _indicator_of(rubric, case_no, value.code)
        closed = value.status == "closed"
        if closed != (value.closed_by is not None and value.closed_at is not None) or (
            closed and not (value.corrective_action or "").strip()
        ):
            raise _bad(case_no, "a closed nonconformity needs its corrective action, closer and time")
    elif isinstance(value, SpecialValue):
        if (value.kind == "deduction") != (value.nonconformity is not None):
            raise _bad(case_no, "a special deduction (and only a deduction) opens a nonconformity")
        if value.nonconformity is not None and not _key_ok("nonconformity", value.nonconformity):
            raise _bad(case_no, f"bad nonconformity key {value.nonconformity!r}")
    elif isinstance(value, ReviewValue):
        categories = {c.code for c in rubric.categories}
        for finding in value.findings:
            if finding.category is not None and finding.category not in categories:
                raise _bad(
                    case_no,
                    f"category {finding.category!r} is not in rubric {rubric.id}",
                    "unknown_indicator",
                )
    elif isinstance(value, MaterialValue):
        if value.item_no not in checklist.numbers:
            raise _bad(case_no, f"material item {value.item_no} is not on the checklist")
        if (value.status == "provided") != bool(value.files) or (
            value.status == "not_applicable" and not (value.reason or "").strip()
        ):
            raise _bad(case_no, f"material item {value.item_no} is inconsistent")
        for f in value.files:
            if attachments is not None and f.sha256 not in attachments:
                raise _bad(case_no, f"material file {f.sha256[:12]}… is not in the package")


def _record_key_ok(type_: str, key: str, value: Any) -> bool:
    if type_ in KEYED_TYPES:
        return _key_ok(type_, key)
    natural = {
        "score": lambda v: v.code,
        "material": lambda v: str(v.item_no),
        "team": lambda v: v.user,
        "vote": lambda v: f"{v.round}:{v.user}",
    }[type_]
    return value is None or key == natural(value)


def _validate_values(package: _Package) -> None:
    checklist = load_materials(resources_dir() / "materials.yaml")
    attachments = package.attachments
    used: set[str] = set()
    teams: set[str] = set()
    referenced: set[str] = set()
    for case_no, doc in package.cases.items():
        rubric = package.rubrics[
            next(e.rubric_id for e in package.manifest.cases if e.case_no == case_no)
        ].rubric
        if isinstance(doc, CheckoutCase):
            _validate_checkout(doc, rubric, attachments, checklist, package.users, used)
            teams.update(r.value.user for r in doc.records if isinstance(r.value, TeamValue))
            for record in doc.records:
                referenced.update(_users_in(record.value))
        else:
            _validate_return(doc, rubric, attachments, checklist, used)
    if package.users is not None:
        # The audit teams' accounts and the names the records mention: no other user's data.
        accounts = {a.name for a in package.users.accounts}
        strays = sorted((accounts - teams) | (set(package.users.others) - referenced))
        if strays:
            raise Refused(
                "package_accounts",
                f"users.json holds user(s) not on the audit team or named in a record: {', '.join(strays[:5])}",
                f"users.json 含有非评审组且未被记录引用的用户：{', '.join(strays[:5])}",
            )
    unused = sorted(set(attachments) - used)
    if unused:
        raise _tampered(f"attachment(s) no record refers to: {', '.join(u[:12] + '…' for u in unused[:3])}")


def _validate_checkout(
    doc: CheckoutCase,
    rubric: Rubric,
    attachments: Mapping[str, int],
    checklist: MaterialsChecklist,
    users: UsersDoc | None,
    used: set[str],
) -> None:
    case_no = doc.case_no
    if doc.case.case_no != case_no:
        raise _bad(case_no, "the case record names another case")
    if doc.case.status not in CHECKOUT_STATES:
        raise _bad(case_no, f"state {doc.case.status.value} cannot be taken to a laptop", "bad_state")
    if doc.case.rubric_id != rubric.id:
        raise _bad(case_no, "rubric id mismatch")
    assert users is not None
    accounts = {a.name: a for a in users.accounts}
    known = set(accounts) | set(users.others)
    if len(known) != len(accounts) + len(users.others):
        raise _bad(case_no, "users.json names a user twice")
    seen: set[str] = set()
    entries: dict[str, IndicatorEntry] = {}
    ncs: set[str] = set()
    deductions = bonus = 0
    team: list[TeamValue] = []
    for record in doc.records:
        rkey = f"{record.type}/{record.key}"
        if rkey in seen:
            raise _bad(case_no, f"record {rkey} appears twice")
        seen.add(rkey)
        if not _record_key_ok(record.type, record.key, record.value):
            raise _bad(case_no, f"record key {record.key!r} does not fit its {record.type}")
        if (record.version is None) == (record.type in VERSIONED_TYPES):
            raise _bad(case_no, f"record {rkey} has a wrong version")
        _check_value(record.type, record.value, rubric, case_no, attachments, checklist)
        for who in _users_in(record.value):
            if who not in known:
                raise _bad(case_no, f"user {who!r} is not in users.json")
        used.update(_files_in(record.value))
        if isinstance(record.value, ScoreValue):
            entries[record.value.code] = _check_score(rubric, case_no, record.value)
        elif isinstance(record.value, NonconformityValue):
            ncs.add(record.key)
        elif isinstance(record.value, SpecialValue):
            deductions += record.value.kind == "deduction"
            bonus += record.value.kind == "bonus"
        elif isinstance(record.value, TeamValue):
            team.append(record.value)
    for record in doc.records:
        if isinstance(record.value, SpecialValue) and record.value.nonconformity not in (None, *ncs):
            raise _bad(case_no, "a special deduction refers to a nonconformity the case does not have")
    if sum(t.leader for t in team) != 1:
        raise _bad(case_no, "the audit team needs exactly one leader")
    for member in team:
        account = accounts.get(member.user)
        if account is None or Role.auditor not in account.roles:
            raise _bad(case_no, f"team member {member.user} has no auditor account in the package")
    try:
        compute(rubric, entries, deductions, bonus)
    except ScoringError as exc:
        raise _bad(case_no, str(exc), "bad_score") from None


def _validate_return(
    doc: ReturnCase,
    rubric: Rubric,
    attachments: Mapping[str, int],
    checklist: MaterialsChecklist,
    used: set[str],
) -> None:
    case_no = doc.case_no
    if doc.base_status not in CHECKOUT_STATES:
        raise _bad(case_no, f"base state {doc.base_status.value} was never checked out", "bad_state")
    seen: set[str] = set()
    cases = 0
    for change in doc.changes:
        rkey = f"{change.type}/{change.key}"
        if rkey in seen:
            raise _bad(case_no, f"record {rkey} appears twice")
        seen.add(rkey)
        if change.base is None and change.value is None:
            raise _bad(case_no, f"record {rkey} has neither a base nor a value")
        if change.type == "case":
            cases += 1
            if change.key != case_no or change.value is None or change.base is None:
                raise _bad(case_no, "the case record is malformed")
            if change.value.status not in RETURN_STATES:
                raise _bad(
                    case_no, f"state {change.value.status.value} cannot come back from a laptop", "bad_state"
                )
            continue
        for value in (change.base, change.value):
            if value is not None and not _record_key_ok(change.type, change.key, value):
                raise _bad(case_no, f"record key {change.key!r} does not fit its {change.type}")
        if change.type in CREATE_ONLY and change.base is not None and change.value is None:
            raise _bad(case_no, f"{change.type} records cannot be removed")
        if (
            change.type in NO_EDIT
            and change.base is not None
            and change.value is not None
            and not _same(change.type, change.base, change.value)
        ):
            raise _bad(case_no, f"{change.type} records cannot be edited")
        if (change.base_version is not None) and (change.type not in VERSIONED_TYPES or change.base is None):
            raise _bad(case_no, f"record {rkey} has a wrong base version")
        if change.value is not None:
            # files come along with what the laptop added; the office holds those it sent
            files = attachments if change.base is None else None
            _check_value(change.type, change.value, rubric, case_no, files, checklist)
            if change.base is None:
                used.update(_files_in(change.value))
    if cases != 1:
        raise _bad(case_no, "a return needs exactly one case record")


# == importing =======================================================================================


@dataclass
class _Action:
    """A planned write."""

    case_no: str
    type: str
    key: str
    op: str  # create | update | delete
    row: _Row | None
    value: Any
    change: PackageChange


@dataclass
class _CasePlan:
    case_no: str
    actions: list[_Action] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[PackageConflict] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)  # laptop values the caller chose not to take
    nc_ids: dict[str, int] = field(default_factory=dict)  # the case's nonconformities by key


def _change(case_no: str, type_: str, key: str, op: str, before: Any, after: Any) -> PackageChange:
    shown = after if after is not None else before
    return PackageChange(
        case_no, type_, key, _label(type_, key, shown), op, _plain_json(before), _plain_json(after)
    )


def _check_rubrics(package: _Package, registry: RubricRegistry, session: Session | None) -> list[str]:
    """Refuse a rubric this computer holds in another revision; return the ids it lacks."""
    lacking = []
    for rubric_id, loaded in package.rubrics.items():
        mine = registry.get(rubric_id).sha256 if rubric_id in registry else None
        stored = _setting(session, RUBRIC_PREFIX + rubric_id) if session is not None else None
        if stored is not None:
            mine = mine or stored["sha256"]
        if mine is not None and mine != loaded.sha256:
            raise Refused(
                "rubric_mismatch",
                f"this computer has another file for rubric {rubric_id} (SHA-256 {mine[:12]}…) than the "
                f"package (SHA-256 {loaded.sha256[:12]}…); a revision of a rubric must be a new file",
                f"本机评价规则 {rubric_id} 的文件与审核包中的不同；规则修订应为新文件",
            )
        if mine is None:
            lacking.append(rubric_id)
    return lacking


def _plan_checkout(session: Session | None, package: _Package) -> list[_CasePlan]:
    target_id = _database_id(session) if session is not None else None
    if target_id is not None and target_id == package.manifest.source_database:
        raise Refused(
            "package_own",
            "this package was exported from this database; import it on the laptop",
            "该审核包由本数据库导出，请在笔记本电脑上导入",
        )
    plans = []
    for case_no, doc in package.cases.items():
        assert isinstance(doc, CheckoutCase)
        if session is not None:
            sync = _sync(session, case_no)
            if sync.get("checkout", {}).get("package_id") == package.manifest.package_id:
                raise Refused(
                    "already_imported",
                    f"package {package.manifest.package_id[:8]} was already imported here "
                    f"({case_no}); nothing was changed",
                    f"该审核包已导入过（{case_no}），未做任何更改",
                )
            if session.scalar(select(m.Case.id).where(m.Case.case_no == case_no)) is not None:
                raise Refused(
                    "case_exists",
                    f"case {case_no} is already in this database; bring its results back to the office "
                    "first and take it out again into a new laptop database",
                    f"本库中已有案件 {case_no}",
                )
        plan = _CasePlan(case_no)
        plan.actions.append(
            _Action(
                case_no,
                "case",
                case_no,
                "create",
                None,
                doc,
                _change(case_no, "case", case_no, "create", None, doc.case),
            )
        )
        for record in doc.records:
            plan.actions.append(
                _Action(
                    case_no,
                    record.type,
                    record.key,
                    "create",
                    None,
                    record,
                    _change(case_no, record.type, record.key, "create", None, record.value),
                )
            )
        plans.append(plan)
    return plans


def _plan_return(
    session: Session, package: _Package, resolve: Mapping[str, str], *, lock: bool = False
) -> list[_CasePlan]:
    manifest = package.manifest
    target_id = _database_id(session)
    if target_id != manifest.origin_database:
        raise Refused(
            "package_wrong_database",
            "these results belong to cases taken out of another database; import them where they came from",
            "这些结果属于从另一个数据库带出的案件，请导入其来源数据库",
        )
    assert target_id is not None
    names = _names(session)
    source = manifest.source_database
    plans = []
    for entry in manifest.cases:
        case_no = entry.case_no
        doc = package.cases[case_no]
        assert isinstance(doc, ReturnCase)
        try:
            case = get_case_row(session, case_no, lock=lock)
        except NotFound:
            raise Refused(
                "not_found", f"case {case_no} does not exist here", f"本库中没有案件 {case_no}"
            ) from None
        if case.rubric_id != entry.rubric_id or case.rubric_sha256 != entry.rubric_sha256:
            raise Refused(
                "rubric_mismatch",
                f"case {case_no} is pinned here to rubric {case.rubric_id} ({case.rubric_sha256[:12]}…), "
                f"the package to {entry.rubric_id} ({entry.rubric_sha256[:12]}…)",
                f"案件 {case_no} 在本库与审核包中使用的评价规则不同",
            )
        sync = _sync(session, case_no)
        earlier = sync.get("returns", {}).get(source, {})
        if earlier.get("package_id") == manifest.package_id:
            raise Refused(
                "already_imported",
                f"package {manifest.package_id[:8]} was already imported ({case_no}); nothing was changed",
                f"该审核包已导入过（{case_no}），未做任何更改",
            )
        if int(earlier.get("seq", 0)) >= doc.return_seq:
            raise Refused(
                "package_outdated",
                f"a newer package of case {case_no} from this laptop was already imported (return "
                f"{earlier.get('seq')}; this is return {doc.return_seq}); nothing was changed",
                f"已导入该笔记本电脑上案件 {case_no} 更新的审核包，未做任何更改",
            )
        applied: Mapping[str, int] = earlier.get("applied", {})
        keys = _Keys(target_id, sync.get("links", {}))
        rows = _current(session, case, keys, names)
        team = {r.value.user for r in rows.values() if r.type == "team"}
        kept: Mapping[str, Any] = earlier.get("kept", {})
        plan = _CasePlan(case_no, kept=dict(kept))
        plan.nc_ids = {r.key: r.id for r in rows.values() if r.type == "nonconformity" and r.id is not None}
        for change in doc.changes:
            rkey = f"{change.type}/{change.key}"
            if change.type == "case":
                row: _Row | None = _Row("case", case_no, case.id, case.version, _conclusion(case))
            else:
                row = rows.get(rkey)
            current = row.value if row is not None else None
            if (
                _same(change.type, current, change.value)
                or (change.base is not None and _same(change.type, change.base, change.value))
                or (rkey in kept and kept[rkey] == _plain_json(change.value))
            ):
                # already here; or not changed on the laptop, or a laptop value the office declined
                # before: the office's value stands
                plan.unchanged += 1
                continue
            introduced = _users_in(change.value) - _users_in(change.base) - _users_in(current)
            for who in introduced:  # whoever made a change on the laptop is on this case's team
                if who not in team:
                    raise _bad(case_no, f"{who} is not on the audit team of this case", "not_on_team")
            created_here = row is None and change.base is None and keys.is_own(change.key)
            if change.type in VERSIONED_TYPES:
                expected = applied.get(rkey, change.base_version)
                untouched = (row is None and change.base is None and not created_here) or (
                    row is not None and expected is not None and row.version == expected
                )
            else:
                untouched = _same(change.type, current, change.base) and not created_here
            op = "create" if row is None else ("delete" if change.value is None else "update")
            if op == "update" and change.type in NO_EDIT:
                raise _bad(case_no, f"{change.type} records cannot be edited")
            if op == "delete" and change.type in CREATE_ONLY:
                raise _bad(case_no, f"{change.type} records cannot be removed")
            action = _Action(
                case_no,
                change.type,
                change.key,
                op,
                row,
                change.value,
                _change(case_no, change.type, change.key, op, current, change.value),
            )
            if untouched:
                plan.actions.append(action)
                continue
            conflict = PackageConflict(
                id=f"{case_no}/{rkey}",
                case_no=case_no,
                type=change.type,
                key=change.key,
                label=_label(change.type, change.key, change.value or change.base or current),
                base=_plain_json(change.base),
                office=_plain_json(current),
                package=_plain_json(change.value),
            )
            choice = resolve.get(conflict.id)
            if choice == "package":
                plan.actions.append(action)
                plan.resolved.append(conflict.id)
            elif choice == "office":
                plan.resolved.append(conflict.id)
                plan.kept[rkey] = _plain_json(change.value)
            else:
                plan.conflicts.append(conflict)
        expected_status = earlier.get("status", doc.base_status.value)
        if plan.actions and case.status != expected_status:
            plan.conflicts.append(
                PackageConflict(
                    id=f"{case_no}/case/state",
                    case_no=case_no,
                    type="case",
                    key=case_no,
                    label=f"case {case_no} state",
                    base={"status": expected_status},
                    office={"status": case.status},
                    package={"status": expected_status},
                    resolvable=False,
                )
            )
        if not plan.conflicts:
            _check_final(plan, case, rows, package.rubrics[entry.rubric_id].rubric)
        plans.append(plan)
    return plans


SCORING_TYPES = frozenset({"score", "evidence", "nonconformity", "special"})
FORWARD = {
    (CaseState.document_review, CaseState.onsite_audit),
    (CaseState.document_review, CaseState.committee_review),
    (CaseState.onsite_audit, CaseState.committee_review),
}


def _check_final(plan: _CasePlan, case: m.Case, rows: Mapping[str, _Row], rubric: Rubric) -> None:
    """The case as it would be after the import must obey the same rules as one scored here."""
    final: dict[str, Any] = {rkey: row.value for rkey, row in rows.items()}
    status = CaseState(case.status)
    conclusion: ConclusionValue | None = None
    for action in plan.actions:
        if action.type == "case":
            conclusion = action.value
            continue
        rkey = f"{action.type}/{action.key}"
        if action.value is None:
            final.pop(rkey, None)
        else:
            final[rkey] = action.value
    case_no = plan.case_no
    if conclusion is not None and conclusion.status != status:
        if (status, conclusion.status) not in FORWARD:
            raise _bad(case_no, f"cannot go from {status.value} to {conclusion.status.value}", "bad_state")
        status = conclusion.status
    if status == CaseState.document_review and any(a.type in SCORING_TYPES for a in plan.actions):
        raise _bad(
            case_no, "scores and nonconformities need the case on site, not in document review", "bad_state"
        )
    entries = {v.code: _check_score(rubric, case_no, v) for v in final.values() if isinstance(v, ScoreValue)}
    specials = [v for v in final.values() if isinstance(v, SpecialValue)]
    ncs = {k.split("/", 1)[1]: v for k, v in final.items() if isinstance(v, NonconformityValue)}
    for special in specials:
        if special.nonconformity is not None and special.nonconformity not in ncs:
            raise _bad(case_no, "a special deduction would lose its nonconformity")
    try:
        result = compute(
            rubric,
            entries,
            sum(s.kind == "deduction" for s in specials),
            sum(s.kind == "bonus" for s in specials),
        )
    except ScoringError as exc:
        raise _bad(case_no, str(exc), "bad_score") from None
    if (
        conclusion is not None
        and conclusion.status == CaseState.committee_review
        and any(a.type == "case" for a in plan.actions)
    ):
        problems = []
        if result.unscored:
            problems.append(f"indicators not scored: {', '.join(result.unscored[:5])}")
        if any(v.status == "open" for v in ncs.values()):
            problems.append("nonconformities still open")
        grade = result.grade.value if result.grade else None
        if conclusion.recommended_total != result.total or conclusion.recommended_grade != grade:
            problems.append(
                f"the conclusion says {conclusion.recommended_total} {conclusion.recommended_grade or 'no grade'}, "
                f"the scores give {result.total} {grade or 'no grade'}"
            )
        if not (conclusion.conclusion_summary or "").strip():
            problems.append("no conclusion summary")
        if problems:
            raise _bad(case_no, "; ".join(problems), "bad_conclusion")


def _plan_return_offline(package: _Package) -> list[_CasePlan]:
    """What a return package says it changed, without a database to compare with."""
    plans = []
    for case_no, doc in package.cases.items():
        assert isinstance(doc, ReturnCase)
        plan = _CasePlan(case_no)
        for change in doc.changes:
            if change.base is not None and _same(change.type, change.base, change.value):
                plan.unchanged += 1
                continue
            op = "create" if change.base is None else ("delete" if change.value is None else "update")
            plan.actions.append(
                _Action(
                    case_no,
                    change.type,
                    change.key,
                    op,
                    None,
                    change.value,
                    _change(case_no, change.type, change.key, op, change.base, change.value),
                )
            )
        plans.append(plan)
    return plans


# -- writing ----------------------------------------------------------------------------------------


class _Files:
    """Files and folders this import created, so a failed import can take them away again."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.dirs: list[Path] = []

    def mkdirs(self, folder: Path) -> None:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for path in reversed(missing):
            path.mkdir()
            self.dirs.append(path)

    def install(self, store: AttachmentStore, sha: str, staged: Path) -> bool:
        target = store.path_for(sha)
        if target.is_file():
            return False
        self.mkdirs(target.parent)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as dst, open(staged, "rb") as src:
                shutil.copyfileobj(src, dst, CHUNK)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self.files.append(target)
        return True

    def rollback(self) -> None:
        for path in reversed(self.files):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(self.dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _ensure_attachment(tx: Tx, package: _Package, files: _Files, sha: str) -> int:
    store = tx.services.db.attachments
    added = 0
    if package.staging is not None and files.install(store, sha, package.staging / sha):
        added = 1
    if tx.session.get(m.Attachment, sha) is None:
        tx.session.add(m.Attachment(sha256=sha, size=package.attachments[sha], created_at=tx.now))
        tx.session.flush()
    return added


def _user_id(session: Session, name: str) -> int:
    user_id = session.scalar(select(m.User.id).where(m.User.name == name))
    if user_id is None:
        raise Refused("not_found", f"user {name} does not exist here", f"本库中没有用户 {name}")
    return user_id


CHECKOUT_ORDER = {
    "case": 0,
    "material": 1,
    "team": 2,
    "review": 3,
    "nonconformity": 4,
    "special": 5,
    "score": 6,
    "evidence": 7,
    "vote": 8,
}


def _import_accounts(tx: Tx, users: UsersDoc) -> list[PackageChange]:
    session = tx.session
    changes = []
    for account in users.accounts:
        roles = ",".join(sorted(r.value for r in account.roles))
        user = session.scalar(select(m.User).where(m.User.name == account.name))
        after = {"roles": roles, "display_name": account.display_name, "active": account.active}
        if user is None:
            session.add(
                m.User(
                    name=account.name,
                    display_name=account.display_name,
                    password_hash=account.password_hash,
                    roles=roles,
                    active=account.active,
                    failed_logins=0,
                    created_at=tx.now,
                )
            )
            tx.record("user.import", "user", account.name, after=after, reason="account of the audit team")
            changes.append(
                PackageChange("", "account", account.name, f"account {account.name}", "create", None, after)
            )
            continue
        before = {"roles": user.roles, "display_name": user.display_name, "active": user.active}
        if before == after and user.password_hash == account.password_hash:
            continue
        user.roles, user.display_name, user.active = roles, account.display_name, account.active
        user.password_hash = account.password_hash
        tx.record(
            "user.import",
            "user",
            account.name,
            before=before,
            after={**after, "password": "as in the office"},
            reason="account of the audit team",
        )
        changes.append(
            PackageChange("", "account", account.name, f"account {account.name}", "update", before, after)
        )
    for name in users.others:
        if session.scalar(select(m.User.id).where(m.User.name == name)) is None:
            # Named in the case's records (a committee member's vote, a former reviewer) but no account:
            # the name only, inactive, no roles, no password.
            session.add(
                m.User(
                    name=name,
                    display_name=name,
                    password_hash=DISABLED_PASSWORD,
                    roles="",
                    active=False,
                    failed_logins=0,
                    created_at=tx.now,
                )
            )
            tx.record("user.reference", "user", name, after={"active": False, "roles": ""})
    session.flush()
    return changes


def _apply_checkout(
    tx: Tx, package: _Package, plans: list[_CasePlan], lacking: list[str], files: _Files, steps: _Progress
) -> tuple[list[PackageChange], int]:
    session = tx.session
    manifest = package.manifest
    db_id = _ensure_database_id(session)
    for rubric_id in lacking:
        _put_setting(
            session,
            RUBRIC_PREFIX + rubric_id,
            {
                "sha256": package.rubrics[rubric_id].sha256,
                "yaml": package.rubric_bytes[rubric_id].decode("utf-8"),
            },
        )
        tx.record("rubric.import", "rubric", rubric_id, after={"sha256": package.rubrics[rubric_id].sha256})
    assert package.users is not None
    changes = _import_accounts(tx, package.users)
    added = 0
    for sha in package.attachments:
        added += _ensure_attachment(tx, package, files, sha)
    for plan in plans:
        doc = package.cases[plan.case_no]
        assert isinstance(doc, CheckoutCase)
        ids = _names(session)
        by_name = {v: k for k, v in ids.items()}
        org = session.scalar(
            select(m.Organization).where(m.Organization.credit_code == doc.organization.credit_code)
        )
        if org is None:
            org = m.Organization(
                name=doc.organization.name,
                credit_code=doc.organization.credit_code,
                address=doc.organization.address,
            )
            session.add(org)
            session.flush()
            tx.record(
                "organization.import",
                "organization",
                org.credit_code,
                after={"name": org.name, "address": org.address},
            )
        elif (org.name, org.address) != (doc.organization.name, doc.organization.address):
            before = {"name": org.name, "address": org.address}
            org.name, org.address = doc.organization.name, doc.organization.address
            tx.record(
                "organization.import",
                "organization",
                org.credit_code,
                before=before,
                after={"name": org.name, "address": org.address},
            )
        c = doc.case
        case = m.Case(
            case_no=c.case_no,
            kind=c.kind.value,
            organization=org,
            parent_certificate_id=None,
            enterprise_type=c.enterprise_type.value,
            rubric_id=c.rubric_id,
            rubric_sha256=c.rubric_sha256,
            headcount=c.headcount,
            scope=c.scope,
            status=c.status.value,
            contract_no=c.contract_no,
            fee=c.fee,
            document_days=c.document_days,
            onsite_days=c.onsite_days,
            days_override_reason=c.days_override_reason,
            committee_round=c.committee_round,
            conclusion_summary=c.conclusion_summary,
            recommended_total=c.recommended_total,
            recommended_grade=c.recommended_grade.value if c.recommended_grade else None,
            decided_grade=c.decided_grade.value if c.decided_grade else None,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        session.add(case)
        session.flush()
        keys = _Keys(db_id, {})
        base: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for record in sorted(doc.records, key=lambda r: CHECKOUT_ORDER[r.type]):
            row_id = _create_row(session, case, record.type, record.value, by_name, keys)
            if record.type in KEYED_TYPES:
                keys.link(record.key, row_id)
            base[f"{record.type}/{record.key}"] = {
                "version": record.version,
                "value": _plain_json(record.value),
            }
            counts[record.type] = counts.get(record.type, 0) + 1
        conclusion = _canon(
            ConclusionValue,
            {
                "status": c.status.value,
                "conclusion_summary": c.conclusion_summary,
                "recommended_total": c.recommended_total,
                "recommended_grade": c.recommended_grade,
            },
        )
        _put_setting(
            session,
            SYNC_PREFIX + plan.case_no,
            {
                "links": keys.links,
                "checkout": {
                    "package_id": manifest.package_id,
                    "origin": manifest.origin_database,
                    "exported_at": manifest.exported_at.isoformat(),
                    "exported_by": manifest.exported_by.name,
                    "version": doc.version,
                    "status": c.status.value,
                    "conclusion": conclusion.model_dump(mode="json"),
                    "base": base,
                },
            },
        )
        tx.record(
            "case.import",
            "case",
            plan.case_no,
            after={
                "package": manifest.package_id,
                "from": manifest.source_database,
                "exported_by": manifest.exported_by.name,
                "exported_at": manifest.exported_at,
                "status": c.status.value,
                "records": counts,
            },
            reason=f"taken out of the office by {manifest.exported_by.name}",
        )
        changes.extend(a.change for a in plan.actions)
        steps.step()
    return changes, added


def _create_row(
    session: Session,
    case: m.Case,
    type_: str,
    value: Any,
    by_name: Mapping[str, int],
    keys: _Keys,
    nc_ids: Mapping[str, int] | None = None,
) -> int:
    """Insert one record of a case; returns the new row's id."""
    row: Any
    if type_ == "material":
        row = m.Material(case_id=case.id, item_no=value.item_no, status=value.status, reason=value.reason)
        session.add(row)
        session.flush()
        for f in value.files:
            session.add(
                m.MaterialFile(material_id=row.id, sha256=f.sha256, filename=f.filename, added_at=f.added_at)
            )
    elif type_ == "team":
        row = m.TeamMember(case_id=case.id, user_id=by_name[value.user], is_leader=value.leader)
    elif type_ == "review":
        row = m.DocumentReview(
            case_id=case.id,
            reviewer_id=by_name[value.reviewer],
            outcome=value.outcome.value,
            note=value.note,
            created_at=value.created_at,
        )
        for finding in value.findings:
            row.findings.append(m.ReviewFinding(category_code=finding.category, text=finding.text))
    elif type_ == "score":
        row = m.IndicatorScore(case_id=case.id, code=value.code)
        _set_score(row, value, by_name)
    elif type_ == "evidence":
        row = m.Evidence(
            case_id=case.id,
            code=value.code,
            note=value.note,
            sha256=value.sha256,
            filename=value.filename,
            added_by=by_name[value.added_by],
            added_at=value.added_at,
        )
    elif type_ == "nonconformity":
        row = m.Nonconformity(case_id=case.id, raised_by=by_name[value.raised_by], raised_at=value.raised_at)
        _set_nc(row, value, by_name)
    elif type_ == "special":
        nc_id = None
        if value.nonconformity is not None:
            nc_id = (nc_ids or {}).get(value.nonconformity) or keys.links.get(value.nonconformity)
            if nc_id is None:
                raise Refused("bad_value", f"the nonconformity of special item {value.reason!r} is missing")
        row = m.SpecialItem(
            case_id=case.id,
            kind=value.kind,
            reason=value.reason,
            nonconformity_id=nc_id,
            created_by=by_name[value.created_by],
            created_at=value.created_at,
        )
    elif type_ == "vote":
        row = m.CommitteeVote(
            case_id=case.id,
            round=value.round,
            user_id=by_name[value.user],
            decision=value.decision.value,
            grade=value.grade.value if value.grade else None,
            comment=value.comment,
            created_at=value.created_at,
        )
    else:  # pragma: no cover - the models allow no other type
        raise AssertionError(type_)
    session.add(row)
    session.flush()
    return int(row.id)


def _set_score(row: m.IndicatorScore, value: ScoreValue, by_name: Mapping[str, int]) -> None:
    row.points = value.points
    row.not_applicable = value.not_applicable
    row.reason = value.reason
    row.note = value.note
    row.sampled = value.sampled
    row.nonconforming = value.nonconforming
    row.updated_by = by_name[value.updated_by]
    row.updated_at = value.updated_at


def _set_nc(row: m.Nonconformity, value: NonconformityValue, by_name: Mapping[str, int]) -> None:
    row.code = value.code
    row.text = value.text
    row.deadline = value.deadline
    row.status = value.status
    row.corrective_action = value.corrective_action
    row.closed_by = by_name[value.closed_by] if value.closed_by else None
    row.closed_at = value.closed_at


def _return_order(action: _Action) -> tuple[int, int]:
    if action.type == "case":
        return (4, 0)
    if action.op == "delete":
        return (3, {"special": 0, "evidence": 1, "review": 1, "nonconformity": 2, "score": 3}[action.type])
    if action.type == "nonconformity":
        return (0, 0)
    return (1 if action.op == "update" else 2, 0)


def _apply_return(
    tx: Tx, package: _Package, plans: list[_CasePlan], files: _Files, steps: _Progress
) -> tuple[list[PackageChange], int]:
    session = tx.session
    manifest = package.manifest
    db_id = _database_id(session)
    assert db_id is not None
    reason = f"package {manifest.package_id[:8]} from {manifest.exported_by.name}, {manifest.exported_at.isoformat()}"
    by_name = {v: k for k, v in _names(session).items()}
    changes: list[PackageChange] = []
    added = 0
    for plan in plans:
        doc = package.cases[plan.case_no]
        assert isinstance(doc, ReturnCase)
        case = session.scalar(select(m.Case).where(m.Case.case_no == plan.case_no))
        assert case is not None
        sync = _sync(session, plan.case_no)
        keys = _Keys(db_id, sync.get("links", {}))
        returns = sync.setdefault("returns", {})
        earlier = returns.get(manifest.source_database, {})
        applied: dict[str, int] = dict(earlier.get("applied", {}))
        nc_ids = dict(plan.nc_ids)
        touched: list[tuple[str, Any]] = []
        for action in sorted(plan.actions, key=_return_order):
            rkey = f"{action.type}/{action.key}"
            before = _plain_json(action.row.value) if action.row is not None else None
            after = _plain_json(action.value)
            entity, entity_id = "case", plan.case_no
            if action.type == "case":
                value = action.value
                case.status = value.status.value
                case.conclusion_summary = value.conclusion_summary
                case.recommended_total = value.recommended_total
                case.recommended_grade = value.recommended_grade.value if value.recommended_grade else None
            elif action.op == "create":
                if action.type == "evidence" and action.value.sha256:
                    added += _ensure_attachment(tx, package, files, action.value.sha256)
                row_id = _create_row(session, case, action.type, action.value, by_name, keys, nc_ids)
                keys.link(action.key, row_id)
                if action.type == "nonconformity":
                    nc_ids[action.key] = row_id
                    entity, entity_id = "nonconformity", str(row_id)
                if action.type in VERSIONED_TYPES:
                    touched.append(
                        (rkey, (m.IndicatorScore if action.type == "score" else m.Nonconformity, row_id))
                    )
            else:
                assert action.row is not None and action.row.id is not None
                model: type[Any] = {
                    "score": m.IndicatorScore,
                    "nonconformity": m.Nonconformity,
                    "special": m.SpecialItem,
                    "evidence": m.Evidence,
                    "review": m.DocumentReview,
                }[action.type]
                row = session.get(model, action.row.id)
                assert row is not None
                if action.type == "nonconformity":
                    entity, entity_id = "nonconformity", str(row.id)
                if action.op == "delete":
                    session.delete(row)
                    session.flush()
                    applied.pop(rkey, None)
                elif action.type == "score":
                    _set_score(row, action.value, by_name)
                    touched.append((rkey, (m.IndicatorScore, row.id)))
                elif action.type == "nonconformity":
                    _set_nc(row, action.value, by_name)
                    touched.append((rkey, (m.Nonconformity, row.id)))
            if action.type == "score":
                entity, entity_id = "score", f"{plan.case_no}/{action.key}"
            session.flush()
            tx.record(
                "conclusion.import" if action.type == "case" else f"{action.type}.import",
                entity,
                entity_id,
                before=before,
                after={"key": action.key, "value": after}
                if entity == "case" and action.type != "case"
                else after,
                reason=reason,
            )
            changes.append(action.change)
        if plan.actions:
            case.updated_at = tx.now
        session.flush()
        for rkey, (model, row_id) in touched:
            row = session.get(model, row_id)
            if row is not None:
                applied[rkey] = row.version
        applied[f"case/{plan.case_no}"] = case.version
        for action in plan.actions:
            plan.kept.pop(f"{action.type}/{action.key}", None)  # taken after all
        returns[manifest.source_database] = {
            "seq": doc.return_seq,
            "package_id": manifest.package_id,
            "applied": applied,
            "status": case.status,
            "kept": plan.kept,
        }
        sync["links"] = keys.links
        _put_setting(session, SYNC_PREFIX + plan.case_no, sync)
        steps.step()
    return changes, added


# -- the target database ----------------------------------------------------------------------------


class _NewTarget:
    """A database this import creates: everything it made is removed again if the import fails."""

    def __init__(self, db: str | Path) -> None:
        self.path = sqlite_path(to_url(db))
        self.existed = self.path is not None and self.path.exists()
        self.dirs: list[Path] = []
        self.attachments: Path | None = None
        if self.path is not None:
            probe = self.path.parent
            while not probe.exists():
                self.dirs.append(probe)
                probe = probe.parent
            self.attachments = self.path.with_name(self.path.name + ".attachments")
            if self.attachments.exists():
                self.attachments = None

    def remove(self) -> None:
        if self.path is None:
            return
        if not self.existed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink()
        if self.attachments is not None:
            shutil.rmtree(self.attachments, ignore_errors=True)
        for folder in self.dirs:
            with contextlib.suppress(OSError):
                folder.rmdir()


def import_package(
    db: str | Path,
    path: Path,
    *,
    actor_name: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    resolve: Mapping[str, str] | None = None,
    rubrics: RubricRegistry | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportResult:
    """Import a package into the database at `db`, all or nothing.

    A checkout creates its cases (and, when `db` does not exist yet, the laptop database itself); a
    return applies the laptop's results to the office database the cases came from. A refusal, a
    conflict (`PackageConflicts`, listing every record changed on both sides) or a cancellation leaves
    the database and the attachment folder exactly as they were. `resolve` maps conflict ids to
    "office" (keep this database's value) or "package" (take the laptop's).
    """
    steps = _Progress(progress, cancel)
    steps.check()
    registry = rubrics if rubrics is not None else _installed_rubrics()
    if resolve and any(choice not in ("office", "package") for choice in resolve.values()):
        raise Refused(
            "bad_value", "a conflict is resolved with office or package", "冲突只能选择本库或审核包"
        )
    with tempfile.TemporaryDirectory(prefix="awp-import-") as staging:
        package = _load(Path(path), Path(staging), steps)
        manifest = package.manifest
        created = not database_exists(db)
        if created and manifest.kind == "return":
            raise Refused(
                "package_needs_database",
                "a return package goes into the office database the cases came from, which must exist",
                "返回的审核包只能导入案件来源的办公室数据库",
            )
        if created:
            _check_rubrics(package, registry, None)  # refuse before making anything
        steps.add(len(package.cases))
        target = _NewTarget(db) if created else None
        files = _Files()
        database: Database | None = None
        try:
            database = open_database(db)
            services = Services(database, rubrics=registry, clock=clock)
            name = actor_name or "system"
            actor = Actor(0, name, name, frozenset())
            with services.tx(actor) as tx:
                if actor_name and not created:
                    user = tx.session.scalar(select(m.User).where(m.User.name == actor_name))
                    if user is None or not user.active:
                        raise Refused("inactive_user", f"user {actor_name} is not an active user here")
                resolved: list[str] = []
                if manifest.kind == "checkout":
                    lacking = _check_rubrics(package, registry, tx.session)
                    plans = _plan_checkout(tx.session, package)
                    changes, added = _apply_checkout(tx, package, plans, lacking, files, steps)
                else:
                    plans = _plan_return(tx.session, package, resolve or {}, lock=True)
                    conflicts = [c for p in plans for c in p.conflicts]
                    if conflicts:
                        raise PackageConflicts(conflicts)
                    resolved = [r for p in plans for r in p.resolved]
                    changes, added = _apply_return(tx, package, plans, files, steps)
                unchanged = sum(p.unchanged for p in plans)
                steps.check()  # the last moment to cancel: nothing is committed yet
                tx.record(
                    "package.import",
                    "package",
                    manifest.package_id,
                    after={
                        "kind": manifest.kind,
                        "file": Path(path).name,
                        "from": manifest.source_database,
                        "exported_by": manifest.exported_by.name,
                        "exported_at": manifest.exported_at,
                        "cases": list(package.cases),
                        "changes": len(changes),
                        "unchanged": unchanged,
                        "attachments_added": added,
                        "resolved": resolved,
                        "database_created": created,
                    },
                )
        except BaseException:
            files.rollback()
            if database is not None:
                database.dispose()
                database = None
            if target is not None:
                target.remove()
            raise
        finally:
            if database is not None:
                database.dispose()
    steps.finish()
    return ImportResult(
        package_id=manifest.package_id,
        kind=manifest.kind,
        database_created=created,
        cases=tuple(package.cases),
        changes=tuple(changes),
        unchanged=unchanged,
        accounts=tuple(manifest.accounts),
        attachments_added=added,
        resolved=tuple(resolved),
    )


def inspect_package(
    path: Path,
    db: str | Path | None = None,
    *,
    resolve: Mapping[str, str] | None = None,
    rubrics: RubricRegistry | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> PackagePreview:
    """Validate a package completely and say what importing it would change; changes nothing.

    With `db` (an existing database) the preview compares with it: the exact changes, the records
    already there, and the conflicts. It raises the same refusals an import would (but lists conflicts
    instead of raising them).
    """
    steps = _Progress(progress, cancel)
    package = _load(Path(path), None, steps)
    manifest = package.manifest
    registry = rubrics if rubrics is not None else _installed_rubrics()
    checked = db is not None and database_exists(db)
    extra: list[PackageChange] = []
    if checked:
        assert db is not None
        database = open_database(db, create=False)
        try:
            with database.reading() as session:
                if manifest.kind == "checkout":
                    _check_rubrics(package, registry, session)
                    plans = _plan_checkout(session, package)
                    extra = _account_preview(session, package)
                else:
                    plans = _plan_return(session, package, resolve or {})
        finally:
            database.dispose()
    else:
        _check_rubrics(package, registry, None)
        if manifest.kind == "checkout":
            plans = _plan_checkout(None, package)
            extra = _account_preview(None, package)
        else:
            plans = _plan_return_offline(package)
    cases = tuple(
        PackageCase(e.case_no, e.organization, e.status.value, e.rubric_id, e.rubric_sha256)
        for e in manifest.cases
    )
    return PackagePreview(
        package_id=manifest.package_id,
        kind=manifest.kind,
        format_version=manifest.format_version,
        exported_at=manifest.exported_at,
        exported_by=manifest.exported_by.name,
        source_database=manifest.source_database,
        origin_database=manifest.origin_database,
        app_version=manifest.app_version,
        cases=cases,
        accounts=tuple(manifest.accounts),
        members=len(manifest.members) + 1,
        attachments=len(package.attachments),
        size=package.expanded,
        target_checked=checked,
        changes=tuple(extra) + tuple(a.change for p in plans for a in p.actions),
        unchanged=sum(p.unchanged for p in plans),
        conflicts=tuple(c for p in plans for c in p.conflicts),
    )


def _account_preview(session: Session | None, package: _Package) -> list[PackageChange]:
    assert package.users is not None
    out = []
    for account in package.users.accounts:
        user = (
            session.scalar(select(m.User).where(m.User.name == account.name)) if session is not None else None
        )
        roles = ",".join(sorted(r.value for r in account.roles))
        after = {"roles": roles, "display_name": account.display_name, "active": account.active}
        if user is None:
            out.append(
                PackageChange("", "account", account.name, f"account {account.name}", "create", None, after)
            )
        else:
            before = {"roles": user.roles, "display_name": user.display_name, "active": user.active}
            if before != after or user.password_hash != account.password_hash:
                out.append(
                    PackageChange(
                        "", "account", account.name, f"account {account.name}", "update", before, after
                    )
                )
    return out


# == rubrics brought by packages =====================================================================


def packaged_rubrics(database: Database) -> tuple[LoadedRubric, ...]:
    """The rubric files that checkout packages stored in this database (for rubrics not installed)."""
    out = []
    with database.reading() as session:
        rows = session.scalars(select(m.Setting).where(m.Setting.key.like(RUBRIC_PREFIX + "%"))).all()
        for row in rows:
            stored = json.loads(row.value)
            rubric_id = row.key[len(RUBRIC_PREFIX) :]
            data = stored["yaml"].encode("utf-8")
            if hashlib.sha256(data).hexdigest() != stored["sha256"]:
                continue  # altered in the database: never score against it
            rubric = parse_rubric(data, f"{rubric_id}.yaml", expected_id=rubric_id)
            out.append(LoadedRubric(rubric=rubric, sha256=stored["sha256"], path=Path(f"{rubric_id}.yaml")))
    return tuple(out)


def rubric_registry_for(database: Database, base: RubricRegistry | None = None) -> RubricRegistry:
    """The installed rubrics (or `base`) together with the ones packages brought into `database`."""
    installed = base if base is not None else _installed_rubrics()
    extra = packaged_rubrics(database)
    if not extra:
        return installed
    return installed.with_extra(extra)
