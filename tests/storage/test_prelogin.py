"""The password check started before the program has loaded (storage.prelogin): the login takes its
answer only for exactly the hash it reads and the password it is given, and decides as before."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from audit_workbench.cli import main
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.storage import prelogin
from audit_workbench.storage.location import default_database_path, sqlite_file

from ..conftest import FAST_HASHER, PASSWORD, Team

pytestmark = pytest.mark.sqlite_only  # the early read is of a SQLite file; a server logs in as before


class CountingHasher(PasswordHasher):
    """The cheap hasher, counting its verifications."""

    def __init__(self) -> None:
        super().__init__(**{k: getattr(FAST_HASHER, k) for k in ("time_cost", "memory_cost", "parallelism")})
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def _nothing_pending() -> Iterator[None]:
    prelogin.forget()
    yield
    prelogin.forget()  # a check no login took stays pending: never into the next test


@pytest.fixture
def counting(services: Services) -> CountingHasher:
    hasher = CountingHasher()
    services.hasher = hasher
    return hasher


def failed_logins(db: Path, name: str) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT failed_logins FROM users WHERE name = ?", (name,)).fetchone()[0])


def test_the_login_takes_the_early_answer_instead_of_checking_again(
    services: Services, team: Team, db_path: Path, counting: CountingHasher
) -> None:
    early = CountingHasher()
    assert prelogin.start(db_path, "clerk", PASSWORD, early)
    actor = services.users.login("clerk", PASSWORD)
    assert actor.name == "clerk"
    assert (early.verified, counting.verified) == (1, 0)  # one argon2 check in all
    # taken once: the next login checks for itself
    services.users.login("clerk", PASSWORD)
    assert counting.verified == 1


def test_a_wrong_password_checked_early_still_fails_and_is_counted(
    services: Services, team: Team, db_path: Path, counting: CountingHasher
) -> None:
    assert prelogin.start(db_path, "clerk", "not-the-password", FAST_HASHER)
    with pytest.raises(Refused) as refused:
        services.users.login("clerk", "not-the-password")
    assert refused.value.code == "login_failed"
    assert failed_logins(db_path, "clerk") == 1


def test_a_password_changed_after_the_early_read_decides_the_login(
    services: Services, team: Team, db_path: Path, counting: CountingHasher
) -> None:
    assert prelogin.start(db_path, "clerk", PASSWORD, FAST_HASHER)
    services.users.change_password(team.admin, "clerk", "a-new-password-1")
    with pytest.raises(Refused) as refused:  # the old password, checked early against the old hash
        services.users.login("clerk", PASSWORD)
    assert refused.value.code == "login_failed"
    assert counting.verified >= 1  # checked against the hash the login read
    assert services.users.login("clerk", "a-new-password-1").name == "clerk"


def test_a_user_deactivated_after_the_early_read_cannot_log_in(
    services: Services, team: Team, db_path: Path, counting: CountingHasher
) -> None:
    assert prelogin.start(db_path, "clerk", PASSWORD, FAST_HASHER)
    services.users.set_active(team.admin, "clerk", False)
    with pytest.raises(Refused) as refused:
        services.users.login("clerk", PASSWORD)
    assert refused.value.code == "login_failed"


def test_an_answer_is_never_taken_for_another_password(
    services: Services, team: Team, db_path: Path, counting: CountingHasher
) -> None:
    assert prelogin.start(db_path, "clerk", PASSWORD, FAST_HASHER)
    with pytest.raises(Refused):
        services.users.login("clerk", PASSWORD + "x")
    assert counting.verified == 1


def test_nothing_starts_without_a_sqlite_file_or_such_a_user(
    services: Services, team: Team, db_path: Path, tmp_path: Path
) -> None:
    assert not prelogin.start(tmp_path / "missing.sqlite3", "clerk", PASSWORD)
    assert not (tmp_path / "missing.sqlite3").exists()  # never created
    assert not prelogin.start(db_path, "nobody", PASSWORD)
    assert not prelogin.start("postgresql+psycopg://aw:aw@127.0.0.1/aw", "clerk", PASSWORD)
    not_ours = tmp_path / "other.sqlite3"
    sqlite3.connect(not_ours).execute("CREATE TABLE t (x)").connection.close()
    assert not prelogin.start(not_ours, "clerk", PASSWORD)
    services.users.set_active(team.admin, "member", False)
    assert not prelogin.start(db_path, "member", PASSWORD)
    with sqlite3.connect(db_path) as con:
        clerk_hash = con.execute("SELECT password_hash FROM users WHERE name = 'clerk'").fetchone()[0]
    assert prelogin.take(clerk_hash, PASSWORD) is None  # nothing pending: the login checks itself


def test_sqlite_file_reads_what_the_store_opens(tmp_path: Path) -> None:
    assert sqlite_file(None) == default_database_path()
    assert sqlite_file(tmp_path / "a.sqlite3") == (tmp_path / "a.sqlite3").resolve()
    assert sqlite_file(f"sqlite:///{tmp_path}/b.sqlite3") == tmp_path / "b.sqlite3"
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file(f"sqlite:///{tmp_path}/c.sqlite3?mode=ro") is None  # left to SQLAlchemy's parser
    assert sqlite_file("postgresql+psycopg://aw@host/db") is None


def test_a_command_logs_in_with_one_check_started_before_the_store_is_loaded(
    services: Services,
    team: Team,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counting = CountingHasher()
    started: list[str] = []
    real_start = prelogin.start

    def start(db, name, password, hasher=None):  # type: ignore[no-untyped-def]
        started.append(name)
        return real_start(db, name, password, hasher)

    monkeypatch.setattr(prelogin, "start", start)
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    assert main(["--db", str(db_path), "--json", "--user", "clerk", "case", "list"], hasher=counting) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert started == ["clerk"] and counting.verified == 1
    # a public command logs in as no one: nothing is checked
    assert main(["--db", str(db_path), "--user", "clerk", "rubric", "list"], hasher=counting) == 0
    assert started == ["clerk"] and counting.verified == 1
    # a wrong password is refused as ever
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", "wrong")
    assert main(["--db", str(db_path), "--json", "--user", "clerk", "case", "list"], hasher=counting) == 2
    assert json.loads(capsys.readouterr().err)["code"] == "login_failed"


def test_the_program_resumes_the_collector_once_logged_in(
    services: Services, team: Team, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from audit_workbench.cli import cases, run
    from audit_workbench.core import startup

    seen: list[bool] = []

    def case_list(ctx):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cases, "cmd_case_list", case_list)
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    monkeypatch.setattr(
        "sys.argv", ["audit-workbench", "--db", str(db_path), "--user", "clerk", "case", "list"]
    )
    try:
        with pytest.raises(SystemExit) as exited:
            run()
        assert exited.value.code == 0
        assert seen == [True]  # paused while starting, collecting again when the command runs
        assert not startup.collector_paused()
    finally:
        gc.unfreeze()
        gc.enable()


def test_nothing_is_prepared_on_a_thread_once_the_password_was_checked_early(
    services: Services, team: Team, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    started: list[str] = []
    real_start = threading.Thread.start

    def start(self):  # type: ignore[no-untyped-def]
        started.append(self.name)
        return real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    Services.prepare_in_background(["cases"])
    assert started == ["prepare-services"]  # a login still to wait for argon2: work meanwhile
    assert prelogin.start(db_path, "clerk", PASSWORD, FAST_HASHER)
    prelogin._pending._thread.join()  # type: ignore[union-attr]
    Services.prepare_in_background(["cases"])
    assert started == ["prepare-services", "prelogin"]  # answered already: nothing to hide work behind
