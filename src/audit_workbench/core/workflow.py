"""The pipeline of a case and the life of a certificate: states and the transitions between them."""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"
    document_review = "document_review"
    onsite_audit = "onsite_audit"
    committee_review = "committee_review"
    approved = "approved"
    certified = "certified"
    not_certified = "not_certified"


STATE_LABELS: dict[CaseState, tuple[str, str]] = {
    CaseState.draft: ("草稿", "Draft"),
    CaseState.submitted: ("已提交", "Submitted"),
    CaseState.accepted: ("已受理", "Accepted"),
    CaseState.rejected: ("不予受理", "Rejected"),
    CaseState.withdrawn: ("已撤回", "Withdrawn"),
    CaseState.document_review: ("文件审查", "Document review"),
    CaseState.onsite_audit: ("现场评审", "On-site audit"),
    CaseState.committee_review: ("评审委员会审查", "Committee review"),
    CaseState.approved: ("已批准", "Approved"),
    CaseState.certified: ("已发证", "Certified"),
    CaseState.not_certified: ("不予认证", "Not certified"),
}

# The main line of the pipeline, in order (for steppers and reports).
PIPELINE: tuple[CaseState, ...] = (
    CaseState.draft,
    CaseState.submitted,
    CaseState.accepted,
    CaseState.document_review,
    CaseState.onsite_audit,
    CaseState.committee_review,
    CaseState.approved,
    CaseState.certified,
)

CLOSED_STATES = frozenset(
    {CaseState.rejected, CaseState.withdrawn, CaseState.certified, CaseState.not_certified}
)


class CaseKind(StrEnum):
    initial = "initial"  # 初次认证
    surveillance = "surveillance"  # 监督审核
    renewal = "renewal"  # 再认证


class CertificateState(StrEnum):
    valid = "valid"
    suspended = "suspended"
    withdrawn = "withdrawn"  # 撤销
    expired = "expired"
    superseded = "superseded"


CERTIFICATE_STATE_LABELS: dict[CertificateState, tuple[str, str]] = {
    CertificateState.valid: ("有效", "Valid"),
    CertificateState.suspended: ("暂停", "Suspended"),
    CertificateState.withdrawn: ("撤销", "Withdrawn"),
    CertificateState.expired: ("过期", "Expired"),
    CertificateState.superseded: ("已替代", "Superseded"),
}

# certificate action -> (states it may start from, state it leads to)
CERTIFICATE_TRANSITIONS: dict[str, tuple[frozenset[CertificateState], CertificateState]] = {
    "suspend": (frozenset({CertificateState.valid}), CertificateState.suspended),
    "restore": (frozenset({CertificateState.suspended}), CertificateState.valid),
    "withdraw": (frozenset({CertificateState.valid, CertificateState.suspended}), CertificateState.withdrawn),
}


class VoteDecision(StrEnum):
    approve = "approve"
    lower_ = "lower"  # not `lower`: that would shadow str.lower
    return_ = "return"
    reject = "reject"


class ReviewOutcome(StrEnum):
    pass_ = "pass"
    revise = "revise"
