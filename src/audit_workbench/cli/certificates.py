"""`certificate`, `sheet`, `report` and `register`: certificates and the documents made from records."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import cnca
from .cases import show_case
from .common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_REFUSED,
    Add,
    CliError,
    Context,
    Group,
    check_output,
    doc_lang,
    output_option,
    parse_date,
    words,
    write_output,
)


def _cert_json(c: Any) -> dict[str, Any]:
    return {
        "number": c.number,
        "case_no": c.case_no,
        "organization": c.organization.name,  # as certified: what its signed payload holds
        "credit_code": c.organization.credit_code,
        "address": c.organization.address,
        "grade": c.grade,
        "scope": c.scope,
        "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat(),
        "reissued_on": c.reissued_on.isoformat() if c.reissued_on else None,
        "status": c.status,
        "status_reason": c.status_reason,
        "status_reason_code": c.status_reason_code,
        "suspended_until": c.suspended_until.isoformat() if c.suspended_until else None,
        "surveillance_basis": c.surveillance_basis,
        "surveillance_from": c.surveillance_from.isoformat() if c.surveillance_from else None,
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
        a = ctx.args
        kwargs: dict[str, Any] = {}
        if name in ("suspend", "withdraw"):
            kwargs["code"] = a.reason_code
        if name == "suspend" and a.until:
            kwargs["until"] = parse_date(a.until)
        cert = getattr(s.certificates, name)(ctx.actor(), a.number, a.reason, **kwargs)
        until = f" until {cert.suspended_until}" if cert.suspended_until else ""
        ctx.out(_cert_json(cert), f"{cert.number} is now {cert.status}{until}")
        return EXIT_OK

    return run


def cmd_register_sweep(ctx: Context) -> int:
    """What the surveillance clock does on a day: expire, withdraw after a suspension, suspend."""
    a = ctx.args
    on = parse_date(a.date) if a.date else None
    s = ctx.services()
    result = s.certificates.sweep(ctx.actor(), on, dry_run=a.dry_run)
    data = {
        "date": result.on.isoformat(),
        "dry_run": result.dry_run,
        "actions": [
            {
                "certificate": x.number,
                "organization": x.organization,
                "rule": x.rule,
                "before": x.before,
                "after": x.after or None,
                "due_on": x.due_on.isoformat(),
                "reason_code": x.reason_code,
                "until": x.until.isoformat() if x.until else None,
                "skipped": x.skipped or None,
            }
            for x in result.actions
        ],
    }

    def text() -> str:
        would = "would be " if result.dry_run else ""
        head = f"sweep of {result.on}{' (dry run: nothing changed)' if result.dry_run else ''}: "
        if not result.actions:
            return head + "nothing to do"
        lines = [head + f"{len(result.actions)} certificate(s)"]
        for x in result.actions:
            if x.skipped:
                lines.append(f"  {x.number} skipped ({x.rule}): {x.skipped}")
                continue
            detail = {
                "expired": f"expired on {x.due_on}",
                "suspension_ended": f"suspension ended {x.due_on}, code {x.reason_code}",
                "surveillance_overdue": f"surveillance due {x.due_on}, code {x.reason_code}, until {x.until}",
            }.get(x.rule, x.rule)
            lines.append(f"  {x.number} {would}{x.after} [{x.rule}] {detail}  {x.organization}")
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def cmd_certificate_list(ctx: Context) -> int:
    certs = ctx.services().certificates.list(status=ctx.args.status, search=ctx.args.search)
    data = [_cert_json(c) for c in certs]
    ctx.out(
        data,
        lambda: (
            "\n".join(
                f"{d['number']:18} {words('grade', d['grade']):11} {words('certificate_state', d['status']):10}"
                f" {d['expires_on']}  {d['organization']}"
                for d in data
            )
            or "no certificates"
        ),
    )
    return EXIT_OK


# A certificate PDF is a page or two; anything far larger is not one (and is not read whole).
MAX_PDF_BYTES = 50 * 1024 * 1024


def _payload_of(target: str) -> str:
    """The payload to check: the text itself, or the QR code of the PDF it names. Refused (`not
    valid` with the reason) for a file that is no readable certificate PDF."""
    from ..core.errors import Refused

    text = target.strip()
    if text.startswith("AWB1."):
        return text
    try:
        path = Path(target)
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or holding NUL
        is_file = False
    if not is_file:
        return text  # checked as a payload: "not valid" and why
    try:
        size = path.stat().st_size
        if size > MAX_PDF_BYTES:
            raise Refused(
                "not_a_certificate",
                f"{path.name} is {size} bytes: not a certificate PDF",
                f"{path.name} 有 {size} 字节，不是证书 PDF",
            )
        from ..services.documents import payload_from_pdf

        return payload_from_pdf(path)
    except OSError as exc:
        raise Refused(
            "not_a_certificate", f"{path.name} cannot be read ({exc.strerror})", f"{path.name} 无法读取"
        ) from None


def cmd_certificate_verify(ctx: Context) -> int:
    """Exit 0 when the certificate is valid, 2 with the reason for anything else."""
    from ..core.errors import Refused

    try:
        payload = _payload_of(ctx.args.target)
    except Refused as exc:
        reason = f"not valid: {exc}"
        ctx.out({"valid": False, "reason": reason, "status": None, "number": None}, reason)
        return EXIT_REFUSED
    result = ctx.services().certificates.verify(payload)
    claims = result.claims
    data = {
        "valid": result.valid,
        "reason": result.reason,
        "status": result.status,
        "number": claims.number if claims else None,
        "organization": claims.organization if claims else None,
        "address": claims.address if claims else None,
        "reissued_on": claims.reissued_on.isoformat() if claims and claims.reissued_on else None,
        "superseded_on": result.superseded_on.isoformat() if result.superseded_on else None,
        "change_kind": result.change_kind,
    }
    ctx.out(data, result.reason)
    return EXIT_OK if result.valid else EXIT_REFUSED


def cmd_certificate_check(ctx: Context) -> int:
    """Every certificate against its signed payload, its events and its case's log; exit 2 on any finding."""
    from ..services.oversight import one_hand_findings

    s = ctx.services()
    findings = s.certificates.check(ctx.args.numbers or None) + one_hand_findings(s, ctx.args.numbers or None)
    total = len(ctx.args.numbers) if ctx.args.numbers else len(s.certificates.list())
    data = {
        "certificates": total,
        "findings": [
            {
                "kind": f.kind.value,
                "certificate": f.certificate,
                "case_no": f.case_no,
                "subject": f.subject,
                "message": f.message(),
            }
            for f in findings
        ],
    }

    def text() -> str:
        from ..core.errors import language

        zh = language() == "zh"
        if not findings:
            if zh:
                return f"已检查 {total} 张证书：登记册中每张证书均与其签名数据和日志一致"
            return (
                f"{total} certificates checked: every register row agrees with its signed payload and its log"
            )
        head = (
            f"{total} 张证书中有 {len(findings)} 处不一致："
            if zh
            else f"{len(findings)} finding(s) in {total} certificates:"
        )
        return "\n".join([head] + [f"  [{f.kind.value}] {f.message()}" for f in findings])

    ctx.out(data, text)
    return EXIT_OK if not findings else EXIT_REFUSED


def cmd_certificate_follow_up(ctx: Context) -> int:
    case_no = ctx.services().certificates.open_follow_up(
        ctx.actor(), ctx.args.number, ctx.args.kind, ctx.args.contract_no
    )
    ctx.out({"case_no": case_no}, case_no)
    return EXIT_OK


def cmd_certificate_pdf(ctx: Context) -> int:
    check_output(ctx, ctx.args.output)
    data = ctx.services().documents.certificate_pdf(ctx.args.number, doc_lang(ctx))
    write_output(ctx, ctx.args.output, data)
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
        numbers, Path(ctx.args.output), lang=doc_lang(ctx), progress=progress, force=ctx.args.force
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
    actor = ctx.actor()
    check_output(ctx, ctx.args.output)
    data = s.documents.score_sheet(actor, ctx.args.case_no, doc_lang(ctx))
    write_output(ctx, ctx.args.output, data)
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
    return show_case(ctx, detail)


def cmd_report(ctx: Context) -> int:
    check_output(ctx, ctx.args.output)
    data = ctx.services().documents.audit_report(ctx.args.case_no, doc_lang(ctx))
    write_output(ctx, ctx.args.output, data)
    ctx.out(
        {"file": ctx.args.output, "bytes": len(data)},
        f"audit report of {ctx.args.case_no} written to {ctx.args.output}",
    )
    return EXIT_OK


def cmd_register_export(ctx: Context) -> int:
    count = ctx.services().documents.register_export(
        Path(ctx.args.output), doc_lang(ctx), force=ctx.args.force
    )
    ctx.out(
        {"file": ctx.args.output, "certificates": count}, f"{count} certificates written to {ctx.args.output}"
    )
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    """The certificate and document commands."""
    g = group("certificate", "certificates and the register")
    add("issue", cmd_certificate_issue, "issue the certificate of an approved case (clerk)", g).add_argument(
        "case_no"
    )
    for name in ("suspend", "withdraw", "restore"):
        p = add(name, _cert_change(name), f"{name} a certificate with a reason", g)
        p.add_argument("number")
        if name != "restore":
            p.add_argument(
                "--reason-code",
                required=True,
                metavar="CODE",
                help=f"a {name} reason code (resources/certificate-status-reasons.yaml)",
            )
        p.add_argument("--reason", required=True)
        if name == "suspend":
            p.add_argument(
                "--until", metavar="DATE", help="the suspension's end (default 3 months, at most 6)"
            )
    p = add("list", cmd_certificate_list, "the certificate register", g)
    p.add_argument("--status")
    p.add_argument("--search")
    p = add(
        "verify",
        cmd_certificate_verify,
        "verify a certificate PDF or QR payload (exit 0 valid, 2 not)",
        g,
        public=True,  # anyone holding a certificate may check it
    )
    p.add_argument("target", help="a QR payload (AWB1.…) or a certificate PDF")
    p = add(
        "check",
        cmd_certificate_check,
        "check every certificate against its signed payload, its events and its case's log (exit 2 on any finding)",
        g,
    )
    p.add_argument("numbers", nargs="*", metavar="NUMBER", help="default: every certificate")
    p = add("pdf", cmd_certificate_pdf, "write the certificate PDF (--lang en for English)", g)
    p.add_argument("number")
    output_option(p)
    p = add("print-batch", cmd_certificate_print_batch, "write many certificate PDFs using both cores", g)
    p.add_argument("numbers", nargs="*", metavar="NUMBER", help="default: every valid certificate")
    output_option(p, "DIR", "certificate file in the folder")
    p = add(
        "follow-up", cmd_certificate_follow_up, "open a surveillance or renewal audit of a certificate", g
    )
    p.add_argument("number")
    p.add_argument("--kind", required=True, choices=["surveillance", "renewal"])
    p.add_argument("--contract-no")

    g = group("sheet", "score sheets in Excel")
    p = add("export", cmd_sheet_export, "export the score sheet with live formulas", g)
    p.add_argument("case_no")
    output_option(p)
    p = add("import", cmd_sheet_import, "import an edited score sheet (all or nothing)", g)
    p.add_argument("case_no")
    p.add_argument("file")

    p = add("report", cmd_report, "write the audit report PDF")
    p.add_argument("case_no")
    output_option(p)

    g = group("register", "the certificate register")
    output_option(add("export", cmd_register_export, "export the register as .xlsx or .csv", g))
    cnca.register_report(add, g)
    p = add(
        "sweep",
        cmd_register_sweep,
        "the surveillance clock: mark expired, withdraw after an unresolved suspension, suspend overdue (clerk)",
        g,
    )
    p.add_argument("--dry-run", action="store_true", help="show what it would do and change nothing")
    p.add_argument(
        "--date", metavar="DATE", help="the day to sweep as (default today; a later one only with --dry-run)"
    )
