"""The package's JSON: the value models every record travels as, and how two values compare."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from ...core import creditcode
from ...core import text as core_text
from ...core.errors import Refused
from ...core.rubric import (
    EnterpriseType,
    Grade,
)
from ...core.scoring import (
    HALF,
    TENTH,
    plain,
)
from ...core.workflow import CaseKind, CaseState, ReviewOutcome, VoteDecision

CHECKOUT_STATES = frozenset({CaseState.document_review, CaseState.onsite_audit})
RETURN_STATES = frozenset({CaseState.document_review, CaseState.onsite_audit, CaseState.committee_review})


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
Sha = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
CaseNo = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
RubricId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{0,55}$")]
UserName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]
Code = Annotated[str, Field(min_length=1, max_length=16)]


def _checked(multiline: bool) -> AfterValidator:
    """The text rule every service applies (core.text): no control or text-direction characters,
    tab and newline only in multi-line text; a package cannot carry what the window refuses."""

    def check(value: str) -> str:
        bad = next((ch for ch in value if core_text.forbidden(ch, multiline=multiline)), None)
        if bad is not None:
            raise ValueError(f"holds the character U+{ord(bad):04X}, which no text field may hold")
        return value

    return AfterValidator(check)


SingleLine = _checked(multiline=False)
MultiLine = _checked(multiline=True)
Line = Annotated[str, Field(max_length=255), SingleLine]
Text = Annotated[str, Field(max_length=4000), MultiLine]
LongText = Annotated[str, Field(max_length=20000), MultiLine]
FileName = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$"), SingleLine]
Key = Annotated[str, Field(min_length=1, max_length=120)]
Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
SearchKey = Annotated[str, Field(max_length=1200, pattern=r"^[0-9a-z]*$")]  # 200 characters × 6 letters


class OrgValue(_Wire):
    name: Annotated[str, Field(min_length=1, max_length=200), SingleLine]
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{18}$")]
    address: Annotated[str, Field(max_length=300), SingleLine]
    # The name's full pinyin and initials as the office stored them (core.casesearch.pinyin_keys), so
    # that the laptop need not load pypinyin's dictionaries to write the name (packages.apply). Absent
    # from packages made before they travelled; the laptop computes keys that are absent or do not fit.
    name_pinyin: SearchKey | None = None
    name_initials: SearchKey | None = None

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
    text: Annotated[str, Field(min_length=1, max_length=4000), MultiLine]


class ReviewValue(_Wire):
    reviewer: UserName
    outcome: ReviewOutcome
    note: Annotated[str, Field(min_length=1, max_length=4000), MultiLine]
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
    text: Annotated[
        str, Field(min_length=1, max_length=4100), MultiLine
    ]  # a deduction's: a prefix + its reason
    deadline: date
    status: Literal["open", "closed"]
    corrective_action: Text | None
    raised_by: UserName
    raised_at: AwareDatetime
    closed_by: UserName | None
    closed_at: AwareDatetime | None


class SpecialValue(_Wire):
    kind: Literal["deduction", "bonus"]
    reason: Annotated[str, Field(min_length=1, max_length=4000), MultiLine]
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


B64 = Annotated[str, Field(min_length=4, max_length=256, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]
PublicKey = Annotated[str, Field(min_length=44, max_length=44, pattern=r"^[A-Za-z0-9+/]{43}=$")]


class WrappedKey(_Wire):
    """A member's private signing key sealed with the one-time laptop code (core.memberkeys)."""

    format: Literal["aw-key-1"]
    kdf: Literal["scrypt"]
    n: Annotated[int, Field(ge=2, le=2**20)]
    r: Annotated[int, Field(ge=1, le=32)]
    p: Annotated[int, Field(ge=1, le=16)]
    salt: B64
    nonce: B64
    sealed: B64


class TeamMemberValue(_Wire):
    """A team member who may work on the laptop: a name and a sealed key, never an office account."""

    name: UserName
    display_name: Annotated[str, Field(max_length=128)]
    public_key: PublicKey
    wrapped_key: WrappedKey


class TeamDoc(_Wire):
    """(checkout only) Who works on the laptop, and who else the records name (names only)."""

    members: Annotated[tuple[TeamMemberValue, ...], Field(max_length=1000)]
    others: Annotated[tuple[UserName, ...], Field(max_length=10_000)]


class SignatureEntry(_Wire):
    """A team member's Ed25519 signature of the manifest, with the key issued for one checkout."""

    checkout: Hex32
    signer: UserName
    public_key: PublicKey
    signature: Annotated[str, Field(min_length=88, max_length=88, pattern=r"^[A-Za-z0-9+/]{86}==$")]


class SignatureDoc(_Wire):
    """(return only) signature.json: one signature per checkout the return's cases came out with."""

    signatures: Annotated[tuple[SignatureEntry, ...], Field(min_length=1, max_length=1000)]


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
    format_version: Literal[2, 3]
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


def _key_ok(type_: str, key: str) -> bool:
    return re.fullmatch(rf"{type_}:[0-9a-f]{{32}}:[0-9]{{1,12}}", key) is not None


# == reading a case out of the store =================================================================


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


def _parse_json(model: type[_Wire], data: bytes, member: str, code: str = "bad_value") -> Any:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)[:5]
        )
        raise Refused(code, f"{member}: {problems}", f"{member}：数据无效（{problems}）") from None


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
