"""Records that stay true: a row is checked against its own history before it is acted on.

A case's decisions are taken again from its events — each event checked against its hash and its
neighbours in the chain — and compared with the rows: the committee's votes and the grade they
decide, the recommended total the recorded scores give, the scores, the special items, the state.
A certificate's register row is compared with the payload its signature vouches for and with its
own events. What disagrees is a `Finding`, typed, naming the case or certificate and what differs.

Issuing, re-issuing, suspending, restoring and withdrawing a certificate refuse when any finding
stands (`refuse_on`); `certificate check` lists them for every certificate (`check_certificates`).
A further check joins by adding a function to `CERTIFICATE_CHECKS` (each takes the session and a
certificate and yields findings).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import Refused, language
from ..core.workflow import VoteDecision
from ..storage import events as chain
from ..storage import models as m
from .base import Services

# The scoring engine and the rubric models load when a case is replayed, the signature checks
# (cryptography, about 25 ms) when a certificate is checked: not at the window's start, whose
# dashboard names this module's findings.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ..core.rubric import Rubric
    from ..core.scoring import IndicatorEntry


class FindingKind(StrEnum):
    log_broken = "log_broken"  # an event of the record fails its hash or its place in the chain
    history_mismatch = "history_mismatch"  # a row disagrees with what its events decided
    payload_mismatch = "payload_mismatch"  # a register row disagrees with its signed payload
    signature_invalid = "signature_invalid"  # the payload is not signed by the body's key
    # every step of the certificate's chain taken by accounts one person created or granted within
    # 30 days (services.oversight): not a broken record, a concentration of power to look at
    one_hand_chain = "one_hand_chain"


@dataclass(frozen=True)
class Finding:
    """One disagreement between a record and its history or its signature."""

    kind: FindingKind
    certificate: str | None  # the certificate number it concerns, if any
    case_no: str | None  # the case it concerns, if any
    subject: str  # what disagrees: a column ("decided_grade"), "event 42", "signature"
    message_en: str
    message_zh: str

    def message(self, lang: str | None = None) -> str:
        return self.message_zh if (lang or language()) == "zh" else self.message_en


def refuse_on(findings: Sequence[Finding], doing_en: str, doing_zh: str) -> None:
    """Refuse (code `log_broken` or `history_mismatch`) when there is any finding, naming them all."""
    if not findings:
        return
    code = (
        FindingKind.log_broken.value
        if any(f.kind is FindingKind.log_broken for f in findings)
        else (FindingKind.history_mismatch.value)
    )
    raise Refused(
        code,
        f"{doing_en} refused: "
        + "; ".join(f.message_en for f in findings)
        + " (`certificate check` lists every disagreement; restore the record from a backup)",
        f"{doing_zh}被拒绝："
        + "；".join(f.message_zh for f in findings)
        + "（`certificate check` 列出全部不一致；请从备份恢复该记录）",
    )


# -- the events of one record ----------------------------------------------------------------------


def case_events(session: Session, case_no: str) -> list[m.Event]:
    """The events of a case and of its scores (entity ids `CASE_NO` and `CASE_NO/CODE`), in order."""
    session.flush()
    return list(
        session.scalars(
            select(m.Event)
            .where(
                (m.Event.entity_id == case_no)
                # "/" sorts just before "0": the range is every id that starts with "CASE_NO/"
                | ((m.Event.entity_id >= case_no + "/") & (m.Event.entity_id < case_no + "0"))
            )
            .order_by(m.Event.seq)
        )
    )


def certificate_events(session: Session, number: str) -> list[m.Event]:
    session.flush()
    return list(
        session.scalars(
            select(m.Event)
            .where(m.Event.entity == "certificate", m.Event.entity_id == number)
            .order_by(m.Event.seq)
        )
    )


def verify_events(
    session: Session, rows: Sequence[m.Event], *, case_no: str | None = None, certificate: str | None = None
) -> list[Finding]:
    """Each event recomputed from its fields, and linked to the events before and after it."""
    if not rows:
        return []
    wanted = {e.seq - 1 for e in rows} | {e.seq + 1 for e in rows}
    neighbours = {
        seq: (digest, prev)
        for seq, digest, prev in session.execute(
            select(m.Event.seq, m.Event.hash, m.Event.prev_hash).where(m.Event.seq.in_(sorted(wanted)))
        )
    }
    whose = f"case {case_no}" if case_no else f"certificate {certificate}"
    whose_zh = f"案件 {case_no}" if case_no else f"证书 {certificate}"
    found: list[Finding] = []

    def broken(event: m.Event, en: str, zh: str) -> None:
        found.append(
            Finding(
                FindingKind.log_broken,
                certificate,
                case_no,
                f"event {event.seq}",
                f"event {event.seq} ({event.action}) of {whose} {en}",
                f"{whose_zh} 的第 {event.seq} 号事件（{event.action}）{zh}",
            )
        )

    for event in rows:
        digest = chain.event_hash(
            event.seq,
            event.at,
            event.user_name,
            event.action,
            event.entity,
            event.entity_id,
            event.before,
            event.after,
            event.reason,
            event.prev_hash,
        )
        if digest != event.hash:
            broken(event, "was altered: its hash does not match its content", "被篡改：哈希值与内容不符")
            continue
        before = chain.GENESIS if event.seq == 1 else neighbours.get(event.seq - 1, (None, None))[0]
        if event.prev_hash != before:
            broken(event, "does not follow the event before it", "与前一事件不衔接")
        after = neighbours.get(event.seq + 1)
        if after is not None and after[1] != event.hash:
            broken(event, "is not the event the next one follows", "不是后一事件所衔接的事件")
    return found


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _entry(code: str, value: dict[str, Any]) -> IndicatorEntry:
    from ..core.scoring import IndicatorEntry

    return IndicatorEntry(
        code,
        _decimal(value.get("points")),
        bool(value.get("not_applicable")),
        str(value.get("reason") or ""),
        str(value.get("note") or ""),
        value.get("sampled"),
        value.get("nonconforming"),
    )


# -- what a case's log decided ---------------------------------------------------------------------


@dataclass
class CaseHistory:
    """A case's decisions as its log has them, taken again event by event."""

    case_no: str
    partial: bool = False  # the log starts with a package import: scores before it are not in it
    rubric_id: str | None = None
    rubric_sha256: str | None = None
    status: str | None = None
    entries: dict[str, IndicatorEntry] = field(default_factory=dict)
    specials: Counter[str] = field(default_factory=Counter)
    round: int = 1
    votes: dict[int, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    recommended_total: Decimal | None = None
    recommended_grade: str | None = None
    decided_grade: str | None = None
    # disagreements inside the log: a conclusion its scores do not give, a decision its votes do not
    findings: list[Finding] = field(default_factory=list)

    def _inside(self, subject: str, en: str, zh: str) -> None:
        self.findings.append(
            Finding(
                FindingKind.history_mismatch,
                None,
                self.case_no,
                subject,
                f"case {self.case_no}: {en}",
                f"案件 {self.case_no}：{zh}",
            )
        )


def replay_case(rows: Iterable[m.Event], case_no: str, rubric: Rubric | None) -> CaseHistory:
    """Take the case's decisions again from its events (`rubric` recomputes the totals; None: not)."""
    h = CaseHistory(case_no)
    for event in rows:
        after, before = _json(event.after), _json(event.before)
        if event.entity == "score":
            code = event.entity_id.split("/", 1)[1] if "/" in event.entity_id else ""
            if event.action == "score.clear" or not isinstance(after, dict):
                h.entries.pop(code, None)
            else:
                h.entries[code] = _entry(code, after)
            continue
        if event.entity != "case" or event.entity_id != case_no:
            continue
        action = event.action
        after = after if isinstance(after, dict) else {}
        before = before if isinstance(before, dict) else {}
        if action == "case.create":
            h.rubric_id = after.get("rubric_id")
            h.rubric_sha256 = after.get("rubric_sha256")
            h.status = after.get("status", "draft")
        elif action == "case.import":
            h.partial = True
        elif action == "special.add":
            h.specials[str(after.get("kind"))] += 1
        elif action == "special.remove":
            h.specials[str(before.get("kind"))] -= 1
        elif action == "special.import":
            value = after.get("value")
            if not before and isinstance(value, dict):
                h.specials[str(value.get("kind"))] += 1
            elif before and value is None:
                h.specials[str(before.get("kind"))] -= 1
        elif action == "committee.vote":
            round_ = int(after.get("round") or h.round)
            h.votes.setdefault(round_, []).append(
                (event.user_name, str(after.get("decision")), after.get("grade"))
            )
        elif action == "vote.import":
            value = after.get("value")
            if isinstance(value, dict):
                round_ = int(value.get("round") or h.round)
                h.votes.setdefault(round_, []).append(
                    (str(value.get("user")), str(value.get("decision")), value.get("grade"))
                )
        elif action in ("audit.conclude", "conclusion.import"):
            total = _decimal(after.get("total" if action == "audit.conclude" else "recommended_total"))
            grade = after.get("grade" if action == "audit.conclude" else "recommended_grade")
            if total is not None or action == "audit.conclude":
                _check_conclusion(h, rubric, event, total, grade)
                h.recommended_total, h.recommended_grade = total, grade
        elif action == "committee.decide":
            _check_decision(h, event, after)
        if "status" in after and isinstance(after["status"], str):
            h.status = after["status"]
    return h


def _check_conclusion(
    h: CaseHistory, rubric: Rubric | None, event: m.Event, total: Decimal | None, grade: str | None
) -> None:
    if rubric is None or h.partial:
        return
    from ..core.scoring import ScoringError, compute

    try:
        score = compute(rubric, h.entries, max(h.specials["deduction"], 0), max(h.specials["bonus"], 0))
    except ScoringError as exc:
        h._inside(
            f"event {event.seq}",
            f"the scores before its conclusion (event {event.seq}) cannot be totalled: {exc}",
            f"结论（第 {event.seq} 号事件）之前的评分无法计算总分：{exc}",
        )
        return
    got_grade = score.grade.value if score.grade else None
    if score.total != total or got_grade != grade:
        h._inside(
            f"event {event.seq}",
            f"its conclusion (event {event.seq}) recorded {total} {grade or 'not passed'}, "
            f"but the scores recorded before it give {score.total} {got_grade or 'not passed'}",
            f"评审结论（第 {event.seq} 号事件）记录为 {total} {grade or '未通过'}，"
            f"但此前记录的评分计算为 {score.total} {got_grade or '未通过'}",
        )


def _check_decision(h: CaseHistory, event: m.Event, after: dict[str, Any]) -> None:
    from .committee import tally

    decision, grade = after.get("decision"), after.get("grade")
    votes = h.votes.get(h.round, [])
    try:
        counted = [(VoteDecision(d), g) for _, d, g in votes]
    except ValueError:
        counted = []
    if counted:
        outcome, lowered = tally(counted)
        expected = (
            h.recommended_grade
            if outcome is VoteDecision.approve
            else lowered
            if outcome is VoteDecision.lower_
            else None
        )
        if outcome.value != decision or (
            outcome in (VoteDecision.approve, VoteDecision.lower_) and expected != grade
        ):
            h._inside(
                f"event {event.seq}",
                f"its committee decision (event {event.seq}) reads {decision} {grade or ''}".rstrip()
                + f", but the votes of round {h.round} give {outcome.value} {expected or ''}".rstrip(),
                f"评审委员会决定（第 {event.seq} 号事件）为 {decision} {grade or ''}".rstrip()
                + f"，但第 {h.round} 轮表决结果为 {outcome.value} {expected or ''}".rstrip(),
            )
    else:
        h._inside(
            f"event {event.seq}",
            f"its committee decision (event {event.seq}) has no votes of round {h.round} before it",
            f"评审委员会决定（第 {event.seq} 号事件）之前没有第 {h.round} 轮的表决",
        )
    if decision == VoteDecision.return_.value:
        h.round += 1
        h.recommended_total = h.recommended_grade = h.decided_grade = None
    elif decision in (VoteDecision.approve.value, VoteDecision.lower_.value):
        h.decided_grade = grade
    else:
        h.decided_grade = None


def _differs(
    found: list[Finding], case_no: str, subject: str, row: object, log: object, en: str, zh: str
) -> None:
    if row == log:
        return
    shown_row = "—" if row is None else row
    shown_log = "—" if log is None else log
    found.append(
        Finding(
            FindingKind.history_mismatch,
            None,
            case_no,
            subject,
            f"case {case_no}: {en} is {shown_row} in its record, but {shown_log} in its log",
            f"案件 {case_no}：{zh}在记录中为 {shown_row}，但日志中为 {shown_log}",
        )
    )


def check_case(services: Services, session: Session, case: m.Case) -> list[Finding]:
    """Every disagreement between the case's rows and its verified log (empty: they agree)."""
    return case_history(services, session, case)[1]


def case_history(
    services: Services, session: Session, case: m.Case
) -> tuple[CaseHistory | None, list[Finding]]:
    """What the case's verified log decided (None when the log itself is altered) and every
    disagreement of the case's rows with it."""
    rows = case_events(session, case.case_no)
    found = verify_events(session, rows, case_no=case.case_no)
    if found:
        return None, found  # an altered log decides nothing
    try:
        rubric: Rubric | None = services.rubrics.get(case.rubric_id).rubric
    except KeyError:
        rubric = None
    h = replay_case(rows, case.case_no, rubric)
    found.extend(h.findings)
    no = case.case_no
    if not h.partial:
        _differs(found, no, "rubric_id", case.rubric_id, h.rubric_id, "the rubric", "评价规则")
        if h.rubric_sha256 is not None:
            _differs(
                found,
                no,
                "rubric_sha256",
                case.rubric_sha256,
                h.rubric_sha256,
                "the rubric file's hash",
                "评价规则文件哈希",
            )
    if h.status is not None:
        _differs(found, no, "status", case.status, h.status, "the state", "状态")
    _differs(
        found, no, "committee_round", case.committee_round, h.round, "the committee round", "评审委员会轮次"
    )
    _differs(
        found,
        no,
        "recommended_total",
        case.recommended_total,
        h.recommended_total,
        "the recommended total",
        "推荐总分",
    )
    _differs(
        found,
        no,
        "recommended_grade",
        case.recommended_grade,
        h.recommended_grade,
        "the recommended grade",
        "推荐等级",
    )
    _differs(found, no, "decided_grade", case.decided_grade, h.decided_grade, "the decided grade", "决定等级")
    votes = Counter(
        (v.user.name, v.decision, v.grade)
        for v in session.scalars(
            select(m.CommitteeVote).where(
                m.CommitteeVote.case_id == case.id, m.CommitteeVote.round == case.committee_round
            )
        )
    )
    logged = Counter(h.votes.get(case.committee_round, []))
    if votes != logged:
        _differs(
            found,
            no,
            "votes",
            _votes_text(votes),
            _votes_text(logged),
            f"the votes of round {case.committee_round}",
            f"第 {case.committee_round} 轮表决",
        )
    if not h.partial:
        stored = {
            s.code: (s.points, s.not_applicable)
            for s in session.scalars(select(m.IndicatorScore).where(m.IndicatorScore.case_id == case.id))
        }
        for code in sorted(set(stored) | set(h.entries), key=_code_key):
            entry = h.entries.get(code)
            _differs(
                found,
                no,
                f"score {code}",
                _score_text(stored.get(code)),
                _score_text((entry.points, entry.not_applicable) if entry else None),
                f"the score of {code}",
                f"指标 {code} 的评分",
            )
        kinds = Counter(
            session.scalars(select(m.SpecialItem.kind).where(m.SpecialItem.case_id == case.id)).all()
        )
        for kind, en, zh in (
            ("deduction", "special deductions", "特别扣分项数"),
            ("bonus", "special bonus items", "特别加分项数"),
        ):
            _differs(
                found, no, f"special {kind}", kinds[kind], max(h.specials[kind], 0), f"the number of {en}", zh
            )
    return h, found


def _code_key(code: str) -> list[int]:
    try:
        return [int(p) for p in code.split(".")]
    except ValueError:
        return [1 << 30]


def _score_text(value: tuple[Decimal | None, bool] | None) -> str | None:
    if value is None:
        return None
    points, not_applicable = value
    if not_applicable:
        return "N/A"
    return None if points is None else format(Decimal(points).normalize(), "f")


def _votes_text(votes: Counter[tuple[str, str, str | None]]) -> str:
    return (
        ", ".join(
            f"{u} {d}{' ' + g if g else ''}" for (u, d, g), n in sorted(votes.items()) for _ in range(n)
        )
        or "none"
    )


# -- a certificate: its signed payload and its own events -----------------------------------------


# How a finding names a certificate's columns in Chinese.
COLUMN_ZH = {
    "number": "证书编号",
    "organization": "组织名称",
    "organization_name": "组织名称",
    "credit_code": "统一社会信用代码",
    "grade": "认证等级",
    "issued_on": "颁证日期",
    "expires_on": "有效期至",
    "rubric_id": "评价规则",
    "reissued_on": "换证日期",
    "address": "地址",
    "organization_address": "地址",
    "status": "状态",
}


def check_certificate_record(
    session: Session, cert: m.Certificate, keys: Sequence[Ed25519PublicKey]
) -> list[Finding]:
    """The register row against the payload its signature vouches for, and against its events."""
    from ..core import certsig

    number = cert.number
    found: list[Finding] = []

    def add(kind: FindingKind, subject: str, en: str, zh: str) -> None:
        found.append(
            Finding(kind, number, None, subject, f"certificate {number}: {en}", f"证书 {number}：{zh}")
        )

    claims = None
    problem = "no signing key" if not keys else ""
    for key in keys:
        try:
            claims = certsig.verify_payload(key, cert.payload)
            break
        except certsig.SignatureInvalid as exc:
            problem = str(exc)
        except certsig.PayloadError as exc:
            problem = str(exc)
            break
    if claims is None:
        add(
            FindingKind.signature_invalid,
            "signature",
            f"its payload does not verify ({problem})",
            f"其签名数据无法验证（{problem}）",
        )
    else:
        row = {
            "number": cert.number,
            "organization": cert.organization_name,
            "credit_code": cert.organization.credit_code,
            "grade": cert.grade,
            "issued_on": cert.issued_on,
            "expires_on": cert.expires_on,
            "rubric_id": cert.rubric_id,
            "reissued_on": cert.reissued_on,
        }
        if claims.address is not None:
            row["address"] = cert.organization_address
        for name, value in row.items():
            signed = getattr(claims, name)
            if signed != value:
                add(
                    FindingKind.payload_mismatch,
                    name,
                    f"the register holds {name} {value}, its signed payload {signed}",
                    f"登记册中的{COLUMN_ZH.get(name, name)}为 {value}，签名数据中为 {signed}",
                )
    rows = certificate_events(session, number)
    broken = verify_events(session, rows, certificate=number)
    if broken:
        return found + broken
    logged: dict[str, object] = {}
    payload_sha: str | None = None
    for event in rows:
        after = _json(event.after)
        if not isinstance(after, dict):
            continue
        if event.action == "certificate.issue":
            for name in ("grade", "issued_on", "expires_on"):
                if name in after:
                    logged[name] = str(after[name])
            for name, column in (("organization", "organization_name"), ("address", "organization_address")):
                if name in after:
                    logged[column] = after[name]
            payload_sha = after.get("payload_sha256", payload_sha)
        elif event.action == "certificate.change":
            if "grade" in after:
                logged["grade"] = after["grade"]
            logged["organization_name"] = after.get("name", logged.get("organization_name"))
            logged["organization_address"] = after.get("address", logged.get("organization_address"))
            if "reissued_on" in after:
                logged["reissued_on"] = str(after["reissued_on"])
            payload_sha = after.get("payload_sha256", payload_sha)
        if isinstance(after.get("status"), str):
            logged["status"] = after["status"]
    for name, value in logged.items():
        stored = getattr(cert, name)
        stored_text = stored.isoformat() if hasattr(stored, "isoformat") else stored
        if stored_text != value:
            add(
                FindingKind.history_mismatch,
                name,
                f"the register holds {name} {stored_text}, its log {value}",
                f"登记册中的{COLUMN_ZH.get(name, name)}为 {stored_text}，日志中为 {value}",
            )
    if payload_sha is not None and hashlib.sha256(cert.payload.encode()).hexdigest() != payload_sha:
        add(
            FindingKind.history_mismatch,
            "payload",
            "its payload is not the one its log recorded issuing",
            "其签名数据不是日志记录颁发的那一份",
        )
    return found


def certificate_case_findings(services: Services, session: Session, cert: m.Certificate) -> list[Finding]:
    """The certificate's case checked against its log, and the certificate's grade against the
    grade that case's committee decided."""
    case = session.get(m.Case, cert.case_id)
    graded = session.scalar(
        select(m.CertificateChange.case_no)
        .where(m.CertificateChange.certificate_id == cert.id, m.CertificateChange.case_no.is_not(None))
        .order_by(m.CertificateChange.id.desc())
        .limit(1)
    )
    if graded is not None:  # a surveillance case gave the certificate its grade since
        case = session.scalar(select(m.Case).where(m.Case.case_no == graded))
    if case is None:
        return []
    found = [
        Finding(f.kind, cert.number, f.case_no, f.subject, f.message_en, f.message_zh)
        for f in check_case(services, session, case)
    ]
    if not found and case.decided_grade is not None and case.decided_grade != cert.grade:
        found.append(
            Finding(
                FindingKind.history_mismatch,
                cert.number,
                case.case_no,
                "grade",
                f"certificate {cert.number}: grade {cert.grade}, but case {case.case_no} decided {case.decided_grade}",
                f"证书 {cert.number}：等级为 {cert.grade}，但案件 {case.case_no} 决定的等级为 {case.decided_grade}",
            )
        )
    return found


CertificateCheck = Callable[
    [Services, Session, m.Certificate, Sequence["Ed25519PublicKey"]], Iterable[Finding]
]


def _record_check(
    services: Services, session: Session, cert: m.Certificate, keys: Sequence[Ed25519PublicKey]
) -> Iterable[Finding]:
    return check_certificate_record(session, cert, keys)


def _case_check(
    services: Services, session: Session, cert: m.Certificate, keys: Sequence[Ed25519PublicKey]
) -> Iterable[Finding]:
    return certificate_case_findings(services, session, cert)


# The checks `certificate check` runs on every certificate, in order.
CERTIFICATE_CHECKS: list[CertificateCheck] = [_record_check, _case_check]


def check_one(
    services: Services, session: Session, cert: m.Certificate, keys: Sequence[Ed25519PublicKey]
) -> list[Finding]:
    return [f for check in CERTIFICATE_CHECKS for f in check(services, session, cert, keys)]


def check_certificates(services: Services, numbers: Sequence[str] | None = None) -> Iterator[Finding]:
    """Every finding of every certificate (or of the named ones), certificate by certificate."""
    with services.read() as session:
        keys = services.certificates.public_keys(session)
        stmt = select(m.Certificate).order_by(m.Certificate.number)
        if numbers is not None:
            stmt = stmt.where(m.Certificate.number.in_(list(numbers)))
        for cert in session.scalars(stmt):
            yield from check_one(services, session, cert, keys)
