"""`certificate`, `sheet`, `report` and `register`: certificates and the documents made from records."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    write_output,
)


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
        from ..services.documents import payload_from_pdf

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
