"""Writing a planned import into the store, and taking away files and databases a failed one made."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core.casesearch import keys_fit
from ...core.errors import Refused
from ...storage import models as m
from ...storage.attachments import AttachmentStore
from ...storage.db import sqlite_path, to_url
from ..base import Tx
from ..rubrics import RUBRIC_PREFIX
from .archive import CHUNK
from .laptop import install_team
from .plan import _Action, _CasePlan
from .results import PackageChange
from .steps import _Progress
from .store import (
    LAPTOP_ORIGIN_KEY,
    SYNC_PREFIX,
    _database_id,
    _ensure_database_id,
    _Keys,
    _names,
    _put_setting,
    _setting,
    _sync,
)
from .validate import _Package
from .wire import (
    KEYED_TYPES,
    VERSIONED_TYPES,
    CheckoutCase,
    ConclusionValue,
    NonconformityValue,
    OrgValue,
    ReturnCase,
    ScoreValue,
    _canon,
    _plain_json,
)


class _Files:
    """Files and folders this import created, so a failed import can take them away again."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.dirs: list[Path] = []

    def mkdirs(self, folder: Path) -> None:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for path in reversed(missing):
            path.mkdir()
            self.dirs.append(path)

    def install(self, store: AttachmentStore, sha: str, staged: Path) -> bool:
        target = store.path_for(sha)
        if target.is_file():
            return False
        self.mkdirs(target.parent)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as dst, open(staged, "rb") as src:
                shutil.copyfileobj(src, dst, CHUNK)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self.files.append(target)
        return True

    def rollback(self) -> None:
        for path in reversed(self.files):
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(self.dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _ensure_attachment(tx: Tx, package: _Package, files: _Files, sha: str) -> int:
    store = tx.services.db.attachments
    added = 0
    if package.staging is not None and files.install(store, sha, package.staging / sha):
        added = 1
    if tx.session.get(m.Attachment, sha) is None:
        tx.session.add(m.Attachment(sha256=sha, size=package.attachments[sha], created_at=tx.now))
        tx.session.flush()
    return added


def _carried_keys(value: OrgValue) -> tuple[str, str] | None:
    """The organisation's search keys as the checkout carries them, when it carries both and they
    fit its name (core.casesearch.keys_fit); else None, and the name's keys are computed. A checkout
    is not signed (only returns are): whoever can hand the laptop a checkout chooses the name itself,
    so keys that fit but read a character otherwise change no more than the name could; they only
    change what the laptop's case search finds for that name."""
    full, initials = value.name_pinyin, value.name_initials
    if full is None or initials is None or not keys_fit(value.name, full, initials):
        return None
    return full, initials


def _user_id(session: Session, name: str) -> int:
    user_id = session.scalar(select(m.User.id).where(m.User.name == name))
    if user_id is None:
        raise Refused("not_found", f"user {name} does not exist here", f"本库中没有用户 {name}")
    return user_id


CHECKOUT_ORDER = {
    "case": 0,
    "material": 1,
    "team": 2,
    "review": 3,
    "nonconformity": 4,
    "special": 5,
    "score": 6,
    "evidence": 7,
    "vote": 8,
}


def _apply_checkout(
    tx: Tx, package: _Package, plans: list[_CasePlan], lacking: list[str], files: _Files, steps: _Progress
) -> tuple[list[PackageChange], int]:
    session = tx.session
    manifest = package.manifest
    db_id = _ensure_database_id(session)
    if _setting(session, LAPTOP_ORIGIN_KEY) is None:  # a new laptop database: made from this office
        _put_setting(session, LAPTOP_ORIGIN_KEY, manifest.origin_database)
    for rubric_id in lacking:
        _put_setting(
            session,
            RUBRIC_PREFIX + rubric_id,
            {
                "sha256": package.rubrics[rubric_id].sha256,
                "yaml": package.rubric_bytes[rubric_id].decode("utf-8"),
            },
        )
        tx.record("rubric.import", "rubric", rubric_id, after={"sha256": package.rubrics[rubric_id].sha256})
    assert package.team is not None
    changes = install_team(tx, package.team, manifest.package_id)
    added = 0
    for sha in package.attachments:
        added += _ensure_attachment(tx, package, files, sha)
    for plan in plans:
        doc = package.cases[plan.case_no]
        assert isinstance(doc, CheckoutCase)
        ids = _names(session)
        by_name = {v: k for k, v in ids.items()}
        org = session.scalar(
            select(m.Organization).where(m.Organization.credit_code == doc.organization.credit_code)
        )
        if org is None:
            org = m.Organization(credit_code=doc.organization.credit_code, address=doc.organization.address)
            m.name_organization(org, doc.organization.name, _carried_keys(doc.organization))
            session.add(org)
            session.flush()
            tx.record(
                "organization.import",
                "organization",
                org.credit_code,
                after={"name": org.name, "address": org.address},
            )
        elif (org.name, org.address) != (doc.organization.name, doc.organization.address):
            before = {"name": org.name, "address": org.address}
            if org.name != doc.organization.name:
                m.name_organization(org, doc.organization.name, _carried_keys(doc.organization))
            org.address = doc.organization.address
            tx.record(
                "organization.import",
                "organization",
                org.credit_code,
                before=before,
                after={"name": org.name, "address": org.address},
            )
        c = doc.case
        case = m.Case(
            case_no=c.case_no,
            kind=c.kind.value,
            organization=org,
            parent_certificate_id=None,
            enterprise_type=c.enterprise_type.value,
            rubric_id=c.rubric_id,
            rubric_sha256=c.rubric_sha256,
            headcount=c.headcount,
            scope=c.scope,
            status=c.status.value,
            contract_no=c.contract_no,
            fee=c.fee,
            document_days=c.document_days,
            onsite_days=c.onsite_days,
            days_override_reason=c.days_override_reason,
            committee_round=c.committee_round,
            conclusion_summary=c.conclusion_summary,
            recommended_total=c.recommended_total,
            recommended_grade=c.recommended_grade.value if c.recommended_grade else None,
            decided_grade=c.decided_grade.value if c.decided_grade else None,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        session.add(case)
        session.flush()
        keys = _Keys(db_id, {})
        base: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for record in sorted(doc.records, key=lambda r: CHECKOUT_ORDER[r.type]):
            row_id = _create_row(session, case, record.type, record.value, by_name, keys)
            if record.type in KEYED_TYPES:
                keys.link(record.key, row_id)
            base[f"{record.type}/{record.key}"] = {
                "version": record.version,
                "value": _plain_json(record.value),
            }
            counts[record.type] = counts.get(record.type, 0) + 1
        conclusion = _canon(
            ConclusionValue,
            {
                "status": c.status.value,
                "conclusion_summary": c.conclusion_summary,
                "recommended_total": c.recommended_total,
                "recommended_grade": c.recommended_grade,
            },
        )
        _put_setting(
            session,
            SYNC_PREFIX + plan.case_no,
            {
                "links": keys.links,
                "checkout": {
                    "package_id": manifest.package_id,
                    "origin": manifest.origin_database,
                    "exported_at": manifest.exported_at.isoformat(),
                    "exported_by": manifest.exported_by.name,
                    "version": doc.version,
                    "status": c.status.value,
                    "conclusion": conclusion.model_dump(mode="json"),
                    "base": base,
                },
            },
        )
        tx.record(
            "case.import",
            "case",
            plan.case_no,
            after={
                "package": manifest.package_id,
                "from": manifest.source_database,
                "exported_by": manifest.exported_by.name,
                "exported_at": manifest.exported_at,
                "status": c.status.value,
                "records": counts,
            },
            reason=f"taken out of the office by {manifest.exported_by.name}",
        )
        changes.extend(a.change for a in plan.actions)
        steps.step()
    return changes, added


def _create_row(
    session: Session,
    case: m.Case,
    type_: str,
    value: Any,
    by_name: Mapping[str, int],
    keys: _Keys,
    nc_ids: Mapping[str, int] | None = None,
) -> int:
    """Insert one record of a case; returns the new row's id."""
    row: Any
    if type_ == "material":
        row = m.Material(case_id=case.id, item_no=value.item_no, status=value.status, reason=value.reason)
        session.add(row)
        session.flush()
        for f in value.files:
            session.add(
                m.MaterialFile(material_id=row.id, sha256=f.sha256, filename=f.filename, added_at=f.added_at)
            )
    elif type_ == "team":
        row = m.TeamMember(case_id=case.id, user_id=by_name[value.user], is_leader=value.leader)
    elif type_ == "review":
        row = m.DocumentReview(
            case_id=case.id,
            reviewer_id=by_name[value.reviewer],
            outcome=value.outcome.value,
            note=value.note,
            created_at=value.created_at,
        )
        for finding in value.findings:
            row.findings.append(m.ReviewFinding(category_code=finding.category, text=finding.text))
    elif type_ == "score":
        row = m.IndicatorScore(case_id=case.id, code=value.code)
        _set_score(row, value, by_name)
    elif type_ == "evidence":
        row = m.Evidence(
            case_id=case.id,
            code=value.code,
            note=value.note,
            sha256=value.sha256,
            filename=value.filename,
            added_by=by_name[value.added_by],
            added_at=value.added_at,
        )
    elif type_ == "nonconformity":
        row = m.Nonconformity(case_id=case.id, raised_by=by_name[value.raised_by], raised_at=value.raised_at)
        _set_nc(row, value, by_name)
    elif type_ == "special":
        nc_id = None
        if value.nonconformity is not None:
            nc_id = (nc_ids or {}).get(value.nonconformity) or keys.links.get(value.nonconformity)
            if nc_id is None:
                raise Refused(
                    "bad_value",
                    f"the nonconformity of special item {value.reason!r} is missing",
                    f"特别项“{value.reason}”对应的不符合项缺失",
                )
        row = m.SpecialItem(
            case_id=case.id,
            kind=value.kind,
            reason=value.reason,
            nonconformity_id=nc_id,
            created_by=by_name[value.created_by],
            created_at=value.created_at,
        )
    elif type_ == "vote":
        row = m.CommitteeVote(
            case_id=case.id,
            round=value.round,
            user_id=by_name[value.user],
            decision=value.decision.value,
            grade=value.grade.value if value.grade else None,
            comment=value.comment,
            created_at=value.created_at,
        )
    else:  # pragma: no cover - the models allow no other type
        raise AssertionError(type_)
    session.add(row)
    session.flush()
    return int(row.id)


def _set_score(row: m.IndicatorScore, value: ScoreValue, by_name: Mapping[str, int]) -> None:
    row.points = value.points
    row.not_applicable = value.not_applicable
    row.reason = value.reason
    row.note = value.note
    row.sampled = value.sampled
    row.nonconforming = value.nonconforming
    row.updated_by = by_name[value.updated_by]
    row.updated_at = value.updated_at


def _set_nc(row: m.Nonconformity, value: NonconformityValue, by_name: Mapping[str, int]) -> None:
    row.code = value.code
    row.text = value.text
    row.deadline = value.deadline
    row.status = value.status
    row.corrective_action = value.corrective_action
    row.closed_by = by_name[value.closed_by] if value.closed_by else None
    row.closed_at = value.closed_at


def _return_order(action: _Action) -> tuple[int, int]:
    if action.type == "case":
        return (4, 0)
    if action.op == "delete":
        return (3, {"special": 0, "evidence": 1, "review": 1, "nonconformity": 2, "score": 3}[action.type])
    if action.type == "nonconformity":
        return (0, 0)
    return (1 if action.op == "update" else 2, 0)


def _apply_return(
    tx: Tx, package: _Package, plans: list[_CasePlan], files: _Files, steps: _Progress
) -> tuple[list[PackageChange], int]:
    session = tx.session
    manifest = package.manifest
    db_id = _database_id(session)
    assert db_id is not None
    reason = (
        f"package {manifest.package_id[:8]} signed by {manifest.exported_by.name} on the laptop, "
        f"{manifest.exported_at.isoformat()}"
    )
    by_name = {v: k for k, v in _names(session).items()}
    changes: list[PackageChange] = []
    added = 0
    for plan in plans:
        doc = package.cases[plan.case_no]
        assert isinstance(doc, ReturnCase)
        case = session.scalar(select(m.Case).where(m.Case.case_no == plan.case_no))
        assert case is not None
        sync = _sync(session, plan.case_no)
        keys = _Keys(db_id, sync.get("links", {}))
        returns = sync.setdefault("returns", {})
        earlier = returns.get(manifest.source_database, {})
        applied: dict[str, int] = dict(earlier.get("applied", {}))
        nc_ids = dict(plan.nc_ids)
        touched: list[tuple[str, Any]] = []
        for action in sorted(plan.actions, key=_return_order):
            rkey = f"{action.type}/{action.key}"
            before = _plain_json(action.row.value) if action.row is not None else None
            after = _plain_json(action.value)
            entity, entity_id = "case", plan.case_no
            if action.type == "case":
                value = action.value
                case.status = value.status.value
                case.conclusion_summary = value.conclusion_summary
                case.recommended_total = value.recommended_total
                case.recommended_grade = value.recommended_grade.value if value.recommended_grade else None
            elif action.op == "create":
                if action.type == "evidence" and action.value.sha256:
                    added += _ensure_attachment(tx, package, files, action.value.sha256)
                row_id = _create_row(session, case, action.type, action.value, by_name, keys, nc_ids)
                keys.link(action.key, row_id)
                if action.type == "nonconformity":
                    nc_ids[action.key] = row_id
                    entity, entity_id = "nonconformity", str(row_id)
                if action.type in VERSIONED_TYPES:
                    touched.append(
                        (rkey, (m.IndicatorScore if action.type == "score" else m.Nonconformity, row_id))
                    )
            else:
                assert action.row is not None and action.row.id is not None
                model: type[Any] = {
                    "score": m.IndicatorScore,
                    "nonconformity": m.Nonconformity,
                    "special": m.SpecialItem,
                    "evidence": m.Evidence,
                    "review": m.DocumentReview,
                }[action.type]
                row = session.get(model, action.row.id)
                assert row is not None
                if action.type == "nonconformity":
                    entity, entity_id = "nonconformity", str(row.id)
                if action.op == "delete":
                    session.delete(row)
                    session.flush()
                    applied.pop(rkey, None)
                elif action.type == "score":
                    _set_score(row, action.value, by_name)
                    touched.append((rkey, (m.IndicatorScore, row.id)))
                elif action.type == "nonconformity":
                    _set_nc(row, action.value, by_name)
                    touched.append((rkey, (m.Nonconformity, row.id)))
            if action.type == "score":
                entity, entity_id = "score", f"{plan.case_no}/{action.key}"
            session.flush()
            tx.record(
                "conclusion.import" if action.type == "case" else f"{action.type}.import",
                entity,
                entity_id,
                before=before,
                after={"key": action.key, "value": after}
                if entity == "case" and action.type != "case"
                else after,
                reason=reason,
            )
            changes.append(action.change)
        if plan.actions:
            case.updated_at = tx.now
        session.flush()
        for rkey, (model, row_id) in touched:
            row = session.get(model, row_id)
            if row is not None:
                applied[rkey] = row.version
        applied[f"case/{plan.case_no}"] = case.version
        for action in plan.actions:
            plan.kept.pop(f"{action.type}/{action.key}", None)  # taken after all
        returns[manifest.source_database] = {
            "seq": doc.return_seq,
            "package_id": manifest.package_id,
            "applied": applied,
            "status": case.status,
            "kept": plan.kept,
        }
        sync["links"] = keys.links
        _put_setting(session, SYNC_PREFIX + plan.case_no, sync)
        steps.step()
    return changes, added


# -- the target database ----------------------------------------------------------------------------


class _NewTarget:
    """A database this import creates: everything it made is removed again if the import fails."""

    def __init__(self, db: str | Path) -> None:
        self.path = sqlite_path(to_url(db))
        self.existed = self.path is not None and self.path.exists()
        self.dirs: list[Path] = []
        self.attachments: Path | None = None
        if self.path is not None:
            probe = self.path.parent
            while not probe.exists():
                self.dirs.append(probe)
                probe = probe.parent
            self.attachments = self.path.with_name(self.path.name + ".attachments")
            if self.attachments.exists():
                self.attachments = None

    def remove(self) -> None:
        if self.path is None:
            return
        if not self.existed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink()
        if self.attachments is not None:
            shutil.rmtree(self.attachments, ignore_errors=True)
        for folder in self.dirs:
            with contextlib.suppress(OSError):
                folder.rmdir()
