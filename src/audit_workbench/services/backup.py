"""Backup and restore: one signed file holding a consistent snapshot of the database and its attachments.

The snapshot uses SQLite's online backup API, so it is consistent while the application keeps
writing. The backup file is a zip with `manifest.json` (every member's SHA-256 and size, the database's
id, the head of its event log as an anchor, the signing key's fingerprint and public key),
`manifest.sig` (the body's Ed25519 signature of the manifest's exact bytes) and the manifest's SHA-256
in the zip comment. Checksums only show damage; the signature shows who wrote the backup, so a backup
altered and re-summed is refused.

Restore checks everything before anything is put in place: the structure and sums, the signature
against a key the administrator trusts (`--public-key body.pem`, the keys of the database being
replaced, or a fingerprint the administrator compared and confirmed), SQLite's integrity check, and
the restored event log with its signed checkpoints and the manifest's anchor. It never crashes on a
malformed file: every defect is a `bad_backup` refusal.

Replacing an existing database needs `force` and the login of one of *its* administrators. It is
refused while any other connection has the database open; otherwise the old database is checkpointed
(every committed write, also one still in the write-ahead log of a process that died, is put in the
file), moved aside whole as `<name>.replaced-<time>` with its attachments, and the restored one takes
its place. The signing key is not in a backup: see services/keys.py and `keys backup`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Event
from typing import Any

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..core import certsig
from ..core.errors import Refused
from ..core.policy import Action, require
from ..storage import events
from ..storage.db import sqlite_path, to_url
from ..storage.exclusive import DatabaseInUse, quiesced
from ..storage.models import Setting
from .base import Actor, Services
from .log import LogReport

FORMAT = "audit-workbench-backup"
FORMAT_VERSION = 2  # 1: checksummed only (before signatures)
LAST_BACKUP_KEY = "last_backup_at"
SIGNATURE_MEMBER = "manifest.sig"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024 * 1024
Progress = Callable[[int, int], None]

KEY_CUSTODY_EN = (
    "the body's signing key is not in this backup: keep it apart with "
    "`audit-workbench --user ADMIN keys backup -o KEYFILE` (a passphrase-protected file), "
    "and install it after a restore on another machine with `keys restore KEYFILE`"
)
KEY_CUSTODY_ZH = (
    "机构签名密钥不在此备份中：请用 `audit-workbench --user 管理员 keys backup -o 密钥文件` 另行备份（口令保护），"
    "在另一台电脑上恢复数据库后用 `keys restore 密钥文件` 安装"
)


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    events: int
    attachments: int
    bytes: int
    sha256: str
    created_at: datetime
    anchor: str = ""  # SEQ:HASH of the last event in the backup
    signed_by: str = ""  # fingerprint of the body's key that signed the manifest


@dataclass(frozen=True)
class RestoreSummary:
    db: Path
    events: int
    attachments: int
    replaced: Path | None
    signed_by: str = ""
    trusted_by: str = ""  # public_key, replaced_database, fingerprint, unsigned
    anchor: str = ""
    checkpoints: int = 0
    can_sign: bool = False  # the body's key file for this database is on this machine


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
    force: bool = False,
    progress: Progress | None = None,
    cancel: Event | None = None,
) -> BackupSummary:
    """Write a signed backup of the database and its attachments to `out` (administrators)."""
    source = sqlite_path(services.db.url)
    if source is None:
        raise Refused(
            "backup_server",
            "this database is on a server: back it up with the server's tools (pg_dump)",
            "服务器数据库请使用服务器自带工具（pg_dump）备份",
        )
    with services.read() as session:
        require(Action.manage_settings, _roles(session, actor))
        try:
            key = services.keys.private_key(session)
        except Refused as exc:
            raise Refused(
                exc.code,
                f"a backup is signed with the body's key, and this copy cannot sign: {exc.message_en}",
                f"备份须用机构密钥签名，而此副本不能签名：{exc.message_zh}",
            ) from None
    guard = services.outputs
    guard.check(out, force=force)
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
            last = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            db_id_row = con.execute("SELECT value FROM settings WHERE key = 'database_id'").fetchone()
        finally:
            con.close()
        members: list[tuple[str, Path]] = [("database.sqlite3", snapshot)]
        for digest in digests:
            path = services.db.attachments.path_for(digest)
            if not path.is_file():
                raise Refused(
                    "attachment_missing",
                    f"attachment {digest[:12]}… is missing: the backup would be incomplete",
                    f"附件 {digest[:12]}… 缺失：备份将不完整",
                )
            members.append((f"attachments/{digest}", path))
        anchor = f"{last[0]}:{last[1]}" if last else ""
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "created_by": actor.name,
            "database_id": json.loads(db_id_row[0]) if db_id_row else None,
            "events": event_count,
            "log_head": {"seq": last[0], "hash": last[1]} if last else None,
            "anchor": anchor,
            "signing_key": {
                "fingerprint": certsig.public_key_fingerprint(key),
                "public_key": certsig.public_key_pem(key).decode(),
            },
            "key_custody": KEY_CUSTODY_EN,
            "members": [],
        }
        total = len(members)
        with guard.staged(out, force=force) as staged:
            with zipfile.ZipFile(staged.path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for n, (name, path) in enumerate(members, start=1):
                    _cancelled(cancel)
                    digest = _sha256_file(path)
                    if name.startswith("attachments/") and digest != name.split("/", 1)[1]:
                        raise Refused(
                            "attachment_corrupt",
                            f"attachment {name} does not match its checksum",
                            f"附件 {name} 与校验值不符",
                        )
                    archive.write(path, name)
                    manifest["members"].append({"name": name, "sha256": digest, "size": path.stat().st_size})
                    if progress:
                        progress(n, total)
                manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                archive.writestr("manifest.json", manifest_bytes)
                archive.writestr(SIGNATURE_MEMBER, certsig.sign_detached(key, manifest_bytes))
                archive.comment = hashlib.sha256(manifest_bytes).hexdigest().encode()
            _cancelled(cancel)
        target = staged.target
    summary = BackupSummary(
        target,
        event_count,
        len(digests),
        target.stat().st_size,
        hashlib.sha256(manifest_bytes).hexdigest(),
        created,
        anchor,
        manifest["signing_key"]["fingerprint"],
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
            target.name,
            after={
                "events": event_count,
                "attachments": len(digests),
                "sha256": summary.sha256,
                "anchor": anchor,
                "key": summary.signed_by,
            },
        )
    return summary


def _roles(session, actor: Actor):  # type: ignore[no-untyped-def]
    from ..core.policy import Role
    from ..storage.models import User

    user = session.get(User, actor.id)
    if user is None or not user.active:
        raise Refused("inactive_user", f"user {actor.name} is not active", f"用户 {actor.name} 已停用")
    return frozenset(Role(r) for r in user.roles.split(",") if r)


def _bad(message: str, zh: str | None = None) -> Refused:
    return Refused("bad_backup", f"not a usable backup: {message}", f"备份文件无效：{zh or message}")


# -- reading a backup: every defect is a refusal, never a crash ---------------------------------------


@dataclass(frozen=True)
class _Member:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class BackupContents:
    """A backup whose structure and checksums were verified (not yet its signature)."""

    manifest: dict[str, Any]
    manifest_bytes: bytes
    members: tuple[_Member, ...]
    signature: str | None  # None: a version-1 backup, unsigned

    @property
    def signer(self) -> str | None:
        key = self.manifest.get("signing_key")
        return key.get("fingerprint") if isinstance(key, dict) else None

    @property
    def anchor(self) -> str:
        value = self.manifest.get("anchor")
        return value if isinstance(value, str) else ""


def _member_ok(name: str) -> bool:
    if name == "database.sqlite3":
        return True
    if not name.startswith("attachments/"):
        return False
    digest = name[len("attachments/") :]
    return len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)


def _parse_members(manifest: dict[str, Any]) -> tuple[_Member, ...]:
    raw = manifest.get("members")
    if not isinstance(raw, list):
        raise _bad("the manifest lists no members", "清单中没有成员列表")
    out: list[_Member] = []
    for item in raw:
        if not isinstance(item, dict):
            raise _bad("a manifest entry is not an object", "清单条目格式错误")
        name, sha, size = item.get("name"), item.get("sha256"), item.get("size")
        if not isinstance(name, str) or not _member_ok(name):
            raise _bad(f"unexpected member {str(name)[:80]!r}", f"意外的成员 {str(name)[:80]!r}")
        if not isinstance(sha, str) or len(sha) != 64:
            raise _bad(f"member {name} has no valid checksum", f"成员 {name} 没有有效的校验值")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_MEMBER_BYTES:
            raise _bad(f"member {name} has no valid size", f"成员 {name} 的大小无效")
        out.append(_Member(name, sha, size))
    names = [m.name for m in out]
    if len(set(names)) != len(names) or "database.sqlite3" not in names:
        raise _bad("the manifest's members are duplicated or lack the database", "清单成员重复或缺少数据库")
    return tuple(out)


def read_backup(path: Path, *, members: bool = True) -> BackupContents:
    """Open a backup and check its structure and (with `members`) every member's checksum; a
    `bad_backup` refusal for any defect (damage, a foreign or hostile archive, an unknown version).
    `restore` reads the members only once the signature is trusted: sizes claimed by a manifest
    nobody vouches for are never decompressed."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _bad(
            f"{path.name} is not a readable backup ({exc})", f"{path.name} 无法读取（{exc}）"
        ) from None
    with archive:
        try:
            infos = archive.infolist()
            names = [i.filename for i in infos]
            if len(set(names)) != len(names):
                raise _bad("the archive holds a name twice", "压缩包内有重复的文件名")
            by_name = {i.filename: i for i in infos}
            info = by_name.get("manifest.json")
            if info is None:
                raise _bad("manifest.json is missing", "缺少 manifest.json")
            if info.file_size > MAX_MANIFEST_BYTES:
                raise _bad("manifest.json is too large", "manifest.json 过大")
            manifest_bytes = _read_limited(archive, info, MAX_MANIFEST_BYTES)
            if (
                archive.comment.decode("ascii", errors="replace")
                != hashlib.sha256(manifest_bytes).hexdigest()
            ):
                raise _bad("the manifest does not match the file's checksum", "清单与文件校验值不符")
            try:
                manifest = json.loads(manifest_bytes.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise _bad("manifest.json is not JSON", "manifest.json 不是 JSON") from None
            if not isinstance(manifest, dict):
                raise _bad("manifest.json is not an object", "manifest.json 格式错误")
            version = manifest.get("format_version")
            if manifest.get("format") != FORMAT or version not in (1, FORMAT_VERSION):
                raise _bad(
                    f"unknown format {str(manifest.get('format'))[:40]!r} version {str(version)[:10]!r}",
                    f"未知的格式 {str(manifest.get('format'))[:40]!r} 版本 {str(version)[:10]!r}",
                )
            listed = _parse_members(manifest)
            signature: str | None = None
            expected = {m.name for m in listed} | {"manifest.json"}
            if version == FORMAT_VERSION:
                sig_info = by_name.get(SIGNATURE_MEMBER)
                if sig_info is None:
                    raise _bad("the manifest's signature is missing", "缺少清单签名")
                signature = _read_limited(archive, sig_info, 1024).decode("ascii", errors="replace").strip()
                expected.add(SIGNATURE_MEMBER)
            if set(names) != expected:
                raise _bad("the archive's members differ from its manifest", "压缩包成员与清单不符")
            if members:
                for member in listed:
                    _check_member(archive, by_name[member.name], member)
        except Refused:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,
            NotImplementedError,
            ValueError,
        ) as exc:
            # damaged data (a deflate stream zlib cannot read), an encrypted or unsupported member,
            # a truncated stream
            raise _bad(
                f"the archive is damaged ({exc.__class__.__name__}: {exc})", f"压缩包已损坏（{exc}）"
            ) from None
    return BackupContents(manifest, manifest_bytes, listed, signature)


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise _bad(f"{info.filename} is too large", f"{info.filename} 过大")
    return data


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: _Member) -> None:
    if info.file_size != member.size:
        raise _bad(f"member {member.name} does not match its checksum", f"成员 {member.name} 与校验值不符")
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            if size > member.size:
                break
    if size != member.size or digest.hexdigest() != member.sha256:
        raise _bad(f"member {member.name} does not match its checksum", f"成员 {member.name} 与校验值不符")


def verify_backup(path: Path) -> dict[str, Any]:
    """Check a backup file's structure and checksums and, when it is signed, that the signature
    matches the public key it names; return the manifest. (Whether that key is the body's is for
    `restore` to decide with a key the administrator trusts.)"""
    contents = read_backup(path)
    if contents.signature is not None:
        _signing_key(contents)
    return contents.manifest


def _signing_key(contents: BackupContents) -> tuple[str, Ed25519PublicKey]:
    """The key named in a signed manifest, if the signature is that key's; a refusal otherwise."""
    key = contents.manifest.get("signing_key")
    if not isinstance(key, dict) or not isinstance(key.get("public_key"), str):
        raise _bad("the manifest names no signing key", "清单中没有签名密钥")
    try:
        public = certsig.load_public_key(key["public_key"].encode())
    except certsig.CertSigError:
        raise _bad("the manifest's signing key is not readable", "清单中的签名密钥无法读取") from None
    fingerprint = certsig.public_key_fingerprint(public)
    if key.get("fingerprint") != fingerprint or contents.signature is None:
        raise _bad("the manifest's signing key does not match its fingerprint", "清单中的签名密钥与指纹不符")
    if not certsig.detached_valid(public, contents.manifest_bytes, contents.signature):
        raise Refused(
            "backup_signature",
            "the backup's signature does not match its manifest: it was altered after it was written",
            "备份签名与清单不符：备份写入后被改动过",
        )
    return fingerprint, public


def _normal_fingerprint(text: str) -> str:
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def _authenticate(
    contents: BackupContents,
    trusted: dict[str, Ed25519PublicKey] | None,
    trusted_source: str,
    trust_signer: str | None,
    accept_unsigned: bool,
) -> tuple[str, str]:
    """(signer fingerprint, how it was trusted), or a refusal that says what to compare."""
    if contents.signature is None:
        if not accept_unsigned:
            raise Refused(
                "unsigned_backup",
                "this backup was written by an earlier version and carries no signature, so its contents "
                "cannot be authenticated; restore it only if you are sure where it came from, with --accept-unsigned",
                "此备份由旧版本写入，没有签名，无法确认其内容未被改动；只有确知其来源时才可用 --accept-unsigned 恢复",
            )
        return "", "unsigned"
    fingerprint, _ = _signing_key(contents)
    if trusted is not None:
        if fingerprint not in trusted:
            raise Refused(
                "untrusted_backup",
                f"the backup is signed by key {fingerprint}, which is not among the keys you trust "
                f"({trusted_source}): it was not written by this body, or it was re-signed",
                f"备份由密钥 {fingerprint} 签名，不在您信任的密钥中（{trusted_source}）：备份并非本机构所写，或被重新签名",
            )
        return fingerprint, trusted_source
    if trust_signer is not None:
        if _normal_fingerprint(trust_signer) != _normal_fingerprint(fingerprint):
            raise Refused(
                "untrusted_backup",
                f"the backup is signed by key {fingerprint}, not by the key {trust_signer} you confirmed",
                f"备份由密钥 {fingerprint} 签名，而不是您确认的 {trust_signer}",
            )
        return fingerprint, "fingerprint"
    raise Refused(
        "untrusted_backup",
        f"the backup is signed by key {fingerprint}. Compare it with the body's key fingerprint (as written "
        "down, or `keys list` on a database you trust) and run again with --trust-signer FINGERPRINT, or give "
        "the body's public key with --public-key body.pem",
        f"备份由密钥 {fingerprint} 签名。请与机构密钥指纹核对（记录的指纹，或可信数据库上 `keys list` 的结果），"
        "然后加 --trust-signer 指纹 重新运行，或用 --public-key body.pem 提供机构公钥",
    )


# -- restoring -----------------------------------------------------------------------------------------


def _replaced_keys(
    dest: Path, login: tuple[str, str] | None, hasher: PasswordHasher | None = None
) -> dict[str, Ed25519PublicKey]:
    """Log in to the database about to be replaced as one of its administrators; its public keys."""
    if login is None:
        raise Refused(
            "login_required",
            f"replacing {dest} needs the login of one of its administrators (--user NAME)",
            f"替换 {dest} 需要其系统管理员登录（--user 用户名）",
        )
    from sqlalchemy.exc import DBAPIError

    try:
        old = Services.open(dest, hasher=hasher)
    except (DBAPIError, RuntimeError, sqlite3.DatabaseError):
        raise Refused(
            "not_a_database",
            f"{dest} is not an Audit Workbench database: restore will not replace it; move it away first",
            f"{dest} 不是本程序的数据库，不会被替换；请先将其移走",
        ) from None
    try:
        actor = old.users.login(*login)
        with old.read() as session:
            require(Action.restore_database, _roles(session, actor))
            return old.keys.public_keys(session)  # type: ignore[no-any-return]
    finally:
        old.close()


def _in_use(dest: Path) -> Refused:
    return Refused(
        "database_in_use",
        f"{dest} is open in another program (the window, another command): close it there first; "
        "nothing was changed",
        f"{dest} 正被其他程序（窗口或其他命令）打开：请先关闭；未做任何更改",
    )


def restore(
    backup_file: Path,
    target: str | Path,
    *,
    force: bool = False,
    login: tuple[str, str] | None = None,
    trusted_keys: list[Ed25519PublicKey] | None = None,
    trust_signer: str | None = None,
    accept_unsigned: bool = False,
    progress: Progress | None = None,
    hasher: PasswordHasher | None = None,
) -> RestoreSummary:
    """Restore a backup into the SQLite file `target` (see the module's docstring for the checks).

    `login` (name, password) is needed to replace an existing database; `trusted_keys` are keys the
    administrator trusts (from `--public-key`); `trust_signer` a fingerprint the administrator compared.
    """
    url = to_url(target)
    dest = sqlite_path(url)
    if dest is None:
        raise Refused(
            "restore_server",
            "restore goes into a SQLite file; for a server use its own tools",
            "恢复只能写入 SQLite 文件；服务器数据库请使用其自带工具",
        )
    present = dest.exists() or any(Path(str(dest) + s).exists() for s in ("-wal", "-journal"))
    if present and not force:
        raise Refused(
            "exists",
            f"{dest} already exists; restore into a new file, or pass --force to replace it",
            f"{dest} 已存在；请恢复到新文件，或使用 --force 替换",
        )
    replaced_keys: dict[str, Ed25519PublicKey] | None = None
    if present:
        if not dest.exists():
            raise Refused(
                "stale_files",
                f"{dest} is missing but its -wal or -journal file is there: move them away first",
                f"{dest} 不存在，但其 -wal 或 -journal 文件还在：请先移走",
            )
        replaced_keys = _replaced_keys(dest, login, hasher)
    contents = read_backup(Path(backup_file), members=False)
    if trusted_keys is not None:
        trusted: dict[str, Ed25519PublicKey] | None = {
            certsig.public_key_fingerprint(k): k for k in trusted_keys
        }
        source = "--public-key"
    elif replaced_keys is not None:
        trusted, source = replaced_keys, "the keys of the database being replaced"
    else:
        trusted, source = None, ""
    signer, trusted_by = _authenticate(contents, trusted, source, trust_signer, accept_unsigned)
    read_backup(Path(backup_file))  # now every member against its (trusted) checksum
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".awb-restore-", dir=dest.parent) as tmp:
        staging = Path(tmp)
        db_file = staging / "database.sqlite3"
        try:
            with zipfile.ZipFile(backup_file) as archive:
                for n, member in enumerate(contents.members, start=1):
                    target_path = staging / member.name
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(member.name) as src, target_path.open("wb") as dst:
                        left = member.size + 1  # never more than the manifest says
                        while left > 0 and (block := src.read(min(left, 1 << 20))):
                            dst.write(block)
                            left -= len(block)
                    if _sha256_file(target_path) != member.sha256:  # changed since it was checked
                        raise _bad(f"member {member.name} does not match its checksum")
                    if progress:
                        progress(n, len(contents.members))
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise _bad(f"the archive is damaged ({exc})") from None
        log = _check_restored(db_file, contents, signer, trusted_keys)
        replaced = _put_in_place(db_file, dest, replacing=present)
        count = _move_attachments(staging / "attachments", dest.with_name(dest.name + ".attachments"))
    return RestoreSummary(
        dest,
        log.events,
        count,
        replaced,
        signer,
        trusted_by,
        contents.anchor,
        log.checkpoints,
        _can_sign(dest),
    )


def _can_sign(db: Path) -> bool:
    services = Services.open(db)
    try:
        with services.read() as session:
            services.keys.private_key(session)
        return True
    except Refused:
        return False
    finally:
        services.close()


def _check_restored(
    db_file: Path,
    contents: BackupContents,
    signer: str,
    trusted_keys: list[Ed25519PublicKey] | None,
) -> LogReport:
    """SQLite's integrity check, then the restored log (chain, checkpoints, the manifest's anchor) and
    that the backup's signer is one of the restored database's own keys."""
    try:
        check = sqlite3.connect(db_file)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.DatabaseError as exc:
        raise _bad(f"the database in the backup is not readable ({exc})") from None
    if result != "ok":
        raise _bad("the database in the backup fails SQLite's integrity check")
    try:
        probe = Services.open(db_file)
    except Exception as exc:
        raise _bad(f"the database in the backup cannot be opened ({exc.__class__.__name__})") from None
    try:
        anchor = contents.anchor or None
        try:
            report = probe.log.verify(trusted_keys=trusted_keys, anchor=anchor)
        except Refused as exc:  # a malformed anchor in the manifest
            raise _bad(exc.message_en, exc.message_zh) from None
        if not report.ok:
            raise _bad(
                f"its event log does not verify: {report.describe('en')}",
                f"其事件日志验证失败：{report.describe('zh')}",
            )
        if signer and signer not in probe.keys.public_keys():
            raise _bad(
                "it is signed by a key that is not one of the database's own keys",
                "其签名密钥不是备份中数据库自己的密钥",
            )
        manifest_id = contents.manifest.get("database_id")
        with probe.read() as session:
            actual_id = probe.keys.database_id(session)
            if events.head(session) is None and contents.manifest.get("events"):
                raise _bad("its event log is empty")
        if manifest_id is not None and manifest_id != actual_id:
            raise _bad("the manifest names another database")
        return report
    finally:
        probe.close()


def _put_in_place(db_file: Path, dest: Path, replacing: bool) -> Path | None:
    for suffix in ("-wal", "-shm"):
        Path(str(db_file) + suffix).unlink(missing_ok=True)
    if not replacing:
        try:
            os.link(db_file, dest)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise Refused("exists", f"{dest} already exists", f"{dest} 已存在") from None
        except OSError:
            if dest.exists():
                raise Refused("exists", f"{dest} already exists", f"{dest} 已存在") from None
            os.replace(db_file, dest)
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    replaced = dest.with_name(f"{dest.name}.replaced-{stamp}")
    try:
        with quiesced(dest):
            # Under the lock: the old database has every committed write in its file and no WAL.
            os.replace(dest, replaced)
            for suffix in ("-wal", "-shm"):
                sidecar = Path(str(dest) + suffix)
                if sidecar.exists():
                    os.replace(sidecar, Path(str(replaced) + suffix))
            os.replace(db_file, dest)
    except DatabaseInUse:
        raise _in_use(dest) from None
    except sqlite3.DatabaseError:
        raise Refused(
            "not_a_database",
            f"{dest} is not a SQLite database: restore will not replace it; move it away first",
            f"{dest} 不是 SQLite 数据库，不会被替换；请先将其移走",
        ) from None
    _link_tree(dest.with_name(dest.name + ".attachments"), replaced.with_name(replaced.name + ".attachments"))
    return replaced


def _link_tree(source: Path, target: Path) -> None:
    """Keep the replaced database's attachments beside it (hard links: the files never change)."""
    if not source.is_dir():
        return
    for item in source.rglob("*"):
        if item.is_file() and not item.name.startswith("."):
            final = target / item.relative_to(source)
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(item, final)
            except OSError:
                shutil.copy2(item, final)


def _move_attachments(source_root: Path, attachments_root: Path) -> int:
    count = 0
    if source_root.is_dir():
        for item in source_root.iterdir():
            final = attachments_root / item.name[:2] / item.name
            final.parent.mkdir(parents=True, exist_ok=True)
            if not final.exists():
                os.replace(item, final)
            count += 1
    return count
