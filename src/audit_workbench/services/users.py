"""Users, roles, passwords (argon2) and the login, slowed down after repeated failures.

The password hasher is the caller's (`Services(hasher=...)`): the program uses argon2's recommended
parameters, tests inject a cheap one. A login re-hashes a stored password only upward, to parameters
at least as costly as the stored ones, never to weaker ones.

Failed logins never lock an account: after `FREE_TRIES` failures in a row each further try must wait
a growing delay (1 s, doubling, capped at 30 s), stored on the user as "not before" (`locked_until`).
A try before then is refused, saying how long to wait, without the password being checked. The last
active administrator is never delayed, so nobody can shut the body out of its own database; another
administrator can clear the delay (`unlock`). Checking a password needs no write lock: it is read,
checked outside any transaction, and only then is the bookkeeping written in its own short one.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select

from ..core.datafiles import resources_dir
from ..core.errors import NotFound, Refused
from ..core.policy import Action, Role, require
from ..core.text import LINE as DISPLAY_NAME
from ..core.text import forbidden
from ..storage import prelogin
from .base import SYSTEM, Actor, Services
from .checks import line
from .grants import grant, pending_roles, withdraw_pending

MIN_PASSWORD_LENGTH = 10
FREE_TRIES = 3  # failed logins in a row before each further try waits
FIRST_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 30
# Names that would read as the program or a built-in account in the log and on documents.
RESERVED_NAMES = frozenset(
    {
        "system",
        "root",
        "administrator",
        "superuser",
        "sysadmin",
        "anonymous",
        "nobody",
        "guest",
        "audit-workbench",
    }
)
COMMON_PASSWORDS_FILE = "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords shipped with the program (resources/common-passwords.txt.gz),
    case-folded."""
    with gzip.open(resources_dir() / COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as f:
        return frozenset(line.strip().casefold() for line in f if line.strip())


def delay_after(failures: int) -> timedelta:
    """How long the next try must wait after `failures` failed logins in a row (0: no wait)."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return timedelta(seconds=min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** (failures - FREE_TRIES)))


def upward(hasher: PasswordHasher, password_hash: str) -> bool:
    """Whether re-hashing `password_hash` with `hasher` makes it costlier to guess (and never cheaper):
    the hasher's time and memory costs are both at least the stored ones, and one is greater."""
    try:
        stored = extract_parameters(password_hash)
    except InvalidHashError:
        return False
    return (
        hasher.time_cost >= stored.time_cost
        and hasher.memory_cost >= stored.memory_cost
        and (hasher.time_cost > stored.time_cost or hasher.memory_cost > stored.memory_cost)
    )


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


def check_new_password(password: str, name: str = "") -> None:
    """A new password: at least MIN_PASSWORD_LENGTH characters, not the user name, not a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Refused(
            "weak_password",
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
        )
    folded = password.casefold()
    if name and folded == name.strip().casefold():
        raise Refused("weak_password", "a password cannot be the user name", "密码不能是用户名")
    if folded in common_passwords():
        raise Refused(
            "weak_password",
            "that password is on the list of common passwords: choose another",
            "该密码在常用密码清单中，请另选一个",
        )


def _verifies(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    early = prelogin.take(password_hash, password)  # checked on a thread while the program loaded
    if early is not None:
        return early
    try:
        return bool(hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise Refused(
            "bad_user_name", "a user name is 1–64 characters without spaces", "用户名为 1–64 个字符，不含空格"
        )
    if any(forbidden(ch, multiline=False) for ch in name):  # core.text: no escape or override in a name
        raise Refused(
            "bad_user_name",
            "a user name holds no control or text-direction characters",
            "用户名不能含控制字符或文字方向控制字符",
        )
    if name.casefold() in RESERVED_NAMES:
        raise Refused("reserved_user_name", f"the name {name} is reserved", f"用户名 {name} 为保留名称")
    return name


def _name_taken(session, name: str) -> str | None:  # type: ignore[no-untyped-def]
    """The existing user whose name is `name` up to case (ADMIN and admin are one name), if any."""
    from ..storage.models import User

    folded = name.casefold()
    for existing in session.scalars(select(User.name)):
        if existing.casefold() == folded:
            return str(existing)
    return None


def _is_last_active_admin(session, user) -> bool:  # type: ignore[no-untyped-def]
    from ..storage.models import User

    if not user.active or Role.admin.value not in user.roles.split(","):
        return False
    admins = [
        u for u in session.scalars(select(User).where(User.active.is_(True))) if "admin" in u.roles.split(",")
    ]
    return len(admins) <= 1


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
        check_new_password(password, name)
        display_name = line(display_name, "the display name", "显示名称", required=False, limit=DISPLAY_NAME)
        with self.s.tx(SYSTEM) as tx:
            if tx.session.scalar(select(func.count()).select_from(User)):
                raise Refused("already_initialised", "this database already has users", "数据库已初始化")
            user = User(
                name=name,
                display_name=display_name or name,
                password_hash=self.s.hasher.hash(password),
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
        display_name = line(display_name, "the display name", "显示名称", required=False, limit=DISPLAY_NAME)
        roles_text = _roles_text(roles)
        with self.s.tx(actor) as tx:
            require(Action.manage_users, tx.roles())
            taken = _name_taken(tx.session, name)
            if taken is not None:
                raise Refused("user_exists", f"user {taken} already exists", f"用户 {taken} 已存在")
            check_new_password(password, name)
            user = User(
                name=name,
                display_name=display_name or name,
                password_hash=self.s.hasher.hash(password),
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

        check_new_password(new_password, name)
        with self.s.tx(actor) as tx:
            if name != actor.name:
                require(Action.manage_users, tx.roles())
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            user.password_hash = self.s.hasher.hash(new_password)
            user.failed_logins = 0
            user.locked_until = None
            tx.record("user.password", "user", name)

    def unlock(self, actor: Actor, name: str) -> UserView:
        """Clear a user's failed logins and their delay (another administrator does this)."""
        from ..storage.models import User

        with self.s.tx(actor) as tx:
            require(Action.manage_users, tx.roles())
            user = tx.session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound("user", name, "用户")
            before = {"failed_logins": user.failed_logins, "not_before": user.locked_until}
            user.failed_logins = 0
            user.locked_until = None
            tx.record("user.unlock", "user", name, before=before)
            return _view(user)

    def allow(self, actor: Actor, action: Action) -> None:
        """Refuse unless `actor` (an active user, by their stored roles) may take `action`: what the
        command line asks before a read, as the services ask before a write."""
        with self.s.read_as(actor) as tx:
            require(action, tx.roles())

    def _laptop_code(self, tx, user, secret: str, new_password: str | None) -> bool:  # type: ignore[no-untyped-def]
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
            hash_password=self.s.hasher.hash,
            verify_password=lambda stored, password: _verifies(self.s.hasher, stored, password),
            check_password=lambda password: check_new_password(password, user.name),
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
        """Check a password: read the user, check it outside any transaction, then write only what
        must change (failed-login bookkeeping, an upward re-hash) in its own short transaction.

        On a laptop database a team member's first login gives the one-time laptop code as the
        password and sets the laptop password with `new_password` (refused `new_password_required`
        without it); see services.packages.laptop.
        """
        from ..storage.models import Setting, User

        bad = Refused("login_failed", "wrong user name or password", "用户名或密码错误")
        now = self.s.now()
        with self.s.read() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None or not user.active:
                raise bad
            user_id, stored_hash, failures = user.id, user.password_hash, user.failed_logins
            not_before = user.locked_until
            exempt = _is_last_active_admin(session, user)
            actor = actor_of(user)
            laptop = session.get(Setting, "laptop:keys") is not None
        if not_before is not None and not_before.tzinfo is None:
            not_before = not_before.replace(tzinfo=now.tzinfo)
        if not_before is not None and not_before > now and not exempt:
            seconds = max(1, int((not_before - now).total_seconds() + 0.999))
            raise Refused(
                "login_delayed",
                f"too many failed logins for {name}: wait {seconds} s before the next try",
                f"账户 {name} 登录失败次数过多：请等待 {seconds} 秒后再试",
            )
        if _verifies(self.s.hasher, stored_hash, password):
            # hashed before the transaction: the write lock is held for the update only
            stronger = self.s.hasher.hash(password) if upward(self.s.hasher, stored_hash) else None
            if not failures and not not_before and stronger is None:
                return actor  # nothing to write: no write lock taken
            with self.s.tx(SYSTEM) as tx:
                row = tx.session.get(User, user_id)
                assert row is not None
                if stronger is not None and row.password_hash == stored_hash:
                    row.password_hash = stronger
                row.failed_logins = 0
                row.locked_until = None
                return actor_of(row)
        # Not the password: perhaps a laptop's one-time code, else a failure to count (and to refuse
        # after the count is committed).
        with self.s.tx(SYSTEM) as tx:
            row = tx.session.get(User, user_id)
            assert row is not None
            if laptop and self._laptop_code(tx, row, password, new_password):
                return actor_of(row)
            row.failed_logins += 1
            failures = row.failed_logins
            exempt = _is_last_active_admin(tx.session, row)
            wait = timedelta(0) if exempt else delay_after(failures)
            row.locked_until = tx.now + wait if wait else None
            tx.record(
                "user.login_failed",
                "user",
                name,
                after={"failed_logins": failures, "not_before": row.locked_until},
            )
        left = FREE_TRIES - failures
        if left > 0 and not exempt:
            raise Refused(
                "login_failed",
                f"wrong user name or password; {left} tries left before a delay",
                f"用户名或密码错误；再错 {left} 次后需等待才能重试",
            )
        if wait:
            seconds = int(wait.total_seconds())
            raise Refused(
                "login_failed",
                f"wrong user name or password; wait {seconds} s before the next try",
                f"用户名或密码错误；请等待 {seconds} 秒后再试",
            )
        raise bad
