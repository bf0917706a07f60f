"""Keeping the records true: `keys` (the body's signing key), `log` (verify, anchor, checkpoint),
`backup` and `restore`."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..core.errors import Refused, language
from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    MAX_RECORD_ID,
    PASSWORD_ENV,
    Add,
    CliError,
    Context,
    Group,
    bounded_int,
    output_option,
)

KEY_PASSPHRASE_ENV = "AUDIT_WORKBENCH_KEY_PASSPHRASE"


def _zh() -> bool:
    return language() == "zh"


def _key_passphrase(prompt: str, confirm: bool) -> str:
    """The passphrase of a key backup: $AUDIT_WORKBENCH_KEY_PASSPHRASE, else asked (twice to set one)."""
    value = os.environ.get(KEY_PASSPHRASE_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise CliError(f"no passphrase: set ${KEY_PASSPHRASE_ENV} or run in a terminal", "no_passphrase")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("again: ") != value:
        raise CliError("the passphrases differ", "passphrase_mismatch")
    return value


def _trusted_keys(path: str | None) -> list[Any] | None:
    if not path:
        return None
    from ..core import certsig

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise Refused("bad_key_file", f"cannot read {path}: {exc.strerror}", f"无法读取 {path}") from None
    try:
        return certsig.load_public_keys(data)
    except certsig.CertSigError as exc:
        raise Refused("bad_key_file", f"{path}: {exc}", f"{path} 不是公钥文件") from None


# -- keys ------------------------------------------------------------------------------------------


def _key_json(k: Any) -> dict[str, Any]:
    return {
        "fingerprint": k.fingerprint,
        "created_at": k.created_at.isoformat(),
        "retired_at": k.retired_at.isoformat() if k.retired_at else None,
        "origin": k.origin,
        "endorsed": k.endorsed,
        "current": k.current,
    }


def cmd_keys_list(ctx: Context) -> int:
    keys = ctx.services().keys.list()
    ctx.out(
        [_key_json(k) for k in keys],
        lambda: "\n".join(
            f"{'*' if k.current else ' '} {k.fingerprint}  {k.created_at:%Y-%m-%d} – "
            f"{k.retired_at.strftime('%Y-%m-%d') if k.retired_at else ('当前' if _zh() else 'current')}  {k.origin}"
            for k in keys
        ),
    )
    return EXIT_OK


def cmd_keys_export(ctx: Context) -> int:
    path = ctx.services().keys.export_public(
        Path(ctx.args.output), all_keys=ctx.args.all, force=ctx.args.force
    )
    what = "public keys" if ctx.args.all else "public key"
    ctx.out({"file": str(path), "all": ctx.args.all}, f"{what} written to {path}")
    return EXIT_OK


def cmd_keys_backup(ctx: Context) -> int:
    s = ctx.services()
    actor = ctx.actor()
    s.outputs.check(ctx.args.output, force=ctx.args.force)
    passphrase = _key_passphrase("passphrase for the key backup: ", confirm=True)
    summary = s.keys.backup(actor, Path(ctx.args.output), passphrase, force=ctx.args.force)
    ctx.out(
        {"file": str(summary.path), "fingerprint": summary.fingerprint, "database_id": summary.database_id},
        (
            f"签名私钥（加密 PKCS#8）已写入 {summary.path}，指纹 {summary.fingerprint}。"
            "请将它与口令分开、离开本机保存（不要与数据库备份放在一起）。"
        )
        if _zh()
        else (
            f"signing key (encrypted PKCS#8) written to {summary.path}, fingerprint {summary.fingerprint}. "
            "Keep it off this machine, apart from its passphrase and from the database backups."
        ),
    )
    return EXIT_OK


def cmd_keys_restore(ctx: Context) -> int:
    s = ctx.services()
    actor = ctx.actor()
    passphrase = _key_passphrase(f"passphrase of {ctx.args.file}: ", confirm=False)
    result = s.keys.restore(
        actor, Path(ctx.args.file), passphrase, recovery=ctx.args.recovery, reason=ctx.args.reason or ""
    )
    if not result.changed:
        text = f"key {result.fingerprint} is already installed here; nothing changed"
    elif result.recovered:
        text = (
            f"key {result.fingerprint} recovered and made the body's current key; key file {result.key_file}"
        )
    else:
        text = (
            f"key {result.fingerprint} installed: this database can sign again (key file {result.key_file})"
        )
    ctx.out(asdict(result) | {"key_file": str(result.key_file)}, text)
    return EXIT_OK


def cmd_keys_rotate(ctx: Context) -> int:
    s = ctx.services()
    view = s.keys.rotate(ctx.actor(), ctx.args.reason)
    ctx.out(
        _key_json(view),
        f"new signing key {view.fingerprint}"
        + ("" if view.endorsed else " (the previous key could not sign: not endorsed by it)")
        + "; every earlier public key is kept, so what they signed still verifies. Back the new key up "
        "(`keys backup -o FILE`) and publish it (`keys export-public --all -o body.pem`).",
    )
    return EXIT_OK


# -- log -------------------------------------------------------------------------------------------


def cmd_log_verify(ctx: Context) -> int:
    s = ctx.services()
    report = s.log.verify(trusted_keys=_trusted_keys(ctx.args.public_key), anchor=ctx.args.anchor)
    # The chain proves the events; the certificates are checked against them and their signatures
    # too (as `certificate check` does), so a register row edited outside the log is named here.
    findings = s.certificates.check()
    data = {
        **asdict(report),
        "certificate_findings": [
            {"kind": f.kind.value, "certificate": f.certificate, "case_no": f.case_no, "message": f.message()}
            for f in findings
        ],
    }
    text = report.describe()
    zh = language() == "zh"
    if findings:
        text += (
            f"\n证书不一致 {len(findings)} 处：" if zh else f"\n{len(findings)} certificate finding(s):"
        ) + "".join(f"\n  [{f.kind.value}] {f.message()}" for f in findings)
    elif report.ok:
        text += (
            "\n证书：登记册中每张证书均与其签名数据和日志一致"
            if zh
            else "\ncertificates: every register row agrees with its signed payload and its log"
        )
    ctx.out(data, text)
    return EXIT_OK if report.ok and not findings else EXIT_REFUSED


def cmd_log_anchor(ctx: Context) -> int:
    anchor = ctx.services().log.anchor()
    seq, digest = anchor.split(":")
    ctx.out({"anchor": anchor, "seq": int(seq), "hash": digest}, anchor)
    return EXIT_OK


def cmd_log_checkpoint(ctx: Context) -> int:
    s = ctx.services()
    head = s.log.checkpoint(ctx.actor())
    anchor = f"{head.seq}:{head.hash}"
    ctx.out(
        {"checkpoint": head.seq, "anchor": anchor}, f"signed checkpoint at event {head.seq}; anchor {anchor}"
    )
    return EXIT_OK


def cmd_log_show(ctx: Context) -> int:
    events = ctx.services().log.events(ctx.args.entity, ctx.args.limit)
    ctx.out(
        [asdict(e) for e in events],
        lambda: "\n".join(
            f"{e.seq:6} {e.at[:19]} {e.user_name:10} {e.action:24} {e.entity_id} {e.reason}" for e in events
        ),
    )
    return EXIT_OK


# -- backup and restore ----------------------------------------------------------------------------


def cmd_backup(ctx: Context) -> int:
    from ..services.backup import KEY_CUSTODY_EN, KEY_CUSTODY_ZH, backup

    summary = backup(ctx.services(), ctx.actor(), Path(ctx.args.output), force=ctx.args.force)
    ctx.out(
        {
            "file": str(summary.path),
            "events": summary.events,
            "attachments": summary.attachments,
            "bytes": summary.bytes,
            "sha256": summary.sha256,
            "anchor": summary.anchor,
            "signed_by": summary.signed_by,
            "key_not_included": True,
        },
        f"backup written to {summary.path}: {summary.events} events, {summary.attachments} attachments, "
        f"{summary.bytes} bytes, manifest sha256 {summary.sha256}\n"
        f"log anchor {summary.anchor}\nsigned by key {summary.signed_by}\n"
        + ("注意：" + KEY_CUSTODY_ZH if _zh() else "note: " + KEY_CUSTODY_EN),
    )
    return EXIT_OK


def cmd_restore(ctx: Context) -> int:
    from ..services.backup import restore

    target = ctx.db
    if target is None:
        from ..storage.db import default_database_path

        target = str(default_database_path())
    login = None
    user = getattr(ctx.args, "user", None)
    if ctx.args.force and user:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise CliError(f"no password: set ${PASSWORD_ENV} or run in a terminal")
            password = getpass.getpass(f"password for {user} (of the database being replaced): ")
        login = (user, password)
    summary = restore(
        Path(ctx.args.file),
        target,
        force=ctx.args.force,
        login=login,
        trusted_keys=_trusted_keys(ctx.args.public_key),
        trust_signer=ctx.args.trust_signer,
        accept_unsigned=ctx.args.accept_unsigned,
        hasher=ctx.hasher,
    )
    ctx.out(
        {
            "db": str(summary.db),
            "events": summary.events,
            "attachments": summary.attachments,
            "replaced": str(summary.replaced) if summary.replaced else None,
            "signed_by": summary.signed_by,
            "trusted_by": summary.trusted_by,
            "anchor": summary.anchor,
            "can_sign": summary.can_sign,
        },
        f"restored {summary.db}: {summary.events} events and {summary.checkpoints} signed checkpoint(s) "
        f"verified, {summary.attachments} attachments; signed by {summary.signed_by or 'nobody (unsigned)'}"
        + (f"; the previous database was kept whole as {summary.replaced}" if summary.replaced else "")
        + (
            ""
            if summary.can_sign
            else "\nthis machine has no key file for it: to sign, install the body's key with `keys restore KEYFILE`"
        ),
    )
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    """Keys, the log, backups and restores."""
    g = group("keys", "the certification body's signing key")
    add("list", cmd_keys_list, "every key the body signed with (* the current one)", g)
    p = add(
        "export-public",
        cmd_keys_export,
        "write the public key (PEM) for third parties and openssl",
        g,
        public=True,
    )
    output_option(p)
    p.add_argument("--all", action="store_true", help="every key the body ever signed with, current first")
    p = add(
        "backup",
        cmd_keys_backup,
        f"write the private key encrypted with a passphrase (${KEY_PASSPHRASE_ENV} or a prompt; admin)",
        g,
    )
    output_option(p)
    p = add("restore", cmd_keys_restore, "install the key from a key backup for this database (admin)", g)
    p.add_argument("file")
    p.add_argument(
        "--recovery",
        action="store_true",
        help="install a key that is not one of this database's keys as its current key "
        "(a database restored from before the last rotation); needs --reason",
    )
    p.add_argument("--reason")
    p = add("rotate", cmd_keys_rotate, "make a new key pair; earlier public keys are kept (admin)", g)
    p.add_argument("--reason", required=True)

    g = group("log", "the audit trail")
    p = add(
        "verify", cmd_log_verify, "verify the hash chain and the signed checkpoints (exit 2 if broken)", g
    )
    p.add_argument("--anchor", metavar="SEQ:HASH", help="also prove the log still holds this head")
    p.add_argument("--public-key", metavar="body.pem", help="check the checkpoints with these keys only")
    add("anchor", cmd_log_anchor, "print the head of the log as SEQ:HASH, to keep outside the database", g)
    add("checkpoint", cmd_log_checkpoint, "append a checkpoint of the log signed with the body's key", g)
    p = add("show", cmd_log_show, "show recent events", g)
    p.add_argument("--entity", help="case number, certificate number or user name")
    p.add_argument("--limit", type=bounded_int(1, MAX_RECORD_ID), default=50)

    p = add("backup", cmd_backup, "write a signed, consistent backup of the database and attachments (admin)")
    output_option(p)
    p = add(
        "restore",
        cmd_restore,
        "restore a backup into --db (a new file; --force with an administrator's --user replaces one)",
        public=True,  # into a new file; replacing one, the restore logs in to the database it replaces
    )
    p.add_argument("file")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing database (needs --user of one of its administrators; it is kept beside)",
    )
    p.add_argument("--public-key", metavar="body.pem", help="trust backups signed by these keys")
    p.add_argument(
        "--trust-signer", metavar="FINGERPRINT", help="the signing key's fingerprint, as you compared it"
    )
    p.add_argument(
        "--accept-unsigned", action="store_true", help="restore a backup of an earlier version (no signature)"
    )
