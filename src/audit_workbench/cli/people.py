"""`person`, `coi` and `declaration`: people's qualifications and competence, their declared
interests (conflicts of interest) and the annual impartiality declaration."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .common import EXIT_OK, Add, CliError, Context, Group, bounded_int, parse_date, record_id


def _lang(ctx: Context) -> str:
    return getattr(ctx.args, "lang", None) or "en"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _yes_no(value: str | None) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in ("yes", "y", "true", "1", "是"):
        return True
    if text in ("no", "n", "false", "0", "否"):
        return False
    raise CliError(f"--full-time takes yes or no, not {value!r}", "bad_value")


# -- person ------------------------------------------------------------------------------------------
def _person_text(p: Any, lang: str) -> str:
    from ..core.people import (
        QUALIFICATION_LABELS,
        WITNESS_OUTCOME_LABELS,
        Qualification,
        WitnessOutcome,
    )

    lines = [f"{p.user_name} {p.display_name} ({', '.join(p.roles)}){'' if p.active else ' inactive'}"]
    if p.qualification is None:
        lines.append("  qualification: none on record")
    else:
        validity = f"{p.valid_from or '…'} – {p.valid_until or '…'}"
        lines.append(
            f"  qualification: {_pick(QUALIFICATION_LABELS[Qualification(p.qualification)], lang)}"
            f" ({p.qualification}), registration {p.registration_no or '—'}, valid {validity} ({p.status})"
        )
        lines.append(f"  identity: {p.id_type or '—'} {p.id_number_masked or ''}".rstrip())
        lines.append(f"  full-time: {'yes' if p.full_time else 'no'}")
        lines.append(f"  areas: {', '.join(p.areas) or '—'}")
    years = ", ".join(str(y) for y in p.declared_years) or "none"
    lines.append(
        f"  impartiality declarations: {years} (this year: {'signed' if p.declared_this_year else 'NOT signed'})"
    )
    for t in p.training:
        hours = f", {t.hours} h" if t.hours is not None else ""
        lines.append(f"  training {t.taken_on}: {t.title}{hours}{', ' + t.provider if t.provider else ''}")
    for w in p.witnessed_audits:
        outcome = _pick(WITNESS_OUTCOME_LABELS[WitnessOutcome(w.outcome)], lang)
        case = f" at {w.case_no}" if w.case_no else ""
        lines.append(f"  witnessed {w.witnessed_on}{case} by {w.witness}: {outcome}")
    return "\n".join(lines)


def _show_person(ctx: Context, view: Any) -> int:
    ctx.out(asdict(view), lambda: _person_text(view, _lang(ctx)))
    return EXIT_OK


def cmd_person_set(ctx: Context) -> int:
    from ..services.people import KEEP

    a = ctx.args
    if (a.id_type is None) != (a.id_number is None):
        raise CliError("--id-type and --id-number go together", "usage")
    kwargs: dict[str, Any] = {"qualification": a.qualification}
    if a.registration is not None:
        kwargs["registration_no"] = a.registration
    if a.id_type is not None:
        kwargs["id_type"], kwargs["id_number"] = a.id_type, a.id_number
    full_time = _yes_no(a.full_time)
    if full_time is not None:
        kwargs["full_time"] = full_time
    if a.valid_from is not None:
        kwargs["valid_from"] = parse_date(a.valid_from)
    if a.valid_until is not None:
        kwargs["valid_until"] = parse_date(a.valid_until)
    kwargs["areas"] = a.area if a.area else KEEP
    view = ctx.services().people.set(ctx.actor(), a.name, **kwargs)
    return _show_person(ctx, view)


def cmd_person_show(ctx: Context) -> int:
    return _show_person(ctx, ctx.services().people.get(ctx.actor(), ctx.args.name))


def cmd_person_list(ctx: Context) -> int:
    people = ctx.services().people.list(ctx.actor())
    ctx.out(
        [asdict(p) for p in people],
        lambda: "\n".join(
            f"{p.user_name:12} {p.qualification or '—':10} {p.registration_no or '—':20} "
            f"{p.valid_until or '—'!s:10} {p.status:13} {','.join(p.areas) or '—':30} "
            f"{'declared' if p.declared_this_year else 'NOT declared'}"
            for p in people
        ),
    )
    return EXIT_OK


def cmd_person_training(ctx: Context) -> int:
    a = ctx.args
    view = ctx.services().people.add_training(
        ctx.actor(),
        a.name,
        taken_on=parse_date(a.on),
        title=a.title,
        hours=a.hours,
        provider=a.provider or "",
    )
    return _show_person(ctx, view)


def cmd_person_witnessed(ctx: Context) -> int:
    a = ctx.args
    view = ctx.services().people.add_witnessed_audit(
        ctx.actor(),
        a.name,
        witnessed_on=parse_date(a.on),
        witness=a.witness,
        outcome=a.outcome,
        case_no=a.case,
        note=a.note or "",
    )
    return _show_person(ctx, view)


# -- coi ---------------------------------------------------------------------------------------------
def _interest_line(i: Any) -> str:
    period = f"{i.starts_on} – {i.ends_on or 'now'}"
    org = f" {i.organization}" if i.organization else ""
    approval = ""
    if i.risk == "medium":
        approval = f", approved by {i.approved_by}" if i.approved_by else ", NOT approved"
    mitigation = f" | {i.mitigation}" if i.mitigation else ""
    return f"{i.id:5} {i.user_name:12} {i.credit_code}{org} {i.kind} {period} risk {i.risk}{approval}{mitigation}"


def _show_interest(ctx: Context, view: Any) -> int:
    ctx.out(asdict(view), lambda: _interest_line(view))
    return EXIT_OK


def cmd_coi_add(ctx: Context) -> int:
    a = ctx.args
    view = ctx.services().impartiality.declare(
        ctx.actor(),
        a.person,
        credit_code=a.credit_code,
        kind=a.kind,
        starts_on=parse_date(a.starts_on),
        ends_on=parse_date(a.ends_on) if a.ends_on else None,
        risk=a.risk,
        mitigation=a.mitigation,
    )
    ctx.out(asdict(view), str(view.id))
    return EXIT_OK


def cmd_coi_list(ctx: Context) -> int:
    items = ctx.services().impartiality.list(ctx.actor(), ctx.args.person, ctx.args.credit_code)
    ctx.out([asdict(i) for i in items], lambda: "\n".join(_interest_line(i) for i in items))
    return EXIT_OK


def cmd_coi_end(ctx: Context) -> int:
    view = ctx.services().impartiality.end(ctx.actor(), ctx.args.id, parse_date(ctx.args.on))
    return _show_interest(ctx, view)


def cmd_coi_approve(ctx: Context) -> int:
    return _show_interest(ctx, ctx.services().impartiality.approve(ctx.actor(), ctx.args.id))


# -- declaration ---------------------------------------------------------------------------------------
def cmd_declaration_sign(ctx: Context) -> int:
    s = ctx.services()
    done = s.impartiality.sign(ctx.actor(), ctx.args.year)
    lang = _lang(ctx)
    text = s.declaration_text
    ctx.out(
        asdict(done),
        lambda: (
            f"{text.title(lang)}\n\n{text.text(lang)}\n\n"
            f"signed by {done.user_name} for {done.year} (text sha256 {done.text_sha256[:16]}…)"
        ),
    )
    return EXIT_OK


def cmd_declaration_list(ctx: Context) -> int:
    items = ctx.services().impartiality.declarations(ctx.actor(), ctx.args.year)
    ctx.out(
        [asdict(d) for d in items],
        lambda: "\n".join(
            f"{d.year} {d.user_name:12} {d.display_name:8} {d.signed_at:%Y-%m-%d}" for d in items
        ),
    )
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    person = group("person", "people's qualifications, competence areas, training and witnessed audits")
    p = add("set", cmd_person_set, "create or change a person's record (admin)", person)
    p.add_argument("name", metavar="USER")
    p.add_argument("--qualification", required=True, help="senior, auditor, trainee or expert")
    p.add_argument(
        "--registration", metavar="NO", help="CCAA registration number (staff number for an expert)"
    )
    p.add_argument(
        "--id-type", metavar="CODE", help="identity document type (resources/id-types.yaml: 01, 04, …)"
    )
    p.add_argument("--id-number", metavar="NO", help="identity document number (stored, shown masked)")
    p.add_argument("--full-time", metavar="yes|no")
    p.add_argument("--valid-from", metavar="DATE")
    p.add_argument("--valid-until", metavar="DATE")
    p.add_argument(
        "--area",
        nargs="+",
        action="extend",
        metavar="RUBRIC_ID",
        help="competence areas: rubric ids or enterprise types (production, sales); replaces the stored ones",
    )
    p = add("show", cmd_person_show, "a person's record (identity number masked)", person)
    p.add_argument("name", metavar="USER")
    add("list", cmd_person_list, "everyone's qualification, validity and this year's declaration", person)
    p = add("training", cmd_person_training, "record a training a person took (admin)", person)
    p.add_argument("name", metavar="USER")
    p.add_argument("--on", required=True, metavar="DATE")
    p.add_argument("--title", required=True)
    p.add_argument("--hours")
    p.add_argument("--provider")
    p = add(
        "witnessed", cmd_person_witnessed, "record an audit at which the person was observed (admin)", person
    )
    p.add_argument("name", metavar="USER")
    p.add_argument("--on", required=True, metavar="DATE")
    p.add_argument("--witness", required=True, metavar="NAME", help="who observed")
    p.add_argument("--outcome", required=True, help="competent or not_competent")
    p.add_argument("--case", metavar="CASE_NO", help="the case audited, when it is in this database")
    p.add_argument("--note")

    coi = group("coi", "declared interests in organisations (conflicts of interest)")
    p = add("add", cmd_coi_add, "declare a person's interest in an organisation; prints its id", coi)
    p.add_argument("--person", required=True, metavar="USER")
    p.add_argument("--credit-code", required=True, metavar="CODE")
    p.add_argument(
        "--kind", required=True, help="former_employee, consultant, family, financial or competing"
    )
    p.add_argument("--from", dest="starts_on", required=True, metavar="DATE")
    p.add_argument("--to", dest="ends_on", metavar="DATE")
    p.add_argument("--risk", required=True, help="low, medium or high")
    p.add_argument("--mitigation", metavar="TEXT", help="required for a medium risk")
    p = add("list", cmd_coi_list, "declared interests (everyone's for admin and clerks, else one's own)", coi)
    p.add_argument("--person", metavar="USER")
    p.add_argument("--credit-code", metavar="CODE")
    p = add("end", cmd_coi_end, "the interest ended (or ends) on a date", coi)
    p.add_argument("id", type=record_id, metavar="ID")
    p.add_argument("--on", required=True, metavar="DATE")
    p = add("approve", cmd_coi_approve, "approve a medium risk's mitigation (by another person)", coi)
    p.add_argument("id", type=record_id, metavar="ID")

    declaration = group("declaration", "the annual impartiality declaration")
    p = add(
        "sign",
        cmd_declaration_sign,
        "sign your impartiality declaration (this year unless --year)",
        declaration,
    )
    p.add_argument("--year", type=bounded_int(1, 9999), metavar="YYYY")
    p = add("list", cmd_declaration_list, "signed declarations", declaration)
    p.add_argument("--year", type=bounded_int(1, 9999), metavar="YYYY")
