"""`audit`, `review`, `score`, `evidence`, `nc` and `committee`: the evaluation and the decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .cases import show_case
from .common import (
    EXIT_OK,
    Add,
    Context,
    Group,
    jsonable,
    num,
    parse_date,
    record_id,
)


def cmd_audit_team(ctx: Context) -> int:
    return show_case(
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
    return show_case(ctx, detail)


def _score_out(ctx: Context, change: Any) -> int:
    s = change.score
    e = change.entry
    data = {
        "case_no": change.case_no,
        "code": change.code,
        "points": jsonable(e.points) if e else None,
        "not_applicable": e.not_applicable if e else False,
        "version": change.version,
        "total": jsonable(s.total),
        "grade": s.grade.value if s.grade else None,
        "unscored": len(s.unscored),
    }
    shown = "N/A" if e and e.not_applicable else num(e.points if e else None)
    ctx.out(
        data,
        f"{change.code} = {shown}; total {num(s.total)} ({data['grade'] or 'not passed'}), {len(s.unscored)} unscored",
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
    deadline = parse_date(a.deadline) if a.deadline else None
    item_id = ctx.services().audits.add_special(ctx.actor(), a.case_no, a.kind, a.reason, deadline)
    ctx.out({"id": item_id}, f"special {a.kind} {item_id} recorded")
    return EXIT_OK


def cmd_evidence_add(ctx: Context) -> int:
    a = ctx.args
    detail = ctx.services().audits.add_evidence(
        ctx.actor(), a.case_no, a.code, a.note or "", Path(a.file) if a.file else None
    )
    return show_case(ctx, detail)


def cmd_nc_add(ctx: Context) -> int:
    a = ctx.args
    code = None if a.code in ("-", "") else a.code
    nc_id = ctx.services().audits.raise_nonconformity(
        ctx.actor(), a.case_no, code, a.text, parse_date(a.deadline)
    )
    ctx.out({"id": nc_id}, f"nonconformity {nc_id} raised")
    return EXIT_OK


def cmd_nc_close(ctx: Context) -> int:
    a = ctx.args
    ctx.services().audits.close_nonconformity(ctx.actor(), a.case_no, a.nc_id, a.action)
    ctx.out({"id": a.nc_id, "status": "closed"}, f"nonconformity {a.nc_id} closed")
    return EXIT_OK


def cmd_audit_conclude(ctx: Context) -> int:
    return show_case(ctx, ctx.services().audits.conclude(ctx.actor(), ctx.args.case_no, ctx.args.summary))


def cmd_committee_vote(ctx: Context) -> int:
    a = ctx.args
    return show_case(
        ctx, ctx.services().committee.vote(ctx.actor(), a.case_no, a.decision, a.comment, a.grade)
    )


def register(add: Add, group: Group) -> None:
    """The evaluation and decision commands."""
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
    p = add("set", cmd_score_set, "set an indicator's points", g, prepare=("audits", "rubrics"))
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
    p.add_argument("nc_id", type=record_id)
    p.add_argument("--action", required=True)

    g = group("committee", "the evaluation committee")
    p = add("vote", cmd_committee_vote, "vote on a concluded audit", g)
    p.add_argument("case_no")
    p.add_argument("--decision", required=True, choices=["approve", "lower", "return", "reject"])
    p.add_argument("--grade", choices=["qualified", "three_star", "four_star", "five_star"])
    p.add_argument("--comment", required=True)
