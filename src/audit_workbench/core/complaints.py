"""Complaints (投诉) and appeals (申诉) as ISO/IEC 17065 §7.13 asks a certification body to handle them:
the kinds, states and outcomes with their words, and the independence rules — who may investigate a
complaint, who may sit on an appeal panel — as denials the services raise and the window shows.

Who "took part" in a case is computed by the services (services/complaints.py `case_participants`)
and handed in here as a set of user names."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from .errors import Refused
from .policy import Denial

Label = tuple[str, str]  # (zh, en)
E = TypeVar("E", bound=StrEnum)


class ComplaintKind(StrEnum):
    audit_conduct = "audit_conduct"
    auditor_behaviour = "auditor_behaviour"
    certification_decision = "certification_decision"
    certificate_misuse = "certificate_misuse"
    other = "other"


class ComplaintState(StrEnum):
    received = "received"
    acknowledged = "acknowledged"
    investigated = "investigated"  # an investigator is on it
    resolved = "resolved"
    closed = "closed"


class AppealSubject(StrEnum):
    """The decision appealed against."""

    refusal = "refusal"
    grade = "grade"
    suspension = "suspension"
    withdrawal = "withdrawal"


class AppealState(StrEnum):
    received = "received"
    panel = "panel"  # a panel is appointed
    decided = "decided"


class AppealOutcome(StrEnum):
    upheld = "upheld"
    partly_upheld = "partly_upheld"
    rejected = "rejected"


COMPLAINT_KIND_LABELS: dict[ComplaintKind, Label] = {
    ComplaintKind.audit_conduct: ("评审过程", "audit conduct"),
    ComplaintKind.auditor_behaviour: ("评审员行为", "auditor behaviour"),
    ComplaintKind.certification_decision: ("认证决定", "certification decision"),
    ComplaintKind.certificate_misuse: ("证书滥用", "certificate misuse"),
    ComplaintKind.other: ("其他", "other"),
}
COMPLAINT_STATE_LABELS: dict[ComplaintState, Label] = {
    ComplaintState.received: ("已接收", "received"),
    ComplaintState.acknowledged: ("已确认收到", "acknowledged"),
    ComplaintState.investigated: ("调查中", "under investigation"),
    ComplaintState.resolved: ("已处理", "resolved"),
    ComplaintState.closed: ("已关闭", "closed"),
}
APPEAL_SUBJECT_LABELS: dict[AppealSubject, Label] = {
    AppealSubject.refusal: ("不予认证决定", "refusal"),
    AppealSubject.grade: ("认证等级", "grade"),
    AppealSubject.suspension: ("暂停证书", "suspension"),
    AppealSubject.withdrawal: ("撤销证书", "withdrawal"),
}
APPEAL_STATE_LABELS: dict[AppealState, Label] = {
    AppealState.received: ("已受理", "received"),
    AppealState.panel: ("申诉评议组审理中", "before the panel"),
    AppealState.decided: ("已决定", "decided"),
}
APPEAL_OUTCOME_LABELS: dict[AppealOutcome, Label] = {
    AppealOutcome.upheld: ("申诉成立", "upheld"),
    AppealOutcome.partly_upheld: ("申诉部分成立", "partly upheld"),
    AppealOutcome.rejected: ("申诉不成立", "rejected"),
}

# complaint action -> (states it may start from, state it leads to)
COMPLAINT_TRANSITIONS: dict[str, tuple[frozenset[ComplaintState], ComplaintState]] = {
    "acknowledge": (frozenset({ComplaintState.received}), ComplaintState.acknowledged),
    "assign": (
        frozenset({ComplaintState.received, ComplaintState.acknowledged, ComplaintState.investigated}),
        ComplaintState.investigated,
    ),
    "resolve": (frozenset({ComplaintState.investigated}), ComplaintState.resolved),
    "close": (frozenset({ComplaintState.resolved}), ComplaintState.closed),
}
COMPLAINT_ACTION_ZH = {"acknowledge": "确认收到", "assign": "指派调查人", "resolve": "处理", "close": "关闭"}


def parse(enum: type[E], value: str, what_en: str, what_zh: str) -> E:
    """The member of `enum` that `value` names, or a refusal that lists the allowed ones."""
    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise Refused(
            f"bad_{what_en.replace(' ', '_')}",
            f"the {what_en} must be one of {allowed}, not {value!r}",
            f"{what_zh}必须为 {allowed} 之一，不能为 {value!r}",
        ) from None


def complaint_state_denial(complaint_id: int, state: ComplaintState, action: str) -> Denial | None:
    allowed, _ = COMPLAINT_TRANSITIONS[action]
    if state in allowed:
        return None
    zh_state, en_state = COMPLAINT_STATE_LABELS[state]
    return Denial(
        "wrong_complaint_state",
        f"complaint {complaint_id} is {en_state}; cannot {action} it",
        f"投诉 {complaint_id} 状态为“{zh_state}”，不能{COMPLAINT_ACTION_ZH[action]}",
    )


def investigator_denial(investigator: str, participants: Iterable[str], case_no: str | None) -> Denial | None:
    """Why `investigator` may not investigate a complaint about case `case_no`: they took part in it."""
    if case_no is not None and investigator in set(participants):
        return Denial(
            "investigator_involved",
            f"{investigator} took part in case {case_no}, the matter of the complaint, so may not investigate it",
            f"{investigator}参与了本投诉涉及的案件 {case_no}，不能担任调查人",
        )
    return None


def panel_denial(members: Iterable[str], participants: Iterable[str], case_no: str) -> Denial | None:
    """Why this panel may not decide an appeal on case `case_no`: a member took part in its evaluation
    or decision (audit team, document review, committee vote), or the panel is empty or repeats a name."""
    names = list(members)
    if not names:
        return Denial(
            "empty_panel", "an appeal panel needs at least one member", "申诉评议组至少需要一名成员"
        )
    if len(set(names)) != len(names):
        return Denial("panel_repeats", "a panel names each member once", "评议组成员不能重复")
    took_part = set(participants)
    for name in names:
        if name in took_part:
            return Denial(
                "panel_member_involved",
                f"{name} took part in the evaluation or decision of case {case_no}, so may not sit on the "
                "panel of an appeal against it",
                f"{name}参与了案件 {case_no} 的评审或认证决定，不能担任该申诉的评议组成员",
            )
    return None


def decider_denial(actor: str, panel: Iterable[str], appeal_id: int) -> Denial | None:
    if actor not in set(panel):
        return Denial(
            "not_on_panel",
            f"only a member of the panel of appeal {appeal_id} may decide it",
            f"只有申诉 {appeal_id} 的评议组成员可以作出申诉决定",
        )
    return None
