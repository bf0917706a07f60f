"""`complaint` and `appeal`: the complaints register and appeals against decisions, with the letter
that tells the complainant or appellant the outcome."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .common import EXIT_OK, Add, Context, Group, check_output, output_option, write_output


def _complaint_line(c: Any) -> str:
    case = f" case {c.case_no}" if c.case_no else ""
    who = f" investigator {c.investigator}" if c.investigator else ""
    late = f" OVERDUE ({c.overdue})" if c.overdue else ""
    return (
        f"{c.id:5} {c.received_on} {c.kind:24} {c.status:13} from {c.source}{case}{who} "
        f"acknowledge by {c.acknowledge_by}, resolve by {c.resolve_by}{late}"
    )


def _appeal_line(a: Any) -> str:
    panel = f" panel {', '.join(a.panel)}" if a.panel else ""
    outcome = f" → {a.outcome}" if a.outcome else ""
    late = " OVERDUE" if a.overdue else ""
    return (
        f"{a.id:5} {a.received_on} {a.case_no} {a.subject:10} {a.status:8}{outcome} "
        f"decide by {a.decide_by}{panel}{late}"
    )


def _show_complaint(ctx: Context, view: Any) -> int:
    ctx.out(asdict(view), lambda: _complaint_line(view))
    return EXIT_OK


def _show_appeal(ctx: Context, view: Any) -> int:
    ctx.out(asdict(view), lambda: _appeal_line(view))
    return EXIT_OK


def cmd_complaint_new(ctx: Context) -> int:
    a = ctx.args
    view = ctx.services().complaints.new(
        ctx.actor(), kind=a.kind, text=a.text, source=a.source, case_no=a.case
    )
    ctx.out(asdict(view), str(view.id))
    return EXIT_OK


def cmd_complaint_acknowledge(ctx: Context) -> int:
    return _show_complaint(ctx, ctx.services().complaints.acknowledge(ctx.actor(), ctx.args.id))


def cmd_complaint_assign(ctx: Context) -> int:
    a = ctx.args
    return _show_complaint(ctx, ctx.services().complaints.assign(ctx.actor(), a.id, a.investigator))


def cmd_complaint_resolve(ctx: Context) -> int:
    a = ctx.args
    return _show_complaint(ctx, ctx.services().complaints.resolve(ctx.actor(), a.id, a.resolution))


def cmd_complaint_close(ctx: Context) -> int:
    return _show_complaint(ctx, ctx.services().complaints.close(ctx.actor(), ctx.args.id))


def cmd_complaint_list(ctx: Context) -> int:
    items = ctx.services().complaints.list(ctx.actor(), open_only=ctx.args.open)
    ctx.out([asdict(c) for c in items], lambda: "\n".join(_complaint_line(c) for c in items))
    return EXIT_OK


def cmd_appeal_new(ctx: Context) -> int:
    a = ctx.args
    view = ctx.services().complaints.appeal_new(ctx.actor(), a.case_no, a.grounds, a.against)
    ctx.out(asdict(view), str(view.id))
    return EXIT_OK


def cmd_appeal_panel(ctx: Context) -> int:
    a = ctx.args
    return _show_appeal(ctx, ctx.services().complaints.panel(ctx.actor(), a.id, list(a.member)))


def cmd_appeal_decide(ctx: Context) -> int:
    a = ctx.args
    return _show_appeal(ctx, ctx.services().complaints.decide(ctx.actor(), a.id, a.outcome, a.reason))


def cmd_appeal_list(ctx: Context) -> int:
    items = ctx.services().complaints.appeals(ctx.actor(), open_only=ctx.args.open)
    ctx.out([asdict(a) for a in items], lambda: "\n".join(_appeal_line(a) for a in items))
    return EXIT_OK


def _letter(ctx: Context, kind: str) -> int:
    check_output(ctx, ctx.args.output)
    data = ctx.services().complaints.letter_pdf(ctx.actor(), kind, ctx.args.id)
    write_output(ctx, ctx.args.output, data)
    ctx.out(
        {"file": ctx.args.output, "bytes": len(data)},
        f"letter on {kind} {ctx.args.id} written to {ctx.args.output}",
    )
    return EXIT_OK


def cmd_complaint_letter(ctx: Context) -> int:
    return _letter(ctx, "complaint")


def cmd_appeal_letter(ctx: Context) -> int:
    return _letter(ctx, "appeal")


def register(add: Add, group: Group) -> None:
    complaint = group("complaint", "the complaints register (投诉)")
    p = add("new", cmd_complaint_new, "register a complaint received today (clerk); prints its id", complaint)
    p.add_argument(
        "--kind",
        required=True,
        help="audit_conduct, auditor_behaviour, certification_decision, certificate_misuse or other",
    )
    p.add_argument("--text", required=True)
    p.add_argument("--case", metavar="CASE_NO", help="the case the complaint is about")
    p.add_argument("--from", dest="source", metavar="NAME", help="the complainant (default: anonymous)")
    p = add("acknowledge", cmd_complaint_acknowledge, "the complainant was told it was received", complaint)
    p.add_argument("id", type=int, metavar="ID")
    p = add("assign", cmd_complaint_assign, "put an investigator not involved in the matter on it", complaint)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--investigator", required=True, metavar="USER")
    p = add("resolve", cmd_complaint_resolve, "record the resolution (the investigator)", complaint)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--resolution", required=True, metavar="TEXT")
    p = add("close", cmd_complaint_close, "close a resolved complaint (clerk)", complaint)
    p.add_argument("id", type=int, metavar="ID")
    p = add("list", cmd_complaint_list, "the register, newest first", complaint)
    p.add_argument("--open", action="store_true", help="only complaints not closed")
    p = add("letter", cmd_complaint_letter, "the letter to the complainant (PDF, Chinese)", complaint)
    p.add_argument("id", type=int, metavar="ID")
    output_option(p, "FILE.pdf", "letter")

    appeal = group("appeal", "appeals against certification decisions (申诉)")
    p = add(
        "new", cmd_appeal_new, "register an appeal against the case's decision (clerk); prints its id", appeal
    )
    p.add_argument("case_no", metavar="CASE_NO")
    p.add_argument("--grounds", required=True, metavar="TEXT")
    p.add_argument(
        "--against",
        metavar="DECISION",
        help="refusal, grade, suspension or withdrawal (default: what the case's state shows)",
    )
    p = add("panel", cmd_appeal_panel, "appoint the panel: people who took no part in the case", appeal)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--member", required=True, action="append", metavar="USER")
    p = add("decide", cmd_appeal_decide, "record the panel's decision (a panel member)", appeal)
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--outcome", required=True, help="upheld, partly_upheld or rejected")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p = add("list", cmd_appeal_list, "appeals, newest first", appeal)
    p.add_argument("--open", action="store_true", help="only appeals not decided")
    p = add("letter", cmd_appeal_letter, "the letter to the appellant (PDF, Chinese)", appeal)
    p.add_argument("id", type=int, metavar="ID")
    output_option(p, "FILE.pdf", "letter")
