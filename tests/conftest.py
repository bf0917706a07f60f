"""Shared fixtures: a real temporary SQLite store, the users of every role, and a case at any state."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

# Widgets are built offscreen on a screen the size of the common laptop (1366×768), so what the
# window does on one — fit into it, lay its pages out — is what the tests see.
os.environ.setdefault(
    "QT_QPA_PLATFORM", f"offscreen:configfile={Path(__file__).resolve().parent / 'laptop-screen.json'}"
)

from argon2 import PasswordHasher, profiles

from audit_workbench.core.creditcode import complete
from audit_workbench.services import Actor, Services
from audit_workbench.services.grants import record_as_setup

PASSWORD = "demo-pass-2026"
# The suite creates hundreds of accounts: it gives the services argon2's cheapest parameters,
# explicitly (the program itself always uses the recommended ones).
FAST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)


@pytest.fixture(autouse=True)
def _fast_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line run in-process (`cli.main`) hashes with the cheap hasher too."""
    from audit_workbench.cli.common import Context

    monkeypatch.setattr(Context, "hasher", FAST_HASHER)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """The language of refusal messages is process-wide (the window sets it): each test starts in English."""
    from audit_workbench.core.errors import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _isolated_keys(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing-key secrets go to a temporary folder, never to the developer's config folder."""
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path_factory.mktemp("keys")))
    # what the window remembers (geometry, last folders) goes there too
    monkeypatch.setenv("AUDIT_WORKBENCH_UI_STATE", str(tmp_path_factory.mktemp("ui") / "window.ini"))


class Clock:
    """A settable UTC clock for services under test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


PG_URL = os.environ.get("AUDIT_WORKBENCH_TEST_PG")  # e.g. postgresql+psycopg://aw:aw@127.0.0.1/postgres


# The window's suites that run against a server too, each because the server changes what the window
# does there: others' changes told by the server (LISTEN/NOTIFY), waiting on another's lock, a killed
# process's commits, the case list's search and the dashboard's statements (their own SQL on a
# server), the opening sweep, the main window's start, and the login's early read of the user.
SERVER_WINDOW_SUITES = frozenset(
    {
        "test_change_notification.py",
        "test_busy_wait.py",
        "test_case_kill.py",
        "test_list_of_cases.py",
        "test_dashboard_page.py",
        "test_dashboard_cnca.py",
        "test_sweep_at_opening.py",
        "test_main_window.py",
        "test_login.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_URL:
        # What only a server does is deselected on SQLite (not skipped): CI runs it on PostgreSQL.
        drop = [item for item in items if item.get_closest_marker("server_only")]
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = [item for item in items if not item.get_closest_marker("server_only")]
        return
    if PG_URL:
        # Against a server, the store and services suites run, the whole-pipeline window suite, and
        # the window's suites where the server changes what the window does (SERVER_WINDOW_SUITES);
        # their SQLite-only tests are deselected, not skipped. Everything else is the same code on
        # the same SQLite file, or widgets over the service calls the services suite runs here.
        keep, drop = [], []
        for item in items:
            path = str(item.fspath).replace("\\", "/")
            on_server = (
                any(f"/tests/{suite}/" in path for suite in ("services", "storage", "e2e"))
                or ("/tests/ui/" in path and path.rsplit("/", 1)[-1] in SERVER_WINDOW_SUITES)
            ) and not item.get_closest_marker("sqlite_only")
            (keep if on_server else drop).append(item)
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path | str]:
    """Where the test's database lives: a SQLite file, or a fresh PostgreSQL database."""
    if not PG_URL:
        yield tmp_path / "workbench.sqlite3"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "awt_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def services(db_path: Path, clock: Clock) -> Iterator[Services]:
    s = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    yield s
    s.close()


@dataclass
class Team:
    admin: Actor
    clerk: Actor
    leader: Actor
    member: Actor
    outsider_auditor: Actor
    committee: Actor
    committee2: Actor
    auditor_committee: Actor  # holds both roles: may audit one case and vote on another


@pytest.fixture
def team(services: Services) -> Team:
    services.users.create_first_admin("admin", PASSWORD)
    services.certificates.ensure_keys()
    admin = services.users.login("admin", PASSWORD)
    spec = {
        "clerk": ["clerk"],
        "leader": ["auditor"],
        "member": ["auditor"],
        "outsider": ["auditor"],
        "comm1": ["committee"],
        "comm2": ["committee"],
        "dual": ["auditor", "committee"],
    }
    for name, roles in spec.items():
        services.users.add(admin, name, PASSWORD, roles)
    # an established body: its staff were in post before the grants were recorded (no one-hand chain)
    record_as_setup(services, ["admin", *spec])
    login = {name: services.users.login(name, PASSWORD) for name in spec}
    for name, roles in spec.items():
        if "auditor" in roles:
            qualify(services, admin, name)
        services.impartiality.sign(login[name])
    return Team(
        admin,
        login["clerk"],
        login["leader"],
        login["member"],
        login["outsider"],
        login["comm1"],
        login["comm2"],
        login["dual"],
    )


def qualify(
    services: Services,
    admin: Actor,
    name: str,
    qualification: str = "auditor",
    areas: tuple[str, ...] = ("production", "sales"),
    valid_until: date = date(2030, 12, 31),
) -> None:
    """Give a user a qualification valid for years, competent in both enterprise types."""
    services.people.set(
        admin,
        name,
        qualification=qualification,
        registration_no=f"2024-N1SC-{abs(hash(name)) % 10**7:07d}",
        valid_until=valid_until,
        areas=areas,
    )


def sign_this_year(services: Services, *actors: Actor) -> None:
    """Each actor signs the impartiality declaration for the services' year (after the clock moved
    into a new year), unless they already have."""
    year = services.today().year
    for actor in actors:
        if year not in services.people.get(actor, actor.name).declared_years:
            services.impartiality.sign(actor)


# One code per case a test makes (an organisation is one record per code: a second application
# with another name for the same code is refused).
CREDIT_CODES = [
    complete(f"91{area}MA0{n:04d}X{n % 10}") for n, area in enumerate(["110108", "310115", "440300"] * 34)
]


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(b"%PDF-1.4 sample licence")
    return path


CaseMaker = Callable[..., str]


@pytest.fixture
def make_case(services: Services, team: Team, sample_file: Path) -> CaseMaker:
    """Bring a new case to the named state through the services, as the right users would."""
    counter = iter(range(100))

    def make(
        state: str = "draft",
        enterprise_type: str = "production",
        rubric_id: str | None = None,
        full_marks: bool = True,
    ) -> str:
        n = next(counter)
        detail = services.cases.create(
            team.clerk,
            org_name=f"测试电器有限公司{n}",
            credit_code=CREDIT_CODES[n % len(CREDIT_CODES)],
            enterprise_type=enterprise_type,
            headcount=120,
            scope="家用电器的售后服务",
            rubric_id=rubric_id,
        )
        case_no = detail.case_no
        order = [
            "draft",
            "submitted",
            "accepted",
            "document_review",
            "onsite_audit",
            "committee_review",
            "approved",
            "certified",
        ]
        target = order.index(state)
        if target >= 1:
            for item in range(1, 13):
                if item == 2:
                    services.cases.mark_material_not_applicable(team.clerk, case_no, item, "三证合一")
                else:
                    services.cases.set_material_files(team.clerk, case_no, item, [sample_file])
            services.cases.submit(team.clerk, case_no)
        if target >= 2:
            services.cases.accept(team.clerk, case_no, contract_no=f"HT-{n}", fee="30000")
        if target >= 3:
            services.cases.assign_team(team.clerk, case_no, "leader", ["member"])
        if target >= 4:
            services.cases.record_review(team.leader, case_no, outcome="pass", note="体系文件齐全")
        if target >= 5:
            rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
            for _, indicator in rubric.indicators():
                points = indicator.max_points if full_marks else indicator.max_points * 0
                services.audits.set_points(team.leader, case_no, indicator.code, points)
            services.audits.conclude(team.leader, case_no, "建议通过")
        if target >= 6:
            services.committee.vote(team.committee, case_no, "approve", "同意")
        if target >= 7:
            services.certificates.issue(team.clerk, case_no)
        return case_no

    return make


def dump(db: Path | str) -> list[str]:
    """Every row of every table, for 'the database is unchanged' assertions (SQLite or a server)."""
    if isinstance(db, Path):
        con = sqlite3.connect(db)
        try:
            return list(con.iterdump())
        finally:
            con.close()
    from sqlalchemy import MetaData, create_engine, select

    engine = create_engine(db)
    try:
        meta = MetaData()
        meta.reflect(engine)
        rows: list[str] = []
        with engine.connect() as conn:
            for table in sorted(meta.tables.values(), key=lambda t: t.name):
                for row in conn.execute(select(table)):
                    rows.append(f"{table.name}:{sorted(map(repr, row))}")
        return sorted(rows)
    finally:
        engine.dispose()


def drop_retention(target: sqlite3.Connection | Services) -> None:
    """What an attacker with the database does before deleting rows: drop the retention triggers
    (storage.retention), which refuse every delete of an event and of a retained record. The
    tamper tests do so, so that they prove the log and the records detect what the triggers no
    longer stop."""
    from audit_workbench.storage import retention

    if isinstance(target, sqlite3.Connection):
        for statement in retention.drop_ddl("sqlite"):
            target.execute(statement)
        target.commit()
        return
    with target.db.transaction() as session:
        retention.drop_retention(session.connection())
