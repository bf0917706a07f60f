"""Setting up a database: `init`, `demo`, users, settings and the policy table (keys, the log,
backups and restores are in custody.py)."""

from __future__ import annotations

from dataclasses import asdict

from ..core.policy import Action
from .common import (
    EXIT_OK,
    Add,
    Context,
    Group,
    new_password,
)
from .grants import pending_note, register_user_grants


def cmd_init(ctx: Context) -> int:
    from ..services.setup import create_with_admin, location

    password = new_password(f"password for {ctx.args.admin}: ", own=True)  # before anything is made
    user, _ = create_with_admin(ctx.db, ctx.args.admin, password, hasher=ctx.hasher)
    ctx.out(
        {"admin": user.name, "db": location(ctx.db)},
        f"created {location(ctx.db)} with administrator {user.name}",
    )
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    from ..services.setup import create_demo, location

    result, _ = create_demo(ctx.db, hasher=ctx.hasher)
    users, cases = result.users, result.cases
    ctx.out(
        {"users": [asdict(u) for u in users], "cases": [asdict(c) for c in cases]},
        lambda: (
            "demo database ready: "
            + location(ctx.db)
            + "\nusers (password "
            + (users[0].password if users else "")
            + "):\n"
            + "\n".join(f"  {u.name:12} {', '.join(u.roles)}" for u in users)
            + "\ncases:\n"
            + "\n".join(f"  {c.case_no}  {c.status}" for c in cases)
        ),
    )
    return EXIT_OK


def cmd_user_add(ctx: Context) -> int:
    s = ctx.services()
    actor = ctx.actor()
    password = new_password(f"password for {ctx.args.name}: ")
    user = s.users.add(actor, ctx.args.name, password, ctx.args.role, ctx.args.display_name or "")
    held = ", ".join(user.roles) or "no role yet"
    ctx.out(asdict(user), f"added {user.name} ({held}){pending_note(ctx, user.name)}")
    return EXIT_OK


def cmd_user_unlock(ctx: Context) -> int:
    user = ctx.services().users.unlock(ctx.actor(), ctx.args.name)
    ctx.out(asdict(user), f"{user.name}: failed logins cleared, no delay")
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


def cmd_setting_set(ctx: Context) -> int:
    value = ctx.services().settings.set(ctx.actor(), ctx.args.key, ctx.args.value)
    ctx.out({ctx.args.key: value}, f"{ctx.args.key} = {value}")
    return EXIT_OK


def cmd_setting_list(ctx: Context) -> int:
    values = ctx.services().settings.all()
    ctx.out(values, lambda: "\n".join(f"{k} = {v}" for k, v in values.items()))
    return EXIT_OK


def cmd_policy(ctx: Context) -> int:
    from ..core.policy import POLICY, policy_markdown

    ctx.out(
        {
            a.value: {
                "roles": sorted(r.value for r in rule.roles),
                "states": None if rule.states is None else sorted(s.value for s in rule.states),
                "relation": rule.relation.value,
                "actor_checks": sorted(c.value for c in rule.actor_checks),
                "assignee_checks": sorted(c.value for c in rule.assignee_checks),
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
        public=True,
    )
    p.add_argument("--admin", required=True, metavar="NAME")
    add("demo", cmd_demo, "create a new database filled with demo users and cases", public=True)


def register_users(add: Add, group: Group) -> None:
    """The `user` commands."""
    g = group("user", "users and roles (admin)")
    p = add("add", cmd_user_add, "add a user (initial password from $AUDIT_WORKBENCH_NEW_PASSWORD)", g)
    p.add_argument("name")
    p.add_argument(
        "--role", action="append", required=True, choices=["admin", "clerk", "auditor", "committee"]
    )
    p.add_argument("--display-name")
    add("list", cmd_user_list, "list users", g, reads=Action.view_users)
    add("unlock", cmd_user_unlock, "clear a user's failed logins and login delay", g).add_argument("name")
    register_user_grants(add, g)


def register(add: Add, group: Group) -> None:
    """Settings and the policy table."""
    g = group("setting", "settings of the certification body (admin)", aliases=["settings"])
    add("list", cmd_setting_list, "show settings", g, reads=Action.view_settings, aliases=["show"])
    p = add("set", cmd_setting_set, "change a setting", g)
    p.add_argument("key")
    p.add_argument("value")

    add("policy", cmd_policy, "print the role × action × state policy table", public=True)
