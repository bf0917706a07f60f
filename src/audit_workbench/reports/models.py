"""The report models: what a service prepares and a renderer turns into PDF, XLSX or CSV bytes.

Plain frozen dataclasses of ``str``, ``Decimal``, ``date`` and tuples (the score sheet also carries
the core ``Rubric``), so a service can fill them from its query results without knowing anything of
the renderers. Every value a document shows is in here — including the date of the document — so
rendering the same model twice gives the same bytes.

Ids (grade, certificate status, decision, enterprise type, nonconformity status) stay ids: the
renderers translate them into the chosen language. Free text (names, addresses, notes) is printed
as given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a batch worker prints certificates without loading pydantic and the rubric models
    from audit_workbench.core.rubric import Rubric

STANDARD_LINE_ZH = "GB/T 27922-2011 商品售后服务评价体系"
STANDARD_LINE_EN = "GB/T 27922-2011 Commodity after-sales service evaluation system"
GRADE_STARS: dict[str, int] = {"five_star": 5, "four_star": 4, "three_star": 3, "qualified": 0}
"""Stars printed on a certificate for each grade id (达标级 has none)."""


# -- certificate ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CertificateDoc:
    body_name: str  # 认证机构名称
    body_address: str
    number: str  # 证书编号
    organization: str  # 获证组织名称
    credit_code: str  # 统一社会信用代码
    address: str
    scope: str  # 认证范围 (the goods and services covered)
    grade: str  # grade id: five_star, four_star, three_star, qualified
    grade_label_zh: str  # 五星级
    grade_label_en: str  # Five-star
    stars: int  # 5, 4, 3; 0 for 达标级
    issued_on: date
    expires_on: date
    rubric_id: str
    qr_payload: str  # AWB1.<data>.<sig>, see core.certsig
    standard_line: str = STANDARD_LINE_ZH
    standard_line_en: str = STANDARD_LINE_EN
    # Optional English forms, printed on the English certificate when given.
    body_name_en: str = ""
    organization_en: str = ""
    address_en: str = ""
    scope_en: str = ""
    body_address_en: str = ""
    seal_image: bytes | None = None  # PNG/JPEG of the body's seal, printed over the seal area
    signature_image: bytes | None = None  # PNG/JPEG of the authorised signatory's signature
    signatory: str = ""  # 授权签字人 name, printed under the signature line
    surveillance_note: str = ""  # empty: the standard note in the document's language
    verify_url: str = ""  # where the register can be queried, printed under the QR caption
    # The certificate's status on the document's date: anything but "valid" (suspended, withdrawn,
    # expired, superseded) is printed as a mark across the page.
    status: str = "valid"
    reissued_on: date | None = None  # printed as 换证日期 after a certificate change


# -- score sheet ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorRow:
    """One indicator's result as scored so far (points None: not scored yet)."""

    code: str
    points: Decimal | None = None
    not_applicable: bool = False
    reason: str = ""  # why it is not applicable (删减理由)
    note: str = ""  # the auditor's note
    evidence_count: int = 0


@dataclass(frozen=True)
class NonconformityRow:
    number: str  # e.g. NC-01
    description: str
    indicator_code: str = ""  # empty for a nonconformity not tied to one indicator
    special_deduction: bool = False  # raised by a special deduction item (特别扣分项)
    corrective_action: str = ""
    verification: str = ""  # how the rectification was verified, and by whom
    status: str = "open"  # open, rectified, verified, closed (translated when printed)
    raised_on: date | None = None
    due_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True)
class ScoreSheetDoc:
    case_no: str
    organization: str
    rubric: Rubric
    rubric_id: str
    rubric_sha256: str
    rows: tuple[IndicatorRow, ...]
    exported_at: datetime
    exported_by: str
    special_deductions: tuple[str, ...] = ()  # one reason per special deduction item
    bonus_reason: str | None = None  # the special bonus item (特别加分项), if granted
    nonconformities: tuple[NonconformityRow, ...] = ()
    body_name: str = ""


# -- audit report -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryRow:
    code: str
    name_zh: str
    name_en: str
    max_points: Decimal  # full maximum of the category
    applicable_max: Decimal  # maximum without the not-applicable indicators
    earned: Decimal

    @property
    def percent(self) -> Decimal | None:
        if self.applicable_max <= 0:
            return None
        return self.earned / self.applicable_max * 100


@dataclass(frozen=True)
class ReportIndicatorRow:
    code: str
    name_zh: str
    name_en: str
    max_points: Decimal
    points: Decimal | None = None
    not_applicable: bool = False
    note: str = ""  # the auditor's note, or the reason it is not applicable
    evidence_count: int = 0


@dataclass(frozen=True)
class ScoreTotals:
    earned: Decimal
    applicable_max: Decimal
    base: Decimal  # earned ÷ applicable maximum × 100
    deductions: Decimal  # points taken off by special deduction items
    bonus: Decimal
    total: Decimal
    passed: bool
    grade_label_zh: str = ""  # empty when not passed
    grade_label_en: str = ""
    deduction_count: int = 0
    deduction_reasons: tuple[str, ...] = ()
    bonus_reason: str = ""


@dataclass(frozen=True)
class CommitteeVoteRow:
    member: str
    decision: str  # approve, lower, return, reject (translated when printed)
    comment: str = ""
    voted_on: date | None = None
    grade_label: str = ""  # for "lower": the grade voted for, already in the document's language


@dataclass(frozen=True)
class AuditReportDoc:
    body_name: str
    case_no: str
    organization: str
    credit_code: str
    address: str
    scope: str
    enterprise_type: str  # production or sales (translated when printed)
    rubric_id: str
    rubric_title_zh: str
    rubric_title_en: str
    team_leader: str
    team_members: tuple[str, ...]
    report_date: date  # the date printed on the report
    categories: tuple[CategoryRow, ...]
    indicators: tuple[ReportIndicatorRow, ...]
    totals: ScoreTotals
    audit_start: date | None = None
    audit_end: date | None = None
    document_review_on: date | None = None
    document_review_findings: tuple[str, ...] = ()
    nonconformities: tuple[NonconformityRow, ...] = ()
    conclusion: str = ""
    recommended_grade_label: str = ""  # in the document's language
    committee_decision: str = ""  # approve, lower, return, reject; empty while pending
    committee_grade_label: str = ""  # the grade decided, in the document's language
    committee_decided_on: date | None = None
    committee_votes: tuple[CommitteeVoteRow, ...] = field(default=())
    rubric_sha256: str = ""
    log_anchor: str = ""  # SEQ:HASH, the head of the event log when the report was made


# -- register ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterRow:
    number: str
    organization: str
    credit_code: str
    grade_label: str
    scope: str
    issued_on: date
    expires_on: date
    status: str  # valid, suspended, withdrawn, expired, superseded (translated when printed)
    next_surveillance: date | None = None
