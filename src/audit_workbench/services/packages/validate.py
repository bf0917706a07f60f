"""Every value of a package checked against the core rules and the packaged rubric."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...core import audit_rules
from ...core.datafiles import resources_dir
from ...core.errors import Refused
from ...core.materials import MaterialsChecklist, load_materials
from ...core.rubric import (
    LoadedRubric,
    Rubric,
    RubricError,
    RubricRegistry,
    installed_registry,
    parse_rubric,
)
from ...core.scoring import (
    IndicatorEntry,
)
from .archive import MANIFEST, SIGNATURE, TEAM_MEMBER, _read_archive
from .steps import _Progress
from .wire import (
    CHECKOUT_STATES,
    CREATE_ONLY,
    NO_EDIT,
    RETURN_STATES,
    VERSIONED_TYPES,
    CheckoutCase,
    EvidenceValue,
    Manifest,
    MaterialValue,
    NonconformityValue,
    ReturnCase,
    ReviewValue,
    ScoreValue,
    SignatureDoc,
    SpecialValue,
    TeamDoc,
    TeamValue,
    _files_in,
    _key_ok,
    _parse_json,
    _record_key_ok,
    _same,
    _users_in,
    _Wire,
)


@dataclass
class _Package:
    manifest: Manifest
    cases: dict[str, CheckoutCase | ReturnCase]
    rubrics: dict[str, LoadedRubric]
    rubric_bytes: dict[str, bytes]
    team: TeamDoc | None  # a checkout: who works on the laptop
    attachments: dict[str, int]  # sha256 -> size
    staging: Path | None
    expanded: int
    manifest_bytes: bytes = b""  # what a return's signatures sign
    signature: SignatureDoc | None = None  # a return: its signatures


_PARSED: dict[
    tuple[str, str], Rubric
] = {}  # (id, SHA-256 of the file) -> its rubric; same bytes, same rubric


def _parsed_rubric(data: bytes, member: str, rubric_id: str, sha256: str) -> Rubric:
    cached = _PARSED.get((rubric_id, sha256))
    if cached is not None:
        return cached
    try:
        rubric = parse_rubric(data, member, expected_id=rubric_id)
    except RubricError as exc:
        raise Refused("bad_rubric", str(exc), f"审核包中的评价规则无效：{exc}") from None
    _PARSED[(rubric_id, sha256)] = rubric
    return rubric


def _installed_rubrics() -> RubricRegistry:
    return installed_registry()


def _tampered(detail: str) -> Refused:
    return Refused(
        "package_manifest",
        f"the manifest does not agree with the package ({detail})",
        f"清单与审核包内容不一致（{detail}）",
    )


def _parse_contents(
    manifest: Manifest,
    contents: Mapping[str, bytes],
    attachments: Mapping[str, int],
    staging: Path | None,
    expanded: int,
) -> _Package:
    rubrics: dict[str, LoadedRubric] = {}
    rubric_bytes: dict[str, bytes] = {}
    expected = {MANIFEST}
    for rubric_entry in manifest.rubrics:
        if rubric_entry.member != f"rubrics/{rubric_entry.id}.yaml" or rubric_entry.member not in contents:
            raise _tampered(f"rubric {rubric_entry.id} is not at {rubric_entry.member}")
        data = contents[rubric_entry.member]
        if hashlib.sha256(data).hexdigest() != rubric_entry.sha256:
            raise _tampered(f"rubric {rubric_entry.id} has another hash than the manifest says")
        if rubric_entry.id in rubrics:
            raise _tampered(f"rubric {rubric_entry.id} listed twice")
        rubric = _parsed_rubric(data, rubric_entry.member, rubric_entry.id, rubric_entry.sha256)
        rubrics[rubric_entry.id] = LoadedRubric(
            rubric=rubric, sha256=rubric_entry.sha256, path=Path(rubric_entry.member)
        )
        rubric_bytes[rubric_entry.id] = data
        expected.add(rubric_entry.member)
    cases: dict[str, CheckoutCase | ReturnCase] = {}
    model: type[_Wire] = CheckoutCase if manifest.kind == "checkout" else ReturnCase
    for entry in manifest.cases:
        if entry.member != f"cases/{entry.case_no}.json" or entry.member not in contents:
            raise _tampered(f"case {entry.case_no} is not at {entry.member}")
        if entry.case_no in cases:
            raise _tampered(f"case {entry.case_no} listed twice")
        raw = contents[entry.member]
        try:
            kind = json.loads(raw).get("kind")
        except (ValueError, AttributeError):
            kind = None  # not JSON: the model below says what is wrong
        if isinstance(kind, str) and kind != manifest.kind:
            raise _tampered(f"{entry.member} is a {kind!r} record in a {manifest.kind} package")
        doc = _parse_json(model, raw, entry.member)
        if doc.case_no != entry.case_no:
            raise _tampered(f"{entry.member} holds case {doc.case_no}")
        loaded = rubrics.get(entry.rubric_id)
        if loaded is None or loaded.sha256 != entry.rubric_sha256:
            raise _tampered(f"case {entry.case_no} is pinned to a rubric the package does not carry")
        if isinstance(doc, CheckoutCase) and (
            doc.case.rubric_id != entry.rubric_id or doc.case.rubric_sha256 != entry.rubric_sha256
        ):
            raise _tampered(f"case {entry.case_no} names another rubric than the manifest")
        if isinstance(doc, ReturnCase) and entry.return_seq != doc.return_seq:
            raise _tampered(f"case {entry.case_no} has another return number than the manifest")
        cases[entry.case_no] = doc
        expected.add(entry.member)
    if {e.id for e in manifest.rubrics} != {e.rubric_id for e in manifest.cases}:
        raise _tampered("the rubrics listed are not those of the cases")
    team: TeamDoc | None = None
    if manifest.kind == "checkout":
        if TEAM_MEMBER not in contents:
            raise _tampered("a checkout package needs team.json")
        team = _parse_json(TeamDoc, contents[TEAM_MEMBER], TEAM_MEMBER)
        expected.add(TEAM_MEMBER)
        if team is not None and tuple(sorted(a.name for a in team.members)) != tuple(
            sorted(manifest.accounts)
        ):
            raise _tampered("the accounts listed are not the team members in team.json")
    elif manifest.accounts:
        raise _tampered("a return package carries no accounts")
    package = _Package(manifest, cases, rubrics, rubric_bytes, team, dict(attachments), staging, expanded)
    _validate_values(package)
    return package


# -- value rules ------------------------------------------------------------------------------------


def _bad(case_no: str, detail: str, code: str = "bad_value", zh: str | None = None) -> Refused:
    return Refused(
        code, f"case {case_no} in the package: {detail}", f"审核包中案件 {case_no}：{zh or detail}"
    )


def _in_case(case_no: str, refusal: Refused) -> Refused:
    """A refusal of the core rules, said of a case in the package (with the rule's own code)."""
    return _bad(case_no, refusal.message_en, refusal.code, refusal.message_zh)


def _indicator_of(rubric: Rubric, case_no: str, code: str | None) -> None:
    if code is None:
        return
    try:
        audit_rules.indicator(rubric, code)
    except Refused as exc:
        raise _in_case(case_no, exc) from None


def _check_score(rubric: Rubric, case_no: str, value: ScoreValue) -> IndicatorEntry:
    """A score record as an indicator entry, checked by the rule the scoring service applies."""
    recorded = IndicatorEntry(
        value.code,
        value.points,
        value.not_applicable,
        value.reason,
        value.note,
        value.sampled,
        value.nonconforming,
    )
    try:
        return audit_rules.entry(audit_rules.indicator(rubric, value.code), recorded)
    except Refused as exc:
        raise _in_case(case_no, exc) from None


def _check_rules(value: Any) -> None:
    """The core audit rules that a record's own values must obey (core.audit_rules)."""
    if isinstance(value, EvidenceValue):
        audit_rules.evidence(value.note, value.sha256 is not None)
    elif isinstance(value, NonconformityValue):
        audit_rules.nonconformity_closure(value.status == "closed", value.corrective_action)
    elif isinstance(value, SpecialValue):
        audit_rules.special_item(value.kind, value.nonconformity is not None)


def _check_value(
    type_: str,
    value: Any,
    rubric: Rubric,
    case_no: str,
    attachments: Mapping[str, int] | None,
    checklist: Any,
) -> None:
    """One record's values against the rules; `attachments`: the files it must find in the package."""
    try:
        _check_rules(value)
    except Refused as exc:
        raise _in_case(case_no, exc) from None
    if isinstance(value, ScoreValue):
        _check_score(rubric, case_no, value)
    elif isinstance(value, EvidenceValue):
        _indicator_of(rubric, case_no, value.code)
        if value.sha256 is None and value.filename is not None:
            raise _bad(case_no, "an evidence file needs its content")
        if value.sha256 is not None and value.filename is None:
            raise _bad(case_no, "an evidence file needs its name")
        if value.sha256 is not None and attachments is not None and value.sha256 not in attachments:
            raise _bad(case_no, f"evidence file {value.sha256[:12]}… is not in the package")
    elif isinstance(value, NonconformityValue):
        _indicator_of(rubric, case_no, value.code)
        if (value.status == "closed") != (value.closed_by is not None and value.closed_at is not None):
            raise _bad(case_no, "a closed nonconformity (and only a closed one) names its closer and time")
    elif isinstance(value, SpecialValue):
        if value.nonconformity is not None and not _key_ok("nonconformity", value.nonconformity):
            raise _bad(case_no, f"bad nonconformity key {value.nonconformity!r}")
    elif isinstance(value, ReviewValue):
        categories = {c.code for c in rubric.categories}
        for finding in value.findings:
            if finding.category is not None and finding.category not in categories:
                raise _bad(
                    case_no,
                    f"category {finding.category!r} is not in rubric {rubric.id}",
                    "unknown_indicator",
                )
    elif isinstance(value, MaterialValue):
        if value.item_no not in checklist.numbers:
            raise _bad(case_no, f"material item {value.item_no} is not on the checklist")
        if (value.status == "provided") != bool(value.files) or (
            value.status == "not_applicable" and not (value.reason or "").strip()
        ):
            raise _bad(case_no, f"material item {value.item_no} is inconsistent")
        for f in value.files:
            if attachments is not None and f.sha256 not in attachments:
                raise _bad(case_no, f"material file {f.sha256[:12]}… is not in the package")


def _validate_values(package: _Package) -> None:
    checklist = load_materials(resources_dir() / "materials.yaml")
    attachments = package.attachments
    used: set[str] = set()
    teams: set[str] = set()
    referenced: set[str] = set()
    for case_no, doc in package.cases.items():
        rubric = package.rubrics[
            next(e.rubric_id for e in package.manifest.cases if e.case_no == case_no)
        ].rubric
        if isinstance(doc, CheckoutCase):
            _validate_checkout(doc, rubric, attachments, checklist, package.team, used)
            teams.update(r.value.user for r in doc.records if isinstance(r.value, TeamValue))
            for record in doc.records:
                referenced.update(_users_in(record.value))
        else:
            _validate_return(doc, rubric, attachments, checklist, used)
    if package.team is not None:
        # The audit teams' members and the names the records mention: no other user.
        members = {a.name for a in package.team.members}
        strays = sorted((members - teams) | (set(package.team.others) - referenced - teams))
        if strays:
            raise Refused(
                "package_accounts",
                f"team.json names user(s) not on the audit team or named in a record: {', '.join(strays[:5])}",
                f"team.json 含有非评审组且未被记录引用的用户：{', '.join(strays[:5])}",
            )
    unused = sorted(set(attachments) - used)
    if unused:
        raise _tampered(f"attachment(s) no record refers to: {', '.join(u[:12] + '…' for u in unused[:3])}")


def _validate_checkout(
    doc: CheckoutCase,
    rubric: Rubric,
    attachments: Mapping[str, int],
    checklist: MaterialsChecklist,
    team_doc: TeamDoc | None,
    used: set[str],
) -> None:
    case_no = doc.case_no
    if doc.case.case_no != case_no:
        raise _bad(case_no, "the case record names another case")
    if doc.case.status not in CHECKOUT_STATES:
        raise _bad(case_no, f"state {doc.case.status.value} cannot be taken to a laptop", "bad_state")
    if doc.case.rubric_id != rubric.id:
        raise _bad(case_no, "rubric id mismatch")
    assert team_doc is not None
    members = {a.name for a in team_doc.members}
    known = members | set(team_doc.others)
    if len(known) != len(team_doc.members) + len(team_doc.others):
        raise _bad(case_no, "team.json names a user twice")
    seen: set[str] = set()
    ncs: set[str] = set()
    bonus = 0
    team: list[TeamValue] = []
    for record in doc.records:
        rkey = f"{record.type}/{record.key}"
        if rkey in seen:
            raise _bad(case_no, f"record {rkey} appears twice")
        seen.add(rkey)
        if not _record_key_ok(record.type, record.key, record.value):
            raise _bad(case_no, f"record key {record.key!r} does not fit its {record.type}")
        if (record.version is None) == (record.type in VERSIONED_TYPES):
            raise _bad(case_no, f"record {rkey} has a wrong version")
        _check_value(record.type, record.value, rubric, case_no, attachments, checklist)
        for who in _users_in(record.value):
            if who not in known:
                raise _bad(case_no, f"user {who!r} is not in team.json")
        used.update(_files_in(record.value))
        if isinstance(record.value, ScoreValue):
            pass  # checked with the other values above
        elif isinstance(record.value, NonconformityValue):
            ncs.add(record.key)
        elif isinstance(record.value, SpecialValue):
            bonus += record.value.kind == "bonus"
        elif isinstance(record.value, TeamValue):
            team.append(record.value)
    for record in doc.records:
        if isinstance(record.value, SpecialValue) and record.value.nonconformity not in (None, *ncs):
            raise _bad(case_no, "a special deduction refers to a nonconformity the case does not have")
    if sum(t.leader for t in team) != 1:
        raise _bad(case_no, "the audit team needs exactly one leader")
    for member in team:
        if member.user not in known:
            raise _bad(case_no, f"team member {member.user} is not in team.json")
    try:
        audit_rules.bonus_allowed(rubric, bonus)
    except Refused as exc:
        raise _in_case(case_no, exc) from None


def _validate_return(
    doc: ReturnCase,
    rubric: Rubric,
    attachments: Mapping[str, int],
    checklist: MaterialsChecklist,
    used: set[str],
) -> None:
    case_no = doc.case_no
    if doc.base_status not in CHECKOUT_STATES:
        raise _bad(case_no, f"base state {doc.base_status.value} was never checked out", "bad_state")
    seen: set[str] = set()
    cases = 0
    for change in doc.changes:
        rkey = f"{change.type}/{change.key}"
        if rkey in seen:
            raise _bad(case_no, f"record {rkey} appears twice")
        seen.add(rkey)
        if change.base is None and change.value is None:
            raise _bad(case_no, f"record {rkey} has neither a base nor a value")
        if change.type == "case":
            cases += 1
            if change.key != case_no or change.value is None or change.base is None:
                raise _bad(case_no, "the case record is malformed")
            if change.value.status not in RETURN_STATES:
                raise _bad(
                    case_no, f"state {change.value.status.value} cannot come back from a laptop", "bad_state"
                )
            continue
        for value in (change.base, change.value):
            if value is not None and not _record_key_ok(change.type, change.key, value):
                raise _bad(case_no, f"record key {change.key!r} does not fit its {change.type}")
        if change.type in CREATE_ONLY and change.base is not None and change.value is None:
            raise _bad(case_no, f"{change.type} records cannot be removed")
        if (
            change.type in NO_EDIT
            and change.base is not None
            and change.value is not None
            and not _same(change.type, change.base, change.value)
        ):
            raise _bad(case_no, f"{change.type} records cannot be edited")
        if (change.base_version is not None) and (change.type not in VERSIONED_TYPES or change.base is None):
            raise _bad(case_no, f"record {rkey} has a wrong base version")
        if change.value is not None:
            # files come along with what the laptop added; the office holds those it sent
            files = attachments if change.base is None else None
            _check_value(change.type, change.value, rubric, case_no, files, checklist)
            if change.base is None:
                used.update(_files_in(change.value))
    if cases != 1:
        raise _bad(case_no, "a return needs exactly one case record")


# == importing =======================================================================================


def _load(path: Path, staging: Path | None, steps: _Progress) -> _Package:
    """Read a package and validate all of it (see archive._read_archive and _parse_contents)."""
    archive = _read_archive(path, staging, steps)
    manifest = archive.manifest
    package = _parse_contents(manifest, archive.contents, archive.attachments, staging, archive.expanded)
    package.manifest_bytes = archive.manifest_bytes
    if manifest.kind == "return":
        if archive.signature is None:
            raise Refused(
                "package_unsigned",
                "the return is not signed by a member of the audit team; export it again on the laptop",
                "返回的审核包没有评审组成员的签名，请在现场笔记本上重新导出",
            )
        package.signature = _parse_json(SignatureDoc, archive.signature, SIGNATURE, "package_signature")
    elif archive.signature is not None:
        raise _tampered("a checkout carries no signature")
    return package
