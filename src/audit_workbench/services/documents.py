"""The documents a certification body hands out, built from the store: the services fill the report
models, the renderers in `reports/` turn them into bytes. Dates and language are passed in."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from threading import Event

from sqlalchemy import func, select

from ..core import vocabulary
from ..core.errors import NotFound, Refused
from ..core.policy import Action, require
from ..core.rubric import Grade, LoadedRubric
from ..reports import models as r
from ..storage import models as m
from .base import Actor, Services
from .views import CaseDetail, CertificateView, effective_certificate_status, get_case_row, relation

STARS = {Grade.five_star: 5, Grade.four_star: 4, Grade.three_star: 3, Grade.qualified: 0}
Progress = Callable[[int, int], None]
_IN_CHUNK = 500  # numbers per IN (...) query: well under any database's limit on parameters


def _grade_labels(loaded: LoadedRubric, grade: str | None) -> tuple[str, str]:
    """A grade's words from the one vocabulary (core/vocabulary.py); "" for no grade."""
    if not grade:
        return "", ""
    loaded.rubric.grade_band(grade)  # a grade the case's rubric does not define is an error, as before
    return vocabulary.GRADES.get(grade, (grade, grade))


def _font_path(services: Services) -> str | None:
    return str(services.settings.get("font_path") or "") or None


class DocumentService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- certificate --------------------------------------------------------------------------------
    def certificate_doc(self, number: str) -> r.CertificateDoc:
        settings = self.s.settings.all()
        with self.s.read() as session:
            cert = session.scalar(select(m.Certificate).where(m.Certificate.number == number))
            if cert is None:
                raise NotFound("certificate", number, "证书")
            loaded = self.s.rubrics.get(cert.rubric_id)
            zh, en = _grade_labels(loaded, cert.grade)
            basis = loaded.rubric.basis()
            return r.CertificateDoc(
                body_name=str(settings["body_name"]),
                body_address=str(settings["body_address"]),
                body_name_en=str(settings["body_name_en"]),
                number=cert.number,
                # as certified: exactly what the signed payload holds
                organization=cert.organization_name,
                credit_code=cert.organization.credit_code,
                address=cert.organization_address,
                scope=cert.scope,
                grade=cert.grade,
                grade_label_zh=zh,
                grade_label_en=en,
                stars=STARS[Grade(cert.grade)],
                issued_on=cert.issued_on,
                expires_on=cert.expires_on,
                rubric_id=cert.rubric_id,
                qr_payload=cert.payload,
                standard_line=basis.zh,
                standard_line_en=basis.en,
                status=effective_certificate_status(cert, self.s.today()),
                reissued_on=cert.reissued_on,
            )

    def certificate_preview(
        self, actor: Actor, case_no: str, lang: str = "zh"
    ) -> tuple[CertificateView, bytes]:
        """The certificate an issue of `case_no` would write now, and its PDF, with nothing written:
        the issue itself runs and is rolled back (Services.rehearsal), so the preview shows what the
        issue decides — number, grade, dates — and is refused for the same reasons.

        The preview's QR code holds no signed payload (a picture of a preview is not a certificate
        anyone can verify)."""
        from ..reports.certificate_pdf import render_certificate

        with self.s.rehearsal():
            view = self.s.certificates.issue(actor, case_no)
        settings = self.s.settings.all()
        zh, en = vocabulary.GRADES.get(view.grade, (view.grade, view.grade))
        basis = self.s.rubrics.get(view.rubric_id).rubric.basis()
        doc = r.CertificateDoc(
            body_name=str(settings["body_name"]),
            body_address=str(settings["body_address"]),
            body_name_en=str(settings["body_name_en"]),
            number=view.number,
            organization=view.organization.name,
            credit_code=view.organization.credit_code,
            address=view.organization.address,
            scope=view.scope,
            grade=view.grade,
            grade_label_zh=zh,
            grade_label_en=en,
            stars=STARS[Grade(view.grade)],
            issued_on=view.issued_on,
            expires_on=view.expires_on,
            rubric_id=view.rubric_id,
            qr_payload=f"PREVIEW {view.number} — 样张，未颁发",
            standard_line=basis.zh,
            standard_line_en=basis.en,
        )
        return view, render_certificate(doc, lang, font_path=_font_path(self.s))

    def certificate_pdf(self, number: str, lang: str = "zh") -> bytes:
        from ..reports.certificate_pdf import render_certificate

        return render_certificate(self.certificate_doc(number), lang, font_path=_font_path(self.s))

    def print_batch(
        self,
        numbers: Sequence[str],
        out_dir: Path,
        *,
        lang: str = "zh",
        progress: Progress | None = None,
        cancel: Event | None = None,
        workers: int = 2,
        force: bool = False,
    ):  # type: ignore[no-untyped-def]
        """Render many certificates on a process pool (both cores), with progress and cancel.

        Every number is checked first (an unknown one is refused before anything is written), and so
        is every file it would write: the folder is never the database's attachments folder, a file
        there never the database, and an existing file is replaced only with `force`. Each
        certificate is then read from the store only when the pool is ready for it, so reading
        overlaps rendering.
        """
        from ..reports.batch import DeferredCertificateJob, print_batch

        numbers = list(numbers)
        self._require_certificates(numbers)
        guard = self.s.outputs
        folder = guard.check_folder(out_dir)
        jobs = [DeferredCertificateJob(n, functools.partial(self.certificate_doc, n), lang) for n in numbers]
        targets = []
        for job in jobs:
            try:
                targets.append(folder / job.target_name())
            except ValueError as exc:
                raise Refused("bad_file", str(exc), f"证书文件名无效：{exc}") from None
        if folder.is_dir():
            existing = [t for t in targets if t.exists() or t.is_symlink()]
            if existing and not force:
                names = ", ".join(t.name for t in existing[:5]) + (" …" if len(existing) > 5 else "")
                raise Refused(
                    "exists",
                    f"{len(existing)} file(s) already exist in {folder} ({names}); choose another folder, "
                    "or pass --force to replace them",
                    f"{folder} 中已有 {len(existing)} 个同名文件（{names}）；请换一个文件夹（命令行可用 --force 覆盖）",
                )
            for target in targets:
                guard.check(target, force=force)

        def write(path: Path, data: bytes) -> None:
            guard.write(path, data, force=force)

        return print_batch(
            jobs,
            folder,
            progress=progress,
            cancel=cancel,
            workers=workers,
            font_path=_font_path(self.s),
            write=write,
        )

    def _require_certificates(self, numbers: Sequence[str]) -> None:
        """NotFound for the first number that names no certificate."""
        found: set[str] = set()
        with self.s.read() as session:
            unique = list(dict.fromkeys(numbers))
            for start in range(0, len(unique), _IN_CHUNK):
                chunk = unique[start : start + _IN_CHUNK]
                found.update(
                    session.scalars(select(m.Certificate.number).where(m.Certificate.number.in_(chunk)))
                )
        for number in numbers:
            if number not in found:
                raise NotFound("certificate", number, "证书")

    # -- score sheet --------------------------------------------------------------------------------
    def score_sheet_doc(self, actor: Actor, case_no: str) -> r.ScoreSheetDoc:
        detail = self.s.cases.get(case_no)
        loaded = self.s.rubrics.get(detail.rubric_id)
        evidence = _evidence_counts(detail)
        rows = tuple(
            r.IndicatorRow(
                code=code,
                points=e.points,
                not_applicable=e.not_applicable,
                reason=e.reason,
                note=e.note,
                evidence_count=evidence.get(code, 0),
            )
            for code in loaded.rubric.indicator_codes
            if (e := detail.entries.get(code)) is not None
        )
        return r.ScoreSheetDoc(
            case_no=detail.case_no,
            organization=detail.organization.name,
            rubric=loaded.rubric,
            rubric_id=detail.rubric_id,
            rubric_sha256=detail.rubric_sha256,
            rows=rows,
            exported_at=self.s.now(),
            exported_by=actor.display_name or actor.name,
            special_deductions=tuple(s.reason for s in detail.special_items if s.kind == "deduction"),
            bonus_reason=next((s.reason for s in detail.special_items if s.kind == "bonus"), None),
            nonconformities=_nc_rows(detail),
            body_name=str(self.s.settings.get("body_name")),
        )

    def score_sheet(self, actor: Actor, case_no: str, lang: str = "zh") -> bytes:
        from ..reports.score_sheet import render_score_sheet

        return render_score_sheet(self.score_sheet_doc(actor, case_no), lang)

    def import_score_sheet(self, actor: Actor, case_no: str, data: bytes, source: str = "") -> CaseDetail:
        """Read an edited score sheet back: validated whole, applied in one transaction, or refused."""
        from ..reports.score_sheet import ScoreSheetError, parse_score_sheet

        with self.s.read() as session:
            case = get_case_row(session, case_no)
            # the same permission as scoring, checked before the file is even read
            require(Action.score, _roles(session, actor), _state(case), relation(session, case, actor.id))
            rubric_id, sha = case.rubric_id, case.rubric_sha256
        loaded = self.s.rubrics.get(rubric_id)
        if loaded.sha256 != sha:
            raise Refused(
                "rubric_changed",
                f"rubric file {rubric_id} changed since the case was opened",
                f"评价规则文件 {rubric_id} 在立案后被修改",
            )
        try:
            parsed = parse_score_sheet(data, loaded.rubric, sha, case_no)
        except ScoreSheetError as exc:
            raise Refused("bad_sheet", str(exc), "评分表被拒绝：" + exc.listed_zh()) from None
        self.s.audits.apply_sheet(actor, case_no, parsed.rows, source=source)
        return self.s.cases.get(case_no)

    # -- audit report -------------------------------------------------------------------------------
    def audit_report_doc(
        self, case_no: str, lang: str = "zh", report_date: date | None = None
    ) -> r.AuditReportDoc:
        detail = self.s.cases.get(case_no)
        loaded = self.s.rubrics.get(detail.rubric_id)
        rubric = loaded.rubric
        score = detail.score
        evidence = _evidence_counts(detail)
        categories = tuple(
            r.CategoryRow(c.code, c.name.zh, c.name.en, c.max_points, c.applicable_max, c.earned)
            for c in score.categories
        )
        indicators = []
        for _, indicator in rubric.indicators():
            entry = detail.entries.get(indicator.code)
            indicators.append(
                r.ReportIndicatorRow(
                    code=indicator.code,
                    name_zh=indicator.name.zh,
                    name_en=indicator.name.en,
                    max_points=indicator.max_points,
                    points=entry.points if entry else None,
                    not_applicable=bool(entry and entry.not_applicable),
                    note=(entry.reason if entry.not_applicable else entry.note) if entry else "",
                    evidence_count=evidence.get(indicator.code, 0),
                )
            )
        zh, en = _grade_labels(loaded, score.grade.value if score.grade else None)
        totals = r.ScoreTotals(
            earned=score.earned,
            applicable_max=score.applicable_max,
            base=score.base,
            deductions=rubric.special_deduction_points * score.special_deductions,
            bonus=rubric.special_bonus_points * score.bonus,
            total=score.total,
            passed=score.passed,
            grade_label_zh=zh,
            grade_label_en=en,
            deduction_count=score.special_deductions,
            deduction_reasons=tuple(s.reason for s in detail.special_items if s.kind == "deduction"),
            bonus_reason=next((s.reason for s in detail.special_items if s.kind == "bonus"), ""),
        )
        pick = 1 if lang == "en" else 0
        recommended = _grade_labels(loaded, detail.recommended_grade)[pick]
        decided = _grade_labels(loaded, detail.decided_grade)[pick]
        decision, decided_on, votes = self._committee(case_no, loaded, pick)
        audit_start, audit_end = self._audit_dates(case_no)
        leader = next((t.display_name or t.user_name for t in detail.team if t.is_leader), "")
        review = detail.reviews[-1] if detail.reviews else None
        findings = tuple(
            (f"{c} " if c else "") + text for rv in detail.reviews for c, text in rv.findings
        ) + tuple(rv.note for rv in detail.reviews)
        return r.AuditReportDoc(
            body_name=str(self.s.settings.get("body_name")),
            case_no=detail.case_no,
            organization=detail.organization.name,
            credit_code=detail.organization.credit_code,
            address=detail.organization.address,
            scope=detail.scope,
            enterprise_type=detail.enterprise_type,
            rubric_id=detail.rubric_id,
            rubric_title_zh=rubric.title.zh,
            rubric_title_en=rubric.title.en,
            team_leader=leader,
            team_members=tuple(t.display_name or t.user_name for t in detail.team if not t.is_leader),
            report_date=report_date or self.s.today(),
            categories=categories,
            indicators=tuple(indicators),
            totals=totals,
            audit_start=audit_start,
            audit_end=audit_end,
            document_review_on=review.created_at.date() if review else None,
            document_review_findings=findings,
            nonconformities=_nc_rows(detail),
            conclusion=detail.conclusion_summary or "",
            recommended_grade_label=recommended,
            committee_decision=decision,
            committee_grade_label=decided,
            committee_decided_on=decided_on,
            committee_votes=votes,
            rubric_sha256=detail.rubric_sha256,
            log_anchor=self.anchor(),
        )

    def anchor(self) -> str:
        """The head of the event log as SEQ:HASH, printed on reports and register exports."""
        head = self.s.log.head()
        return "" if head is None else f"{head.seq}:{head.hash}"

    def _audit_dates(self, case_no: str) -> tuple[date | None, date | None]:
        """On-site audit dates as the log shows them: the first score saved and the conclusion."""
        start = end = None
        for event in self.s.log.events(case_no, limit=5000):  # newest first
            day = date.fromisoformat(event.at[:10])
            if event.action.startswith("score."):
                start = day
            elif event.action == "audit.conclude" and end is None:
                end = day
        return start, end

    def _committee(self, case_no: str, loaded: LoadedRubric, pick: int):  # type: ignore[no-untyped-def]
        """The last committee decision of the case and the votes of that round."""
        decision, decided_on = "", None
        for event in self.s.log.events(case_no, limit=1000):
            if event.action == "committee.decide":
                decision = str(event.after.get("decision", ""))
                decided_on = date.fromisoformat(event.at[:10])
                break
        with self.s.read() as session:
            case = get_case_row(session, case_no)
            last_round = session.scalar(
                select(func.max(m.CommitteeVote.round)).where(m.CommitteeVote.case_id == case.id)
            )
            rows = session.scalars(
                select(m.CommitteeVote)
                .where(m.CommitteeVote.case_id == case.id, m.CommitteeVote.round == last_round)
                .order_by(m.CommitteeVote.id)
            ).all()
            votes = tuple(
                r.CommitteeVoteRow(
                    member=v.user.display_name or v.user.name,
                    decision=v.decision,
                    comment=v.comment,
                    voted_on=v.created_at.date(),
                    grade_label=_grade_labels(loaded, v.grade)[pick] if v.grade else "",
                )
                for v in rows
            )
        return decision, decided_on, votes

    def audit_report(self, case_no: str, lang: str = "zh", report_date: date | None = None) -> bytes:
        from ..reports.report_pdf import render_audit_report

        doc = self.audit_report_doc(case_no, lang, report_date)
        return render_audit_report(doc, lang, font_path=_font_path(self.s))

    # -- register -----------------------------------------------------------------------------------
    def register_rows(self, lang: str = "zh") -> list[r.RegisterRow]:
        rows = []
        for cert in self.s.certificates.list():
            loaded = self.s.rubrics.get(cert.rubric_id)
            label = _grade_labels(loaded, cert.grade)[1 if lang == "en" else 0]
            rows.append(
                r.RegisterRow(
                    number=cert.number,
                    organization=cert.organization.name,
                    credit_code=cert.organization.credit_code,
                    grade_label=label,
                    scope=cert.scope,
                    issued_on=cert.issued_on,
                    expires_on=cert.expires_on,
                    status=cert.status,
                    next_surveillance=cert.next_surveillance,
                )
            )
        return rows

    def register_export(self, path: Path, lang: str = "zh", *, force: bool = False) -> int:
        """Write the register to `path` (.xlsx or .csv) through the output guard."""
        from ..reports.register import render_register_csv, render_register_xlsx

        suffix = Path(path).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise Refused(
                "bad_format", "the register is exported as .xlsx or .csv", "登记册只能导出为 .xlsx 或 .csv"
            )
        self.s.outputs.check(path, force=force)  # before the work of rendering
        rows = self.register_rows(lang)
        anchor = self.anchor()
        if suffix == ".csv":
            data = render_register_csv(rows, lang, anchor=anchor)
        else:
            data = render_register_xlsx(rows, lang, generated_at=self.s.now(), anchor=anchor)
        self.s.outputs.write(path, data, force=force)
        return len(rows)


def _evidence_counts(detail: CaseDetail) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in detail.evidence:
        counts[item.code] = counts.get(item.code, 0) + 1
    return counts


def _nc_rows(detail: CaseDetail) -> tuple[r.NonconformityRow, ...]:
    return tuple(
        r.NonconformityRow(
            number=f"NC-{n:02d}",
            description=nc.text,
            indicator_code=nc.code or "",
            special_deduction=nc.special,
            corrective_action=nc.corrective_action or "",
            verification=f"{detail.person(nc.closed_by)} {nc.closed_at.date().isoformat()}"
            if nc.closed_by and nc.closed_at
            else "",
            status="closed" if nc.status == "closed" else "open",
            raised_on=nc.raised_at.date() if nc.raised_at else None,
            due_on=nc.deadline,
            closed_on=nc.closed_at.date() if nc.closed_at else None,
        )
        for n, nc in enumerate(detail.nonconformities, start=1)
    )


def _roles(session, actor: Actor):  # type: ignore[no-untyped-def]
    from ..core.policy import Role

    user = session.get(m.User, actor.id)
    if user is None or not user.active:
        raise Refused("inactive_user", f"user {actor.name} is not active", f"用户 {actor.name} 已停用")
    return frozenset(Role(x) for x in user.roles.split(",") if x)


def _state(case: m.Case):  # type: ignore[no-untyped-def]
    from ..core.workflow import CaseState

    return CaseState(case.status)


def payload_from_pdf(path: Path) -> str:
    """The signed QR payload of a certificate PDF, read from the QR code as printed on the page."""
    from ..reports.qr_read import QrNotFound, read_certificate_payload

    try:
        return read_certificate_payload(Path(path).read_bytes())
    except QrNotFound as exc:
        raise Refused("no_qr", f"{Path(path).name}: {exc}", f"{Path(path).name}：未找到证书二维码") from None
