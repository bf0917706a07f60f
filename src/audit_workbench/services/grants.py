"""Role grants: every role a user receives is recorded (who granted it, when); where four eyes are
needed (core.grants) the grant waits for a second admin's approval before the user holds the role.

`UserService` calls `grant` when it creates a user or changes roles; `GrantService` lists grants and
approves pending ones (`user grants`, `user approve GRANT_ID`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..core.errors import NotFound, Refused
from ..core.grants import GrantStatus, grant_approval_denial, needs_second_admin
from ..core.policy import Action, Role, require
from ..storage import models as m
from .base import Actor, Services, Tx


@dataclass(frozen=True)
class GrantView:
    id: int
    user: str
    role: str
    granted_by: str | None
    granted_at: datetime
    status: str
    approved_by: str | None
    approved_at: datetime | None


def _names(tx: Tx, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(tx.session.execute(select(m.User.id, m.User.name).where(m.User.id.in_(wanted))).all())


def _views(tx: Tx, rows: list[m.RoleGrant]) -> list[GrantView]:
    names = _names(tx, [i for g in rows for i in (g.user_id, g.granted_by, g.approved_by)])
    return [
        GrantView(
            g.id,
            names.get(g.user_id, str(g.user_id)),
            g.role,
            names.get(g.granted_by) if g.granted_by is not None else None,
            g.granted_at,
            g.status,
            names.get(g.approved_by) if g.approved_by is not None else None,
            g.approved_at,
        )
        for g in rows
    ]


def active_admins(tx: Tx) -> int:
    rows = tx.session.scalars(select(m.User.roles).where(m.User.active.is_(True)))
    return sum(1 for roles in rows if Role.admin.value in roles.split(","))


def grant(tx: Tx, user: m.User, roles: Iterable[Role], *, by_system: bool = False) -> set[Role]:
    """Record the grant of `roles` to `user` by the acting admin (the system at `init`), and return
    those the user holds at once; the others are pending until a second admin approves them."""
    roles = sorted(set(roles))
    if not roles:
        return set()
    admins = 0 if by_system else active_admins(tx)
    granter = None if by_system else tx.actor.id
    held: set[Role] = set()
    for role in roles:
        waits = not by_system and needs_second_admin(
            role, grantee=user.name, granter=tx.actor.name, active_admins=admins
        )
        row = m.RoleGrant(
            user_id=user.id,
            role=role.value,
            granted_by=granter,
            granted_at=tx.now,
            status=(GrantStatus.pending if waits else GrantStatus.granted).value,
        )
        tx.session.add(row)
        tx.session.flush()
        tx.record(
            "user.grant", "user", user.name, after={"grant": row.id, "role": role.value, "status": row.status}
        )
        if not waits:
            held.add(role)
    return held


def withdraw_pending(tx: Tx, user: m.User, keep: Iterable[Role]) -> None:
    """Pending grants of roles no longer asked for are withdrawn."""
    kept = {r.value for r in keep}
    for row in tx.session.scalars(
        select(m.RoleGrant).where(
            m.RoleGrant.user_id == user.id, m.RoleGrant.status == GrantStatus.pending.value
        )
    ):
        if row.role not in kept:
            row.status = "withdrawn"
            tx.record("user.grant_withdrawn", "user", user.name, after={"grant": row.id, "role": row.role})


def pending_roles(tx: Tx, user_id: int) -> set[str]:
    return set(
        tx.session.scalars(
            select(m.RoleGrant.role).where(
                m.RoleGrant.user_id == user_id, m.RoleGrant.status == GrantStatus.pending.value
            )
        )
    )


def record_as_setup(services: Services, names: Iterable[str]) -> None:
    """The demo's staff were in post before the records began: their grants are recorded as the
    setup's (granted by nobody), as migration 0009 records the roles held before it."""
    from .base import SYSTEM

    with services.tx(SYSTEM) as tx:
        ids = select(m.User.id).where(m.User.name.in_(list(names)))
        tx.session.execute(update(m.RoleGrant).where(m.RoleGrant.user_id.in_(ids)).values(granted_by=None))


class GrantService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def list(self, actor: Actor, *, pending_only: bool = False) -> list[GrantView]:
        with self.s.read_as(actor) as tx:
            require(Action.manage_users, tx.roles())
            query = select(m.RoleGrant).order_by(m.RoleGrant.id)
            if pending_only:
                query = query.where(m.RoleGrant.status == GrantStatus.pending.value)
            return _views(tx, list(tx.session.scalars(query)))

    def approve(self, actor: Actor, grant_id: int) -> GrantView:
        """A second admin approves a pending grant: the user holds the role from now on."""
        with self.s.tx(actor) as tx:
            roles = tx.roles()
            require(Action.manage_users, roles)
            query = select(m.RoleGrant).where(m.RoleGrant.id == grant_id)
            if tx.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update()
            row = tx.session.scalar(query)
            if row is None:
                raise NotFound("role grant", grant_id, "角色授予")
            names = _names(tx, [row.user_id, row.granted_by])
            grantee = tx.session.get(m.User, row.user_id)
            assert grantee is not None
            denial = grant_approval_denial(
                roles,
                actor.name,
                grant_id=row.id,
                status=row.status,
                granted_by=names.get(row.granted_by) if row.granted_by is not None else None,
                grantee=grantee.name,
            )
            if denial is not None:
                raise denial.refused()
            if not grantee.active:
                raise Refused(
                    "inactive_user", f"user {grantee.name} is not active", f"用户 {grantee.name} 已停用"
                )
            row.status = GrantStatus.approved.value
            row.approved_by = actor.id
            row.approved_at = tx.now
            held = {r for r in grantee.roles.split(",") if r} | {row.role}
            before = grantee.roles
            grantee.roles = ",".join(sorted(held))
            tx.session.flush()
            tx.record(
                "user.grant_approved",
                "user",
                grantee.name,
                before={"roles": before},
                after={"grant": row.id, "role": row.role, "roles": grantee.roles},
            )
            return _views(tx, [row])[0]
