"""Shared fixtures: a real temporary SQLite store, the users of every role, and a case at any state."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("AUDIT_WORKBENCH_FAST_HASH", "1")

from audit_workbench.core.creditcode import complete
from audit_workbench.services import Actor, Services

PASSWORD = "password123"


@pytest.fixture(autouse=True)
def _isolated_keys(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing-key secrets go to a temporary folder, never to the developer's config folder."""
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path_factory.mktemp("keys")))


class Clock:
    """A settable UTC clock for services under test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbench.sqlite3"


@pytest.fixture
def services(db_path: Path, clock: Clock) -> Iterator[Services]:
    s = Services.open(db_path, clock=clock)
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
    login = {name: services.users.login(name, PASSWORD) for name in spec}
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


CREDIT_CODES = [
    complete(f"91{area}MA0{n:04d}X{n % 10}") for n, area in enumerate(["110108", "310115", "440300"] * 4)
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


def dump(path: Path) -> list[str]:
    """Every row of every table, for 'the database is unchanged' assertions."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()
