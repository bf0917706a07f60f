"""Certificates: issue with a signed QR payload, the register, suspension, restoration, withdrawal,
and re-issue after a certificate change.

Before a certificate is issued, re-issued, suspended, restored or withdrawn, its case and its own
register row are checked against their history (services.records): a row edited behind the
services' back is refused and named, never signed or acted on.

Signing uses the certification body's key, kept by services/keys.py (a copy of the database alone
cannot sign); each issue also appends a signed checkpoint of the event log.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from ..core import certsig, vocabulary
from ..core.datafiles import resources_dir
from ..core.errors import NotFound, Refused
from ..core.policy import Action, require
from ..core.statusreasons import StatusReasons, load_status_reasons
from ..core.text import CODE
from ..core.workflow import CERTIFICATE_TRANSITIONS, CaseKind, CaseState, CertificateState
from ..storage import models as m
from . import keys, records
from .base import SYSTEM, Actor, Services, Tx
from .checks import line
from .checks import reason as _reason
from .participation import relation_ever
from .settings import MAX_SUSPENSION_MONTHS
from .views import (
    CertificateView,
    certificate_view,
    effective_certificate_status,
    get_case_row,
    sweep_due,
)

# The signing key's custody lives in services/keys.py; these names stay importable from here.
DATABASE_ID_KEY = keys.DATABASE_ID_KEY
PRIVATE_KEY_KEY = keys.PRIVATE_KEY_KEY
keys_dir = keys.keys_dir


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def surveillance_due(counted_from: date, expires_on: date, completed: int) -> date | None:
    """The next annual surveillance of a certificate that has `completed` certified surveillance
    audits: the next anniversary of the day its clock counts from (its certification decision or
    its issue, `certificates.surveillance_from`), or None when that is not before its expiry (the
    computation of services.views.next_surveillance, without the status)."""
    due = add_years(counted_from, completed + 1)
    return due if due < expires_on else None


def decision_day(session, case: m.Case) -> date | None:  # type: ignore[no-untyped-def]
    """The day of the case's last certification decision in its log (None: none recorded here,
    e.g. a case whose decision came in a package)."""
    at = session.scalar(
        select(m.Event.at)
        .where(
            m.Event.entity == "case", m.Event.entity_id == case.case_no, m.Event.action == "committee.decide"
        )
        .order_by(m.Event.seq.desc())
        .limit(1)
    )
    return None if at is None else date.fromisoformat(str(at)[:10])  # ISO-8601 UTC text


def refresh_next_surveillance(session, cert: m.Certificate) -> None:  # type: ignore[no-untyped-def]
    """Store `certificates.next_surveillance_on` from the certified surveillance cases now recorded."""
    completed = (
        session.scalar(
            select(func.count())
            .select_from(m.Case)
            .where(
                m.Case.parent_certificate_id == cert.id,
                m.Case.kind == CaseKind.surveillance.value,
                m.Case.status == CaseState.certified.value,
            )
        )
        or 0
    )
    due = surveillance_due(cert.surveillance_from or cert.issued_on, cert.expires_on, completed)
    if cert.next_surveillance_on != due:
        cert.next_surveillance_on = due


def payload_sha256(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class SweepRule:
    """The rules of the surveillance clock, as recorded on the events they write."""

    expired = "expired"  # past its expiry: marked expired
    suspension_ended = "suspension_ended"  # suspended past its end, unresolved: withdrawn
    surveillance_overdue = "surveillance_overdue"  # its surveillance is overdue: suspended


# How many certificates one transaction of the surveillance sweep handles (see `sweep`).
SWEEP_BATCH = 200


@dataclass(frozen=True)
class SweepAction:
    """What the surveillance clock did (or, in a dry run, would do) to one certificate."""

    number: str
    organization: str
    rule: str  # a SweepRule
    before: str  # the status before
    after: str  # the status after; "" when skipped
    due_on: date  # the date the rule looked at: the expiry, the suspension's end, the surveillance due
    reason_code: str | None = None
    until: date | None = None  # the end of a suspension it made
    skipped: str = ""  # why it was not done: the record disagrees with its history


@dataclass(frozen=True)
class SweepResult:
    on: date
    dry_run: bool
    actions: tuple[SweepAction, ...]


@dataclass(frozen=True)
class Verification:
    valid: bool
    reason: str
    claims: certsig.CertificateClaims | None
    status: str | None  # the certificate's status; "superseded" for a payload a change replaced
    superseded_on: date | None = None  # when a certificate change replaced this payload
    change_kind: str | None = None  # the change's 变更类别 code


CHANGE_ZH = {"suspend": "暂停", "restore": "恢复", "withdraw": "撤销"}


def _surveillance_passed(tx: Tx, case: m.Case, cert: m.Certificate) -> None:
    """A surveillance case certified under its certificate: the case closes as certified and the
    certificate's next surveillance moves on a year (this audit covers it), both recorded."""
    before = case.status
    case.status = CaseState.certified.value
    case.updated_at = tx.now
    tx.session.flush()
    refresh_next_surveillance(tx.session, cert)
    tx.session.flush()
    tx.record("certificate.surveillance_passed", "certificate", cert.number, after={"case": case.case_no})
    tx.record(
        "case.certify",
        "case",
        case.case_no,
        before={"status": before},
        after={"status": case.status, "certificate": cert.number},
    )


class CertificateService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- keys (kept in services/keys.py) -------------------------------------------------------------
    def ensure_keys(self, tx: Tx | None = None) -> None:
        """Make the body's key pair if it has none (done by `init` and `demo`)."""
        self.s.keys.ensure(tx)

    def public_keys(self, session) -> builtins.list[Ed25519PublicKey]:  # type: ignore[no-untyped-def]
        """Every key a payload of this body may be signed with (earlier keys too, after a rotation)."""
        return builtins.list(self.s.keys.public_keys(session).values())

    def public_key_pem(self) -> bytes:
        """The body's current public key (PEM)."""
        return self.s.keys.public_key_pem()  # type: ignore[no-any-return]

    def _private_key(self, session):  # type: ignore[no-untyped-def]
        return self.s.keys.private_key(session)

    # -- issue ------------------------------------------------------------------------------------
    def issue(self, actor: Actor, case_no: str) -> CertificateView:
        with self.s.tx(actor) as tx:
            case = get_case_row(tx.session, case_no, lock=True)
            require(
                Action.issue_certificate,
                tx.roles(),
                CaseState(case.status),
                relation_ever(tx.session, case, actor.id),
            )
            if not case.decided_grade:
                raise Refused(
                    "no_grade", f"case {case_no} has no decided grade", f"案件 {case_no} 没有决定等级"
                )
            parent = (
                tx.session.get(m.Certificate, case.parent_certificate_id)
                if case.parent_certificate_id
                else None
            )
            # What is signed is what the case's verified log decided, not what its row says.
            history, findings = records.case_history(self.s, tx.session, case)
            if parent is not None:
                findings += records.check_certificate_record(tx.session, parent, self.public_keys(tx.session))
            records.refuse_on(
                findings, f"issuing the certificate of case {case_no}", f"颁发案件 {case_no} 的证书"
            )
            assert history is not None  # an altered log was refused above
            grade = history.decided_grade
            if not grade:
                raise Refused(
                    "no_grade",
                    f"case {case_no}'s log decides no grade",
                    f"案件 {case_no} 的日志中没有决定等级",
                )
            settings = self.s.settings.all(tx.session)
            today = tx.now.date()
            if case.kind == CaseKind.surveillance and parent is not None and parent.grade == grade:
                # A surveillance audit that confirms the grade keeps the certificate: no new number.
                _surveillance_passed(tx, case, parent)
                return certificate_view(tx.session, parent, today)
            if (
                case.kind == CaseKind.surveillance
                and parent is not None
                and effective_certificate_status(parent, today)
                in (CertificateState.valid, CertificateState.suspended)
            ):
                # A new grade at surveillance: the certificate re-issued under its number and cycle,
                # a recorded certificate change (the committee's decision is the reason).
                self.reissue(
                    tx,
                    parent,
                    name=parent.organization_name,
                    address=parent.organization_address,
                    kind=self.s.change_kinds.grade_change,
                    reason=f"监督审核 {case_no} 后评审委员会决定等级由 {parent.grade} 变更为 {grade} / "
                    f"grade changed from {parent.grade} to {grade} by the committee after surveillance {case_no}",
                    effective_on=today,
                    grade=grade,
                    case_no=case_no,
                )
                _surveillance_passed(tx, case, parent)
                self.s.log.append_checkpoint(tx)
                return certificate_view(tx.session, parent, today)
            basis = str(settings["surveillance_basis"])
            counted_from = decision_day(tx.session, case) if basis == "decision" else None
            if counted_from is None or counted_from > today:
                basis, counted_from = "issue", today  # no decision in this log: counted from the issue
            year = today.year
            seq = (
                tx.session.scalar(select(func.max(m.Certificate.sequence)).where(m.Certificate.year == year))
                or 0
            ) + 1
            number = str(settings["certificate_number_pattern"]).format(year=year, seq=seq)
            expires = add_years(today, int(settings["validity_years"])) - timedelta(days=1)
            if case.kind == CaseKind.surveillance and parent is not None:
                expires = parent.expires_on  # a re-issue after surveillance keeps the cycle's expiry
            org = case.organization
            claims = certsig.CertificateClaims(
                number=number,
                organization=org.name,
                credit_code=org.credit_code,
                grade=grade,
                issued_on=today,
                expires_on=expires,
                rubric_id=case.rubric_id,
                body_name=str(settings["body_name"]),
                address=org.address,
            )
            payload = self._sign(tx.session, claims)
            cert = m.Certificate(
                number=number,
                year=year,
                sequence=seq,
                case_id=case.id,
                organization_id=case.organization_id,
                grade=grade,
                rubric_id=case.rubric_id,
                scope=case.scope,
                issued_on=today,
                expires_on=expires,
                next_surveillance_on=surveillance_due(counted_from, expires, 0),
                surveillance_basis=basis,
                surveillance_from=counted_from,
                status=CertificateState.valid.value,
                payload=payload,
                organization_name=org.name,
                organization_address=org.address,
            )
            tx.session.add(cert)
            tx.session.flush()
            if parent is not None and parent.status in (CertificateState.valid, CertificateState.suspended):
                before = parent.status
                parent.status = CertificateState.superseded.value
                parent.superseded_by_id = cert.id
                tx.record(
                    "certificate.supersede",
                    "certificate",
                    parent.number,
                    before={"status": before},
                    after={"status": parent.status, "by": number},
                )
            before = case.status
            case.status = CaseState.certified.value
            case.updated_at = tx.now
            tx.session.flush()
            if parent is not None:
                refresh_next_surveillance(tx.session, parent)  # a surveillance audit counts for it
                tx.session.flush()
            tx.record(
                "certificate.issue",
                "certificate",
                number,
                after={
                    "case": case_no,
                    "grade": cert.grade,
                    "issued_on": today,
                    "expires_on": expires,
                    "surveillance_basis": basis,
                    "surveillance_from": counted_from,
                    "organization": org.name,
                    "address": org.address,
                    "payload_sha256": payload_sha256(payload),
                },
            )
            tx.record(
                "case.certify",
                "case",
                case_no,
                before={"status": before},
                after={"status": case.status, "certificate": number},
            )
            self.s.log.append_checkpoint(tx)  # the log up to this issue, signed with the body's key
            return certificate_view(tx.session, cert, today)

    # -- register ---------------------------------------------------------------------------------
    def get(self, number: str) -> CertificateView:
        with self.s.read() as session:
            cert = session.scalar(select(m.Certificate).where(m.Certificate.number == number))
            if cert is None:
                raise NotFound("certificate", number, "证书")
            return certificate_view(session, cert, self.s.today())

    def list(self, status: str | None = None, search: str | None = None) -> list[CertificateView]:
        stmt = select(m.Certificate).join(m.Organization).order_by(m.Certificate.number)
        if search:
            like = f"%{search.strip()}%"
            stmt = stmt.where(
                m.Certificate.organization_name.like(like)
                | m.Organization.name.like(like)
                | m.Organization.credit_code.like(like)
                | m.Certificate.number.like(like)
            )
        today = self.s.today()
        with self.s.read() as session:
            views = [certificate_view(session, c, today) for c in session.scalars(stmt)]
        if status:
            views = [v for v in views if v.status == status]
        return views

    @cached_property
    def status_reasons(self) -> StatusReasons:
        """The reason codes of suspensions and withdrawals (resources/certificate-status-reasons.yaml)."""
        return load_status_reasons(resources_dir() / "certificate-status-reasons.yaml")

    def _reason_code(self, action: str, code: str | None) -> str | None:
        if action == "restore":
            return None
        text = (code or "").strip()
        if self.status_reasons.find(action, text) is None:
            known = ", ".join(f"{r.code} {r.en}" for r in self.status_reasons.of(action))
            known_zh = "、".join(f"{r.code} {r.zh}" for r in self.status_reasons.of(action))
            raise Refused(
                "unknown_reason_code",
                f"{text or 'no code'} is not a {action} reason code; the codes are: {known}",
                f"{text or '（空）'} 不是{CHANGE_ZH[action]}原因代码；可用代码：{known_zh}",
            )
        return text

    def _suspension_end(self, session, today: date, until: date | None) -> date:  # type: ignore[no-untyped-def]
        latest = add_months(today, MAX_SUSPENSION_MONTHS)
        if until is None:
            return add_months(today, int(self.s.settings.get("suspension_months", session)))
        if until <= today or until > latest:
            raise Refused(
                "bad_suspension_end",
                f"a suspension must end after today and within {MAX_SUSPENSION_MONTHS} months "
                f"(by {latest}); {until} is not",
                f"暂停截止日期必须晚于今天且不超过 {MAX_SUSPENSION_MONTHS} 个月（{latest} 前），{until} 不符合",
            )
        return until

    def _change(
        self,
        actor: Actor,
        number: str,
        action: str,
        reason: str,
        code: str | None = None,
        until: date | None = None,
    ) -> CertificateView:
        reason = _reason(reason)
        code = self._reason_code(action, code)
        allowed_from, target = CERTIFICATE_TRANSITIONS[action]
        with self.s.tx(actor) as tx:
            require(Action.manage_certificate, tx.roles())
            cert = tx.session.scalar(select(m.Certificate).where(m.Certificate.number == number))
            if cert is None:
                raise NotFound("certificate", number, "证书")
            status = effective_certificate_status(cert, tx.now.date())
            if status not in allowed_from:
                raise Refused(
                    "wrong_certificate_state",
                    f"certificate {number} is {status}; cannot {action} it",
                    f"证书 {number} 状态为“{vocabulary.label('certificate_state', status, 'zh')}”，不能执行该操作",
                )
            records.refuse_on(
                records.check_one(self.s, tx.session, cert, self.public_keys(tx.session)),
                f"{action} certificate {number}",
                f"证书 {number} 的{CHANGE_ZH[action]}",
            )
            end = self._suspension_end(tx.session, tx.now.date(), until) if action == "suspend" else None
            self._set_status(tx, cert, target.value, reason, code, end)
            return certificate_view(tx.session, cert, tx.now.date())

    @staticmethod
    def _set_status(
        tx: Tx,
        cert: m.Certificate,
        status: str,
        reason: str,
        code: str | None,
        until: date | None,
        rule: str | None = None,
        on: date | None = None,
    ) -> None:
        """Change a certificate's status and record it: the reason code and a suspension's end with
        it, and the sweep's rule and date when the surveillance clock did it."""
        action = {
            CertificateState.suspended.value: "suspend",
            CertificateState.valid.value: "restore",
            CertificateState.withdrawn.value: "withdraw",
            CertificateState.expired.value: "expire",
        }[status]
        before: dict[str, object] = {"status": cert.status}
        if cert.status_reason_code:
            before["reason_code"] = cert.status_reason_code
        if cert.suspended_until:
            before["until"] = cert.suspended_until
        if status != CertificateState.expired.value:
            cert.status_reason = reason
            cert.status_reason_code = code
        cert.status = status
        cert.suspended_until = until
        tx.session.flush()
        after: dict[str, object] = {"status": cert.status}
        if code:
            after["reason_code"] = code
        if until:
            after["until"] = until
        if rule:
            after["rule"] = rule
            after["on"] = on
        tx.record(
            f"certificate.{action}", "certificate", cert.number, before=before, after=after, reason=reason
        )

    # -- certificate changes ----------------------------------------------------------------------
    def _sign(self, session, claims: certsig.CertificateClaims) -> str:  # type: ignore[no-untyped-def]
        """The signed payload, refused when it would not fit a QR code the certificate can print."""
        length = certsig.payload_length(claims)
        version = certsig.qr_version("x" * length)
        if version is None or version > certsig.QR_MAX_VERSION:
            raise Refused(
                "certificate_too_long",
                f"certificate {claims.number} cannot be printed with a readable QR code: its signed "
                f"data would be {length} characters, at most {certsig.QR_MAX_PAYLOAD} fit; the organisation's "
                f"name ({len(claims.organization)} characters) and address ({len(claims.address or '')}) "
                f"or the body's name ({len(claims.body_name)}) are too long",
                f"证书 {claims.number} 的二维码无法清晰打印：签名数据将有 {length} 个字符，最多 "
                f"{certsig.QR_MAX_PAYLOAD} 个；组织名称（{len(claims.organization)} 字）和地址"
                f"（{len(claims.address or '')} 字）或认证机构名称（{len(claims.body_name)} 字）过长",
            )
        return certsig.sign_certificate(self._private_key(session), claims)

    def reissue(
        self,
        tx: Tx,
        cert: m.Certificate,
        *,
        name: str,
        address: str,
        kind: str,
        reason: str,
        effective_on: date,
        grade: str | None = None,
        case_no: str | None = None,
    ) -> m.CertificateChange:
        """Re-issue a certificate in force after a certificate change of its organisation: the same
        number, cycle and expiry, the new name and address, a new signature; the payload it
        replaces is kept on the change record, so it verifies as superseded. The caller checked
        the permission; the certificate and its case are checked against their history here.
        `grade`: a new grade the committee decided at the surveillance case `case_no`."""
        records.refuse_on(
            records.check_one(self.s, tx.session, cert, self.public_keys(tx.session)),
            f"re-issuing certificate {cert.number}",
            f"换发证书 {cert.number}",
        )
        old = certsig.parse_payload(cert.payload)[0]
        today = tx.now.date()
        claims = certsig.CertificateClaims(
            number=cert.number,
            organization=name,
            credit_code=cert.organization.credit_code,
            grade=grade or cert.grade,
            issued_on=cert.issued_on,
            expires_on=cert.expires_on,
            rubric_id=cert.rubric_id,
            body_name=str(self.s.settings.get("body_name", tx.session)),
            address=address,
            reissued_on=today,
        )
        payload = self._sign(tx.session, claims)
        change = m.CertificateChange(
            certificate_id=cert.id,
            kind=kind,
            reason=reason,
            effective_on=effective_on,
            changed_at=tx.now,
            changed_by=tx.actor.name,
            previous_name=cert.organization_name,
            previous_address=cert.organization_address,
            name=name,
            address=address,
            previous_payload=cert.payload,
            previous_payload_sha256=payload_sha256(cert.payload),
            payload=payload,
            previous_grade=cert.grade if grade else None,
            grade=grade,
            case_no=case_no,
        )
        tx.session.add(change)
        before = {
            "name": cert.organization_name,
            "address": cert.organization_address,
            "reissued_on": cert.reissued_on,
            "payload_sha256": payload_sha256(cert.payload),
            "body_name": old.body_name,
        }
        after: dict[str, object] = {}
        if grade:
            before["grade"] = cert.grade
            after = {"grade": grade, "case": case_no}
            cert.grade = grade
        cert.organization_name = name
        cert.organization_address = address
        cert.reissued_on = today
        cert.payload = payload
        tx.session.flush()
        tx.record(
            "certificate.change",
            "certificate",
            cert.number,
            before=before,
            after={
                "kind": kind,
                "name": name,
                "address": address,
                "effective_on": effective_on,
                "reissued_on": today,
                "payload_sha256": payload_sha256(payload),
                "change": change.id,
                **after,
            },
            reason=reason,
        )
        return change

    @staticmethod
    def grade_given_on(session, cert: m.Certificate) -> date:  # type: ignore[no-untyped-def]
        """When the certificate's grade was given: its issue, or its last grade change."""
        at = session.scalar(
            select(m.CertificateChange.changed_at)
            .where(m.CertificateChange.certificate_id == cert.id, m.CertificateChange.grade.is_not(None))
            .order_by(m.CertificateChange.id.desc())
            .limit(1)
        )
        return cert.issued_on if at is None else max(cert.issued_on, at.date())

    def suspend(
        self, actor: Actor, number: str, reason: str, *, code: str, until: date | None = None
    ) -> CertificateView:
        """Suspend a valid certificate under a suspension reason code, until `until` (default the
        setting `suspension_months` from today, at most 6 months): unresolved after it, the
        surveillance clock withdraws it."""
        return self._change(actor, number, "suspend", reason, code, until)

    def restore(self, actor: Actor, number: str, reason: str) -> CertificateView:
        return self._change(actor, number, "restore", reason)

    def withdraw(self, actor: Actor, number: str, reason: str, *, code: str) -> CertificateView:
        return self._change(actor, number, "withdraw", reason, code)

    # -- the surveillance clock -------------------------------------------------------------------
    def sweep(
        self,
        actor: Actor | None = None,
        on: date | None = None,
        *,
        dry_run: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> SweepResult:
        """What the surveillance clock does on `on` (default today), in this order: certificates past
        their expiry are marked expired; suspended ones past their suspension's end are withdrawn
        (code `sweep.withdraw` of the reasons file); valid ones whose surveillance is overdue are
        suspended (code `sweep.suspend`) for the setting `suspension_months`. Each is an event by
        the system user naming the rule. A certificate whose record disagrees with its history is
        skipped and named. `actor`: a user running it by hand (a clerk; anyone for a dry run);
        None: the window, at its opening. A date after today is refused unless `dry_run`, which
        runs everything and keeps nothing.

        A real sweep commits in batches of SWEEP_BATCH certificates (in number order), each its own
        short transaction, so that a backlog of thousands never holds the write lock for long: the
        window runs it in the background while people work. `stop()` (the window's cancel, at its
        closing) is asked between batches; what was done stays done, the rest waits for the next
        sweep."""
        today = self.s.today()
        on = on or today
        if on > today and not dry_run:
            raise Refused(
                "future_date",
                f"the sweep cannot run for {on}, after today ({today}); use --dry-run to see what it would do",
                f"不能按今天（{today}）之后的日期 {on} 执行巡检；可用 --dry-run 查看将会执行的操作",
            )
        if actor is not None and not dry_run:
            with self.s.read_as(actor) as check:
                require(Action.manage_certificate, check.roles())
        if dry_run:
            with self.s.rehearsal():
                return SweepResult(on, True, self._sweep(on, after=None, limit=None))
        actions: builtins.list[SweepAction] = []
        after: str | None = None
        while not (stop is not None and stop()):
            batch = self._sweep(on, after=after, limit=SWEEP_BATCH)
            actions.extend(batch)
            if len(batch) < SWEEP_BATCH:
                break
            after = batch[-1].number
        return SweepResult(on, False, tuple(actions))

    def _sweep(self, on: date, *, after: str | None, limit: int | None) -> tuple[SweepAction, ...]:
        """One transaction of the sweep: the certificates due on `on` numbered after `after`, at
        most `limit` of them; what was done (or skipped), in number order."""
        reasons = self.status_reasons
        c = m.Certificate
        actions: builtins.list[SweepAction] = []
        with self.s.tx(SYSTEM) as tx:
            months = int(self.s.settings.get("suspension_months", tx.session))
            query = select(c).where(sweep_due(on)).order_by(c.number).limit(limit)
            if after is not None:
                query = query.where(c.number > after)
            due = tx.session.scalars(query).all()
            keys = self.public_keys(tx.session) if due else []
            for cert in due:
                if cert.expires_on < on:
                    rule, target, code, until, day = (
                        SweepRule.expired,
                        CertificateState.expired.value,
                        None,
                        None,
                        cert.expires_on,
                    )
                    text = f"证书已于 {cert.expires_on} 到期 / expired on {cert.expires_on}"
                elif cert.status == CertificateState.suspended.value:
                    assert cert.suspended_until is not None
                    day = cert.suspended_until
                    rule, target, code, until = (
                        SweepRule.suspension_ended,
                        CertificateState.withdrawn.value,
                        reasons.sweep_withdraw,
                        None,
                    )
                    text = (
                        f"暂停期已于 {day} 届满仍未解决，撤销证书 / the suspension ended on {day} unresolved"
                    )
                else:
                    assert cert.next_surveillance_on is not None
                    day = cert.next_surveillance_on
                    rule, target, code, until = (
                        SweepRule.surveillance_overdue,
                        CertificateState.suspended.value,
                        reasons.sweep_suspend,
                        add_months(on, months),
                    )
                    text = (
                        f"监督审核应于 {day} 前完成，已逾期，暂停证书至 {until} / "
                        f"surveillance was due by {day} and is overdue: suspended until {until}"
                    )
                findings = records.check_one(self.s, tx.session, cert, keys)
                if findings:
                    actions.append(
                        SweepAction(
                            cert.number,
                            cert.organization_name,
                            rule,
                            cert.status,
                            "",
                            day,
                            code,
                            until,
                            skipped="; ".join(f.message() for f in findings),
                        )
                    )
                    continue
                before = cert.status
                self._set_status(tx, cert, target, text, code, until, rule, on)
                actions.append(
                    SweepAction(cert.number, cert.organization_name, rule, before, target, day, code, until)
                )
        return tuple(actions)

    # -- follow-up audits -------------------------------------------------------------------------
    def open_follow_up(self, actor: Actor, number: str, kind: str, contract_no: str | None = None) -> str:
        """Open a surveillance (监督) or renewal (再认证) audit of a certificate as a new, accepted case."""
        if kind not in (CaseKind.surveillance, CaseKind.renewal):
            raise Refused(
                "bad_kind",
                "follow-up audit kind must be surveillance or renewal",
                "后续审核类型必须为监督或再认证",
            )
        from .cases import CaseService

        if contract_no is not None:
            contract_no = (
                line(contract_no, "the contract number", "合同编号", required=False, limit=CODE) or None
            )
        with self.s.tx(actor) as tx:
            require(Action.manage_certificate, tx.roles())
            cert = tx.session.scalar(select(m.Certificate).where(m.Certificate.number == number))
            if cert is None:
                raise NotFound("certificate", number, "证书")
            status = effective_certificate_status(cert, tx.now.date())
            allowed = {CertificateState.valid.value, CertificateState.suspended.value}
            if kind == CaseKind.renewal:
                allowed.add(CertificateState.expired.value)
            if status not in allowed:
                raise Refused(
                    "wrong_certificate_state",
                    f"certificate {number} is {status}",
                    f"证书 {number} 状态为 {status}",
                )
            origin = tx.session.get(m.Case, cert.case_id)
            assert origin is not None
            open_follow = tx.session.scalar(
                select(m.Case.case_no).where(
                    m.Case.parent_certificate_id == cert.id,
                    m.Case.status.not_in(
                        [
                            s.value
                            for s in (
                                CaseState.certified,
                                CaseState.not_certified,
                                CaseState.withdrawn,
                                CaseState.rejected,
                            )
                        ]
                    ),
                )
            )
            if open_follow:
                raise Refused(
                    "follow_up_open",
                    f"case {open_follow} for this certificate is still open",
                    f"该证书的案件 {open_follow} 尚未完成",
                )
            doc_days, site_days = self.s.audit_time.days(origin.headcount, kind)
            loaded = (
                self.s.rubrics.get(origin.rubric_id)
                if kind == CaseKind.surveillance
                else self.s.rubrics.default_for(origin.enterprise_type)
            )
            case = m.Case(
                case_no=CaseService._next_case_no(tx.session, tx.now.year),
                kind=kind,
                organization_id=cert.organization_id,
                parent_certificate_id=cert.id,
                enterprise_type=origin.enterprise_type,
                rubric_id=loaded.id,
                rubric_sha256=loaded.sha256,
                headcount=origin.headcount,
                scope=cert.scope,
                status=CaseState.accepted.value,
                contract_no=contract_no or origin.contract_no,
                fee=None,
                document_days=doc_days,
                onsite_days=site_days,
                committee_round=1,
                created_at=tx.now,
                updated_at=tx.now,
            )
            tx.session.add(case)
            tx.session.flush()
            for no in self.s.materials.numbers:
                tx.session.add(
                    m.Material(
                        case_id=case.id,
                        item_no=no,
                        status="not_applicable",
                        reason="后续审核沿用初次认证材料",
                    )
                )
            tx.record(
                "case.create",
                "case",
                case.case_no,
                after={
                    "kind": kind,
                    "certificate": number,
                    "rubric_id": loaded.id,
                    "status": case.status,
                    "document_days": doc_days,
                    "onsite_days": site_days,
                },
            )
            return case.case_no

    # -- verification -----------------------------------------------------------------------------
    def verify(self, payload: str) -> Verification:
        """Check a QR payload: the signature with this body's public key, then the register (a
        payload a certificate change replaced verifies as superseded, naming the change)."""
        payload = payload.strip() if isinstance(payload, str) else payload
        with self.s.read() as session:
            keys = self.public_keys(session)
            if not keys:
                raise Refused(
                    "no_keys", "this database has no signing key yet (run init)", "数据库尚无签名密钥"
                )
            claims = None
            problem: certsig.CertSigError | None = None
            for key in keys:
                try:
                    claims = certsig.verify_payload(key, payload)
                    break
                except certsig.CertSigError as exc:
                    problem = exc
            if claims is None:
                return Verification(False, f"not valid: {problem}", None, None)
            cert = session.scalar(select(m.Certificate).where(m.Certificate.number == claims.number))
            if cert is None:
                return Verification(
                    False,
                    f"not valid: signature good, but certificate {claims.number} is not in this register",
                    claims,
                    None,
                )
            status = effective_certificate_status(cert, self.s.today())
            if cert.payload != payload:
                change = session.scalar(
                    select(m.CertificateChange)
                    .where(
                        m.CertificateChange.certificate_id == cert.id,
                        m.CertificateChange.previous_payload_sha256 == payload_sha256(payload),
                    )
                    .order_by(m.CertificateChange.id.desc())
                    .limit(1)
                )
                if change is not None:
                    kind = (
                        self.s.change_kinds.get(change.kind).en
                        if change.kind in self._kind_codes()
                        else change.kind
                    )
                    return Verification(
                        False,
                        f"not valid: superseded — certificate {claims.number} was re-issued on "
                        f"{change.changed_at.date()} after a certificate change ({change.kind} {kind}); "
                        f"the current certificate names {cert.organization_name}",
                        claims,
                        CertificateState.superseded.value,
                        change.changed_at.date(),
                        change.kind,
                    )
                return Verification(
                    False,
                    "not valid: signature good, but it differs from the certificate on record",
                    claims,
                    status,
                )
        if status != CertificateState.valid:
            return Verification(
                False,
                f"not valid: signature good, but certificate {claims.number} is {status}",
                claims,
                status,
            )
        reissued = f", re-issued {claims.reissued_on}" if claims.reissued_on else ""
        return Verification(
            True,
            f"valid: certificate {claims.number} of {claims.organization}, grade {claims.grade}{reissued}",
            claims,
            status,
        )

    def _kind_codes(self) -> set[str]:
        return {k.code for k in self.s.change_kinds.kinds}

    # -- the checks -------------------------------------------------------------------------------
    def check(self, numbers: Sequence[str] | None = None) -> builtins.list[records.Finding]:
        """Every disagreement of the certificates (or of the named ones) with their signed payloads,
        their events and their cases' logs; empty when the register is true."""
        return list(records.check_certificates(self.s, numbers))
