"""What an export writes: the checkout of whole cases, or the return of a laptop's results."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import __version__
from ...core import audit_rules
from ...core.errors import Refused
from ...core.policy import Action, Role, require
from ...core.workflow import CaseState
from ...storage import models as m
from ..base import Actor, Services
from ..checks import stored_roles
from ..laptop import signing_keys
from ..rubrics import RUBRIC_PREFIX
from ..views import relation
from .archive import FORMAT, FORMAT_VERSION, TEAM_MEMBER, _ExportPlan
from .store import _case_value, _conclusion, _current, _Keys, _names, _org_value, _Row, _setting, _sync
from .trust import SIGNED_PREFIX, base_of, issue

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .wire import RETURN_TYPES, _dumps, _files_in, _plain_json, _users_in


def _export_plan(
    services: Services,
    session: Session,
    actor: Actor,
    case_nos: list[str],
    package_id: str,
    now: datetime,
    db_id: str,
    signing_password: str | None = None,
) -> _ExportPlan:
    user = session.get(m.User, actor.id)
    if user is not None and user.name != actor.name:
        user = None
    roles = stored_roles(actor.name, user.roles if user else None, bool(user and user.active))
    names = _names(session)
    cases: list[m.Case] = []
    for case_no in case_nos:
        case = session.scalar(select(m.Case).where(m.Case.case_no == case_no))
        if case is None:
            raise Refused("not_found", f"case {case_no} does not exist", f"案件 {case_no} 不存在")
        cases.append(case)
    syncs = {c.case_no: _sync(session, c.case_no) for c in cases}
    checked_out = [c.case_no for c in cases if "checkout" in syncs[c.case_no]]
    if checked_out and len(checked_out) != len(cases):
        raise Refused(
            "package_mixed",
            "a package either takes cases out of the office or brings results back: "
            f"{', '.join(checked_out)} came from another database, the others did not",
            "审核包要么从办公室带出案件，要么带回结果，不能混合",
        )
    kind = "return" if checked_out else "checkout"
    documents: dict[str, bytes] = {}
    attachments: dict[str, int] = {}
    case_entries = []
    rubric_entries: dict[str, dict[str, str]] = {}
    accounts: dict[str, m.User] = {}
    referenced: set[str] = set()
    origins = set()
    checkout_cases: dict[str, Any] = {}  # a checkout: what the office keeps of each case
    signed: dict[str, str] = {}  # a return: the checkouts its cases came out with -> a case of each
    plan = _ExportPlan(kind, {}, documents, attachments, ())
    for case in cases:
        team = {
            names[t.user_id]: t
            for t in session.scalars(select(m.TeamMember).where(m.TeamMember.case_id == case.id))
        }
        action = Action.export_checkout if kind == "checkout" else Action.export_return
        require(action, roles, CaseState(case.status), relation(session, case, actor.id))
        rubric_member = f"rubrics/{case.rubric_id}.yaml"
        documents[rubric_member] = _rubric_file(services, session, case)
        rubric_entries[case.rubric_id] = {
            "id": case.rubric_id,
            "sha256": case.rubric_sha256,
            "member": rubric_member,
        }
        sync = syncs[case.case_no]
        keys = _Keys(db_id, sync.get("links", {}))
        rows = _current(session, case, keys, names)
        member = f"cases/{case.case_no}.json"
        entry: dict[str, Any] = {
            "case_no": case.case_no,
            "member": member,
            "status": case.status,
            "organization": case.organization.name,
            "rubric_id": case.rubric_id,
            "rubric_sha256": case.rubric_sha256,
        }
        if kind == "checkout":
            origins.add(db_id)
            doc: dict[str, Any] = {
                "kind": "checkout",
                "case_no": case.case_no,
                "version": case.version,
                "organization": _org_value(case.organization).model_dump(mode="json"),
                "case": _case_value(session, case).model_dump(mode="json"),
                "records": [
                    {"type": r.type, "key": r.key, "version": r.version, "value": _plain_json(r.value)}
                    for r in rows.values()
                ],
            }
            for r in rows.values():
                referenced.update(_users_in(r.value))
                for sha in _files_in(r.value):
                    attachments[sha] = 0
            for name, member_row in team.items():
                accounts[name] = member_row.user
            conclusion = _conclusion(case).model_dump(mode="json")
            checkout_cases[case.case_no] = {
                "status": case.status,
                "version": case.version,
                "base": base_of(rows, case.version, conclusion),
            }
        else:
            checkout = sync["checkout"]
            origins.add(checkout["origin"])
            seq = int(sync.get("return_seq", 0)) + 1
            changes, sent = _return_changes(case, rows, checkout, sync.get("sent", {}))
            doc = {
                "kind": "return",
                "case_no": case.case_no,
                "checkout_package": checkout["package_id"],
                "return_seq": seq,
                "base_status": checkout["status"],
                "changes": changes,
            }
            entry["return_seq"] = seq
            plan.returns.append((case.case_no, seq, sent))
            signed[checkout["package_id"]] = case.case_no
            for change in changes:  # the files of evidence added on the laptop (the office has the rest)
                value = change["value"]
                if change["type"] == "evidence" and change["base"] is None and value and value["sha256"]:
                    attachments[value["sha256"]] = 0
        documents[member] = _dumps(doc)
        case_entries.append(entry)
    if len(origins) > 1:
        raise Refused(
            "package_mixed",
            "these cases were taken out of different office databases; export them separately",
            "这些案件来自不同的办公室数据库，请分别导出",
        )
    for sha in attachments:
        row = session.get(m.Attachment, sha)
        if row is None:
            raise Refused(
                "attachment_missing",
                f"attachment {sha[:12]}… is not in this database",
                f"附件 {sha[:12]}… 不在本数据库中",
            )
        attachments[sha] = row.size
    if kind == "checkout":
        # The team members who may work on the laptop get a sealed key and a one-time code each; an
        # account closed in the office gets neither (its name travels, like anyone a record names).
        working = sorted(
            (u for u in accounts.values() if u.active and Role.auditor.value in u.roles.split(",")),
            key=lambda u: u.name,
        )
        members, plan.laptop_codes, public = issue([(u.name, u.display_name) for u in working], package_id)
        others = sorted((referenced | set(accounts)) - {u.name for u in working})
        documents[TEAM_MEMBER] = _dumps({"members": members, "others": others})
        accounts = {u.name: u for u in working}
        plan.checkout = {"origin": db_id, "exported_by": actor.name, "keys": public, "cases": checkout_cases}
    else:
        member_keys = signing_keys(session, actor.name, signed, signing_password)
        plan.sign = _signer(actor.name, member_keys)
    plan.accounts = tuple(sorted(accounts))
    plan.manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_id": package_id,
        "kind": kind,
        "exported_at": now.astimezone(UTC).isoformat(),
        "exported_by": {"name": actor.name, "display_name": actor.display_name},
        "source_database": db_id,
        "origin_database": origins.pop(),
        "app_version": __version__,
        "cases": case_entries,
        "rubrics": list(rubric_entries.values()),
        "accounts": list(plan.accounts),
    }
    return plan


def _rubric_file(services: Services, session: Session, case: m.Case) -> bytes:
    """The bytes of the rubric file a case is pinned to: installed, or brought by a package."""
    if case.rubric_id in services.rubrics:
        data = services.rubrics.get(case.rubric_id).path.read_bytes()
    else:
        stored = _setting(session, RUBRIC_PREFIX + case.rubric_id)
        if stored is None:
            raise Refused(
                "rubric_missing",
                f"rubric {case.rubric_id} of case {case.case_no} is not installed",
                f"案件 {case.case_no} 的评价规则 {case.rubric_id} 未安装",
            )
        data = stored["yaml"].encode("utf-8")
    audit_rules.rubric_unchanged(
        case.case_no, case.rubric_id, case.rubric_sha256, hashlib.sha256(data).hexdigest()
    )
    return data


def _return_changes(
    case: m.Case, rows: Mapping[str, _Row], checkout: Mapping[str, Any], sent: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every record the laptop scores, with its base (as checked out) and its current content."""
    base: Mapping[str, Any] = checkout["base"]
    changes: list[dict[str, Any]] = [
        {
            "type": "case",
            "key": case.case_no,
            "base_version": checkout["version"],
            "base": checkout["conclusion"],
            "value": _conclusion(case).model_dump(mode="json"),
        }
    ]
    now_sent: dict[str, Any] = {}
    for rkey in sorted(set(base) | set(rows) | set(sent)):
        type_, key = rkey.split("/", 1)
        if type_ not in RETURN_TYPES:
            continue
        current = rows.get(rkey)
        value = _plain_json(current.value) if current else None
        if rkey in base:
            changes.append(
                {
                    "type": type_,
                    "key": key,
                    "base_version": base[rkey]["version"],
                    "base": base[rkey]["value"],
                    "value": value,
                }
            )
        elif current is not None:  # created on this laptop
            changes.append({"type": type_, "key": key, "base_version": None, "base": None, "value": value})
            now_sent[rkey] = value
        else:  # created here, sent in an earlier return, removed since: tell the office, every time
            changes.append(
                {"type": type_, "key": key, "base_version": None, "base": sent[rkey], "value": None}
            )
            now_sent[rkey] = sent[rkey]
    return changes, now_sent


def _signer(name: str, keys: Mapping[str, tuple[Ed25519PrivateKey, str]]) -> Callable[[bytes], bytes]:
    """signature.json for a manifest: the member's signature with the key of each checkout."""

    def sign(manifest: bytes) -> bytes:
        from ...core import memberkeys

        return _dumps(
            {
                "signatures": [
                    {
                        "checkout": checkout,
                        "signer": name,
                        "public_key": public,
                        "signature": memberkeys.sign(key, SIGNED_PREFIX + manifest),
                    }
                    for checkout, (key, public) in sorted(keys.items())
                ]
            }
        )

    return sign
