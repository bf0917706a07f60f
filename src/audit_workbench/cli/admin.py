"""Setting up and looking after a database: `init`, `demo`, users, keys, the log, settings, backups."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    Add,
    CliError,
    Context,
    Group,
    new_password,
)


def cmd_init(ctx: Context) -> int:
    from ..storage.db import exists

    if exists(ctx.db):
        raise CliError("the database already exists; init makes a new one", "exists")
    s = ctx.services()
    password = new_password(f"password for {ctx.args.admin}: ")
    user = s.users.create_first_admin(ctx.args.admin, password)
    s.certificates.ensure_keys()
    ctx.out({"admin": user.name, "db": s.db.url}, f"created {s.db.url} with administrator {user.name}")
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    from ..storage.db import exists

    if exists(ctx.db):
        raise CliError("the database already exists; demo data goes into a new database only", "exists")
    from ..services.demo import build_demo

    result = build_demo(ctx.services())
    ctx.out(
        {"users": [asdict(u) for u in result.users], "cases": [asdict(c) for c in result.cases]},
        lambda: (
            "demo database ready: "
            + ctx.services().db.url
            + "\nusers (password "
            + (result.users[0].password if result.users else "")
            + "):\n"
            + "\n".join(f"  {u.name:12} {', '.join(u.roles)}" for u in result.users)
            + "\ncases:\n"
            + "\n".join(f"  {c.case_no}  {c.status}" for c in result.cases)
        ),
    )
    return EXIT_OK


def cmd_user_add(ctx: Context) -> int:
    s = ctx.services()
    actor = ctx.actor()
    password = new_password(f"password for {ctx.args.name}: ")
    user = s.users.add(actor, ctx.args.name, password, ctx.args.role, ctx.args.display_name or "")
    ctx.out(asdict(user), f"added {user.name} ({', '.join(user.roles)})")
    return EXIT_OK


def cmd_user_list(ctx: Context) -> int:
    users = ctx.services().users.list()
    ctx.out(
        [asdict(u) for u in users],
        lambda: "\n".join(
            f"{u.name:14} {u.display_name:10} {','.join(u.roles):24} {'active' if u.active else 'inactive'}"
            for u in users
        ),
    )
    return EXIT_OK


def cmd_keys_export(ctx: Context) -> int:
    pem = ctx.services().certificates.public_key_pem()
    Path(ctx.args.output).write_bytes(pem)
    ctx.out({"file": ctx.args.output}, f"public key written to {ctx.args.output}")
    return EXIT_OK


def cmd_log_verify(ctx: Context) -> int:
    report = ctx.services().log.verify()
    ctx.out(asdict(report), report.describe())
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_log_show(ctx: Context) -> int:
    events = ctx.services().log.events(ctx.args.entity, ctx.args.limit)
    ctx.out(
        [asdict(e) for e in events],
        lambda: "\n".join(
            f"{e.seq:6} {e.at[:19]} {e.user_name:10} {e.action:24} {e.entity_id} {e.reason}" for e in events
        ),
    )
    return EXIT_OK


def cmd_setting_set(ctx: Context) -> int:
    value = ctx.services().settings.set(ctx.actor(), ctx.args.key, ctx.args.value)
    ctx.out({ctx.args.key: value}, f"{ctx.args.key} = {value}")
    return EXIT_OK


def cmd_setting_list(ctx: Context) -> int:
    values = ctx.services().settings.all()
    ctx.out(values, lambda: "\n".join(f"{k} = {v}" for k, v in values.items()))
    return EXIT_OK


def cmd_backup(ctx: Context) -> int:
    from ..services.backup import backup

    summary = backup(ctx.services(), ctx.actor(), Path(ctx.args.output))
    ctx.out(
        {
            "file": str(summary.path),
            "events": summary.events,
            "attachments": summary.attachments,
            "bytes": summary.bytes,
            "sha256": summary.sha256,
        },
        f"backup written to {summary.path}: {summary.events} events, {summary.attachments} attachments, "
        f"{summary.bytes} bytes, manifest sha256 {summary.sha256}",
    )
    return EXIT_OK


def cmd_restore(ctx: Context) -> int:
    from ..services.backup import restore

    target = ctx.db
    if target is None:
        from ..storage.db import default_database_path

        target = str(default_database_path())
    summary = restore(Path(ctx.args.file), target, force=ctx.args.force)
    ctx.out(
        {
            "db": str(summary.db),
            "events": summary.events,
            "attachments": summary.attachments,
            "replaced": str(summary.replaced) if summary.replaced else None,
        },
        f"restored {summary.db}: {summary.events} events verified, {summary.attachments} attachments"
        + (f"; the previous database was kept as {summary.replaced}" if summary.replaced else ""),
    )
    return EXIT_OK


def cmd_policy(ctx: Context) -> int:
    from ..core.policy import POLICY, policy_markdown

    ctx.out(
        {
            a.value: {
                "roles": sorted(r.value for r in rule.roles),
                "states": None if rule.states is None else sorted(s.value for s in rule.states),
                "relation": rule.relation.value,
            }
            for a, rule in POLICY.items()
        },
        policy_markdown(),
    )
    return EXIT_OK


def register_setup(add: Add, group: Group) -> None:
    """`init` and `demo`: new databases."""
    p = add(
        "init",
        cmd_init,
        "create a new database with its administrator (password from $AUDIT_WORKBENCH_PASSWORD)",
    )
    p.add_argument("--admin", required=True, metavar="NAME")
    add("demo", cmd_demo, "create a new database filled with demo users and cases")


def register_users(add: Add, group: Group) -> None:
    """The `user` commands."""
    g = group("user", "users and roles (admin)")
    p = add("add", cmd_user_add, "add a user (initial password from $AUDIT_WORKBENCH_NEW_PASSWORD)", g)
    p.add_argument("name")
    p.add_argument(
        "--role", action="append", required=True, choices=["admin", "clerk", "auditor", "committee"]
    )
    p.add_argument("--display-name")
    add("list", cmd_user_list, "list users", g)


def register(add: Add, group: Group) -> None:
    """Keys, the log, settings, backups and the policy table."""
    g = group("keys", "the certification body's signing key")
    add("export-public", cmd_keys_export, "write the public key (PEM)", g).add_argument(
        "-o", "--output", required=True
    )

    g = group("log", "the audit trail")
    add("verify", cmd_log_verify, "verify the hash chain (exit 2 if broken)", g)
    p = add("show", cmd_log_show, "show recent events", g)
    p.add_argument("--entity", help="case number, certificate number or user name")
    p.add_argument("--limit", type=int, default=50)

    g = group("setting", "settings of the certification body (admin)")
    add("list", cmd_setting_list, "show settings", g)
    p = add("set", cmd_setting_set, "change a setting", g)
    p.add_argument("key")
    p.add_argument("value")

    p = add("backup", cmd_backup, "write a consistent backup of the database and attachments (admin)")
    p.add_argument("-o", "--output", required=True)
    p = add("restore", cmd_restore, "restore a backup into --db (a new file unless --force)")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace an existing database (it is kept beside)")

    add("policy", cmd_policy, "print the role × action × state policy table")
