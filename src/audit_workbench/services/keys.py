"""Custody of the certification body's signing key: made, kept, backed up, restored, rotated.

Where things live:

- every public key the body ever signed with is a row of `signing_keys` in the database (with when it
  was made and retired), so certificates and log checkpoints signed before a rotation — or before the
  private key was lost — always verify; verifying never needs the private key;
- the current private key is a setting, encrypted (PKCS#8) with a random passphrase that lives in a
  key file outside the database: the user configuration folder's `keys/<database id>.secret`
  (`$AUDIT_WORKBENCH_KEYS_DIR` overrides the folder). A copy of the database alone cannot sign.

A database backup therefore does not carry what is needed to sign. `keys backup -o FILE` writes the
private key as encrypted PKCS#8 PEM under a passphrase the administrator chooses, to be kept apart
from the backups; `keys restore FILE` installs it for a restored database on any machine (it must be
one of this database's keys); `keys rotate` makes a new pair, retires the old one and keeps its public
key. Each of these is an event in the log, with the key's fingerprint.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from platformdirs import user_config_dir
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import certsig
from ..core.errors import Refused
from ..core.policy import Action, require
from ..storage import models as m
from .base import SYSTEM, Actor, Services, Tx
from .checks import text

DATABASE_ID_KEY = "database_id"
PRIVATE_KEY_KEY = "signing_private_key"
KEYS_DIR_ENV = "AUDIT_WORKBENCH_KEYS_DIR"
KEY_PASSPHRASE_ENV = "AUDIT_WORKBENCH_KEY_PASSPHRASE"
MIN_PASSPHRASE = 12
MAX_KEY_FILE_BYTES = 64 * 1024


def keys_dir() -> Path:
    override = os.environ.get(KEYS_DIR_ENV)
    return Path(override) if override else Path(user_config_dir("audit-workbench", appauthor=False)) / "keys"


def secret_file(database_id: str) -> Path:
    """The key file holding the passphrase of this database's stored private key."""
    return keys_dir() / f"{database_id}.secret"


def read_setting(session: Session, key: str) -> Any:
    row = session.get(m.Setting, key)
    return None if row is None else json.loads(row.value)


def put_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(m.Setting, key)
    if row is None:
        session.add(m.Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)


@dataclass(frozen=True)
class KeyView:
    fingerprint: str
    public_key: str  # PEM
    created_at: datetime
    retired_at: datetime | None
    origin: str  # generated, rotated, recovered
    endorsed: bool  # signed by the key it replaced

    @property
    def current(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True)
class KeyBackupSummary:
    path: Path
    fingerprint: str
    database_id: str


@dataclass(frozen=True)
class KeyInstalled:
    fingerprint: str
    changed: bool  # False when the key was already installed here
    key_file: Path
    recovered: bool = False


def _view(row: m.SigningKey) -> KeyView:
    return KeyView(
        row.fingerprint, row.public_key, row.created_at, row.retired_at, row.origin, bool(row.endorsement)
    )


def _key_rows(session: Session) -> list[m.SigningKey]:
    return list(session.scalars(select(m.SigningKey).order_by(m.SigningKey.id)))


def _current_row(session: Session) -> m.SigningKey | None:
    return session.scalar(
        select(m.SigningKey)
        .where(m.SigningKey.retired_at.is_(None))
        .order_by(m.SigningKey.id.desc())
        .limit(1)
    )


def _no_keys() -> Refused:
    return Refused(
        "no_keys",
        "this database has no signing key yet (`audit-workbench init` makes one)",
        "数据库尚无签名密钥（由 audit-workbench init 生成）",
    )


def check_passphrase(passphrase: str) -> bytes:
    """A key backup's passphrase: long enough to protect the body's key on a memory stick."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise Refused(
            "weak_passphrase",
            f"a key backup's passphrase needs at least {MIN_PASSPHRASE} characters (a sentence is best)",
            f"密钥备份的口令至少需要 {MIN_PASSPHRASE} 个字符（最好是一句话）",
        )
    return passphrase.encode("utf-8")


def _read_secret(database_id: str) -> bytes | None:
    try:
        return secret_file(database_id).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Refused(
            "key_file_unreadable",
            f"the signing key file {secret_file(database_id)} cannot be read ({exc.strerror})",
            f"无法读取签名密钥文件 {secret_file(database_id)}",
        ) from None


def _secret_for_writing(database_id: str) -> tuple[bytes, Path | None]:
    """The passphrase that encrypts this database's stored private key: the key file's if there is one
    (never replaced: another copy of the database on this machine may rely on it), else a new key
    file. Returns (passphrase, the file made now or None)."""
    existing = _read_secret(database_id)
    if existing:
        return existing, None
    path = secret_file(database_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    passphrase = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another process: use that one
        return path.read_bytes(), None
    with os.fdopen(fd, "wb") as fh:
        fh.write(passphrase)
        fh.flush()
        os.fsync(fh.fileno())
    return passphrase, path


def _unlink_quietly(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


class KeyService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- reading: public keys need no secret ------------------------------------------------------
    def list(self) -> list[KeyView]:
        with self.s.read() as session:
            return [_view(r) for r in _key_rows(session)]

    def public_keys(self, session: Session | None = None) -> dict[str, Ed25519PublicKey]:
        """Every public key of the body, by fingerprint (the current one last)."""
        if session is None:
            with self.s.read() as own:
                return self.public_keys(own)
        return {r.fingerprint: certsig.load_public_key(r.public_key.encode()) for r in _key_rows(session)}

    def current(self, session: Session | None = None) -> KeyView:
        if session is None:
            with self.s.read() as own:
                return self.current(own)
        row = _current_row(session)
        if row is None:
            raise _no_keys()
        return _view(row)

    def public_key_pem(self, all_keys: bool = False) -> bytes:
        """The current public key as PEM; with `all_keys`, every key the body signed with, current
        first, each after a comment line naming its fingerprint and dates (openssl reads the first)."""
        with self.s.read() as session:
            rows = _key_rows(session)
        if not rows:
            raise _no_keys()
        if not all_keys:
            current = [r for r in rows if r.retired_at is None] or rows[-1:]
            return current[-1].public_key.encode()
        ordered = sorted(rows, key=lambda r: (r.retired_at is not None, -r.id))
        parts = []
        for r in ordered:
            until = r.retired_at.date().isoformat() if r.retired_at else "current"
            parts.append(
                f"# Audit Workbench signing key {r.fingerprint}\n"
                f"# in use {r.created_at.date().isoformat()} to {until} ({r.origin})\n"
                f"{r.public_key.strip()}\n"
            )
        return "".join(parts).encode()

    def export_public(self, out: Path, *, all_keys: bool = False, force: bool = False) -> Path:
        self.s.outputs.check(out, force=force)
        return self.s.outputs.write(out, self.public_key_pem(all_keys), force=force)  # type: ignore[no-any-return]

    # -- signing ----------------------------------------------------------------------------------
    def database_id(self, session: Session) -> str | None:
        value = read_setting(session, DATABASE_ID_KEY)
        return str(value) if value else None

    def private_key(self, session: Session) -> Ed25519PrivateKey:
        """The current private key, opened with the key file; a refusal that says what to do when it
        cannot be (the key file is missing on this machine, or belongs to another database)."""
        pem = read_setting(session, PRIVATE_KEY_KEY)
        db_id = self.database_id(session)
        row = _current_row(session)
        if not pem or not db_id or row is None:
            raise _no_keys()
        passphrase = _read_secret(db_id)
        if passphrase is None:
            where = secret_file(db_id)
            raise Refused(
                "key_file_missing",
                f"the signing key file {where} is missing: this copy of the database cannot sign; install "
                "the key from its key backup with `audit-workbench keys restore FILE`",
                f"签名密钥文件 {where} 不存在：此数据库副本不能签名；请用 `audit-workbench keys restore 文件` "
                "从密钥备份恢复密钥",
            )
        try:
            key = certsig.private_key_from_pem(pem.encode(), passphrase)
        except certsig.CertSigError:
            raise Refused(
                "key_file_wrong",
                f"the signing key file {secret_file(db_id)} does not open this database's key (it belongs to "
                "another copy); install the key with `audit-workbench keys restore FILE`",
                f"签名密钥文件 {secret_file(db_id)} 打不开本数据库的密钥（属于另一个副本）；"
                "请用 `audit-workbench keys restore 文件` 安装密钥",
            ) from None
        if certsig.public_key_fingerprint(key) != row.fingerprint:
            raise Refused(
                "key_mismatch",
                "the stored private key is not the body's current key: restore it with `keys restore`",
                "存储的私钥与机构当前密钥不符：请用 keys restore 恢复",
            )
        return key

    def ensure(self, tx: Tx | None = None) -> KeyView:
        """The body's key pair, made when the database has none (by `init` and `demo`)."""
        if tx is None:
            with self.s.tx(SYSTEM) as own:
                return self.ensure(own)
        row = _current_row(tx.session)
        if row is not None and read_setting(tx.session, PRIVATE_KEY_KEY):
            return _view(row)
        db_id = self.database_id(tx.session)
        if db_id is None:
            db_id = uuid.uuid4().hex
            put_setting(tx.session, DATABASE_ID_KEY, db_id)
        passphrase, made = _secret_for_writing(db_id)
        try:
            key = certsig.generate_private_key()
            new = self._store(tx, key, passphrase, "generated", previous=None)
            tx.record(
                "keys.generate",
                "keys",
                db_id,
                after={"fingerprint": new.fingerprint, "public_key": new.public_key},
            )
            tx.session.flush()
        except BaseException:
            _unlink_quietly(made)
            raise
        return _view(new)

    def _store(
        self,
        tx: Tx,
        key: Ed25519PrivateKey,
        passphrase: bytes,
        origin: str,
        previous: Ed25519PrivateKey | None,
    ) -> m.SigningKey:
        put_setting(tx.session, PRIVATE_KEY_KEY, certsig.private_key_to_pem(key, passphrase).decode())
        endorsement = ""
        if previous is not None:
            endorsement = certsig.b64url_encode(previous.sign(certsig.raw_public_key(key)))
        row = m.SigningKey(
            fingerprint=certsig.public_key_fingerprint(key),
            public_key=certsig.public_key_pem(key).decode(),
            created_at=tx.now,
            retired_at=None,
            origin=origin,
            endorsement=endorsement,
        )
        tx.session.add(row)
        tx.session.flush()
        return row

    # -- custody ----------------------------------------------------------------------------------
    def backup(self, actor: Actor, out: Path, passphrase: str, *, force: bool = False) -> KeyBackupSummary:
        """Write the current private key as encrypted PKCS#8 PEM under `passphrase` (administrators)."""
        secret = check_passphrase(passphrase)
        target = self.s.outputs.check(out, force=force)
        with self.s.tx(actor) as tx:
            require(Action.manage_keys, tx.roles())
            key = self.private_key(tx.session)
            row = _current_row(tx.session)
            db_id = self.database_id(tx.session)
            assert row is not None and db_id is not None
            body = self.s.settings.get("body_name", tx.session)
            preamble = (
                "# Audit Workbench: the certification body's signing key (encrypted PKCS#8)\n"
                f"# body: {body}\n"
                f"# database: {db_id}\n"
                f"# fingerprint: {row.fingerprint}\n"
                f"# written: {tx.now.date().isoformat()} by {actor.name}\n"
                "# Install with: audit-workbench --db DB --user ADMIN keys restore THIS_FILE\n"
            )
            data = preamble.encode() + certsig.private_key_to_pem(key, secret)
            with self.s.outputs.staged(target, force=force, private=True) as staged:
                with staged.path.open("wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                tx.record(
                    "keys.backup", "keys", db_id, after={"fingerprint": row.fingerprint, "file": target.name}
                )
                staged.commit()
        return KeyBackupSummary(target, row.fingerprint, db_id)

    def restore(
        self, actor: Actor, file: Path, passphrase: str, *, recovery: bool = False, reason: str = ""
    ) -> KeyInstalled:
        """Install a key from a `keys backup` file for this database (administrators).

        The key must be this database's current key; a key that is not one of its keys is refused
        (it belongs to another database) unless this is explicitly a recovery — a database restored
        from a backup older than the last rotation — when it becomes the current key, with a reason.
        """
        file = Path(file)
        try:
            if file.stat().st_size > MAX_KEY_FILE_BYTES:
                raise Refused(
                    "bad_key_file", f"{file} is not a key backup (too large)", f"{file} 不是密钥备份文件"
                )
            pem = file.read_bytes()
        except OSError as exc:
            raise Refused("bad_key_file", f"cannot read {file}: {exc.strerror}", f"无法读取 {file}") from None
        try:
            key = certsig.private_key_from_pem(pem, passphrase.encode("utf-8"))
        except certsig.CertSigError:
            raise Refused(
                "key_passphrase",
                f"{file.name}: wrong passphrase, or not a key backup",
                f"{file.name}：口令错误，或不是密钥备份文件",
            ) from None
        fingerprint = certsig.public_key_fingerprint(key)
        made: Path | None = None
        try:
            with self.s.tx(actor) as tx:
                require(Action.manage_keys, tx.roles())
                rows = _key_rows(tx.session)
                current = _current_row(tx.session)
                db_id = self.database_id(tx.session)
                if current is None or db_id is None:
                    raise _no_keys()
                match = next((r for r in rows if r.fingerprint == fingerprint), None)
                if match is not None and match.retired_at is not None:
                    raise Refused(
                        "key_retired",
                        f"the key in {file.name} ({fingerprint}) was retired on {match.retired_at.date()}: "
                        "a retired key never signs again; `keys rotate` makes a new one",
                        f"{file.name} 中的密钥（{fingerprint}）已于 {match.retired_at.date()} 停用，不能再签名",
                    )
                if match is None and not recovery:
                    raise Refused(
                        "key_not_ours",
                        f"the key in {file.name} ({fingerprint}) is not a key of this database (its key is "
                        f"{current.fingerprint}): it belongs to another database",
                        f"{file.name} 中的密钥（{fingerprint}）不是本数据库的密钥（本库密钥为 {current.fingerprint}），"
                        "属于另一个数据库",
                    )
                if match is None:
                    reason = text(reason, "the reason", "原因", required=False)
                    if not reason:
                        raise Refused(
                            "missing_reason",
                            "a key recovery needs a reason (--reason)",
                            "恢复密钥必须说明原因（--reason）",
                        )
                passphrase_here = _read_secret(db_id)
                if match is not None and passphrase_here is not None:
                    stored = read_setting(tx.session, PRIVATE_KEY_KEY)
                    try:
                        installed = certsig.private_key_from_pem(stored.encode(), passphrase_here)
                    except (certsig.CertSigError, AttributeError):
                        installed = None
                    if installed is not None and certsig.public_key_fingerprint(installed) == fingerprint:
                        return KeyInstalled(fingerprint, False, secret_file(db_id))  # nothing to do
                secret, made = _secret_for_writing(db_id)
                if match is None:
                    current.retired_at = tx.now
                    tx.session.flush()
                    row = self._store(tx, key, secret, "recovered", previous=None)
                    tx.record(
                        "keys.recover",
                        "keys",
                        db_id,
                        before={"fingerprint": current.fingerprint},
                        after={"fingerprint": row.fingerprint, "public_key": row.public_key},
                        reason=reason,
                    )
                    self.s.log.append_checkpoint(tx, key)
                else:
                    put_setting(tx.session, PRIVATE_KEY_KEY, certsig.private_key_to_pem(key, secret).decode())
                    tx.record("keys.restore", "keys", db_id, after={"fingerprint": fingerprint})
                return KeyInstalled(fingerprint, True, secret_file(db_id), recovered=match is None)
        except BaseException:
            _unlink_quietly(made)
            raise

    def rotate(self, actor: Actor, reason: str) -> KeyView:
        """A new key pair; the old one is retired and its public key kept (administrators). When the
        old private key can still sign, it endorses the new public key."""
        reason = text(reason, "the reason", "原因", required=False)
        if not reason:
            raise Refused(
                "missing_reason",
                "rotating the key needs a reason (--reason)",
                "更换密钥必须说明原因（--reason）",
            )
        made: Path | None = None
        try:
            with self.s.tx(actor) as tx:
                require(Action.manage_keys, tx.roles())
                current = _current_row(tx.session)
                db_id = self.database_id(tx.session)
                if current is None or db_id is None:
                    raise _no_keys()
                try:
                    previous: Ed25519PrivateKey | None = self.private_key(tx.session)
                except Refused:
                    previous = None  # the key is lost: rotating is how a body recovers from that
                secret, made = _secret_for_writing(db_id)
                current.retired_at = tx.now
                tx.session.flush()
                key = certsig.generate_private_key()
                row = self._store(tx, key, secret, "rotated", previous=previous)
                tx.record(
                    "keys.rotate",
                    "keys",
                    db_id,
                    before={"fingerprint": current.fingerprint},
                    after={
                        "fingerprint": row.fingerprint,
                        "public_key": row.public_key,
                        "endorsed": previous is not None,
                    },
                    reason=reason,
                )
                self.s.log.append_checkpoint(tx, key)
                return _view(row)
        except BaseException:
            _unlink_quietly(made)
            raise
