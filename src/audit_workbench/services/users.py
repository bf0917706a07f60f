"""Users, roles, passwords (argon2) and the login with its lock after repeated failures."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from ..core.errors import NotFound, Refused
from ..core.policy import Action, Role, require
from ..core.text import LINE as DISPLAY_NAME
from ..core.text import forbidden
from .base import SYSTEM, Actor, Services
from .checks import line
from .grants import grant, pending_roles, withdraw_pending

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8


def _make_hasher() -> PasswordHasher:
    # The test suite creates hundreds of accounts; it may ask for argon2's cheapest parameters.
    # Hashes record their parameters, so a database made that way still verifies (and rehashes on
    # the next login with the real parameters).
    if os.environ.get("AUDIT_WORKBENCH_FAST_HASH") == "1":
        from argon2 import profiles

        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


_hasher = _make_hasher()


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None


def _roles_text(roles: Iterable[Role | str]) -> str:
    parsed = set()
    for role in roles:
        try:
            parsed.add(Role(role))
        except ValueError:
            raise Refused(
                "bad_role",
                f"unknown role {role!r} (use admin, clerk, auditor, committee)",
                f"未知角色 {role!r}",
            ) from None
    if not parsed:
        raise Refused("no_role", "a user needs at least one role", "用户至少需要一个角色")
    return ",".join(sorted(r.value for r in parsed))


def _parse(roles_text: str) -> set[Role]:
    return {Role(r) for r in roles_text.split(",") if r}


def _held_text(roles: Iterable[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(
            "weak_password",
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
        )


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise Refused(
            "bad_user_name", "a user name is 1–64 characters without spaces", "用户名为 1–64 个字符，不含空格"
        )
    if any(forbidden(ch, multiline=False) for ch in name):  # core.text: no escape or override in a name
        raise Refused(
            "bad_user_name",
            "a user name holds no control or text-direction characters",
            "用户名不能含控制字符或文字方向控制字符",
        )
    return name


def _view(user) -> UserView:  # type: ignore[no-untyped-def]
    return UserView(
        user.id,
        user.name,
        user.display_name,
        tuple(r for r in user.roles.split(",") if r),
        user.active,
        user.locked_until,
    )


def actor_of(user) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(
        user.id,
        user.name,
        user.display_name or user.name,
        frozenset(Role(r) for r in user.roles.split(",") if r),
    )


class UserService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def count(self) -> int:
        from ..storage.models import User

        with self.s.read() as session:
            return session.scalar(select(func.count()).select_from(User)) or 0

    def create_first_admin(self, name: str, password: str, display_name: str = "") -> UserView:
        """`init`: the first account of a new database. Refused once any user exists."""
        from ..storage.models import User

        name = _check_name(name)
        _check_password(password)
        display_name = line(display_name, "the display name", "显示名称", required=False, limit=DISPLAY_NAME)
        with self.s.tx(SYSTEM) as tx:
            if tx.session.scalar(select(func.count()).select_from(User)):
                raise Refused("already_initialised", "this database already has users", "数据库已初始化")
            user = User(
                name=name,
                display_name=display_name or name,
                password_hash=_hasher.hash(password),
                roles=Role.admin.value,
                active=True,
                failed_logins=0,
                created_at=tx.now,
            )
            tx.session.add(user)
            tx.session.flush()
            tx.record(
                "user.create",
                "user",
                user.name,
                after={"roles": user.roles, "display_name": user.display_name},
            )
            grant(tx, user, [Role.admin], by_system=True)
            return _view(user)

    def add(
        self, actor: Actor, name: str, password: str, roles: Iterable[Role | str], display_name: str = ""
    ) -> UserView:
        from ..storage.models import User

        name = _check_name(name)
        _check_password(password)
        display_name = line(display_name, "the display name", "显示名称", required=False, limit=DISPLAY_NAME)
        roles_text = _roles_text(roles)
        with self.s.tx(actor) as tx:
            require(Action.manage_users, tx.roles())
            if tx.session.scalar(select(User).where(User.name == name)) is not None:
                raise Refused("user_exists", f"user {name} already exists", f"用户 {name} 已存在")
            user = User(
                name=name,
                display_name=display_name or name,
                password_hash=_hasher.hash(password),
                roles="",  # held once granted (below): a new admin does not count himself in
                active=True,
                failed_logins=0,
                created_at=tx.now,
            )
            tx.session.add(user)
            tx.session.flush()
            # four eyes: roles that wait for a second admin are not held until approved
            user.roles = _held_text(grant(tx, user, _parse(roles_text)))
            tx.record(
                "user.create", "user", name, after={"roles": user.roles, "display_name": user.display_name}
            )
            return _view(user)

    def set_roles(self, actor: Actor, name: str, roles: Iterable[Role | str]) -> UserView:
        from ..storage.models import User

        roles_text = _roles_text(roles)
        with self.s.tx(actor) as tx:
            require(Action.manage_users, tx.roles())
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            if user.id == actor.id and Role.admin.value not in roles_text.split(","):
                raise Refused(
                    "self_demotion", "you cannot remove your own admin role", "不能移除自己的管理员角色"
                )
            before = user.roles
            wanted = _parse(roles_text)
            current = _parse(before)
            withdraw_pending(tx, user, wanted)
            asked = wanted - current - {Role(r) for r in pending_roles(tx, user.id)}
            user.roles = _held_text((wanted & current) | grant(tx, user, asked))
            tx.record("user.roles", "user", name, before={"roles": before}, after={"roles": user.roles})
            return _view(user)

    def set_active(self, actor: Actor, name: str, active: bool) -> UserView:
        from ..storage.models import User

        with self.s.tx(actor) as tx:
            require(Action.manage_users, tx.roles())
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            if user.id == actor.id and not active:
                raise Refused("self_deactivation", "you cannot deactivate yourself", "不能停用自己")
            tx.record("user.active", "user", name, before={"active": user.active}, after={"active": active})
            user.active = active
            return _view(user)

    def change_password(self, actor: Actor, name: str, new_password: str) -> None:
        """A user changes their own password; an admin may reset anyone's."""
        from ..storage.models import User

        _check_password(new_password)
        with self.s.tx(actor) as tx:
            if name != actor.name:
                require(Action.manage_users, tx.roles())
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            user.password_hash = _hasher.hash(new_password)
            user.failed_logins = 0
            user.locked_until = None
            tx.record("user.password", "user", name)

    @staticmethod
    def _laptop_code(tx, user, secret: str, new_password: str | None) -> bool:  # type: ignore[no-untyped-def]
        """A laptop's first login with a one-time code (only where such a code is pending)."""
        from ..storage.models import Setting

        if tx.session.get(Setting, "laptop:keys") is None:  # an office database: no code to try
            return False
        from .laptop import first_login, has_code_keys

        if not has_code_keys(tx.session, user.name):
            return False
        return first_login(
            tx,
            user,
            secret,
            new_password,
            hash_password=_hasher.hash,
            verify_password=_verifies,
            check_password=_check_password,
        )

    def list(self) -> list[UserView]:
        from ..storage.models import User

        with self.s.read() as session:
            return [_view(u) for u in session.scalars(select(User).order_by(User.name))]

    def get(self, name: str) -> UserView:
        from ..storage.models import User

        with self.s.read() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            return _view(user)

    def login(self, name: str, password: str, *, new_password: str | None = None) -> Actor:
        """Check a password. Five failures in a row lock the account for 15 minutes (logged).

        On a laptop database a team member's first login gives the one-time laptop code as the
        password and sets the laptop password with `new_password` (refused `new_password_required`
        without it); see services.packages.laptop.
        """
        from ..storage.models import User

        bad = Refused("login_failed", "wrong user name or password", "用户名或密码错误")
        with self.s.tx(SYSTEM) as tx:
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None or not user.active:
                raise bad
            if user.locked_until is not None and user.locked_until > tx.now:
                minutes = int((user.locked_until - tx.now).total_seconds() // 60) + 1
                raise Refused(
                    "account_locked",
                    f"account {name} is locked after repeated failed logins; try again in {minutes} min",
                    f"账户 {name} 因多次登录失败已锁定，请 {minutes} 分钟后重试",
                )
            try:
                try:
                    _hasher.verify(user.password_hash, password)
                except (VerifyMismatchError, VerificationError, InvalidHashError):
                    if not self._laptop_code(tx, user, password, new_password):
                        raise
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                # The failure must be counted although the login is refused: record it, commit, then refuse.
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.locked_until = tx.now + timedelta(minutes=LOCK_MINUTES)
                    user.failed_logins = 0
                    tx.record("user.locked", "user", name, after={"locked_until": user.locked_until})
                else:
                    tx.record("user.login_failed", "user", name, after={"failed_logins": user.failed_logins})
                actor = None
            else:
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                if user.failed_logins or user.locked_until:
                    user.failed_logins = 0
                    user.locked_until = None
                actor = actor_of(user)
        if actor is None:
            raise bad
        return actor
