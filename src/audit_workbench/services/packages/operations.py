"""The three package operations: export, import and inspect, each a short run of the stages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from ...core.errors import Refused
from ...core.memberkeys import fingerprint
from ...core.rubric import (
    RubricRegistry,
)
from ...storage.db import Database, open_database
from ...storage.db import exists as database_exists
from ...storage.staging import staging_area, staging_root, sweep
from ..base import SYSTEM, Actor, Services
from ..certificates import DATABASE_ID_KEY
from .apply import _apply_checkout, _apply_return, _Files, _NewTarget
from .archive import _write_zip
from .export import _export_plan
from .plan import _account_preview, _check_rubrics, _plan_checkout, _plan_return, _plan_return_offline
from .results import (
    ImportResult,
    PackageCase,
    PackageChange,
    PackageConflicts,
    PackagePreview,
    PackageSummary,
)
from .steps import CancelToken, ProgressFn, _Progress
from .store import CHECKOUT_PREFIX, SYNC_PREFIX, _database_id, _is_empty, _put_setting, _sync
from .trust import admit_importer
from .validate import _installed_rubrics, _load


def export_package(
    services: Services,
    actor: Actor,
    case_nos: list[str],
    out: Path,
    *,
    signing_password: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> PackageSummary:
    """Write an `.awp` package of the given cases (through the output guard: an existing file is
    replaced only with `force`, the database and its attachments never).

    In the office this is a *checkout* (`export_checkout` in the policy table): it issues a signing
    key per team member, sealed with a one-time laptop code the summary's `laptop_codes` hold (shown
    once: the office keeps only the public keys). On a laptop holding checked-out cases it is a
    *return* of the results (`export_return`), signed with the exporter's key, which the laptop
    password `signing_password` opens.
    """
    case_nos = list(dict.fromkeys(c.strip() for c in case_nos if c and c.strip()))
    if not case_nos:
        raise Refused("missing_value", "name at least one case to export", "请至少指定一个案件")
    out = Path(out)
    if out.suffix.lower() != ".awp":
        raise Refused(
            "bad_file", f"{out.name}: an audit package file ends in .awp", "审核包文件扩展名应为 .awp"
        )
    guard = services.outputs
    out = guard.check(out, force=force)
    steps = _Progress(progress, cancel)
    steps.check()
    package_id = uuid.uuid4().hex
    exported_at = services.now()
    with services.read() as session:
        # Keys name this database; one that never had an id gets it with this export's event.
        db_id = _database_id(session) or uuid.uuid4().hex
        plan = _export_plan(
            services, session, actor, case_nos, package_id, exported_at, db_id, signing_password
        )
    steps.add(len(plan.documents) + len(plan.attachments))
    with guard.staged(out, force=force) as staged:
        members = _write_zip(staged.path, plan, services.db.attachments, steps)
        with services.tx(actor) as tx:
            if _database_id(tx.session) is None:
                _put_setting(tx.session, DATABASE_ID_KEY, db_id)
            elif _database_id(tx.session) != db_id:  # pragma: no cover - two first exports at once
                raise Refused(
                    "conflict",
                    "the database changed while exporting; export again",
                    "导出期间数据库已被修改，请重新导出",
                )
            for case_no, seq, sent in plan.returns:
                data = _sync(tx.session, case_no)
                data["return_seq"] = max(int(data.get("return_seq", 0)), seq)
                data["sent"] = sent
                _put_setting(tx.session, SYNC_PREFIX + case_no, data)
            if plan.checkout:  # the public keys issued and the base sent: what a return is checked against
                _put_setting(tx.session, CHECKOUT_PREFIX + package_id, plan.checkout)
            tx.record(
                "package.export",
                "package",
                package_id,
                after={
                    "kind": plan.kind,
                    "cases": list(case_nos),
                    "file": out.name,
                    "accounts": list(plan.accounts),
                    "attachments": len(plan.attachments),
                    "members": members,
                    "keys": {name: fingerprint(key) for name, key in plan.checkout.get("keys", {}).items()},
                },
            )
            steps.check()
            staged.commit()  # a package that cannot be put in place is not recorded as exported
    steps.finish()
    return PackageSummary(
        path=out,
        package_id=package_id,
        kind=plan.kind,
        cases=tuple(case_nos),
        accounts=plan.accounts,
        attachments=len(plan.attachments),
        members=members,
        size=out.stat().st_size,
        exported_at=exported_at,
        laptop_codes=dict(plan.laptop_codes),
    )


def import_package(
    db: str | Path,
    path: Path,
    *,
    actor: Actor | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    resolve: Mapping[str, str] | None = None,
    rubrics: RubricRegistry | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ImportResult:
    """Import a package into the database at `db`, all or nothing.

    A checkout creates its cases (and, when `db` does not exist yet, the laptop database itself); a
    return applies the laptop's results to the office database the cases came from. Into a database
    that exists, `actor` (logged in there) imports as the policy table allows (`import_checkout`,
    `import_return`); only the first import that makes a laptop database has no one to ask. A refusal, a
    conflict (`PackageConflicts`, listing every record changed on both sides) or a cancellation leaves
    the database and the attachment folder exactly as they were. `resolve` maps conflict ids to
    "office" (keep this database's value) or "package" (take the laptop's).
    """
    steps = _Progress(progress, cancel)
    steps.check()
    registry = rubrics if rubrics is not None else _installed_rubrics()
    if resolve and any(choice not in ("office", "package") for choice in resolve.values()):
        raise Refused(
            "bad_value", "a conflict is resolved with office or package", "冲突只能选择本库或审核包"
        )
    created = not database_exists(db)
    target = _NewTarget(db) if created else None  # noted before anything, the staging folder too, is made
    root = staging_root(db)
    sweep(root)  # what killed imports left
    try:
        with staging_area(root) as staging:
            package = _load(Path(path), staging, steps)
            manifest = package.manifest
            if created and manifest.kind == "return":
                raise Refused(
                    "package_needs_database",
                    "a return package goes into the office database the cases came from, which must exist",
                    "返回的审核包只能导入案件来源的办公室数据库",
                )
            if created:
                _check_rubrics(package, registry, None)  # refuse before making anything
            steps.add(len(package.cases))
            files = _Files()
            database: Database | None = None
            try:
                database = open_database(db)
                services = Services(database, rubrics=registry, clock=clock)
                with database.reading() as session:
                    fresh = created or _is_empty(session)
                if not fresh and actor is None:
                    raise Refused(
                        "login_required",
                        "log in to import a package into this database (--user NAME)",
                        "导入审核包需要先登录（--user 用户名）",
                    )
                with services.tx(SYSTEM if fresh or actor is None else actor) as tx:
                    if fresh and not _is_empty(tx.session):  # pragma: no cover - someone wrote meanwhile
                        raise Refused(
                            "conflict",
                            "the database changed while importing; import again",
                            "导入期间数据库已被修改，请重新导入",
                        )
                    if not fresh:
                        assert actor is not None
                        admit_importer(tx.session, actor, package)
                    resolved: list[str] = []
                    if manifest.kind == "checkout":
                        lacking = _check_rubrics(package, registry, tx.session)
                        plans = _plan_checkout(tx.session, package)
                        changes, added = _apply_checkout(tx, package, plans, lacking, files, steps)
                    else:
                        plans = _plan_return(tx.session, package, resolve or {}, lock=True)
                        conflicts = [c for p in plans for c in p.conflicts]
                        if conflicts:
                            raise PackageConflicts(conflicts)
                        resolved = [r for p in plans for r in p.resolved]
                        changes, added = _apply_return(tx, package, plans, files, steps)
                    unchanged = sum(p.unchanged for p in plans)
                    steps.check()  # the last moment to cancel: nothing is committed yet
                    tx.record(
                        "package.import",
                        "package",
                        manifest.package_id,
                        after={
                            "kind": manifest.kind,
                            "file": Path(path).name,
                            "from": manifest.source_database,
                            "exported_by": manifest.exported_by.name,
                            "exported_at": manifest.exported_at,
                            "cases": list(package.cases),
                            "changes": len(changes),
                            "unchanged": unchanged,
                            "attachments_added": added,
                            "resolved": resolved,
                            "database_created": created,
                            "signed_by": sorted({p.signer for p in plans if p.signer}),
                        },
                    )
            except BaseException:
                files.rollback()
                if database is not None:
                    database.dispose()
                    database = None
                if target is not None:
                    target.remove()
                raise
            finally:
                if database is not None:
                    database.dispose()
    except BaseException:
        if target is not None:
            target.remove()
        raise
    steps.finish()
    return ImportResult(
        package_id=manifest.package_id,
        kind=manifest.kind,
        database_created=created,
        cases=tuple(package.cases),
        changes=tuple(changes),
        unchanged=unchanged,
        accounts=tuple(manifest.accounts),
        attachments_added=added,
        resolved=tuple(resolved),
    )


def inspect_package(
    path: Path,
    db: str | Path | None = None,
    *,
    resolve: Mapping[str, str] | None = None,
    rubrics: RubricRegistry | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> PackagePreview:
    """Validate a package completely and say what importing it would change; changes nothing.

    With `db` (an existing database) the preview compares with it: the exact changes, the records
    already there, and the conflicts. It raises the same refusals an import would (but lists conflicts
    instead of raising them).
    """
    steps = _Progress(progress, cancel)
    package = _load(Path(path), None, steps)
    manifest = package.manifest
    registry = rubrics if rubrics is not None else _installed_rubrics()
    checked = db is not None and database_exists(db)
    extra: list[PackageChange] = []
    if checked:
        assert db is not None
        database = open_database(db, create=False)
        try:
            with database.reading() as session:
                if manifest.kind == "checkout":
                    _check_rubrics(package, registry, session)
                    plans = _plan_checkout(session, package)
                    extra = _account_preview(session, package)
                else:
                    plans = _plan_return(session, package, resolve or {})
        finally:
            database.dispose()
    else:
        _check_rubrics(package, registry, None)
        if manifest.kind == "checkout":
            plans = _plan_checkout(None, package)
            extra = _account_preview(None, package)
        else:
            plans = _plan_return_offline(package)
    cases = tuple(
        PackageCase(e.case_no, e.organization, e.status.value, e.rubric_id, e.rubric_sha256)
        for e in manifest.cases
    )
    return PackagePreview(
        package_id=manifest.package_id,
        kind=manifest.kind,
        format_version=manifest.format_version,
        exported_at=manifest.exported_at,
        exported_by=manifest.exported_by.name,
        source_database=manifest.source_database,
        origin_database=manifest.origin_database,
        app_version=manifest.app_version,
        cases=cases,
        accounts=tuple(manifest.accounts),
        members=len(manifest.members) + 1,
        attachments=len(package.attachments),
        size=package.expanded,
        target_checked=checked,
        changes=tuple(extra) + tuple(a.change for p in plans for a in p.actions),
        unchanged=sum(p.unchanged for p in plans),
        conflicts=tuple(c for p in plans for c in p.conflicts),
    )
