"""The body's people as the accreditor sees them: qualifications, competence areas, identity
documents, declared interests and the annual impartiality declaration — their codes, labels and
checks, and the `Standing` of one person toward one case that the policy rules read. No SQL, no Qt.

The rules themselves (who may be put on an audit team, who may vote) are relations of the policy
table in `core/policy.py`; this module only says what the facts are.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import yaml

from .errors import Refused


# -- qualifications (资格类型) -------------------------------------------------------------------
class Qualification(StrEnum):
    senior = "senior"  # 高级审核员
    auditor = "auditor"  # 审核员
    trainee = "trainee"  # 实习审核员
    expert = "expert"  # 技术专家


QUALIFICATION_LABELS: dict[Qualification, tuple[str, str]] = {
    Qualification.senior: ("高级审核员", "senior auditor"),
    Qualification.auditor: ("审核员", "auditor"),
    Qualification.trainee: ("实习审核员", "trainee auditor"),
    Qualification.expert: ("技术专家", "technical expert"),
}
# CNCA's 审核结果信息表 field 资格类型代码 (regulator-report.md).
QUALIFICATION_CNCA_CODES: dict[Qualification, str] = {
    Qualification.senior: "01",
    Qualification.auditor: "02",
    Qualification.trainee: "03",
    Qualification.expert: "04",
}
# Registered with the national registrar (CCAA): a registration number and an expiry date.
REGISTERED = frozenset({Qualification.senior, Qualification.auditor, Qualification.trainee})
# May lead an audit team (组长); a trainee audits under such a leader.
MAY_LEAD = frozenset({Qualification.senior, Qualification.auditor})
# Must hold the case's competence area to be assigned; a trainee learns under a leader who holds it.
NEEDS_AREA = frozenset({Qualification.senior, Qualification.auditor, Qualification.expert})


# -- declared interests (利益冲突申报) -------------------------------------------------------------
class InterestKind(StrEnum):
    former_employee = "former_employee"  # 曾受雇
    consultant = "consultant"  # 提供过咨询
    family = "family"  # 亲属关系
    financial = "financial"  # 经济利益
    competing = "competing"  # 竞争关系


INTEREST_KIND_LABELS: dict[InterestKind, tuple[str, str]] = {
    InterestKind.former_employee: ("曾受雇于该组织", "former employee"),
    InterestKind.consultant: ("为该组织提供过咨询", "consultant"),
    InterestKind.family: ("亲属在该组织任职", "family member"),
    InterestKind.financial: ("在该组织有经济利益", "financial interest"),
    InterestKind.competing: ("从事与该组织竞争的业务", "competing business"),
}


class Risk(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


RISK_LABELS: dict[Risk, tuple[str, str]] = {
    Risk.low: ("低", "low"),
    Risk.medium: ("中", "medium"),
    Risk.high: ("高", "high"),
}

# How long after a consultancy ended its consultant may not evaluate or decide on the organisation
# (the IAF rule; the body's setting `consultancy_cooling_years` may make it longer, never shorter).
CONSULTANCY_COOLING_YEARS = 2


# -- witnessed audits (见证评价) -------------------------------------------------------------------
class WitnessOutcome(StrEnum):
    competent = "competent"
    not_competent = "not_competent"


WITNESS_OUTCOME_LABELS: dict[WitnessOutcome, tuple[str, str]] = {
    WitnessOutcome.competent: ("胜任", "competent"),
    WitnessOutcome.not_competent: ("尚不胜任", "not yet competent"),
}


E = TypeVar("E", bound=StrEnum)


def parse_code(kind: type[E], value: object, code: str, what: str, zh: str) -> E:
    """`value` as a member of `kind`, or a refusal listing the codes there are."""
    try:
        return kind(str(value).strip())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise Refused(
            code,
            f"{what} must be one of {allowed}, not {value!r}",
            f"{zh}必须是 {allowed} 之一，不能是 {value!r}",
        ) from None


def parse_qualification(value: object) -> Qualification:
    return parse_code(Qualification, value, "bad_qualification", "the qualification", "资格类型")


def parse_interest_kind(value: object) -> InterestKind:
    return parse_code(InterestKind, value, "bad_interest_kind", "the kind of interest", "利益关系类型")


def parse_risk(value: object) -> Risk:
    return parse_code(Risk, value, "bad_risk", "the risk", "风险等级")


def parse_witness_outcome(value: object) -> WitnessOutcome:
    return parse_code(WitnessOutcome, value, "bad_outcome", "the outcome", "见证结论")


# -- identity documents (证件) -----------------------------------------------------------------------
@dataclass(frozen=True)
class IdType:
    code: str
    zh: str
    en: str
    pattern: str
    check: str | None = None  # "resident_id": the GB 11643 check character

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def load_id_types(path: Path) -> dict[str, IdType]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    types: dict[str, IdType] = {}
    for entry in raw["id_types"]:
        code = str(entry["code"])
        if code in types:
            raise ValueError(f"{path}: identity document type {code} is listed twice")
        check = entry.get("check")
        if check not in (None, "resident_id"):
            raise ValueError(f"{path}: unknown check {check!r} for type {code}")
        re.compile(str(entry["pattern"]))
        types[code] = IdType(code, str(entry["zh"]), str(entry["en"]), str(entry["pattern"]), check)
    return types


_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"


def resident_id_check_character(first17: str) -> str:
    """The 18th character of a resident identity number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    return _RESIDENT_CHECK[sum(int(d) * w for d, w in zip(first17, _RESIDENT_WEIGHTS, strict=True)) % 11]


def check_id_number(id_type: IdType, number: str) -> str:
    """The number normalised (no spaces, upper case) or a refusal saying what is wrong with it.

    The refusal never repeats the number itself: it may end up in a log or on a screen."""
    text = re.sub(r"\s+", "", number or "").upper()
    if not re.fullmatch(id_type.pattern, text):
        raise Refused(
            "bad_id_number",
            f"the number is not a valid {id_type.en} number ({len(text)} characters)",
            f"证件号码不符合{id_type.zh}号码的格式（{len(text)} 位）",
        )
    if id_type.check == "resident_id":
        try:
            date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise Refused(
                "bad_id_number",
                "the resident identity number holds no valid date of birth",
                "居民身份证号码中的出生日期无效",
            ) from None
        if resident_id_check_character(text[:17]) != text[17]:
            raise Refused(
                "bad_id_number",
                "the resident identity number's check character is wrong (a digit mistyped?)",
                "居民身份证号码的校验码不对（是否有数字输错？）",
            )
    return text


def mask_id_number(number: str | None) -> str:
    """An identity number as it is shown everywhere: the first and last few characters only."""
    if not number:
        return ""
    keep = min(4, len(number) // 4)
    if keep == 0:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


_REGISTRATION = re.compile(r"[A-Z0-9][A-Z0-9/-]{2,63}")


def check_registration_no(text: str | None) -> str | None:
    """A CCAA registration number (or an expert's staff number) normalised — no spaces, upper case —
    None when empty, or a refusal."""
    value = re.sub(r"\s+", "", text or "").upper()
    if not value:
        return None
    if not _REGISTRATION.fullmatch(value):
        raise Refused(
            "bad_registration_no",
            "a registration number is 3–64 letters, digits, '-' or '/'",
            "注册号应为 3–64 位字母、数字、“-”或“/”",
        )
    return value


# -- dates -------------------------------------------------------------------------------------------
def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# -- the annual declaration --------------------------------------------------------------------------
@dataclass(frozen=True)
class DeclarationText:
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    sha256: str  # of the file: what a signature points at

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_zh


def load_declaration_text(path: Path) -> DeclarationText:
    data = Path(path).read_bytes()
    raw = yaml.safe_load(data.decode("utf-8"))
    return DeclarationText(
        str(raw["title"]["zh"]),
        str(raw["title"]["en"]),
        str(raw["text"]["zh"]).strip(),
        str(raw["text"]["en"]).strip(),
        hashlib.sha256(data).hexdigest(),
    )


# -- what the rules read ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Interest:
    """One declared interest of a person in an organisation (by its credit code)."""

    id: int
    kind: InterestKind
    credit_code: str
    start: date
    end: date | None  # None: still holds
    risk: Risk
    mitigation: str | None = None
    approved_by: str | None = None  # who approved the mitigation (a medium risk needs it)

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def cooling_until(self, years: int) -> date | None:
        """For a consultancy: the first day its consultant may evaluate or decide again (None while it
        lasts). Other kinds have no cooling period."""
        if self.kind is not InterestKind.consultant or self.end is None:
            return None
        return add_years(self.end, years)

    def bars_on(self, day: date, cooling_years: int) -> bool:
        """Whether this consultancy still bars its consultant on `day` (lasting, or ended within the
        cooling period)."""
        if self.kind is not InterestKind.consultant or self.start > day:
            return False
        until = self.cooling_until(cooling_years)
        return until is None or day < until


@dataclass(frozen=True)
class Standing:
    """One person's standing toward one case on one day: what the impartiality and competence rules
    of the policy table read. Built by the services from the person's records and the case."""

    name: str
    on: date
    declared: bool  # signed the annual impartiality declaration for `on.year`
    label: str = ""  # how refusals name the person ("王芳 (wangfang)"); the name when empty
    interests: tuple[Interest, ...] = ()  # the declared interests in the case's organisation
    qualification: Qualification | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    areas: frozenset[str] = field(default_factory=frozenset)
    case_areas: frozenset[str] = field(default_factory=frozenset)  # the case's rubric id and enterprise type
    cooling_years: int = CONSULTANCY_COOLING_YEARS

    @classmethod
    def unchecked(cls, name: str, on: date) -> Standing:
        """A standing that passes the impartiality rules: for asking the policy about the role alone,
        when there is no case (the window's menus)."""
        return cls(name, on, declared=True)
