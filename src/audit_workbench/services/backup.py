"""Backup and restore: one file holding a consistent snapshot of the database and its attachments.

The snapshot uses SQLite's online backup API, so it is consistent while the application keeps
writing. The backup file is a zip with `manifest.json` (every member's SHA-256 and size) and the
manifest's own SHA-256 in the zip comment. Restore verifies all of it, and the event log of the
restored database, before anything is put in place; it never overwrites an existing database
unless told to (and then keeps the old file beside it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Event

from ..core.errors import Refused
from ..core.policy import Action, require
from ..storage import events
from ..storage.db import open_database, sqlite_path, to_url
from ..storage.models import Setting
from .base import Actor, Services

FORMAT = "audit-workbench-backup"
FORMAT_VERSION = 1
LAST_BACKUP_KEY = "last_backup_at"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    events: int
    attachments: int
    bytes: int
    sha256: str
    created_at: datetime


@dataclass(frozen=True)
class RestoreSummary:
    db: Path
    events: int
    attachments: int
    replaced: Path | None


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cancelled(cancel: Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Refused("cancelled", "cancelled; nothing was written", "已取消，未写入任何内容")


def last_backup(services: Services) -> datetime | None:
    with services.read() as session:
        row = session.get(Setting, LAST_BACKUP_KEY)
        return None if row is None else datetime.fromisoformat(json.loads(row.value))


def backup(
    services: Services,
    actor: Actor,
    out: Path,
    *,
    progress: Progress | None = None,
    cancel: Event | None = None,
) -> BackupSummary:
    out = Path(out)
    source = sqlite_path(services.db.url)
    if source is None:
        raise Refused(
            "backup_server",
            "this database is on a server: back it up with the server's tools (pg_dump)",
            "服务器数据库请使用服务器自带工具（pg_dump）备份",
        )
    with services.read() as session:
        require(Action.manage_settings, _roles(services, session, actor))
    if out.exists():
        raise Refused("exists", f"{out} already exists; choose a new file", f"{out} 已存在")
    created = services.now()
    with tempfile.TemporaryDirectory(prefix="awb-backup-") as tmp:
        snapshot = Path(tmp) / "database.sqlite3"
        src = sqlite3.connect(source)
        dst = sqlite3.connect(snapshot)
        try:
            src.backup(dst)  # consistent even while others write
        finally:
            dst.close()
            src.close()
        con = sqlite3.connect(snapshot)
        try:
            digests = sorted({row[0] for row in con.execute("SELECT sha256 FROM attachments")})
            event_count = con.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            con.close()
        members: list[tuple[str, Path]] = [("database.sqlite3", snapshot)]
        for digest in digests:
            path = services.db.attachments.path_for(digest)
            if not path.is_file():
                raise Refused(
                    "attachment_missing",
                    f"attachment {digest[:12]}… is missing: the backup would be incomplete",
                )
            members.append((f"attachments/{digest}", path))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "created_by": actor.name,
            "events": event_count,
            "members": [],
        }
        total = len(members)
        partial = out.with_name(out.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for n, (name, path) in enumerate(members, start=1):
                    _cancelled(cancel)
                    digest = _sha256_file(path)
                    if name.startswith("attachments/") and digest != name.split("/", 1)[1]:
                        raise Refused("attachment_corrupt", f"attachment {name} does not match its checksum")
                    archive.write(path, name)
                    manifest["members"].append({"name": name, "sha256": digest, "size": path.stat().st_size})  # type: ignore[attr-defined]
                    if progress:
                        progress(n, total)
                manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                archive.writestr("manifest.json", manifest_bytes)
                archive.comment = hashlib.sha256(manifest_bytes).hexdigest().encode()
            os.replace(partial, out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    summary = BackupSummary(
        out,
        event_count,
        len(digests),
        out.stat().st_size,
        hashlib.sha256(manifest_bytes).hexdigest(),
        created,
    )
    with services.tx(actor) as tx:
        row = tx.session.get(Setting, LAST_BACKUP_KEY)
        value = json.dumps(created.isoformat())
        if row is None:
            tx.session.add(Setting(key=LAST_BACKUP_KEY, value=value))
        else:
            row.value = value
        tx.record(
            "backup.create",
            "backup",
            out.name,
            after={"events": event_count, "attachments": len(digests), "sha256": summary.sha256},
        )
    return summary


def _roles(services: Services, session, actor: Actor):  # type: ignore[no-untyped-def]
    from ..core.policy import Role
    from ..storage.models import User

    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise Refused("inactive_user", f"user {actor.name} is not active")
    return frozenset(Role(r) for r in user.roles.split(",") if r)


def _bad(message: str) -> Refused:
    return Refused("bad_backup", message, f"备份文件无效：{message}")


def verify_backup(path: Path) -> dict:  # type: ignore[type-arg]
    """Check a backup file's manifest and every member; return the manifest."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _bad(f"{path.name} is not a readable backup ({exc})") from None
    with archive:
        try:
            manifest_bytes = archive.read("manifest.json")
        except KeyError:
            raise _bad("manifest.json is missing") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _bad(f"the archive is damaged ({exc})") from None
        if archive.comment.decode(errors="replace") != hashlib.sha256(manifest_bytes).hexdigest():
            raise _bad("the manifest does not match the file's checksum")
        manifest = json.loads(manifest_bytes)
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise _bad(
                f"unknown format {manifest.get('format')!r} version {manifest.get('format_version')!r}"
            )
        listed = {m["name"]: m for m in manifest["members"]}
        present = {i.filename for i in archive.infolist()} - {"manifest.json"}
        if present != set(listed):
            raise _bad("the archive's members differ from its manifest")
        for name, meta in listed.items():
            if name != "database.sqlite3" and not (
                name.startswith("attachments/") and "/" not in name[12:] and ".." not in name
            ):
                raise _bad(f"unexpected member {name!r}")
            digest = hashlib.sha256()
            size = 0
            try:
                with archive.open(name) as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                        size += len(block)
                        if size > meta["size"]:
                            break
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise _bad(f"member {name} is damaged ({exc})") from None
            if size != meta["size"] or digest.hexdigest() != meta["sha256"]:
                raise _bad(f"member {name} does not match its checksum")
        return manifest  # type: ignore[no-any-return]


def restore(
    backup_file: Path,
    target: str | Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> RestoreSummary:
    url = to_url(target)
    dest = sqlite_path(url)
    if dest is None:
        raise Refused("restore_server", "restore goes into a SQLite file; for a server use its own tools")
    if dest.exists() and not force:
        raise Refused(
            "exists",
            f"{dest} already exists; restore into a new file, or pass --force to replace it",
            f"{dest} 已存在；请恢复到新文件，或使用 --force 替换",
        )
    manifest = verify_backup(Path(backup_file))
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="awb-restore-", dir=dest.parent) as tmp:
        staging = Path(tmp)
        with zipfile.ZipFile(backup_file) as archive:
            names = [m["name"] for m in manifest["members"]]
            for n, name in enumerate(names, start=1):
                target_path = staging / name
                target_path.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as src, target_path.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                if progress:
                    progress(n, len(names))
        db_file = staging / "database.sqlite3"
        check = sqlite3.connect(db_file)
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise _bad("the database in the backup fails SQLite's integrity check")
        finally:
            check.close()
        probe = open_database(db_file, attachments_root=staging / "attachments")
        try:
            with probe.reading() as session:
                report = events.verify(session)
        finally:
            probe.dispose()
        if not report.ok:
            raise _bad(f"its event log does not verify: {report.describe()}")
        replaced = None
        if dest.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            replaced = dest.with_name(f"{dest.name}.replaced-{stamp}")
            os.replace(dest, replaced)
            for suffix in ("-wal", "-shm"):
                Path(str(dest) + suffix).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(db_file) + suffix).unlink(missing_ok=True)
        os.replace(db_file, dest)
        attachments_root = dest.with_name(dest.name + ".attachments")
        count = 0
        source_root = staging / "attachments"
        if source_root.is_dir():
            for item in source_root.iterdir():
                final = attachments_root / item.name[:2] / item.name
                final.parent.mkdir(parents=True, exist_ok=True)
                if not final.exists():
                    os.replace(item, final)
                count += 1
    return RestoreSummary(dest, report.events, count, replaced)
