"""The regulator's monthly report (CNCA): `register cnca`, `register audit` (an audit's dates and
mode) and `org set` (an organisation's report particulars)."""

from __future__ import annotations

from typing import Any

from .common import EXIT_OK, Add, Context, check_output, output_option, parse_date


def particulars_json(p: Any) -> dict[str, Any]:
    return {
        "credit_code": p.credit_code,
        "name": p.name,
        "org_code": p.org_code,
        "org_code_derived": p.org_code_derived,
        "district_code": p.district_code,
        "district_derived": p.district_derived,
        "industry_code": p.industry_code,
        "phone": p.phone,
        "contact": p.contact,
        "confirmed": p.confirmed,
    }


def particulars_text(p: Any, indent: str = "") -> str:
    state = (
        "confirmed" if p.confirmed else "derived from the credit code, not confirmed (org set … --confirm)"
    )
    lines = [
        f"组织机构代码 organisation code: {p.org_code}   ({state})",
        f"行政区划代码 district code:     {p.district_code}",
        f"行业代码 industry (GB/T 4754):  {p.industry_code or '—'}",
        f"联系人 contact:                 {p.contact or '—'}",
        f"电话 phone:                     {p.phone or '—'}",
    ]
    if not indent:
        return "\n".join([f"{p.credit_code}  {p.name}", *(f"  {line}" for line in lines)])
    return "\n".join(indent + line for line in lines)


def cmd_org_set(ctx: Context) -> int:
    a = ctx.args
    result = ctx.services().cnca.set_particulars(
        ctx.actor(),
        a.credit_code,
        industry=a.industry,
        phone=a.phone,
        org_code=a.org_code,
        district=a.district,
        contact=a.contact,
        confirm=a.confirm,
    )
    ctx.out(particulars_json(result), lambda: particulars_text(result))
    return EXIT_OK


def cmd_register_audit(ctx: Context) -> int:
    a = ctx.args
    ctx.services().cnca.set_audit(ctx.actor(), a.case_no, parse_date(a.start), parse_date(a.end), a.mode)
    ctx.out(
        {"case_no": a.case_no, "from": a.start, "to": a.end, "mode": a.mode},
        f"{a.case_no}: audit {a.start} – {a.end}, {a.mode}",
    )
    return EXIT_OK


def cmd_register_cnca(ctx: Context) -> int:
    a = ctx.args
    s = ctx.services()
    check_output(ctx, a.output)
    result = s.cnca.export(ctx.actor(), a.month, a.output, draft=a.draft, force=a.force)
    template = s.cnca.template
    data = {
        "file": str(result.path),
        "month": result.month,
        "draft": result.draft,
        "certificate_rows": result.certificates,
        "result_rows": result.results,
        "plan_rows": result.plans,
        "late": result.late,
        "gaps": [
            {"sheet": g.sheet, "subject": g.subject, "field": g.field, "meaning": g.meaning, "where": g.where}
            for g in result.gaps
        ],
    }

    def text() -> str:
        what = "draft " if result.draft else ""
        lines = [
            f"CNCA {what}report {result.month} written to {result.path}: {result.certificates} certificate rows, "
            f"{result.results} audit-result rows, {result.plans} audit-plan rows"
            + (f" ({result.late} from earlier months)" if result.late else "")
        ]
        if result.gaps:
            lines.append(f"{len(result.gaps)} required fields missing (sheet {'缺失项'}):")
            lines += [f"  {g.line(template)}" for g in result.gaps]
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def cmd_register_public(ctx: Context) -> int:
    a = ctx.args
    count = ctx.services().cnca.public_register(a.output, force=a.force)
    ctx.out({"file": a.output, "certificates": count}, f"{count} certificates written to {a.output}")
    return EXIT_OK


def register_org(add: Add, group: Any) -> None:
    """`org set`, in the `org` group."""
    p = add(
        "set",
        cmd_org_set,
        "record what CNCA's report needs of an organisation (clerk): industry, phone, contact; the "
        "organisation and district codes come from the credit code (--confirm stores them as shown)",
        group,
    )
    p.add_argument("credit_code")
    p.add_argument("--industry", metavar="CODE", help="GB/T 4754 4-digit class(es), several separated by ；")
    p.add_argument("--phone", metavar="NO")
    p.add_argument(
        "--contact", metavar="NAME", help="the contact person (an organisation change, with history)"
    )
    p.add_argument(
        "--org-code", metavar="CODE", help="组织机构代码: must be characters 9–17 of the credit code"
    )
    p.add_argument("--district", metavar="CODE", help="行政区划代码 (6 digits) if not the credit code's")
    p.add_argument(
        "--confirm",
        action="store_true",
        help="store the organisation and district codes as shown (confirmed)",
    )


def register_report(add: Add, group: Any) -> None:
    """`register cnca` and `register audit`, in the `register` group."""
    p = add(
        "cnca",
        cmd_register_cnca,
        "write the month's report to CNCA in its Excel template (证书信息表, 审核结果信息表, 审核计划信息表); "
        "refused while a required field is missing, unless --draft",
        group,
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument(
        "--draft",
        action="store_true",
        help="write even with missing fields, listed in a sheet 缺失项; nothing is marked as reported",
    )
    output_option(p)
    p = add(
        "public",
        cmd_register_public,
        "write the public certificate query (.csv or .html): number, organisation, status, dates, scope, grade",
        group,
    )
    output_option(p)
    p = add("audit", cmd_register_audit, "record an audit's dates and mode for the report (clerk)", group)
    p.add_argument("case_no")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--mode", default="onsite", choices=["onsite", "remote", "both"])
