"""CNCA's monthly certification report: the data it needs, entered once; its rows gathered from the
register and the log; checked before it is written; and what was reported in which month's file.

A month's file holds one 证书信息表 row per reportable event of the certificate register — a first
issue (上报类型 01), a re-issue under a new number after a renewal or a surveillance that changed the
grade (02), a surveillance that kept the certificate (03), a certificate change (04), a suspension,
restoration or withdrawal (05) — one 审核结果信息表 row per auditor per audit stage and one
审核计划信息表 row per audit of those events. An event of an earlier month that no file reported yet
goes into the next file, with a remark. Reporting marks each event with the month of its file, so
running a month again gives the same rows, and the same bytes (the workbook is dated the month).

Exporting needs `disclose_identity` (the result sheet carries identity numbers whole).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import cnca, creditcode
from ..core.datafiles import resources_dir
from ..core.errors import NotFound, Refused
from ..core.policy import Action, require
from ..core.workflow import CaseKind
from ..storage import models as m
from .base import Actor, Services

REPORTABLE = (
    "certificate.issue",
    "certificate.surveillance_passed",
    "certificate.change",
    "certificate.suspend",
    "certificate.restore",
    "certificate.withdraw",
)
AUDIT_MODES = ("onsite", "remote", "both")
STANDARD = "GB/T 27922-2011"


@dataclass(frozen=True)
class Particulars:
    """An organisation's particulars for the report; `*_derived` are what the credit code gives."""

    credit_code: str
    name: str
    org_code: str
    org_code_derived: str
    district_code: str
    district_derived: str
    industry_code: str
    phone: str
    contact: str
    confirmed: bool  # the codes were stored (confirmed) rather than only derived


@dataclass(frozen=True)
class Gap:
    sheet: str  # sheet code
    subject: str  # certificate or case number
    field: str
    meaning: str
    where: str

    def line(self, template: cnca.Template) -> str:
        return (
            f"{template.sheet(self.sheet).name} {self.subject}: {self.meaning} ({self.field}) — {self.where}"
        )


@dataclass
class CncaReport:
    month: str
    certificates: list[dict[str, str]] = field(default_factory=list)
    results: list[dict[str, str]] = field(default_factory=list)
    plans: list[dict[str, str]] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    events: list[int] = field(default_factory=list)  # log sequence numbers of the reported events
    late: int = 0  # events of earlier months

    @property
    def complete(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class ExportResult:
    path: Path
    month: str
    certificates: int
    results: int
    plans: int
    late: int
    gaps: tuple[Gap, ...]
    draft: bool


@dataclass(frozen=True)
class Pending:
    """The dashboard's line: the deadline of last month's report and the events still unreported."""

    deadline: date
    count: int


def _month_of(at: str) -> str:
    return at[:7]


class CncaService:
    def __init__(self, services: Services) -> None:
        self.s = services

    @cached_property
    def template(self) -> cnca.Template:
        return cnca.load_template(resources_dir() / "cnca-template.yaml")

    @cached_property
    def codes(self) -> cnca.CodeTables:
        return cnca.load_codes(resources_dir() / "cnca-codes.yaml")

    # -- an organisation's particulars --------------------------------------------------------------
    def particulars(self, credit_code: str) -> Particulars:
        code = creditcode.validate(credit_code) if creditcode.is_valid(credit_code) else credit_code
        with self.s.read() as session:
            org = session.scalar(select(m.Organization).where(m.Organization.credit_code == code))
            if org is None:
                raise NotFound("organisation", code, "组织")
            return self._particulars(session, org)

    @staticmethod
    def _particulars(session: Session, org: m.Organization) -> Particulars:
        row = session.get(m.OrganizationParticulars, org.id)
        derived_org, derived_district = (
            cnca.organization_code(org.credit_code),
            cnca.district_code(org.credit_code),
        )
        return Particulars(
            credit_code=org.credit_code,
            name=org.name,
            org_code=(row.org_code if row and row.org_code else derived_org),
            org_code_derived=derived_org,
            district_code=(row.district_code if row and row.district_code else derived_district),
            district_derived=derived_district,
            industry_code=row.industry_code if row else "",
            phone=row.phone if row else "",
            contact=org.contact,
            confirmed=bool(row and row.org_code and row.district_code),
        )

    def set_particulars(
        self,
        actor: Actor,
        credit_code: str,
        *,
        industry: str | None = None,
        phone: str | None = None,
        org_code: str | None = None,
        district: str | None = None,
        contact: str | None = None,
        confirm: bool = False,
    ) -> Particulars:
        """Record an organisation's report particulars. `confirm` stores the organisation and
        district codes the credit code gives (as shown); an organisation code given must agree with
        the credit code. A contact is an organisation change (with its history), made here too."""
        code = creditcode.validate(credit_code) if creditcode.is_valid(credit_code) else credit_code.strip()
        values = {
            "industry_code": None if industry is None else cnca.check_industry(industry),
            "phone": None if phone is None else cnca.check_phone(phone),
            "org_code": None if org_code is None else cnca.check_organization_code(code, org_code),
            "district_code": None if district is None else cnca.check_district(district),
        }
        if confirm:
            values["org_code"] = values["org_code"] or cnca.organization_code(code)
            values["district_code"] = values["district_code"] or cnca.district_code(code)
        if contact is not None:
            current = self.s.organizations.get(code)
            if contact.strip() != current.contact:
                self.s.organizations.change(actor, code, reason="上报信息：联系人", contact=contact)
        with self.s.tx(actor) as tx:
            require(Action.change_organization, tx.roles())
            org = tx.session.scalar(select(m.Organization).where(m.Organization.credit_code == code))
            if org is None:
                raise NotFound("organisation", code, "组织")
            row = tx.session.get(m.OrganizationParticulars, org.id)
            before = (
                {}
                if row is None
                else {
                    "org_code": row.org_code,
                    "district_code": row.district_code,
                    "industry_code": row.industry_code,
                    "phone": row.phone,
                }
            )
            if row is None:
                row = m.OrganizationParticulars(
                    organization_id=org.id, org_code="", district_code="", industry_code="", phone=""
                )
                tx.session.add(row)
            changed = {k: v for k, v in values.items() if v is not None and v != before.get(k)}
            for key, value in changed.items():
                setattr(row, key, value)
            row.updated_at = tx.now
            row.updated_by = tx.actor.name
            tx.session.flush()
            if changed:
                tx.record(
                    "organization.particulars",
                    "organization",
                    code,
                    before={k: before.get(k, "") for k in changed},
                    after=changed,
                )
            return self._particulars(tx.session, org)

    # -- an audit's dates and mode --------------------------------------------------------------------
    def set_audit(
        self,
        actor: Actor,
        case_no: str,
        starts_on: date,
        ends_on: date,
        mode: str = "onsite",
    ) -> None:
        """Record when an audit is (or was) held and how: on site, remote or both."""
        if mode not in AUDIT_MODES:
            raise Refused(
                "bad_audit_mode",
                f"audit mode must be one of {', '.join(AUDIT_MODES)}",
                "审核方式必须为 onsite（现场）、remote（远程）或 both（现场+远程）",
            )
        if ends_on < starts_on:
            raise Refused(
                "bad_dates",
                f"the audit cannot end ({ends_on}) before it starts ({starts_on})",
                f"审核结束日期（{ends_on}）不能早于开始日期（{starts_on}）",
            )
        with self.s.tx(actor) as tx:
            require(Action.manage_certificate, tx.roles())
            case = tx.session.scalar(select(m.Case).where(m.Case.case_no == case_no))
            if case is None:
                raise NotFound("case", case_no, "案件")
            row = tx.session.get(m.AuditPlan, case.id)
            before = None if row is None else {"from": row.starts_on, "to": row.ends_on, "mode": row.mode}
            if row is None:
                row = m.AuditPlan(case_id=case.id)
                tx.session.add(row)
            row.starts_on, row.ends_on, row.mode = starts_on, ends_on, mode
            row.updated_at, row.updated_by = tx.now, tx.actor.name
            tx.session.flush()
            tx.record(
                "case.audit_plan",
                "case",
                case_no,
                before=before,
                after={"from": starts_on, "to": ends_on, "mode": mode},
            )

    # -- the report -----------------------------------------------------------------------------------
    def gather(self, actor: Actor, month: str) -> CncaReport:
        """The month's rows and what is missing, without writing anything."""
        year, mon = cnca.parse_month(month, self.s.today())
        with self.s.read_as(actor) as tx:
            require(Action.disclose_identity, tx.roles())
            return self._gather(tx.session, year, mon, self._settings(tx.session))

    def export(
        self,
        actor: Actor,
        month: str,
        path: str | Path,
        *,
        draft: bool = False,
        force: bool = False,
    ) -> ExportResult:
        """Write the month's report. Refused, writing nothing, while a required field is missing —
        unless `draft`, which writes the gaps in a separate sheet and marks nothing as reported."""
        year, mon = cnca.parse_month(month, self.s.today())
        target = self.s.outputs.check(path, force=force)
        with self.s.tx(actor) as tx:
            require(Action.disclose_identity, tx.roles())
            settings = self._settings(tx.session)
            report = self._gather(tx.session, year, mon, settings)
            if report.gaps and not draft:
                lines = "; ".join(g.line(self.template) for g in report.gaps)
                raise Refused(
                    "cnca_incomplete",
                    f"the {report.month} report lacks {len(report.gaps)} required field(s); nothing was written "
                    f"(--draft writes it with the gaps listed): {lines}",
                    f"{report.month} 的上报数据缺少 {len(report.gaps)} 个必填项，未写入任何文件"
                    f"（--draft 可生成标出缺失项的草稿）：{lines}",
                )
            from ..reports.cnca import GapRow, render_cnca_xlsx  # openpyxl: only when a file is written

            data = render_cnca_xlsx(
                self.template,
                {
                    cnca.CERTIFICATES: report.certificates,
                    cnca.RESULTS: report.results,
                    cnca.PLANS: report.plans,
                },
                datetime(year, mon, 1),
                [
                    GapRow(self.template.sheet(g.sheet).name, g.subject, g.field, g.meaning, g.where)
                    for g in report.gaps
                ]
                if draft
                else (),
            )
            with self.s.outputs.staged(target, force=force) as staged:
                staged.path.write_bytes(data)
                new: list[int] = []
                if not draft:
                    marked = set(
                        tx.session.scalars(
                            select(m.CncaReported.event_seq).where(
                                m.CncaReported.event_seq.in_(report.events)
                            )
                        )
                    )
                    new = [seq for seq in report.events if seq not in marked]
                    for seq in new:
                        tx.session.add(
                            m.CncaReported(
                                event_seq=seq,
                                month=report.month,
                                reported_at=tx.now,
                                reported_by=tx.actor.name,
                            )
                        )
                    tx.session.flush()
                # The file carries identity numbers whole: every export is recorded, a draft too.
                tx.record(
                    "cnca.report",
                    "cnca_report",
                    report.month,
                    after={
                        "file": str(target),
                        "draft": draft,
                        "events": len(report.events),
                        "newly_reported": len(new),
                        "late": report.late,
                        "gaps": len(report.gaps),
                    },
                )
                staged.commit()
            return ExportResult(
                target,
                report.month,
                len(report.certificates),
                len(report.results),
                len(report.plans),
                report.late,
                tuple(report.gaps),
                draft,
            )

    def public_register(self, path: str | Path, *, force: bool = False) -> int:
        """Write the public certificate query (.csv or .html): the fields CNCA shows publicly, for
        every certificate but those superseded by a renewal or re-issue under a new number."""
        from ..reports.public_register import render_public_csv, render_public_html

        suffix = Path(path).suffix.lower()
        if suffix not in (".csv", ".html", ".htm"):
            raise Refused(
                "bad_format",
                "the public register is written as .csv or .html",
                "公开名录只能导出为 .csv 或 .html",
            )
        self.s.outputs.check(path, force=force)
        rows = [r for r in self.s.documents.register_rows("zh") if r.status != "superseded"]
        if suffix == ".csv":
            data = render_public_csv(rows)
        else:
            data = render_public_html(rows, str(self.s.settings.get("body_name")), self.s.today())
        self.s.outputs.write(path, data, force=force)
        return len(rows)

    def pending(self, today: date | None = None) -> Pending | None:
        """From the 1st to the 10th: the deadline of last month's report and how many reportable
        events of last month or earlier no file has reported yet."""
        today = today or self.s.today()
        if today.day > cnca.DEADLINE_DAY:
            return None
        first = today.replace(day=1).isoformat()
        with self.s.read() as session:
            since = _since(self.s.settings.get("cnca_reporting_from", session))
            reported = select(m.CncaReported.event_seq)
            count = session.scalar(
                select(func.count())
                .select_from(m.Event)
                .where(
                    m.Event.action.in_(REPORTABLE),
                    m.Event.at >= since,
                    m.Event.at < first,
                    m.Event.seq.not_in(reported),
                )
            )
        return Pending(today.replace(day=cnca.DEADLINE_DAY), int(count or 0))

    # -- gathering ------------------------------------------------------------------------------------
    def _settings(self, session: Session) -> dict[str, Any]:
        settings = self.s.settings.all(session)
        if not str(settings.get("cnca_approval_no", "")).strip():
            raise Refused(
                "cnca_no_approval_number",
                "the body's CNCA approval number is not set: audit-workbench setting set cnca_approval_no NUMBER "
                "(admin; the window: 设置); nothing was written",
                "尚未设置认证机构批准号：请管理员执行 setting set cnca_approval_no 批准号（或在“设置”页填写）；未写入任何文件",
            )
        return settings

    def _events(
        self, session: Session, year: int, mon: int, since: str = ""
    ) -> tuple[list[m.Event], set[int]]:
        """The month's events to report, in log order, and which of them are late (none before
        `since`, the first month this database reports)."""
        month = cnca.month_text(year, mon)
        start = f"{month}-01"
        end = (date(year + (mon == 12), mon % 12 + 1, 1)).isoformat()
        reported: dict[int, str] = {
            seq: where
            for seq, where in session.execute(select(m.CncaReported.event_seq, m.CncaReported.month))
        }
        rows = session.scalars(
            select(m.Event)
            .where(m.Event.action.in_(REPORTABLE), m.Event.at >= _since(since), m.Event.at < end)
            .order_by(m.Event.seq)
        ).all()
        chosen: list[m.Event] = []
        late: set[int] = set()
        for event in rows:
            where = reported.get(event.seq)
            if where is not None:
                if where == month:
                    chosen.append(event)
                    if event.at < start:
                        late.add(event.seq)
                continue
            if event.at >= start:
                chosen.append(event)
            else:
                chosen.append(event)
                late.add(event.seq)
        return chosen, late

    def _gather(self, session: Session, year: int, mon: int, settings: dict[str, Any]) -> CncaReport:
        report = CncaReport(cnca.month_text(year, mon))
        events, late = self._events(session, year, mon, str(settings.get("cnca_reporting_from", "")))
        gatherer = _Gatherer(self, session, settings, report, year, mon)
        for event in events:
            gatherer.add(event, late=event.seq in late)
        report.late = len(late)
        return report


_SITE_HOURS = (9, 17)


class _Gatherer:
    """Builds the rows of one month's report, and lists each required field that is empty."""

    def __init__(
        self,
        service: CncaService,
        session: Session,
        settings: dict[str, Any],
        report: CncaReport,
        year: int,
        mon: int,
    ) -> None:
        self.svc = service
        self.s = session
        self.settings = settings
        self.report = report
        self.codes = service.codes
        self.template = service.template
        self.month_start = date(year, mon, 1)
        self.month_end = date(year + (mon == 12), mon % 12 + 1, 1) - timedelta(days=1)
        self.audits_done: set[int] = set()

    # -- helpers --------------------------------------------------------------------------------------
    def gap(self, sheet: str, subject: str, field_name: str, where: str) -> None:
        meaning = self.template.sheet(sheet).meaning(field_name)
        self.report.gaps.append(Gap(sheet, subject, field_name, meaning, where))

    def require(self, sheet: str, row: dict[str, str], subject: str, wanted: dict[str, str]) -> None:
        for field_name, where in wanted.items():
            if not cnca.clean(row.get(field_name, "")):
                self.gap(sheet, subject, field_name, where)

    def certificate(self, number: str) -> m.Certificate:
        cert = self.s.scalar(select(m.Certificate).where(m.Certificate.number == number))
        assert cert is not None, number
        return cert

    def case_of(self, case_no: str | None, cert: m.Certificate) -> m.Case:
        case = None
        if case_no:
            case = self.s.scalar(select(m.Case).where(m.Case.case_no == case_no))
        if case is None:
            case = self.s.get(m.Case, cert.case_id)
        assert case is not None
        return case

    def chain(self, cert: m.Certificate) -> list[m.Case]:
        """The cases behind a certificate, back to the first issue (newest first)."""
        cases: list[m.Case] = []
        current: m.Certificate | None = cert
        seen: set[int] = set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            case = self.s.get(m.Case, current.case_id)
            if case is None:
                break
            cases.append(case)
            current = (
                self.s.get(m.Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
            )
        return cases

    def first_issue(self, cert: m.Certificate) -> date:
        current = cert
        for case in self.chain(cert):
            found = self.s.scalar(
                select(m.Certificate).where(m.Certificate.case_id == case.id).order_by(m.Certificate.id)
            )
            if found is not None:
                current = found
        return current.issued_on

    def surveillance_number(self, cert: m.Certificate, case: m.Case) -> int:
        if case.kind != CaseKind.surveillance:
            return 0
        ids = self.s.scalars(
            select(m.Case.id)
            .where(
                m.Case.parent_certificate_id == case.parent_certificate_id,
                m.Case.kind == CaseKind.surveillance,
            )
            .order_by(m.Case.id)
        ).all()
        return list(ids).index(case.id) + 1 if case.id in ids else 0

    def audit_dates(self, case: m.Case) -> tuple[date | None, date | None, str]:
        plan = self.s.get(m.AuditPlan, case.id)
        if plan is not None:
            return plan.starts_on, plan.ends_on, plan.mode
        start = end = None
        for event in self.s.scalars(
            select(m.Event)
            .where((m.Event.entity_id == case.case_no) | m.Event.entity_id.like(f"{case.case_no}/%"))
            .order_by(m.Event.seq)
        ):
            if event.action.startswith("score.") and start is None:
                start = date.fromisoformat(event.at[:10])
            elif event.action == "audit.conclude":
                end = date.fromisoformat(event.at[:10])
        return start, end, "onsite"  # held in the pipeline's on-site audit unless recorded otherwise

    def decision(self, case: m.Case) -> tuple[list[str], date | None]:
        """Who decided the case (the last round's voters) and when (the committee's decision)."""
        last_round = self.s.scalar(
            select(func.max(m.CommitteeVote.round)).where(m.CommitteeVote.case_id == case.id)
        )
        votes = self.s.scalars(
            select(m.CommitteeVote)
            .where(m.CommitteeVote.case_id == case.id, m.CommitteeVote.round == last_round)
            .order_by(m.CommitteeVote.id)
        ).all()
        names = [v.user.display_name or v.user.name for v in votes]
        decided = self.s.scalar(
            select(m.Event.at)
            .where(m.Event.entity_id == case.case_no, m.Event.action == "committee.decide")
            .order_by(m.Event.seq.desc())
        )
        return names, (date.fromisoformat(decided[:10]) if decided else None)

    def contract_fee(self, case: m.Case) -> Decimal | None:
        """The contract's amount (实收认证费用 is reported as the contract amount): the case's own fee,
        or for a follow-up audit under its certificate's contract, the fee that contract recorded."""
        if case.fee is not None or not case.contract_no:
            return case.fee
        return self.s.scalar(
            select(m.Case.fee)
            .where(m.Case.contract_no == case.contract_no, m.Case.fee.is_not(None))
            .order_by(m.Case.id)
            .limit(1)
        )

    def user_name(self, name: str) -> str:
        user = self.s.scalar(select(m.User).where(m.User.name == name))
        return (user.display_name or user.name) if user is not None else name

    # -- rows -----------------------------------------------------------------------------------------
    def add(self, event: m.Event, *, late: bool) -> None:
        after = json.loads(event.after) or {}
        cert = self.certificate(event.entity_id)
        on = date.fromisoformat(event.at[:10])
        codes = self.codes
        org = cert.organization
        part = self.svc._particulars(self.s, org)
        kind = event.action.split(".", 1)[1]
        case = self.case_of(after.get("case") if isinstance(after, dict) else None, cert)
        audited = kind in ("issue", "surveillance_passed")
        parent = self.s.get(m.Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
        status = {"suspend": "suspended", "withdraw": "withdrawn"}.get(kind, "valid")
        if kind == "issue":
            report_type = "first_issue" if case.kind == CaseKind.initial else "reissue"
            activity = str(case.kind)
        elif kind == "surveillance_passed":
            report_type, activity = "surveillance", "surveillance"
        elif kind == "change":
            report_type, activity = "change", "change"
        else:
            report_type, activity = "status_change", "change"
        name = str(after.get("organization") or after.get("name") or cert.organization_name or org.name)
        address = str(after.get("address") or cert.organization_address or org.address)
        number = cnca.number(cert.number)
        remark = f"补报：{event.at[:7]} 的事件" if late else ""
        renewals = sum(1 for c in self.chain(cert) if c.kind == CaseKind.renewal)
        row: dict[str, str] = {
            "RZJG_ID": cnca.number(self.settings["cnca_approval_no"]),
            "RZJG_KEY_ID": str(self.settings.get("cnca_branch") or self.settings["body_name"]),
            "ORG_NAME": name,
            "ORG_CODE": part.org_code,
            "BEL_INDUSTRY": part.industry_code,
            "ORG_COUNTRY": codes.country_mainland,
            "ORG_DISTRICT": part.district_code,
            "ORG_ADDRESS": address,
            "ORG_PHONE": part.phone,
            "ORG_PEOP_NUM": str(case.headcount),
            "RELA_PEOP_NUM": str(case.headcount),
            "FIRST_CERT_DATE": cnca.day(self.first_issue(cert)),
            "CERT_NUMBER": number,
            "AUTH_PROJ_CODE": cnca.number(self.settings.get("cnca_project_code", "")),
            "AUTH_PROJ_CODEDEC": STANDARD,
            "IS_MULTI_SCENE": codes.yes_no["no"],
            "BUSI_COVER_SCOP": cert.scope,
            "APPR_AC_CODE": codes.audit_activity[activity].code,
            "A_AUTH_TIMES": str(renewals),
            "SUSE_TIMES": str(self.surveillance_number(cert, case)),
            "AWARD_DATE": cnca.day(cert.issued_on),
            "CERTI_E_DATE": cnca.day(cert.expires_on),
            "CERTI_STATUS": codes.certificate_status[status].code,
            "IS_C_CERTI": codes.yes_no["no"],
            "IS_CHG_CERTI": codes.yes_no["yes" if kind == "change" or report_type == "reissue" else "no"],
            "Service_area_code": cnca.number(self.settings.get("cnca_service_area", "")),
            "REPORT_TYPE": codes.report_type[report_type].code,
            "REMARK": remark,
            "IS_OVERFLOW": codes.yes_no["no"],
            "FETCH_S_DATE": cnca.day(self.month_start),
            "FETCH_E_DATE": cnca.day(self.month_end),
        }
        where_org = f"audit-workbench org set {org.credit_code}"
        # Commands, in no language: the gap line around them is in the user's
        where_settings = "audit-workbench setting set {} VALUE"
        wanted: dict[str, str] = {
            "RZJG_KEY_ID": where_settings.format("cnca_branch"),
            "ORG_NAME": f"audit-workbench org change {org.credit_code} --name NAME --reason TEXT",
            "ORG_CODE": f"{where_org} --org-code",
            "BEL_INDUSTRY": f"{where_org} --industry CODE (GB/T 4754)",
            "ORG_DISTRICT": f"{where_org} --district CODE",
            "ORG_ADDRESS": f"audit-workbench org change {org.credit_code} --address ADDRESS --reason TEXT",
            "ORG_PHONE": f"{where_org} --phone NO",
            "AUTH_PROJ_CODE": where_settings.format("cnca_project_code"),
            "Service_area_code": where_settings.format("cnca_service_area"),
            "BUSI_COVER_SCOP": f"case {case.case_no}",
        }
        if audited:
            start, end, _mode = self.audit_dates(case)
            deciders, decided_on = self.decision(case)
            row.update(
                {
                    "APPR_S_DATE": cnca.day(start),
                    "APPR_E_DATE": cnca.day(end),
                    "CHK_PD_NUM": _days(case.onsite_days),
                    "CHK_P_LIST": cnca.LIST_SEPARATOR.join(deciders),
                    "APP_ASS_DATE": cnca.day(decided_on),
                    "REV_CERTI_FEE": _days(self.contract_fee(case)),
                    "REV_CERTI_FEE_CURR": codes.currency_cny,
                    "INVOICE_NUM": cnca.number(case.contract_no or ""),
                }
            )
            where_audit = f"audit-workbench register audit {case.case_no} --from DATE --to DATE --mode MODE"
            wanted |= {
                "APPR_S_DATE": where_audit,
                "APPR_E_DATE": where_audit,
                "CHK_PD_NUM": f"case {case.case_no}: on-site days (case accept)",
                "CHK_P_LIST": f"case {case.case_no}: committee votes",
                "APP_ASS_DATE": f"case {case.case_no}: committee decision",
                "REV_CERTI_FEE": f"case {case.case_no}: fee (case accept --fee)",
                "INVOICE_NUM": f"case {case.case_no}: contract number (case accept --contract-no)",
            }
            if report_type == "reissue":
                reason = "renewal" if case.kind == CaseKind.renewal else "surveillance"
                row |= {
                    "EXCHANGE_DATE": cnca.day(cert.issued_on),
                    "EXCHANGE_CAUSE": codes.reissue_reason[reason].code,
                    "O_AWARD_JG": row["RZJG_ID"],
                    "O_CERTI_NUM": cnca.number(parent.number) if parent else "",
                }
            self.add_audit(case, cert, part, name, address, start, end, _mode)
        else:
            row |= {"CHK_P_LIST": self.user_name(event.user_name), "APP_ASS_DATE": cnca.day(on)}
            if kind == "change":
                previous = json.loads(event.before) or {}
                effective = str(after.get("effective_on") or on.isoformat())
                row |= {"CHG_DATE": effective[:10], "CHG_TYP_CODE": str(after.get("kind", ""))}
                if previous.get("name") and previous.get("name") != name:
                    row["ORG_O_NAME"] = str(previous["name"])
            else:
                row |= {"CHG_DATE": cnca.day(on), "CHG_TYP_CODE": "0197"}
            where_code = (
                "recorded with the status change (certificate suspend/withdraw --reason-code); "
                "not recorded for this event"
            )
            if kind == "suspend":
                until = after.get("until") or after.get("ends_on") or ""
                row |= {
                    "PAUSE_CAUSE": _reasons(after.get("reason_code")),
                    "PAUSE_S_DATE": cnca.day(on),
                    "PAUSE_E_DATE": str(until)[:10],
                }
                wanted |= {"PAUSE_CAUSE": where_code, "PAUSE_E_DATE": where_code}
            elif kind == "withdraw":
                row |= {"CANCEL_CAUSE": _reasons(after.get("reason_code")), "CANCEL_DATE": cnca.day(on)}
                wanted |= {"CANCEL_CAUSE": where_code}
            wanted |= {"CHG_TYP_CODE": "resources/certificate-changes.yaml"}
        self.require(cnca.CERTIFICATES, row, number, wanted)
        self.report.certificates.append(row)
        self.report.events.append(event.seq)

    def add_audit(
        self,
        case: m.Case,
        cert: m.Certificate,
        part: Particulars,
        name: str,
        address: str,
        start: date | None,
        end: date | None,
        mode: str,
    ) -> None:
        if case.id in self.audits_done:
            return
        self.audits_done.add(case.id)
        codes = self.codes
        number = cnca.number(cert.number)
        approval = cnca.number(self.settings["cnca_approval_no"])
        members = self.s.scalars(
            select(m.TeamMember)
            .where(m.TeamMember.case_id == case.id)
            .order_by(m.TeamMember.is_leader.desc(), m.TeamMember.id)
        ).all()
        stages: list[tuple[str, date | None, date | None]] = []
        if case.kind == CaseKind.initial:
            reviewed = self.s.scalar(
                select(m.DocumentReview.created_at)
                .where(m.DocumentReview.case_id == case.id, m.DocumentReview.outcome == "pass")
                .order_by(m.DocumentReview.id.desc())
            )
            day = reviewed.date() if reviewed else None
            stages.append((codes.audit_stage["initial_document_review"].code, day, day))
            stages.append((codes.audit_stage["initial_onsite"].code, start, end))
        else:
            stages.append((codes.audit_stage[str(case.kind)].code, start, end))
        inspectors: list[str] = []
        experts: list[str] = []
        where_dates = f"audit-workbench register audit {case.case_no} --from DATE --to DATE --mode MODE"
        for member in members:
            user = member.user
            person = self.s.get(m.Person, user.id)
            full_name = user.display_name or user.name
            qualification = person.qualification if person else ""
            role = "expert" if qualification == "expert" else "leader" if member.is_leader else "member"
            where_person = f"audit-workbench person set {user.name} --qualification Q"
            for stage, s_day, e_day in stages:
                row = {
                    "RZJG_ID": approval,
                    "CERT_NUMBER": number,
                    "APPR_STAGE": stage,
                    "APPR_S_DATE": cnca.day_time(s_day, _SITE_HOURS[0]),
                    "APPR_E_DATE": cnca.day_time(e_day, _SITE_HOURS[1]),
                    "FULL_NAME": full_name,
                    "IDENTITY_CODE": (person.id_type or "") if person else "",
                    "ID_CODE": cnca.number(person.id_number or "") if person else "",
                    "APPR_M_ROLE": codes.team_role[role].code,
                    "QUA_CODE": codes.qualification[qualification].code if qualification else "",
                    "APT_CERTI_NUM": cnca.number(person.registration_no or "") if person else "",
                    "IS_PROF_M": codes.yes_no["yes" if qualification in ("senior", "auditor") else "no"],
                    "IS_SPECIAL": codes.yes_no["yes" if person is None or person.full_time else "no"],
                }
                self.require(
                    cnca.RESULTS,
                    row,
                    f"{number} {full_name}",
                    {
                        "APPR_S_DATE": where_dates
                        if stage != "0101"
                        else f"case {case.case_no}: document review",
                        "APPR_E_DATE": where_dates
                        if stage != "0101"
                        else f"case {case.case_no}: document review",
                        "IDENTITY_CODE": f"{where_person} --id-type CODE",
                        "ID_CODE": f"{where_person} --id-number NO",
                        "QUA_CODE": where_person,
                        "APT_CERTI_NUM": f"{where_person} --registration NO",
                    },
                )
                self.report.results.append(row)
            id_number = cnca.number(person.id_number or "") if person else ""
            if role == "expert":
                experts.append(
                    cnca.PART_SEPARATOR.join([full_name, (person.id_type or "") if person else "", id_number])
                )
            else:
                inspectors.append(
                    cnca.PART_SEPARATOR.join([id_number, full_name, codes.team_role[role].code])
                )
        prefix = cnca.number(self.settings.get("cnca_plan_prefix", ""))
        plan = {
            "AUDIT_PLAN_CODE": prefix + cnca.number(case.case_no),
            "AUDIT_ACT_TYPE": stages[-1][0],
            "AUDIT_START_DATE": cnca.day_time(start, _SITE_HOURS[0]),
            "AUDIT_END_DATE": cnca.day_time(end, _SITE_HOURS[1]),
            "AUDIT_INSPECTOR": cnca.LIST_SEPARATOR.join(inspectors),
            "AUDIT_INSPECT_ZJ": cnca.LIST_SEPARATOR.join(experts),
            "ORG_DISTRICT": part.district_code,
            "ORG_CODE": part.org_code,
            "ORG_NAME": name,
            "ORG_CONTACT_PERSON": part.contact,
            "ORG_CONTACT_WAY": part.phone,
            "ORG_ADDRESS": address,
            "AUTH_PROJ_CODE": cnca.number(self.settings.get("cnca_project_code", "")),
            "AUDIT_MODE": codes.audit_mode[mode].code,
        }
        self.require(
            cnca.PLANS,
            plan,
            case.case_no,
            {
                "AUDIT_START_DATE": where_dates,
                "AUDIT_END_DATE": where_dates,
                "AUDIT_INSPECTOR": f"case {case.case_no}: audit team",
                "ORG_CONTACT_PERSON": f"audit-workbench org set {part.credit_code} --contact NAME",
                "ORG_CONTACT_WAY": f"audit-workbench org set {part.credit_code} --phone NO",
            },
        )
        self.report.plans.append(plan)


def _since(month: object) -> str:
    """The first instant of the first month reported, as the log's text times compare ('' for all)."""
    return f"{month}-01" if month else ""


def _days(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _reasons(value: object) -> str:
    if isinstance(value, list | tuple):
        return cnca.LIST_SEPARATOR.join(str(v) for v in value)
    return "" if value is None else str(value)
