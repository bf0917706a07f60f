"""The office's side of a checkout: the keys it issued and the base it sent, and a return checked
against them before anything of it is planned.

At checkout the office makes a signing key per team member (core.memberkeys), hands its private half
out sealed with a one-time code and keeps, in the setting `checkout:<package id>`, the public halves
and the version and SHA-256 of every record it sent. A return is accepted only when it is signed, by
a key this office issued for the very checkout the case came out with, over the manifest (which
lists the SHA-256 of every member: so over every record), and when every base it claims is one the
checkout had. The signer must still be allowed by the policy table to bring results of the case
(`export_return`) — and to conclude (`conclude`, the team leader) when the return concludes the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core.errors import Refused
from ...core.policy import Action, CaseRelation, require
from ...core.workflow import CaseState
from ...storage import models as m
from ..base import Actor
from ..checks import stored_roles
from ..views import relation
from .store import CHECKOUT_PREFIX, _digest, _setting
from .validate import _Package
from .wire import CheckoutCase, ReturnCase, SignatureDoc, SignatureEntry, TeamValue, _plain_json

SIGNED_PREFIX = b"audit-workbench return\x00"  # what a signature signs: this, then the manifest's bytes


def issue(
    team: list[tuple[str, str]], checkout: str
) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str]]:
    """For each (name, display name): the team.json entry with the sealed key, the one-time code and
    the public key."""
    from ...core import memberkeys

    entries, codes, public = [], {}, {}
    for name, display in team:
        code = memberkeys.new_code()
        key, wrapped = memberkeys.new_key(code, memberkeys.context(checkout, name))
        entries.append({"name": name, "display_name": display, "public_key": key, "wrapped_key": wrapped})
        codes[name], public[name] = code, key
    return entries, codes, public


def base_of(rows: Mapping[str, Any], case_version: int, conclusion: Any) -> dict[str, list[Any]]:
    """What the office keeps of a case's records at checkout: {rkey: [version, SHA-256 of the value]}."""
    base = {"case/*": [case_version, _digest(conclusion)]}
    for rkey, row in rows.items():
        base[rkey] = [row.version, _digest(_plain_json(row.value))]
    return base


def _refuse_signature(code: str, case_no: str, en: str, zh: str) -> Refused:
    return Refused(
        code, f"case {case_no}: {en}; nothing was imported", f"案件 {case_no}：{zh}，未导入任何内容"
    )


def verify_return(
    session: Session, doc: ReturnCase, signature: SignatureDoc | None, manifest_bytes: bytes, db_id: str
) -> SignatureEntry:
    """The signature that vouches for `doc` (one case of a return), or a refusal."""
    from ...core import memberkeys

    case_no = doc.case_no
    record = _setting(session, CHECKOUT_PREFIX + doc.checkout_package)
    if not record or record.get("origin") != db_id or case_no not in record.get("cases", {}):
        raise _refuse_signature(
            "package_unknown_checkout",
            case_no,
            f"this database never took the case out with checkout {doc.checkout_package[:8]}",
            f"本库从未以 {doc.checkout_package[:8]} 带出此案件",
        )
    entry = next(
        (s for s in (signature.signatures if signature else ()) if s.checkout == doc.checkout_package), None
    )
    if entry is None:
        raise _refuse_signature(
            "package_unsigned",
            case_no,
            "the results are not signed with a key of their checkout",
            "评审结果没有使用带出时签发的密钥签名",
        )
    if record.get("keys", {}).get(entry.signer) != entry.public_key:
        raise _refuse_signature(
            "package_unknown_key",
            case_no,
            f"signed with a key this office did not issue to {entry.signer} for this checkout",
            f"签名密钥不是本办公室在此次带出时签发给 {entry.signer} 的",
        )
    if not memberkeys.verify(entry.public_key, SIGNED_PREFIX + manifest_bytes, entry.signature):
        raise _refuse_signature(
            "package_signature",
            case_no,
            f"the signature of {entry.signer} does not match the package (altered after signing)",
            f"{entry.signer} 的签名与审核包内容不符（签名后被修改）",
        )
    _check_bases(doc, record["cases"][case_no])
    return entry


def _check_bases(doc: ReturnCase, sent: Mapping[str, Any]) -> None:
    """Every base the return claims is one the checkout sent (version and content)."""
    base: Mapping[str, list[Any]] = sent.get("base", {})
    forged = []
    if doc.base_status.value != sent.get("status"):
        forged.append(f"state {doc.base_status.value}")
    for change in doc.changes:
        rkey = "case/*" if change.type == "case" else f"{change.type}/{change.key}"
        had = base.get(rkey)
        if had is None:
            if change.base_version is not None:
                forged.append(f"{rkey} at version {change.base_version}")
            continue
        if change.base is None or [change.base_version, _digest(_plain_json(change.base))] != list(had):
            forged.append(f"{rkey}")
    if forged:
        raise _refuse_signature(
            "package_base_unknown",
            doc.case_no,
            f"the return claims base record(s) its checkout never had: {', '.join(forged[:5])}",
            f"返回的审核包声称的基准记录与带出时不符：{', '.join(forged[:5])}",
        )


def signer_allowed(
    session: Session, case: m.Case, signer: str, laptop_state: CaseState, concludes: bool
) -> None:
    """The policy table asked about the member who signed: still on the case's team here, with the
    auditor role (`export_return` in the state the case had on the laptop), and its team leader when
    the return concludes (`conclude`)."""
    user = session.scalar(select(m.User).where(m.User.name == signer))
    roles = stored_roles(signer, user.roles if user else None, bool(user and user.active))
    assert user is not None
    rel = relation(session, case, user.id)
    require(Action.export_return, roles, laptop_state, rel)
    if concludes:
        require(Action.conclude, roles, CaseState.onsite_audit, rel)


def admit_importer(session: Session, actor: Actor, package: _Package) -> None:
    """The logged-in user who imports, asked of the policy table: a laptop's team member brings
    checked-out cases in (`import_checkout`), a member of the case's team in the office brings the
    results back (`import_return`)."""
    user = session.get(m.User, actor.id)
    if user is not None and user.name != actor.name:
        user = None
    roles = stored_roles(actor.name, user.roles if user else None, bool(user and user.active))
    assert user is not None
    for case_no, doc in package.cases.items():
        if isinstance(doc, CheckoutCase):
            team = {r.value.user: r.value.leader for r in doc.records if isinstance(r.value, TeamValue)}
            rel = CaseRelation(team_member=actor.name in team, team_leader=team.get(actor.name, False))
            require(Action.import_checkout, roles, doc.case.status, rel)
        else:
            case = session.scalar(select(m.Case).where(m.Case.case_no == case_no))
            if case is None:
                raise Refused("not_found", f"case {case_no} does not exist here", f"本库中没有案件 {case_no}")
            require(Action.import_return, roles, CaseState(case.status), relation(session, case, user.id))
