"""Role grants (four eyes on power): `user grants` lists them, `user approve GRANT_ID` lets a second
admin approve a pending one (core.grants says which grants wait)."""

from __future__ import annotations

from dataclasses import asdict

from .common import EXIT_OK, Add, Context


def _line(g) -> str:  # type: ignore[no-untyped-def]
    approved = f", approved by {g.approved_by}" if g.approved_by else ""
    by = g.granted_by or "setup"
    return f"{g.id:>5}  {g.user:14} {g.role:10} {g.status:9} by {by} {g.granted_at:%Y-%m-%d %H:%M}{approved}"


def cmd_user_grants(ctx: Context) -> int:
    grants = ctx.services().grants.list(ctx.actor(), pending_only=ctx.args.pending)
    ctx.out([asdict(g) for g in grants], lambda: "\n".join(_line(g) for g in grants) or "no role grants")
    return EXIT_OK


def cmd_user_approve(ctx: Context) -> int:
    g = ctx.services().grants.approve(ctx.actor(), ctx.args.grant_id)
    ctx.out(
        asdict(g),
        f"approved grant {g.id}: {g.user} now holds {g.role} (granted by {g.granted_by or 'setup'})",
    )
    return EXIT_OK


def pending_note(ctx: Context, name: str) -> str:
    """ ", waiting for a second admin: committee (grant 7)" for a user with pending grants."""
    pending = [g for g in ctx.services().grants.list(ctx.actor(), pending_only=True) if g.user == name]
    if not pending:
        return ""
    listed = ", ".join(f"{g.role} (grant {g.id})" for g in pending)
    return f"; waiting for a second admin's approval (user approve GRANT_ID): {listed}"


def register_user_grants(add: Add, group: object) -> None:
    """`user grants` and `user approve`, in the `user` group."""
    p = add(
        "grants", cmd_user_grants, "list role grants: who granted which role, when, approved by whom", group
    )
    p.add_argument("--pending", action="store_true", help="only grants waiting for a second admin")
    p = add("approve", cmd_user_approve, "approve a pending role grant (a second admin)", group)
    p.add_argument("grant_id", type=int)
