"""`org`: an organisation's record, its history, proposed changes, and certificate changes.

`org show CODE` prints the organisation as recorded now, every value its particulars held, the
pending proposals, its cases and its certificates. `org change CODE --name … --reason …` records a
change; a change of the name or address re-issues its certificates in force (a certificate
change). `org dismiss CODE PROPOSAL --reason …` closes a proposal without applying it. Further
particulars (issue 14) register as more options of `org change` / more `org` actions here.
"""

from __future__ import annotations

from typing import Any

from . import cnca
from .common import EXIT_OK, Add, Context, Group, parse_date, record_id


def org_json(detail: Any) -> dict[str, Any]:
    return {
        "name": detail.name,
        "credit_code": detail.credit_code,
        "address": detail.address,
        "contact": detail.contact,
        "version": detail.version,
        "history": [
            {
                "field": v.field,
                "value": v.value,
                "effective_on": v.effective_on.isoformat(),
                "recorded_at": v.recorded_at.isoformat(),
                "recorded_by": v.recorded_by,
                "reason": v.reason,
            }
            for v in detail.history
        ],
        "proposals": [
            {
                "id": p.id,
                "case_no": p.case_no,
                "name": p.name,
                "address": p.address,
                "contact": p.contact,
                "proposed_at": p.proposed_at.isoformat(),
                "proposed_by": p.proposed_by,
                "status": p.status,
                "resolved_by": p.resolved_by,
                "resolution": p.resolution,
            }
            for p in detail.proposals
        ],
        "cases": [{"case_no": c.case_no, "kind": c.kind, "status": c.status} for c in detail.cases],
        "certificates": [
            {
                "number": c.number,
                "status": c.status,
                "grade": c.grade,
                "organization": c.organization.name,
                "address": c.organization.address,
                "expires_on": c.expires_on.isoformat(),
                "reissued_on": c.reissued_on.isoformat() if c.reissued_on else None,
            }
            for c in detail.certificates
        ],
        "certificate_changes": [
            {
                "id": ch.id,
                "certificate": ch.certificate,
                "kind": ch.kind,
                "reason": ch.reason,
                "effective_on": ch.effective_on.isoformat(),
                "changed_at": ch.changed_at.isoformat(),
                "changed_by": ch.changed_by,
                "from": {"name": ch.previous_name, "address": ch.previous_address},
                "to": {"name": ch.name, "address": ch.address},
            }
            for ch in detail.changes
        ],
    }


def org_text(detail: Any, kinds: Any) -> str:
    lines = [
        f"{detail.credit_code}  {detail.name}",
        f"  address: {detail.address or '—'}",
        f"  contact: {detail.contact or '—'}",
        "  history:",
    ]
    for v in detail.history:
        lines.append(
            f"    {v.effective_on}  {v.field:8} {v.value or '—'}   ({v.recorded_by}, {v.recorded_at:%Y-%m-%d}: {v.reason})"
        )
    pending = detail.pending
    if pending:
        lines.append("  proposed changes (not applied):")
        for p in pending:
            what = ", ".join(
                f"{field} {value!r}"
                for field, value in (("name", p.name), ("address", p.address), ("contact", p.contact))
                if value is not None
            )
            lines.append(
                f"    #{p.id}  {what}  (application {p.case_no or '—'}, {p.proposed_by}, {p.proposed_at:%Y-%m-%d})"
            )
        lines.append(
            f"    apply: org change {detail.credit_code} --proposal ID --reason …   "
            f"dismiss: org dismiss {detail.credit_code} ID --reason …"
        )
    lines.append("  cases: " + (", ".join(f"{c.case_no} ({c.status})" for c in detail.cases) or "none"))
    if detail.certificates:
        lines.append("  certificates:")
        for c in detail.certificates:
            again = f", re-issued {c.reissued_on}" if c.reissued_on else ""
            lines.append(
                f"    {c.number}  {c.status:10} {c.grade:11} until {c.expires_on}{again}  as certified: {c.organization.name}"
            )
    if detail.changes:
        lines.append("  certificate changes:")
        for ch in detail.changes:
            label = _kind_label(kinds, ch.kind)
            moved = []
            if ch.previous_name != ch.name:
                moved.append(f"{ch.previous_name} → {ch.name}")
            if ch.previous_address != ch.address:
                moved.append(f"{ch.previous_address or '—'} → {ch.address or '—'}")
            lines.append(
                f"    {ch.changed_at:%Y-%m-%d}  {ch.certificate}  {ch.kind} {label}: {'; '.join(moved)}  ({ch.changed_by}: {ch.reason})"
            )
    return "\n".join(lines)


def _kind_label(kinds: Any, code: str) -> str:
    try:
        return str(kinds.get(code).zh)
    except KeyError:
        return ""


def cmd_org_show(ctx: Context) -> int:
    s = ctx.services()
    detail = s.organizations.get(ctx.args.credit_code)
    shown = s.cnca.particulars(detail.credit_code)  # for CNCA's report: the codes shown for confirmation
    ctx.out(
        {**org_json(detail), "cnca": cnca.particulars_json(shown)},
        lambda: (
            org_text(detail, s.change_kinds) + "\n  CNCA:\n" + cnca.particulars_text(shown, indent="    ")
        ),
    )
    return EXIT_OK


def cmd_org_change(ctx: Context) -> int:
    s = ctx.services()
    a = ctx.args
    result = s.organizations.change(
        ctx.actor(),
        a.credit_code,
        name=a.name,
        address=a.address,
        contact=a.contact,
        reason=a.reason,
        kind=a.kind,
        effective_on=parse_date(a.effective) if a.effective else None,
        proposal=a.proposal,
    )
    data = {
        "organization": org_json(result.organization),
        "changed": list(result.changed),
        "kind": result.kind,
        "reissued": list(result.reissued),
        "proposals_applied": list(result.proposals_applied),
    }

    def text() -> str:
        lines = [f"{result.organization.credit_code}: changed {', '.join(result.changed)}"]
        if result.reissued and result.kind:
            lines.append(f"certificate change {result.kind} {_kind_label(s.change_kinds, result.kind)}")
        for number in result.reissued:
            lines.append(
                f"re-issued {number} (same number and expiry, new signature; the old one is superseded)"
            )
        if result.kind and not result.reissued:
            lines.append("no certificate in force to re-issue")
        for proposal in result.proposals_applied:
            lines.append(f"proposal #{proposal} applied")
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def cmd_org_dismiss(ctx: Context) -> int:
    s = ctx.services()
    detail = s.organizations.dismiss(ctx.actor(), ctx.args.credit_code, ctx.args.proposal, ctx.args.reason)
    ctx.out(org_json(detail), f"proposal #{ctx.args.proposal} dismissed")
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    """The `org` commands."""
    g = group("org", "organisations: their record, history and changes")
    add("show", cmd_org_show, "an organisation: history, proposals, cases, certificates", g).add_argument(
        "credit_code"
    )
    p = add(
        "change",
        cmd_org_change,
        "record a change of name, address or contact (clerk); a new name or address re-issues the "
        "certificates in force as a certificate change",
        g,
    )
    p.add_argument("credit_code")
    p.add_argument("--name")
    p.add_argument("--address")
    p.add_argument("--contact", help="contact person and telephone")
    p.add_argument("--reason", required=True, help="why (e.g. the licence of the renamed company)")
    p.add_argument(
        "--kind",
        help="kind of certificate change (变更类别 code, resources/certificate-changes.yaml): "
        "by default 0101 组织更名 for a new name, 0102 地址变更 for a new address",
    )
    p.add_argument("--effective", metavar="YYYY-MM-DD", help="when the change took effect (default today)")
    p.add_argument(
        "--proposal", type=record_id, metavar="ID", help="apply a proposed change (its values by default)"
    )
    cnca.register_org(add, g)
    p = add("dismiss", cmd_org_dismiss, "close a proposed change without applying it (clerk)", g)
    p.add_argument("credit_code")
    p.add_argument("proposal", type=record_id, metavar="PROPOSAL")
    p.add_argument("--reason", required=True)
