"""Logging in and passwords (issue 10): sensible new passwords and names, a growing delay instead of a
lock that could be used against the body, hashes only ever re-hashed upward, and a busy database
that says so instead of failing."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, extract_parameters

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.users import MAX_DELAY_SECONDS, common_passwords

from ..conftest import CREDIT_CODES, FAST_HASHER, PASSWORD, Clock, Team, dump


def _refused(services: Services, db_path: Path | str, call, code: str) -> Refused:  # type: ignore[no-untyped-def]
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        call()
    assert info.value.code == code, info.value
    assert dump(db_path) == before, "a refusal changed the database"
    return info.value


# -- new passwords and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("12345678", "at least 10"),
        ("short-pw", "at least 10"),
        ("1234567890", "common"),
        ("Password123", "common"),  # the list is checked case-folded
        ("qwertyuiop", "common"),
        ("NewClerk01", "user name"),
    ],
)
def test_weak_passwords_are_refused(
    services: Services, team: Team, db_path: Path | str, password: str, why: str
) -> None:
    error = _refused(
        services,
        db_path,
        lambda: services.users.add(team.admin, "newclerk01", password, ["clerk"]),
        "weak_password",
    )
    assert why in str(error)
    if why != "user name":
        _refused(
            services,
            db_path,
            lambda: services.users.change_password(team.clerk, "clerk", password),
            "weak_password",
        )


def test_the_common_password_list_ships_with_the_program() -> None:
    listed = common_passwords()
    assert len(listed) > 10_000 and "password123" in listed and "demo-pass-2026" not in listed


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("system", "reserved_user_name"),
        ("SYSTEM", "reserved_user_name"),
        ("root", "reserved_user_name"),
        ("ADMIN", "user_exists"),
        ("Clerk", "user_exists"),
        ("clerk", "user_exists"),
    ],
)
def test_reserved_and_case_folded_duplicate_names_are_refused(
    services: Services, team: Team, db_path: Path | str, name: str, code: str
) -> None:
    _refused(services, db_path, lambda: services.users.add(team.admin, name, PASSWORD, ["clerk"]), code)


# -- failed logins: a growing delay, never a lock-out ---------------------------------------------


def test_six_wrong_passwords_then_the_right_one_logs_in_after_the_delay(
    services: Services, team: Team, clock: Clock, db_path: Path | str
) -> None:
    for left in (2, 1):
        with pytest.raises(Refused) as info:
            services.users.login("clerk", "wrong-password")
        assert f"{left} tries left before a delay" in str(info.value)
    delays = []
    for _ in range(4):  # failures 3 to 6: each sets a longer delay
        with pytest.raises(Refused) as info:
            services.users.login("clerk", "wrong-password")
        assert info.value.code == "login_failed" and "wait" in str(info.value)
        delay = services.users.get("clerk").locked_until - clock.now  # type: ignore[operator]
        delays.append(delay.total_seconds())
        clock.now += delay  # the next try waits its turn
    assert delays == [1, 2, 4, 8]
    with pytest.raises(Refused):
        services.users.login("clerk", "wrong-password")  # the seventh: 16 s
    # before the delay is over even the right password is refused, without being checked or counted
    before = dump(db_path)
    with pytest.raises(Refused) as info:
        services.users.login("clerk", PASSWORD)
    assert info.value.code == "login_delayed" and "wait 16 s" in str(info.value)
    assert dump(db_path) == before
    clock.now += timedelta(seconds=16)
    assert services.users.login("clerk", PASSWORD).name == "clerk"
    view = services.users.get("clerk")
    assert view.locked_until is None
    assert [e.action for e in services.log.events("clerk", limit=1)] == ["user.login_failed"]


def test_the_delay_is_capped(services: Services, team: Team, clock: Clock) -> None:
    for _ in range(12):
        with pytest.raises(Refused):
            services.users.login("leader", "wrong-password")
        clock.now += timedelta(seconds=MAX_DELAY_SECONDS)
    clock.now -= timedelta(seconds=MAX_DELAY_SECONDS)
    delay = services.users.get("leader").locked_until - clock.now  # type: ignore[operator]
    assert delay == timedelta(seconds=MAX_DELAY_SECONDS)


def test_the_last_active_admin_is_never_delayed(services: Services, team: Team) -> None:
    for _ in range(10):
        with pytest.raises(Refused) as info:
            services.users.login("admin", "wrong-password")
        assert info.value.code == "login_failed"
    assert services.users.get("admin").locked_until is None
    assert services.users.login("admin", PASSWORD).name == "admin"


def test_another_admin_unlocks(services: Services, team: Team, db_path: Path | str) -> None:
    services.users.add(team.admin, "admin2", PASSWORD, ["admin"])
    for _ in range(5):
        with pytest.raises(Refused):
            services.users.login("admin", "wrong-password")  # two admins now: the first is delayed
    with pytest.raises(Refused) as info:
        services.users.login("admin", PASSWORD)
    assert info.value.code == "login_delayed"
    _refused(services, db_path, lambda: services.users.unlock(team.clerk, "admin"), "wrong_role")
    second = services.users.login("admin2", PASSWORD)
    assert services.users.unlock(second, "admin").locked_until is None
    assert services.users.login("admin", PASSWORD).name == "admin"
    assert [e.action for e in services.log.events("admin", limit=1)] == ["user.unlock"]


# -- hashes: the caller's hasher, never weakened ----------------------------------------------------


def _params(services: Services, name: str) -> tuple[int, int]:
    from sqlalchemy import select

    from audit_workbench.storage.models import User

    with services.read() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == name))
    p = extract_parameters(stored)
    return p.time_cost, p.memory_cost


def test_a_login_rehashes_only_upward(db_path: Path | str, clock: Clock) -> None:
    strong = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)  # stronger than FAST_HASHER
    cheap = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    cheap.users.create_first_admin("admin", PASSWORD)
    cheap.close()
    first = _params_of(db_path, clock, FAST_HASHER)
    assert first == (FAST_HASHER.time_cost, FAST_HASHER.memory_cost)
    # a costlier hasher: the login re-hashes upward
    s = Services.open(db_path, clock=clock, hasher=strong)
    s.users.login("admin", PASSWORD)
    assert _params(s, "admin") == (2, 1024)
    s.close()
    # a cheaper one (a test switch left on, a misconfigured machine): the stored hash stays as it is
    s = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    before = dump(db_path)
    assert s.users.login("admin", PASSWORD).name == "admin"
    assert _params(s, "admin") == (2, 1024)
    assert dump(db_path) == before  # a plain login writes nothing
    s.close()


def _params_of(db_path: Path | str, clock: Clock, hasher: PasswordHasher) -> tuple[int, int]:
    s = Services.open(db_path, clock=clock, hasher=hasher)
    try:
        return _params(s, "admin")
    finally:
        s.close()


def test_the_program_hashes_with_argon2s_recommended_parameters(db_path: Path | str, clock: Clock) -> None:
    s = Services.open(db_path, clock=clock)
    try:
        assert s.hasher.memory_cost >= 65536 and s.hasher.time_cost >= 3
    finally:
        s.close()


# -- a busy database ------------------------------------------------------------------------------


def _hold_the_write_lock(db_path: Path | str):  # type: ignore[no-untyped-def]
    """Another program in a long write: SQLite's BEGIN IMMEDIATE; on a server, the event log locked."""
    if isinstance(db_path, Path):
        con = sqlite3.connect(db_path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        return con.rollback, con.close
    from sqlalchemy import create_engine, text

    engine = create_engine(db_path)
    conn = engine.connect()
    conn.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))

    def close() -> None:
        conn.close()
        engine.dispose()

    return conn.rollback, close


def test_a_busy_database_refuses_clearly_and_logins_still_work(
    services: Services, team: Team, db_path: Path | str, clock: Clock
) -> None:
    busy = Services.open(db_path, clock=clock, hasher=FAST_HASHER, busy_seconds=0.5)
    release, close = _hold_the_write_lock(db_path)
    try:
        # a login needs no write lock: were it to wait for one, it would be refused as busy after 0.5 s
        clerk = busy.users.login("clerk", PASSWORD)
        started = time.monotonic()
        with pytest.raises(Refused) as info:
            busy.cases.create(
                clerk,
                org_name="忙碌电器有限公司",
                credit_code=CREDIT_CODES[0],
                enterprise_type="production",
                headcount=10,
                scope="家用电器的售后服务",
            )
        waited = time.monotonic() - started
        assert info.value.code == "database_busy" and 0.4 < waited < 5, waited
        assert "busy" in str(info.value)
        release()
    finally:
        close()
        busy.close()
    assert services.cases.list() == []


def test_the_busy_refusal_has_its_chinese() -> None:
    from audit_workbench.core.errors import set_language
    from audit_workbench.services.base import busy_refusal

    set_language("zh")
    assert "数据库正忙" in str(busy_refusal())
