"""The pipeline of a case and the life of a certificate: states and the transitions between them."""

from __future__ import annotations

from enum import StrEnum

from . import vocabulary


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


# The labels live in core/vocabulary.py (one place for the window, the CLI and the documents).
STATE_LABELS: dict[CaseState, tuple[str, str]] = vocabulary.by_enum("case_state", CaseState)

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


CERTIFICATE_STATE_LABELS: dict[CertificateState, tuple[str, str]] = vocabulary.by_enum(
    "certificate_state", CertificateState
)

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
