"""The `audit-workbench` command: the GUI with no arguments, the headless CLI with a subcommand.

The CLI is a thin layer over the services, like the GUI. It must not import Qt, so headless commands
start fast. Refusals print one line on stderr (a JSON object under --json) and exit 2; internal
errors exit 1.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .core.errors import Refused, set_language

EXIT_OK, EXIT_INTERNAL, EXIT_REFUSED = 0, 1, 2
PASSWORD_ENV = "AUDIT_WORKBENCH_PASSWORD"
NEW_PASSWORD_ENV = "AUDIT_WORKBENCH_NEW_PASSWORD"


class CliError(Exception):
    """Bad usage detected after parsing (exit 2)."""

    def __init__(self, message: str, code: str = "usage") -> None:
        super().__init__(message)
        self.code = code


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)  # points and totals are 0.5 / 0.1 steps: exact as binary floats to print
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.json = bool(getattr(args, "json", False))
        self._services: Any = None

    @property
    def db(self) -> str | None:
        return getattr(self.args, "db", None)

    def services(self) -> Any:
        if self._services is None:
            from .services import Services

            self._services = Services.open(self.db)
        return self._services

    def actor(self) -> Any:
        name = getattr(self.args, "user", None)
        if not name:
            raise CliError(
                "this command needs --user NAME (password from $AUDIT_WORKBENCH_PASSWORD or a prompt)"
            )
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise CliError(f"no password: set ${PASSWORD_ENV} or run in a terminal")
            password = getpass.getpass(f"password for {name}: ")
        return self.services().users.login(name, password)

    def out(self, data: Any, text: str | Callable[[], str]) -> None:
        if self.json:
            print(json.dumps(_jsonable(data), ensure_ascii=False, indent=None, sort_keys=False))
        else:
            print(text() if callable(text) else text)

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def _new_password(prompt: str) -> str:
    password = os.environ.get(NEW_PASSWORD_ENV) or os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(f"no password: set ${NEW_PASSWORD_ENV} or run in a terminal")
        password = getpass.getpass(prompt)
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    return password


def _num(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


# -- case JSON (a contract other tools rely on) ------------------------------------------------------


def case_json(detail: Any) -> dict[str, Any]:
    score = detail.score
    cert = detail.certificate
    return {
        "case_no": detail.case_no,
        "kind": detail.kind,
        "status": detail.status,
        "awaiting_rectification": detail.awaiting_rectification,
        "enterprise_type": detail.enterprise_type,
        "rubric_id": detail.rubric_id,
        "rubric_sha256": detail.rubric_sha256,
        "organization": {
            "name": detail.organization.name,
            "credit_code": detail.organization.credit_code,
            "address": detail.organization.address,
        },
        "headcount": detail.headcount,
        "scope": detail.scope,
        "contract_no": detail.contract_no,
        "fee": _jsonable(detail.fee),
        "document_days": _jsonable(detail.document_days),
        "onsite_days": _jsonable(detail.onsite_days),
        "days_override_reason": detail.days_override_reason,
        "materials": [
            {
                "item": m.item_no,
                "name": m.name_zh,
                "status": m.status,
                "reason": m.reason,
                "files": [f.filename for f in m.files],
            }
            for m in detail.materials
        ],
        "team": [{"user": t.user_name, "leader": t.is_leader} for t in detail.team],
        "reviews": [
            {
                "reviewer": r.reviewer,
                "outcome": r.outcome,
                "note": r.note,
                "at": r.created_at.isoformat(),
                "findings": [{"category": c, "text": t} for c, t in r.findings],
            }
            for r in detail.reviews
        ],
        "score": {
            "earned": _jsonable(score.earned),
            "applicable_max": _jsonable(score.applicable_max),
            "base": _jsonable(score.base),
            "special_deductions": score.special_deductions,
            "bonus": score.bonus,
            "total": _jsonable(score.total),
            "passed": score.passed,
            "grade": score.grade.value if score.grade else None,
            "complete": score.complete,
            "categories": [
                {
                    "code": c.code,
                    "name": c.name.zh,
                    "earned": _jsonable(c.earned),
                    "max": _jsonable(c.max_points),
                    "applicable_max": _jsonable(c.applicable_max),
                }
                for c in score.categories
            ],
            "indicators": [
                {
                    "code": e.code,
                    "points": _jsonable(e.points),
                    "not_applicable": e.not_applicable,
                    "reason": e.reason,
                    "note": e.note,
                }
                for e in sorted(detail.entries.values(), key=lambda e: [int(p) for p in e.code.split(".")])
            ],
        },
        "special_items": [{"id": s.id, "kind": s.kind, "reason": s.reason} for s in detail.special_items],
        "nonconformities": [
            {
                "id": n.id,
                "code": n.code,
                "text": n.text,
                "deadline": n.deadline.isoformat(),
                "status": n.status,
                "corrective_action": n.corrective_action,
                "overdue": n.overdue,
            }
            for n in detail.nonconformities
        ],
        "recommended_total": _jsonable(detail.recommended_total),
        "recommended_grade": detail.recommended_grade,
        "decided_grade": detail.decided_grade,
        "votes": [
            {"user": v.user_name, "decision": v.decision, "grade": v.grade, "comment": v.comment}
            for v in detail.votes
        ],
        "certificate": None
        if cert is None
        else {
            "number": cert.number,
            "grade": cert.grade,
            "issued_on": cert.issued_on.isoformat(),
            "expires_on": cert.expires_on.isoformat(),
            "status": cert.status,
        },
    }


def case_text(detail: Any) -> str:
    s = detail.score
    lines = [
        f"{detail.case_no}  {detail.status}{'  (awaiting rectification)' if detail.awaiting_rectification else ''}",
        f"  {detail.organization.name}  {detail.organization.credit_code}",
        f"  {detail.enterprise_type}  rubric {detail.rubric_id}  headcount {detail.headcount}",
        f"  scope: {detail.scope}",
    ]
    if detail.contract_no:
        lines.append(
            f"  contract {detail.contract_no}  fee {_num(detail.fee)}  days: document {_num(detail.document_days)}"
            f" + on-site {_num(detail.onsite_days)}"
        )
    if detail.team:
        lines.append(
            "  team: " + ", ".join(t.user_name + (" (leader)" if t.is_leader else "") for t in detail.team)
        )
    missing = [str(m.item_no) for m in detail.materials if m.status == "missing"]
    lines.append(
        f"  materials: {12 - len(missing)}/12 ready" + (f" (missing {', '.join(missing)})" if missing else "")
    )
    if detail.entries or detail.status in (
        "onsite_audit",
        "committee_review",
        "approved",
        "certified",
        "not_certified",
    ):
        grade = s.grade.value if s.grade else "not passed"
        lines.append(
            f"  score: {_num(s.total)} ({grade}); earned {_num(s.earned)} of {_num(s.applicable_max)}, "
            f"base {_num(s.base)}, deductions {s.special_deductions}, bonus {s.bonus}"
            + (f"; {len(s.unscored)} indicators unscored" if s.unscored else "")
        )
    open_nc = [n for n in detail.nonconformities if n.status == "open"]
    if detail.nonconformities:
        lines.append(f"  nonconformities: {len(detail.nonconformities)} ({len(open_nc)} open)")
    if detail.recommended_grade or detail.recommended_total is not None:
        lines.append(
            f"  recommended: {_num(detail.recommended_total)} {detail.recommended_grade or 'not passed'}"
        )
    if detail.decided_grade:
        lines.append(f"  decided grade: {detail.decided_grade}")
    if detail.certificate:
        c = detail.certificate
        lines.append(f"  certificate {c.number} {c.grade} {c.issued_on}–{c.expires_on} {c.status}")
    return "\n".join(lines)


# -- commands ---------------------------------------------------------------------------------------


def cmd_init(ctx: Context) -> int:
    from .storage.db import exists

    if exists(ctx.db):
        raise CliError("the database already exists; init makes a new one", "exists")
    s = ctx.services()
    password = _new_password(f"password for {ctx.args.admin}: ")
    user = s.users.create_first_admin(ctx.args.admin, password)
    s.certificates.ensure_keys()
    ctx.out({"admin": user.name, "db": s.db.url}, f"created {s.db.url} with administrator {user.name}")
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    from .storage.db import exists

    if exists(ctx.db):
        raise CliError("the database already exists; demo data goes into a new database only", "exists")
    from .services.demo import build_demo

    result = build_demo(ctx.services())
    ctx.out(
        {"users": [asdict(u) for u in result.users], "cases": [asdict(c) for c in result.cases]},
        lambda: (
            "demo database ready: "
            + ctx.services().db.url
            + "\nusers (password "
            + (result.users[0].password if result.users else "")
            + "):\n"
            + "\n".join(f"  {u.name:12} {', '.join(u.roles)}" for u in result.users)
            + "\ncases:\n"
            + "\n".join(f"  {c.case_no}  {c.status}" for c in result.cases)
        ),
    )
    return EXIT_OK


def cmd_user_add(ctx: Context) -> int:
    s = ctx.services()
    actor = ctx.actor()
    password = _new_password(f"password for {ctx.args.name}: ")
    user = s.users.add(actor, ctx.args.name, password, ctx.args.role, ctx.args.display_name or "")
    ctx.out(asdict(user), f"added {user.name} ({', '.join(user.roles)})")
    return EXIT_OK


def cmd_user_list(ctx: Context) -> int:
    users = ctx.services().users.list()
    ctx.out(
        [asdict(u) for u in users],
        lambda: "\n".join(
            f"{u.name:14} {u.display_name:10} {','.join(u.roles):24} {'active' if u.active else 'inactive'}"
            for u in users
        ),
    )
    return EXIT_OK


def _rubric_registry(ctx: Context) -> Any:
    from .core.datafiles import rubrics_dir
    from .core.rubric import RubricRegistry

    return RubricRegistry(rubrics_dir())


def cmd_rubric_list(ctx: Context) -> int:
    registry = _rubric_registry(ctx)
    rows = [
        {
            "id": r.id,
            "title": r.rubric.title.zh,
            "title_en": r.rubric.title.en,
            "enterprise_type": r.rubric.enterprise_type.value if r.rubric.enterprise_type else None,
            "categories": len(r.rubric.categories),
            "indicators": len(r.rubric.indicator_codes),
            "sha256": r.sha256,
        }
        for r in registry.all()
    ]
    ctx.out(
        rows,
        lambda: "\n".join(
            f"{r['id']:28} {r['enterprise_type'] or 'any':10} {r['categories']} categories, {r['indicators']} indicators  {r['title']}"
            for r in rows
        ),
    )
    return EXIT_OK


def rubric_json(loaded: Any) -> dict[str, Any]:
    r = loaded.rubric
    return {
        "id": r.id,
        "title": r.title.zh,
        "title_en": r.title.en,
        "standard": r.standard,
        "enterprise_type": r.enterprise_type.value if r.enterprise_type else None,
        "max_points": _jsonable(r.max_points),
        "sha256": loaded.sha256,
        "points_basis": r.points_basis.zh,
        "grades": [
            {"grade": g.grade.value, "label": g.label.zh, "min_score": _jsonable(g.min_score)}
            for g in r.grades
        ],
        "categories": [
            {
                "code": c.code,
                "name": c.name.zh,
                "name_en": c.name.en,
                "max_points": _jsonable(c.max_points),
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name.zh,
                        "name_en": i.name.en,
                        "max_points": _jsonable(i.max_points),
                        "sampled": i.sampled,
                    }
                    for i in c.indicators
                ],
            }
            for c in r.categories
        ],
    }


def cmd_rubric_show(ctx: Context) -> int:
    registry = _rubric_registry(ctx)
    try:
        loaded = registry.get(ctx.args.id)
    except KeyError:
        raise Refused(
            "unknown_rubric", f"unknown rubric {ctx.args.id!r}; installed: {', '.join(registry.ids())}"
        ) from None
    data = rubric_json(loaded)

    def text() -> str:
        lines = [f"{data['id']}  {data['title']}", f"  {data['standard']}", f"  sha256 {data['sha256']}"]
        for c in data["categories"]:
            lines.append(f"  {c['code']:4} {c['name']}  ({_jsonable(c['max_points'])})")
            for i in c["indicators"]:
                lines.append(
                    f"    {i['code']:6} {i['name']:12} {i['max_points']}{'  [sampled]' if i['sampled'] else ''}"
                )
        lines.append("  grades: " + ", ".join(f"{g['label']} ≥{g['min_score']}" for g in data["grades"]))
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def cmd_rubric_check(ctx: Context) -> int:
    from .core.rubric import RubricError, load_rubric

    try:
        loaded = load_rubric(Path(ctx.args.file))
    except RubricError as exc:
        raise Refused("bad_rubric", str(exc)) from None
    ctx.out(
        {
            "ok": True,
            "id": loaded.id,
            "sha256": loaded.sha256,
            "indicators": len(loaded.rubric.indicator_codes),
        },
        f"{ctx.args.file}: valid rubric {loaded.id} ({len(loaded.rubric.indicator_codes)} indicators)",
    )
    return EXIT_OK


def cmd_case_new(ctx: Context) -> int:
    s = ctx.services()
    a = ctx.args
    detail = s.cases.create(
        ctx.actor(),
        org_name=a.org_name,
        credit_code=a.credit_code,
        enterprise_type=a.type,
        headcount=a.headcount,
        scope=a.scope,
        address=a.address or "",
        rubric_id=a.rubric,
    )
    ctx.out(
        {"case_no": detail.case_no, "status": detail.status, "rubric_id": detail.rubric_id}, detail.case_no
    )
    return EXIT_OK


def _show(ctx: Context, detail: Any) -> int:
    ctx.out(case_json(detail), lambda: case_text(detail))
    return EXIT_OK


def cmd_material_set(ctx: Context) -> int:
    s = ctx.services()
    return _show(
        ctx,
        s.cases.set_material_files(
            ctx.actor(), ctx.args.case_no, ctx.args.item, [Path(f) for f in ctx.args.file]
        ),
    )


def cmd_material_na(ctx: Context) -> int:
    s = ctx.services()
    return _show(
        ctx,
        s.cases.mark_material_not_applicable(ctx.actor(), ctx.args.case_no, ctx.args.item, ctx.args.reason),
    )


def cmd_case_submit(ctx: Context) -> int:
    return _show(ctx, ctx.services().cases.submit(ctx.actor(), ctx.args.case_no))


def cmd_case_accept(ctx: Context) -> int:
    a = ctx.args
    detail = ctx.services().cases.accept(
        ctx.actor(),
        a.case_no,
        contract_no=a.contract_no,
        fee=a.fee,
        onsite_days=a.onsite_days,
        document_days=a.document_days,
        override_reason=a.override_reason,
    )
    return _show(ctx, detail)


def cmd_case_reject(ctx: Context) -> int:
    return _show(ctx, ctx.services().cases.reject(ctx.actor(), ctx.args.case_no, ctx.args.reason))


def cmd_case_withdraw(ctx: Context) -> int:
    return _show(ctx, ctx.services().cases.withdraw(ctx.actor(), ctx.args.case_no, ctx.args.reason))


def cmd_case_list(ctx: Context) -> int:
    from .services.cases import CaseQuery

    a = ctx.args
    rows = ctx.services().cases.list(
        CaseQuery(status=a.status, search=a.search, rubric_id=a.rubric, grade=a.grade, team_member=a.member)
    )
    data = [
        {
            "case_no": r.case_no,
            "status": r.status,
            "kind": r.kind,
            "organization": r.organization.name,
            "credit_code": r.organization.credit_code,
            "enterprise_type": r.enterprise_type,
            "rubric_id": r.rubric_id,
            "recommended_total": _jsonable(r.recommended_total),
            "grade": r.decided_grade or r.recommended_grade,
        }
        for r in rows
    ]
    ctx.out(
        data,
        lambda: (
            "\n".join(
                f"{d['case_no']:14} {d['status']:17} {d['rubric_id']:26} {d['grade'] or '':11} {d['organization']}"
                for d in data
            )
            or "no cases"
        ),
    )
    return EXIT_OK


def cmd_case_show(ctx: Context) -> int:
    return _show(ctx, ctx.services().cases.get(ctx.args.case_no))


def cmd_audit_team(ctx: Context) -> int:
    return _show(
        ctx,
        ctx.services().cases.assign_team(
            ctx.actor(), ctx.args.case_no, ctx.args.leader, ctx.args.member or []
        ),
    )


def cmd_review_record(ctx: Context) -> int:
    findings = []
    for item in ctx.args.finding or []:
        category, sep, text = item.partition(":")
        findings.append((category.strip() or None, text.strip()) if sep else (None, item))
    detail = ctx.services().cases.record_review(
        ctx.actor(), ctx.args.case_no, outcome=ctx.args.outcome, note=ctx.args.note, findings=findings
    )
    return _show(ctx, detail)


def _score_out(ctx: Context, change: Any) -> int:
    s = change.score
    e = change.entry
    data = {
        "case_no": change.case_no,
        "code": change.code,
        "points": _jsonable(e.points) if e else None,
        "not_applicable": e.not_applicable if e else False,
        "version": change.version,
        "total": _jsonable(s.total),
        "grade": s.grade.value if s.grade else None,
        "unscored": len(s.unscored),
    }
    shown = "N/A" if e and e.not_applicable else _num(e.points if e else None)
    ctx.out(
        data,
        f"{change.code} = {shown}; total {_num(s.total)} ({data['grade'] or 'not passed'}), {len(s.unscored)} unscored",
    )
    return EXIT_OK


def cmd_score_set(ctx: Context) -> int:
    a = ctx.args
    return _score_out(ctx, ctx.services().audits.set_points(ctx.actor(), a.case_no, a.code, a.points, a.note))


def cmd_score_na(ctx: Context) -> int:
    a = ctx.args
    return _score_out(
        ctx, ctx.services().audits.set_not_applicable(ctx.actor(), a.case_no, a.code, a.reason, a.note)
    )


def cmd_score_sample(ctx: Context) -> int:
    a = ctx.args
    change = ctx.services().audits.score_sample(
        ctx.actor(), a.case_no, a.code, a.sampled, a.nonconforming, a.note
    )
    return _score_out(ctx, change)


def cmd_score_special(ctx: Context) -> int:
    a = ctx.args
    deadline = _date(a.deadline) if a.deadline else None
    item_id = ctx.services().audits.add_special(ctx.actor(), a.case_no, a.kind, a.reason, deadline)
    ctx.out({"id": item_id}, f"special {a.kind} {item_id} recorded")
    return EXIT_OK


def cmd_evidence_add(ctx: Context) -> int:
    a = ctx.args
    detail = ctx.services().audits.add_evidence(
        ctx.actor(), a.case_no, a.code, a.note or "", Path(a.file) if a.file else None
    )
    return _show(ctx, detail)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def cmd_nc_add(ctx: Context) -> int:
    a = ctx.args
    code = None if a.code in ("-", "") else a.code
    nc_id = ctx.services().audits.raise_nonconformity(ctx.actor(), a.case_no, code, a.text, _date(a.deadline))
    ctx.out({"id": nc_id}, f"nonconformity {nc_id} raised")
    return EXIT_OK


def cmd_nc_close(ctx: Context) -> int:
    a = ctx.args
    ctx.services().audits.close_nonconformity(ctx.actor(), a.case_no, a.nc_id, a.action)
    ctx.out({"id": a.nc_id, "status": "closed"}, f"nonconformity {a.nc_id} closed")
    return EXIT_OK


def cmd_audit_conclude(ctx: Context) -> int:
    return _show(ctx, ctx.services().audits.conclude(ctx.actor(), ctx.args.case_no, ctx.args.summary))


def cmd_committee_vote(ctx: Context) -> int:
    a = ctx.args
    return _show(ctx, ctx.services().committee.vote(ctx.actor(), a.case_no, a.decision, a.comment, a.grade))


def _cert_json(c: Any) -> dict[str, Any]:
    return {
        "number": c.number,
        "case_no": c.case_no,
        "organization": c.organization.name,
        "credit_code": c.organization.credit_code,
        "grade": c.grade,
        "scope": c.scope,
        "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
        "status": c.status,
        "status_reason": c.status_reason,
        "next_surveillance": c.next_surveillance.isoformat() if c.next_surveillance else None,
    }


def cmd_certificate_issue(ctx: Context) -> int:
    cert = ctx.services().certificates.issue(ctx.actor(), ctx.args.case_no)
    ctx.out(
        _cert_json(cert), f"issued {cert.number} ({cert.grade}) valid {cert.issued_on} – {cert.expires_on}"
    )
    return EXIT_OK


def _cert_change(name: str) -> Callable[[Context], int]:
    def run(ctx: Context) -> int:
        s = ctx.services()
        cert = getattr(s.certificates, name)(ctx.actor(), ctx.args.number, ctx.args.reason)
        ctx.out(_cert_json(cert), f"{cert.number} is now {cert.status}")
        return EXIT_OK

    return run


def cmd_certificate_list(ctx: Context) -> int:
    certs = ctx.services().certificates.list(status=ctx.args.status, search=ctx.args.search)
    data = [_cert_json(c) for c in certs]
    ctx.out(
        data,
        lambda: (
            "\n".join(
                f"{d['number']:18} {d['grade']:11} {d['status']:10} {d['expires_on']}  {d['organization']}"
                for d in data
            )
            or "no certificates"
        ),
    )
    return EXIT_OK


def cmd_certificate_verify(ctx: Context) -> int:
    target = ctx.args.target
    payload = target
    if not target.startswith("AWB1.") and Path(target).is_file():
        from .services.documents import payload_from_pdf

        payload = payload_from_pdf(Path(target))
    result = ctx.services().certificates.verify(payload.strip())
    data = {
        "valid": result.valid,
        "reason": result.reason,
        "status": result.status,
        "number": result.claims.number if result.claims else None,
    }
    ctx.out(data, result.reason)
    return EXIT_OK if result.valid else EXIT_REFUSED


def cmd_certificate_follow_up(ctx: Context) -> int:
    case_no = ctx.services().certificates.open_follow_up(
        ctx.actor(), ctx.args.number, ctx.args.kind, ctx.args.contract_no
    )
    ctx.out({"case_no": case_no}, case_no)
    return EXIT_OK


def _write_output(path: str, data: bytes) -> None:
    from .services.documents import write_atomically

    target = Path(path)
    if not target.parent.exists():
        raise CliError(f"folder {target.parent} does not exist")
    write_atomically(target, data)


def _doc_lang(ctx: Context) -> str:
    return getattr(ctx.args, "lang", None) or "zh"


def cmd_certificate_pdf(ctx: Context) -> int:
    data = ctx.services().documents.certificate_pdf(ctx.args.number, _doc_lang(ctx))
    _write_output(ctx.args.output, data)
    ctx.out(
        {"file": ctx.args.output, "bytes": len(data)},
        f"certificate {ctx.args.number} written to {ctx.args.output}",
    )
    return EXIT_OK


def cmd_certificate_print_batch(ctx: Context) -> int:
    numbers = list(ctx.args.numbers)
    if not numbers:
        numbers = [c.number for c in ctx.services().certificates.list(status="valid")]

    def progress(done: int, total: int) -> None:
        if not ctx.json:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    result = ctx.services().documents.print_batch(
        numbers, Path(ctx.args.output), lang=_doc_lang(ctx), progress=progress
    )
    if not ctx.json:
        print(file=sys.stderr)
    ctx.out(
        {"written": [str(p) for p in result.written], "failed": [list(f) for f in result.failed]},
        f"{len(result.written)} certificates written to {ctx.args.output}"
        + "".join(f"\n  failed {n}: {why}" for n, why in result.failed),
    )
    return EXIT_OK if not result.failed else EXIT_INTERNAL


def cmd_sheet_export(ctx: Context) -> int:
    s = ctx.services()
    data = s.documents.score_sheet(ctx.actor(), ctx.args.case_no, _doc_lang(ctx))
    _write_output(ctx.args.output, data)
    ctx.out(
        {"file": ctx.args.output, "bytes": len(data)},
        f"score sheet of {ctx.args.case_no} written to {ctx.args.output}",
    )
    return EXIT_OK


def cmd_sheet_import(ctx: Context) -> int:
    s = ctx.services()
    path = Path(ctx.args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    detail = s.documents.import_score_sheet(ctx.actor(), ctx.args.case_no, data, source=path.name)
    return _show(ctx, detail)


def cmd_report(ctx: Context) -> int:
    data = ctx.services().documents.audit_report(ctx.args.case_no, _doc_lang(ctx))
    _write_output(ctx.args.output, data)
    ctx.out(
        {"file": ctx.args.output, "bytes": len(data)},
        f"audit report of {ctx.args.case_no} written to {ctx.args.output}",
    )
    return EXIT_OK


def cmd_register_export(ctx: Context) -> int:
    count = ctx.services().documents.register_export(Path(ctx.args.output), _doc_lang(ctx))
    ctx.out(
        {"file": ctx.args.output, "certificates": count}, f"{count} certificates written to {ctx.args.output}"
    )
    return EXIT_OK


def cmd_package_export(ctx: Context) -> int:
    from .services.packages import export_package

    summary = export_package(ctx.services(), ctx.actor(), list(ctx.args.case_no), Path(ctx.args.output))
    ctx.out(
        {
            "file": str(summary.path),
            "kind": summary.kind,
            "cases": list(summary.cases),
            "accounts": list(summary.accounts),
            "attachments": summary.attachments,
            "bytes": summary.size,
        },
        f"{summary.kind} package {summary.path}: {len(summary.cases)} case(s), {len(summary.accounts)} account(s), "
        f"{summary.attachments} attachment(s), {summary.size} bytes",
    )
    return EXIT_OK


def _package_target(ctx: Context) -> str:
    if ctx.db is not None:
        return ctx.db
    from .storage.db import default_database_path

    return str(default_database_path())


def _resolutions(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, side = item.rpartition("=")
        if not sep or side not in ("office", "package"):
            raise CliError(f"--resolve takes CONFLICT_ID=office|package, not {item!r}")
        out[key] = side
    return out


def _conflict_json(c: object) -> dict[str, object]:
    return {k: _jsonable(getattr(c, k)) for k in ("id", "label", "base", "office", "package", "resolvable")}


def cmd_package_inspect(ctx: Context) -> int:
    from .services.packages import inspect_package

    target = _package_target(ctx)
    preview = inspect_package(Path(ctx.args.file), target, resolve=_resolutions(ctx.args.resolve))
    data = {
        "kind": preview.kind,
        "exported_by": preview.exported_by,
        "exported_at": preview.exported_at.isoformat(),
        "cases": [c.case_no for c in preview.cases],
        "accounts": list(preview.accounts),
        "changes": [_jsonable(c) for c in preview.changes],
        "unchanged": preview.unchanged,
        "conflicts": [_conflict_json(c) for c in preview.conflicts],
    }
    ctx.out(
        data,
        lambda: (
            f"{preview.kind} package by {preview.exported_by} at {preview.exported_at:%Y-%m-%d %H:%M}: "
            f"cases {', '.join(data['cases'])}; {len(preview.changes)} change(s), {preview.unchanged} unchanged, "
            f"{len(preview.conflicts)} conflict(s)"
            + "".join(
                f"\n  conflict {c.id}: {c.label}: office {c.office!r} / package {c.package!r}"
                for c in preview.conflicts
            )
        ),
    )
    return EXIT_OK


def cmd_package_import(ctx: Context) -> int:
    from .services.packages import PackageConflicts, import_package

    try:
        result = import_package(
            _package_target(ctx),
            Path(ctx.args.file),
            actor_name=getattr(ctx.args, "user", None),
            resolve=_resolutions(ctx.args.resolve),
        )
    except PackageConflicts as exc:
        conflicts = [_conflict_json(c) for c in exc.conflicts]
        if ctx.json:
            print(
                json.dumps({"error": str(exc), "code": exc.code, "conflicts": conflicts}, ensure_ascii=False),
                file=sys.stderr,
            )
        else:
            print(f"audit-workbench: {exc}", file=sys.stderr)
            for c in exc.conflicts:
                print(f"  {c.id}: {c.label}: office {c.office!r}, package {c.package!r}", file=sys.stderr)
            print("  re-run with --resolve ID=office|package for each to choose", file=sys.stderr)
        return EXIT_REFUSED
    ctx.out(
        {
            "kind": result.kind,
            "cases": list(result.cases),
            "changes": len(result.changes),
            "unchanged": result.unchanged,
            "accounts": list(result.accounts),
            "database_created": result.database_created,
            "attachments_added": result.attachments_added,
        },
        f"imported {result.kind} package: {', '.join(result.cases)}; {len(result.changes)} change(s), "
        f"{result.attachments_added} attachment(s)"
        + (" into a new database" if result.database_created else ""),
    )
    return EXIT_OK


def cmd_keys_export(ctx: Context) -> int:
    pem = ctx.services().certificates.public_key_pem()
    Path(ctx.args.output).write_bytes(pem)
    ctx.out({"file": ctx.args.output}, f"public key written to {ctx.args.output}")
    return EXIT_OK


def cmd_log_verify(ctx: Context) -> int:
    report = ctx.services().log.verify()
    ctx.out(asdict(report), report.describe())
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_log_show(ctx: Context) -> int:
    events = ctx.services().log.events(ctx.args.entity, ctx.args.limit)
    ctx.out(
        [asdict(e) for e in events],
        lambda: "\n".join(
            f"{e.seq:6} {e.at[:19]} {e.user_name:10} {e.action:24} {e.entity_id} {e.reason}" for e in events
        ),
    )
    return EXIT_OK


def cmd_setting_set(ctx: Context) -> int:
    value = ctx.services().settings.set(ctx.actor(), ctx.args.key, ctx.args.value)
    ctx.out({ctx.args.key: value}, f"{ctx.args.key} = {value}")
    return EXIT_OK


def cmd_setting_list(ctx: Context) -> int:
    values = ctx.services().settings.all()
    ctx.out(values, lambda: "\n".join(f"{k} = {v}" for k, v in values.items()))
    return EXIT_OK


def cmd_backup(ctx: Context) -> int:
    from .services.backup import backup

    summary = backup(ctx.services(), ctx.actor(), Path(ctx.args.output))
    ctx.out(
        {
            "file": str(summary.path),
            "events": summary.events,
            "attachments": summary.attachments,
            "bytes": summary.bytes,
            "sha256": summary.sha256,
        },
        f"backup written to {summary.path}: {summary.events} events, {summary.attachments} attachments, "
        f"{summary.bytes} bytes, manifest sha256 {summary.sha256}",
    )
    return EXIT_OK


def cmd_restore(ctx: Context) -> int:
    from .services.backup import restore

    target = ctx.db
    if target is None:
        from .storage.db import default_database_path

        target = str(default_database_path())
    summary = restore(Path(ctx.args.file), target, force=ctx.args.force)
    ctx.out(
        {
            "db": str(summary.db),
            "events": summary.events,
            "attachments": summary.attachments,
            "replaced": str(summary.replaced) if summary.replaced else None,
        },
        f"restored {summary.db}: {summary.events} events verified, {summary.attachments} attachments"
        + (f"; the previous database was kept as {summary.replaced}" if summary.replaced else ""),
    )
    return EXIT_OK


def cmd_policy(ctx: Context) -> int:
    from .core.policy import POLICY, policy_markdown

    ctx.out(
        {
            a.value: {
                "roles": sorted(r.value for r in rule.roles),
                "states": None if rule.states is None else sorted(s.value for s in rule.states),
                "relation": rule.relation.value,
            }
            for a, rule in POLICY.items()
        },
        policy_markdown(),
    )
    return EXIT_OK


def cmd_gui(ctx: Context) -> int:
    try:
        from .ui.app import run_gui
    except ImportError as exc:
        raise CliError(f"the desktop window is not available in this build ({exc})", "no_gui") from None
    return run_gui(ctx.args)


def _no_command(parser: argparse.ArgumentParser) -> Callable[[Context], int]:
    """No subcommand: make the demo database if asked, then open the window (or show help headless)."""

    def run(ctx: Context) -> int:
        from .storage.db import exists

        if ctx.args.demo and not exists(ctx.db):
            cmd_demo(ctx)
        try:
            import importlib.util

            has_gui = importlib.util.find_spec("audit_workbench.ui.app") is not None
        except ImportError:
            has_gui = False
        if has_gui:
            return cmd_gui(ctx)
        parser.print_help()
        return EXIT_OK

    return run


# -- the parser -------------------------------------------------------------------------------------


def _globals(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        default=default,
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: audit-workbench.sqlite3 in the user data folder)",
    )
    parser.add_argument(
        "--user",
        default=default,
        metavar="NAME",
        help="act as this user (password from $AUDIT_WORKBENCH_PASSWORD)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="machine-readable output",
    )
    parser.add_argument("--lang", default=default, choices=["zh", "en"], help="language of messages")
    if not suppress:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="with no subcommand: create the default database with demo data if it does not exist yet",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audit-workbench",
        description="Audit Workbench — GB/T 27922 商品售后服务评价体系认证 workbench. "
        "With no subcommand it opens the desktop window.",
    )
    _globals(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _globals(common, suppress=True)

    def add(
        name: str, func: Callable[[Context], int], help: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help, parents=[common], description=help)
        p.set_defaults(func=func)
        return p

    def group(name: str, help: str) -> Any:
        p = sub.add_parser(name, help=help, description=help)
        return p.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)

    p = add(
        "init",
        cmd_init,
        "create a new database with its administrator (password from $AUDIT_WORKBENCH_PASSWORD)",
    )
    p.add_argument("--admin", required=True, metavar="NAME")
    add("demo", cmd_demo, "create a new database filled with demo users and cases")
    p = add("gui", cmd_gui, "open the desktop window")
    p.add_argument(
        "--page",
        default="dashboard",
        help="dashboard, cases, register, settings, case:CASE_NO, "
        "scoring:CASE_NO, committee:CASE_NO, certificate:CASE_NO",
    )
    p.add_argument("--screenshot", metavar="FILE.png", help="render the page to a PNG and exit")

    g = group("user", "users and roles (admin)")
    p = add("add", cmd_user_add, "add a user (initial password from $AUDIT_WORKBENCH_NEW_PASSWORD)", g)
    p.add_argument("name")
    p.add_argument(
        "--role", action="append", required=True, choices=["admin", "clerk", "auditor", "committee"]
    )
    p.add_argument("--display-name")
    add("list", cmd_user_list, "list users", g)

    g = group("rubric", "scoring rubrics")
    add("list", cmd_rubric_list, "list installed rubrics", g)
    add("show", cmd_rubric_show, "show a rubric's categories and indicators", g).add_argument("id")
    add("check", cmd_rubric_check, "validate a rubric file", g).add_argument("file")

    g = group("case", "applications and their pipeline")
    p = add("new", cmd_case_new, "register a new application (clerk)", g)
    p.add_argument("--org-name", required=True)
    p.add_argument("--credit-code", required=True)
    p.add_argument("--type", required=True, choices=["production", "sales"])
    p.add_argument("--headcount", required=True, type=int)
    p.add_argument("--scope", required=True)
    p.add_argument("--address")
    p.add_argument("--rubric")
    add("submit", cmd_case_submit, "submit a complete application", g).add_argument("case_no")
    p = add("accept", cmd_case_accept, "accept with the contract; audit days from the headcount", g)
    p.add_argument("case_no")
    p.add_argument("--contract-no", required=True)
    p.add_argument("--fee", required=True)
    p.add_argument("--onsite-days", help="override the on-site days (needs --override-reason)")
    p.add_argument("--document-days", help="override the document review days (needs --override-reason)")
    p.add_argument("--override-reason")
    for name, func in (("reject", cmd_case_reject), ("withdraw", cmd_case_withdraw)):
        p = add(name, func, f"{name} the case with a reason", g)
        p.add_argument("case_no")
        p.add_argument("--reason", required=True)
    p = add("list", cmd_case_list, "list cases", g)
    p.add_argument("--status")
    p.add_argument("--search", help="organisation name, credit code or case number")
    p.add_argument("--rubric")
    p.add_argument("--grade")
    p.add_argument("--member", help="cases with this audit team member")
    add("show", cmd_case_show, "show one case", g).add_argument("case_no")

    g = group("material", "the 12 application materials")
    p = add("set", cmd_material_set, "attach files to a material item", g)
    p.add_argument("case_no")
    p.add_argument("item", type=int)
    p.add_argument("--file", action="append", required=True)
    p = add("na", cmd_material_na, "mark a material item not applicable", g)
    p.add_argument("case_no")
    p.add_argument("item", type=int)
    p.add_argument("--reason", required=True)

    g = group("audit", "the audit team and the conclusion")
    p = add("team", cmd_audit_team, "assign the audit team (clerk)", g)
    p.add_argument("case_no")
    p.add_argument("--leader", required=True)
    p.add_argument("--member", action="append")
    p = add("conclude", cmd_audit_conclude, "conclude the audit (team leader)", g)
    p.add_argument("case_no")
    p.add_argument("--summary", required=True)

    g = group("review", "document review")
    p = add("record", cmd_review_record, "record a document review", g)
    p.add_argument("case_no")
    p.add_argument("--outcome", required=True, choices=["pass", "revise"])
    p.add_argument("--note", required=True)
    p.add_argument("--finding", action="append", help="CATEGORY:TEXT, e.g. 2:服务流程缺少回访要求")

    g = group("score", "on-site scoring (audit team)")
    p = add("set", cmd_score_set, "set an indicator's points", g)
    p.add_argument("case_no")
    p.add_argument("code")
    p.add_argument("points")
    p.add_argument("--note")
    p = add("na", cmd_score_na, "mark an indicator not applicable", g)
    p.add_argument("case_no")
    p.add_argument("code")
    p.add_argument("--reason", required=True)
    p.add_argument("--note")
    p = add("sample", cmd_score_sample, "score a sampled indicator from counts", g)
    p.add_argument("case_no")
    p.add_argument("code")
    p.add_argument("--sampled", type=int, required=True)
    p.add_argument("--nonconforming", type=int, required=True)
    p.add_argument("--note")
    p = add(
        "special", cmd_score_special, "a special deduction (opens a nonconformity) or the special bonus", g
    )
    p.add_argument("case_no")
    p.add_argument("--kind", required=True, choices=["deduction", "bonus"])
    p.add_argument("--reason", required=True)
    p.add_argument("--deadline", help="rectification deadline of the deduction's nonconformity")

    g = group("evidence", "evidence per indicator")
    p = add("add", cmd_evidence_add, "add an evidence note and/or file", g)
    p.add_argument("case_no")
    p.add_argument("code")
    p.add_argument("--note")
    p.add_argument("--file")

    g = group("nc", "nonconformities and rectification")
    p = add("add", cmd_nc_add, "raise a nonconformity (CODE '-' for none)", g)
    p.add_argument("case_no")
    p.add_argument("code")
    p.add_argument("--text", required=True)
    p.add_argument("--deadline", required=True)
    p = add("close", cmd_nc_close, "record the corrective action, verified, and close", g)
    p.add_argument("case_no")
    p.add_argument("nc_id", type=int)
    p.add_argument("--action", required=True)

    g = group("committee", "the evaluation committee")
    p = add("vote", cmd_committee_vote, "vote on a concluded audit", g)
    p.add_argument("case_no")
    p.add_argument("--decision", required=True, choices=["approve", "lower", "return", "reject"])
    p.add_argument("--grade", choices=["qualified", "three_star", "four_star", "five_star"])
    p.add_argument("--comment", required=True)

    g = group("certificate", "certificates and the register")
    add("issue", cmd_certificate_issue, "issue the certificate of an approved case (clerk)", g).add_argument(
        "case_no"
    )
    for name in ("suspend", "withdraw", "restore"):
        p = add(name, _cert_change(name), f"{name} a certificate with a reason", g)
        p.add_argument("number")
        p.add_argument("--reason", required=True)
    p = add("list", cmd_certificate_list, "the certificate register", g)
    p.add_argument("--status")
    p.add_argument("--search")
    p = add(
        "verify", cmd_certificate_verify, "verify a certificate PDF or QR payload (exit 0 valid, 2 not)", g
    )
    p.add_argument("target")
    p = add("pdf", cmd_certificate_pdf, "write the certificate PDF (--lang en for English)", g)
    p.add_argument("number")
    p.add_argument("-o", "--output", required=True)
    p = add("print-batch", cmd_certificate_print_batch, "write many certificate PDFs using both cores", g)
    p.add_argument("numbers", nargs="*", metavar="NUMBER", help="default: every valid certificate")
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p = add(
        "follow-up", cmd_certificate_follow_up, "open a surveillance or renewal audit of a certificate", g
    )
    p.add_argument("number")
    p.add_argument("--kind", required=True, choices=["surveillance", "renewal"])
    p.add_argument("--contract-no")

    g = group("sheet", "score sheets in Excel")
    p = add("export", cmd_sheet_export, "export the score sheet with live formulas", g)
    p.add_argument("case_no")
    p.add_argument("-o", "--output", required=True)
    p = add("import", cmd_sheet_import, "import an edited score sheet (all or nothing)", g)
    p.add_argument("case_no")
    p.add_argument("file")

    p = add("report", cmd_report, "write the audit report PDF")
    p.add_argument("case_no")
    p.add_argument("-o", "--output", required=True)

    g = group("register", "the certificate register")
    add("export", cmd_register_export, "export the register as .xlsx or .csv", g).add_argument(
        "-o", "--output", required=True
    )

    g = group("package", "offline audit packages (.awp) to a laptop and back")
    p = add("export", cmd_package_export, "export cases for a laptop, or the laptop's results back", g)
    p.add_argument("case_no", nargs="+")
    p.add_argument("-o", "--output", required=True)
    for name, func, text in (
        ("inspect", cmd_package_inspect, "show what importing a package would change, and its conflicts"),
        (
            "import",
            cmd_package_import,
            "import a package (all or nothing; creates --db if it does not exist)",
        ),
    ):
        p = add(name, func, text, g)
        p.add_argument("file")
        p.add_argument(
            "--resolve", action="append", metavar="ID=office|package", help="settle a listed conflict"
        )

    g = group("keys", "the certification body's signing key")
    add("export-public", cmd_keys_export, "write the public key (PEM)", g).add_argument(
        "-o", "--output", required=True
    )

    g = group("log", "the audit trail")
    add("verify", cmd_log_verify, "verify the hash chain (exit 2 if broken)", g)
    p = add("show", cmd_log_show, "show recent events", g)
    p.add_argument("--entity", help="case number, certificate number or user name")
    p.add_argument("--limit", type=int, default=50)

    g = group("setting", "settings of the certification body (admin)")
    add("list", cmd_setting_list, "show settings", g)
    p = add("set", cmd_setting_set, "change a setting", g)
    p.add_argument("key")
    p.add_argument("value")

    p = add("backup", cmd_backup, "write a consistent backup of the database and attachments (admin)")
    p.add_argument("-o", "--output", required=True)
    p = add("restore", cmd_restore, "restore a backup into --db (a new file unless --force)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace an existing database (it is kept beside)")

    add("policy", cmd_policy, "print the role × action × state policy table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or os.environ.get("AUDIT_WORKBENCH_LANG")
    if lang:
        set_language(lang)
    as_json = bool(getattr(args, "json", False))
    ctx = Context(args)
    if getattr(args, "command", None) is None:
        args.func = _no_command(parser)
        args.page = "dashboard"
        args.screenshot = None
    try:
        return args.func(ctx)
    except (Refused, CliError) as exc:
        message = str(exc)
        code = exc.code
        if as_json:
            print(json.dumps({"error": message, "code": code}, ensure_ascii=False), file=sys.stderr)
        else:
            print(f"audit-workbench: {message}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except Exception as exc:  # an internal error: say so plainly, with the type, and exit 1
        if as_json:
            print(
                json.dumps({"error": f"internal error: {exc.__class__.__name__}: {exc}", "code": "internal"}),
                file=sys.stderr,
            )
        else:
            print(f"audit-workbench: internal error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        if os.environ.get("AUDIT_WORKBENCH_DEBUG"):
            raise
        return EXIT_INTERNAL
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
