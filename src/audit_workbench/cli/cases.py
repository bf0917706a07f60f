"""`case` and `material`: applications, their materials and the case's pipeline steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.scoring import format_score
from .common import (
    EXIT_OK,
    Add,
    Context,
    Group,
    jsonable,
    num,
    words,
)


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
        # as certified when the case has a certificate: exactly what the certificate's payload holds
        "organization": {
            "name": detail.organization.name,
            "credit_code": detail.organization.credit_code,
            "address": detail.organization.address,
        },
        "organization_now": None
        if detail.current_organization is None or detail.current_organization == detail.organization
        else {
            "name": detail.current_organization.name,
            "address": detail.current_organization.address,
        },
        "headcount": detail.headcount,
        "scope": detail.scope,
        "contract_no": detail.contract_no,
        "fee": jsonable(detail.fee),
        "document_days": jsonable(detail.document_days),
        "onsite_days": jsonable(detail.onsite_days),
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
            "earned": jsonable(score.earned),
            "applicable_max": jsonable(score.applicable_max),
            "base": jsonable(score.base),  # rounded half-up to 0.1, as every document shows it
            "special_deductions": score.special_deductions,
            "bonus": score.bonus,
            "total": jsonable(score.total),
            "passed": score.passed,
            "grade": score.grade.value if score.grade else None,
            "complete": score.complete,
            "categories": [
                {
                    "code": c.code,
                    "name": c.name.zh,
                    "earned": jsonable(c.earned),
                    "max": jsonable(c.max_points),
                    "applicable_max": jsonable(c.applicable_max),
                }
                for c in score.categories
            ],
            "indicators": [
                {
                    "code": e.code,
                    "points": jsonable(e.points),
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
        "recommended_total": jsonable(detail.recommended_total),
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
            "reissued_on": cert.reissued_on.isoformat() if cert.reissued_on else None,
            "status": cert.status,
        },
    }


def case_text(detail: Any) -> str:
    s = detail.score
    org, now = detail.organization, detail.current_organization
    lines = [
        f"{detail.case_no}  {words('case_state', detail.status)}"
        f"{'  (awaiting rectification)' if detail.awaiting_rectification else ''}",
        f"  {org.name}  {org.credit_code}" + ("  (as certified)" if detail.certificate else ""),
    ]
    if org.address:
        lines.append(f"  address: {org.address}")
    if now is not None and (now.name, now.address) != (org.name, org.address):
        lines.append(f"  the organisation's record now: {now.name}, {now.address or '—'}")
    lines += [
        f"  {words('enterprise_type', detail.enterprise_type)}  rubric {detail.rubric_id}  headcount {detail.headcount}",
        f"  scope: {detail.scope}",
    ]
    if detail.contract_no:
        lines.append(
            f"  contract {detail.contract_no}  fee {num(detail.fee)}  days: document {num(detail.document_days)}"
            f" + on-site {num(detail.onsite_days)}"
        )
    if detail.team:
        lines.append(
            "  team: "
            + ", ".join(
                f"{t.display_name or t.user_name} ({t.user_name}{', leader' if t.is_leader else ''})"
                for t in detail.team
            )
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
        grade = words("grade", s.grade) if s.grade else "not passed"
        lines.append(
            f"  score: {format_score(s.total)} ({grade}); earned {num(s.earned)} of {num(s.applicable_max)}, "
            f"base {format_score(s.base)}, deductions {s.special_deductions}, bonus {s.bonus}"
            + (f"; {len(s.unscored)} indicators unscored" if s.unscored else "")
        )
    open_nc = [n for n in detail.nonconformities if n.status == "open"]
    if detail.nonconformities:
        lines.append(f"  nonconformities: {len(detail.nonconformities)} ({len(open_nc)} open)")
    if detail.recommended_grade or detail.recommended_total is not None:
        lines.append(
            f"  recommended: {format_score(detail.recommended_total)} {words('grade', detail.recommended_grade) or 'not passed'}"
        )
    if detail.decided_grade:
        lines.append(f"  decided grade: {detail.decided_grade}")
    if detail.certificate:
        c = detail.certificate
        again = f" (re-issued {c.reissued_on})" if c.reissued_on else ""
        lines.append(f"  certificate {c.number} {c.grade} {c.issued_on}–{c.expires_on}{again} {c.status}")
    return "\n".join(lines)


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
        contact=a.contact or "",
        existing_organization=a.existing_org,
    )
    proposed = []
    if a.existing_org:
        org = s.organizations.get(detail.organization.credit_code)
        proposed = [p for p in org.pending if p.case_no == detail.case_no]
    data = {
        "case_no": detail.case_no,
        "status": detail.status,
        "rubric_id": detail.rubric_id,
        "organization": detail.organization.name,
        "proposals": [p.id for p in proposed],
    }

    def text() -> str:
        lines = [detail.case_no]
        for p in proposed:
            what = ", ".join(
                f"{field} {value!r}"
                for field, value in (("name", p.name), ("address", p.address), ("contact", p.contact))
                if value is not None
            )
            lines.append(
                f"for {detail.organization.name} as recorded; proposed change #{p.id} (not applied): {what}\n"
                f"  apply: org change {detail.organization.credit_code} --proposal {p.id} --reason …"
            )
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def show_case(ctx: Context, detail: Any) -> int:
    ctx.out(case_json(detail), lambda: case_text(detail))
    return EXIT_OK


def cmd_material_set(ctx: Context) -> int:
    s = ctx.services()
    return show_case(
        ctx,
        s.cases.set_material_files(
            ctx.actor(), ctx.args.case_no, ctx.args.item, [Path(f) for f in ctx.args.file]
        ),
    )


def cmd_material_na(ctx: Context) -> int:
    s = ctx.services()
    return show_case(
        ctx,
        s.cases.mark_material_not_applicable(ctx.actor(), ctx.args.case_no, ctx.args.item, ctx.args.reason),
    )


def cmd_case_submit(ctx: Context) -> int:
    return show_case(ctx, ctx.services().cases.submit(ctx.actor(), ctx.args.case_no))


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
    return show_case(ctx, detail)


def cmd_case_reject(ctx: Context) -> int:
    return show_case(ctx, ctx.services().cases.reject(ctx.actor(), ctx.args.case_no, ctx.args.reason))


def cmd_case_withdraw(ctx: Context) -> int:
    return show_case(ctx, ctx.services().cases.withdraw(ctx.actor(), ctx.args.case_no, ctx.args.reason))


def cmd_case_list(ctx: Context) -> int:
    from ..services.cases import CaseQuery

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
            "recommended_total": jsonable(r.recommended_total),
            "grade": r.decided_grade or r.recommended_grade,
        }
        for r in rows
    ]
    ctx.out(
        data,
        lambda: (
            "\n".join(
                f"{d['case_no']:14} {words('case_state', d['status']):17} {d['rubric_id']:26}"
                f" {words('grade', d['grade']):11} {d['organization']}"
                for d in data
            )
            or "no cases"
        ),
    )
    return EXIT_OK


def cmd_case_show(ctx: Context) -> int:
    return show_case(ctx, ctx.services().cases.get(ctx.args.case_no))


def register(add: Add, group: Group) -> None:
    """The `case` and `material` commands."""
    g = group("case", "applications and their pipeline")
    p = add("new", cmd_case_new, "register a new application (clerk)", g)
    p.add_argument("--org-name", required=True)
    p.add_argument("--credit-code", required=True)
    p.add_argument("--type", required=True, choices=["production", "sales"])
    p.add_argument("--headcount", required=True, type=int)
    p.add_argument("--scope", required=True)
    p.add_argument("--address")
    p.add_argument("--contact", help="contact person and telephone")
    p.add_argument("--rubric")
    p.add_argument(
        "--existing-org",
        action="store_true",
        help="the credit code is on record: apply for that organisation; a differing name, address or "
        "contact is recorded as a proposed change (`org show`), never applied",
    )
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
    p = add("list", cmd_case_list, "list cases", g, prepare=("cases",))
    p.add_argument("--status")
    p.add_argument(
        "--search",
        help="part of the organisation's name or its pinyin (initials too), credit code or case number",
    )
    p.add_argument("--rubric")
    p.add_argument("--grade")
    p.add_argument("--member", help="cases with this audit team member")
    add("show", cmd_case_show, "show one case", g, prepare=("cases", "rubrics")).add_argument("case_no")

    g = group("material", "the 12 application materials")
    p = add("set", cmd_material_set, "attach files to a material item", g)
    p.add_argument("case_no")
    p.add_argument("item", type=int)
    p.add_argument("--file", action="append", required=True)
    p = add("na", cmd_material_na, "mark a material item not applicable", g)
    p.add_argument("case_no")
    p.add_argument("item", type=int)
    p.add_argument("--reason", required=True)
