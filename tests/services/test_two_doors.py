"""The same bad change through both doors gets the same refusal: the interactive service in the
office, and a return package from a laptop whose owner changed its database by hand (and, knowing
the laptop password, signed what it exports). The rules live once, in core.audit_rules.

And who may use the package door: only a logged-in member of the case's audit team.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from audit_workbench.core.datafiles import rubrics_dir
from audit_workbench.core.errors import Refused
from audit_workbench.core.rubric import RubricRegistry
from audit_workbench.services import Actor, Services
from audit_workbench.services.packages import export_package, import_package

from ..conftest import FAST_HASHER, CaseMaker, Clock, Team
from .package_helpers import LAPTOP_PASSWORD, attachments_folder, first_login, state

pytestmark = pytest.mark.sqlite_only  # the laptop is a SQLite file its owner edits


@dataclass
class Doors:
    office: Services
    office_path: Path
    team: Team
    case_no: str
    laptop_path: Path  # the laptop right after the leader's first login (copy before changing it)
    leader_on_laptop: Actor
    tmp_path: Path
    clock: Clock
    edited_rubrics: RubricRegistry  # the installed rubric files, each with one line added

    def interactive(
        self,
        call: Callable[[Services, Actor, str], object],
        rubrics: RubricRegistry | None = None,
        prepare: Callable[[Services, Actor, str], object] | None = None,
    ) -> str:
        """The office's own service, called by the team leader (after `prepare`): refused, and the
        refused call changed nothing."""
        services = self.office
        if rubrics is not None:
            services = Services(self.office.db, rubrics=rubrics, clock=self.clock)
        if prepare is not None:
            prepare(self.office, self.team.leader, self.case_no)
        before = state(self.office_path)
        with pytest.raises(Refused) as info:
            call(services, self.team.leader, self.case_no)
        assert state(self.office_path) == before
        return info.value.code

    def package(
        self,
        prepare: Callable[[Services, Actor, str], object],
        sql: str,
        rubrics: RubricRegistry | None = None,
    ) -> str:
        """The laptop (a copy) does `prepare` through its services, its owner runs `sql` on its file,
        exports the results signed with the laptop password; the office imports: refused, unchanged."""
        copy = self.tmp_path / f"laptop-{len(list(self.tmp_path.glob('laptop-*')))}" / "workbench.sqlite3"
        copy.parent.mkdir()
        shutil.copy(self.laptop_path, copy)
        shutil.copytree(attachments_folder(self.laptop_path), attachments_folder(copy))
        laptop = Services.open(copy, clock=self.clock, hasher=FAST_HASHER)
        try:
            prepare(laptop, self.leader_on_laptop, self.case_no)
        finally:
            laptop.close()
        con = sqlite3.connect(copy)
        with con:
            con.executescript(sql)
        con.close()
        laptop = Services.open(
            copy, clock=self.clock, **({"rubrics": rubrics} if rubrics else {}), hasher=FAST_HASHER
        )
        back = copy.parent / "results.awp"
        try:
            export_package(
                laptop, self.leader_on_laptop, [self.case_no], back, signing_password=LAPTOP_PASSWORD
            )
        finally:
            laptop.close()
        before = state(self.office_path)
        with pytest.raises(Refused) as info:
            import_package(self.office_path, back, actor=self.team.leader, clock=self.clock)
        assert state(self.office_path) == before
        return info.value.code


@pytest.fixture
def doors(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> Doors:
    case_no = make_case("onsite_audit")
    out = tmp_path / "checkout.awp"
    codes = export_package(services, team.leader, [case_no], out).laptop_codes
    laptop_path = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop_path, out, clock=clock)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        leader = first_login(laptop, "leader", codes)
    finally:
        laptop.close()
    edited = tmp_path / "rubrics"
    edited.mkdir()
    for path in rubrics_dir().glob("*.yaml"):
        (edited / path.name).write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    return Doors(
        services, db_path, team, case_no, laptop_path, leader, tmp_path, clock, RubricRegistry(edited)
    )


def _all_points(services: Services, actor: Actor, case_no: str) -> None:
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        services.audits.set_points(actor, case_no, indicator.code, indicator.max_points)


def _scored_with_an_open_nc(services: Services, actor: Actor, case_no: str) -> None:
    _all_points(services, actor, case_no)
    services.audits.raise_nonconformity(actor, case_no, "1.2", "服务承诺未公示")


def _nothing(services: Services, actor: Actor, case_no: str) -> None:
    return None


def _sample_3_2(services: Services, actor: Actor, case_no: str) -> None:
    services.audits.score_sample(actor, case_no, "3.2", 10, 1)


def _deduction(services: Services, actor: Actor, case_no: str) -> None:
    services.audits.add_special(actor, case_no, "deduction", "一年内发生重大服务质量投诉")


_CONCLUDE_BY_HAND = """
UPDATE cases SET status = 'committee_review', conclusion_summary = '建议通过',
    recommended_total = '100', recommended_grade = 'five_star';
"""
_EDITED_RUBRIC = "UPDATE cases SET rubric_sha256 = '{sha}';"


# bad change, code, interactive call, (laptop preparation, the owner's SQL)
CASES: list[tuple[str, str, Callable[[Doors], str], Callable[[Doors], str]]] = [
    (
        "points over the maximum",
        "bad_score",
        lambda d: d.interactive(lambda s, a, c: s.audits.set_points(a, c, "1.1", "3")),
        lambda d: d.package(
            lambda s, a, c: s.audits.set_points(a, c, "1.1", "2"),
            "UPDATE indicator_scores SET points = '3' WHERE code = '1.1';",
        ),
    ),
    (
        "not applicable without a reason",
        "missing_value",
        lambda d: d.interactive(lambda s, a, c: s.audits.set_not_applicable(a, c, "4.3", "  ")),
        lambda d: d.package(
            lambda s, a, c: s.audits.set_not_applicable(a, c, "4.3", "产品无需安装"),
            "UPDATE indicator_scores SET reason = '' WHERE code = '4.3';",
        ),
    ),
    (
        "a sample without both counts",
        "bad_score",
        lambda d: d.interactive(lambda s, a, c: s.audits.score_sample(a, c, "3.2", 10, None)),
        lambda d: d.package(
            _sample_3_2, "UPDATE indicator_scores SET nonconforming = NULL WHERE code = '3.2';"
        ),
    ),
    (
        "a conclusion with an open nonconformity",
        "open_nonconformities",
        lambda d: d.interactive(
            lambda s, a, c: s.audits.conclude(a, c, "建议通过"), prepare=_scored_with_an_open_nc
        ),
        lambda d: d.package(_scored_with_an_open_nc, _CONCLUDE_BY_HAND),
    ),
    (
        "a special deduction without its nonconformity",
        "deduction_without_nonconformity",
        lambda d: d.interactive(
            lambda s, a, c: s.audits.add_special(a, c, "deduction", "重大投诉", open_nonconformity=False)
        ),
        lambda d: d.package(
            _deduction, "UPDATE special_items SET nonconformity_id = NULL; DELETE FROM nonconformities;"
        ),
    ),
    (
        "a changed rubric file",
        "rubric_changed",
        lambda d: d.interactive(
            lambda s, a, c: s.audits.set_points(a, c, "1.3", "1"), rubrics=d.edited_rubrics
        ),
        lambda d: d.package(
            _nothing,
            _EDITED_RUBRIC.format(sha=d.edited_rubrics.get(d.office.cases.get(d.case_no).rubric_id).sha256),
            rubrics=d.edited_rubrics,
        ),
    ),
]


@pytest.mark.parametrize(
    ("change", "code", "interactive", "package"), CASES, ids=[c[0].replace(" ", "-") for c in CASES]
)
def test_the_same_bad_change_is_refused_alike_through_both_doors(
    change: str,
    code: str,
    interactive: Callable[[Doors], str],
    package: Callable[[Doors], str],
    doors: Doors,
) -> None:
    # the package door first: the interactive one may score the office's case on the way
    assert package(doors) == code, f"{change} through a package"
    assert interactive(doors) == code, f"{change} in the office"


def test_the_untouched_laptop_brings_its_results_back(doors: Doors) -> None:
    """The same path with no hand edit imports (so the refusals above are the rules', not the path's)."""
    copy = doors.tmp_path / "clean" / "workbench.sqlite3"
    copy.parent.mkdir()
    shutil.copy(doors.laptop_path, copy)
    shutil.copytree(attachments_folder(doors.laptop_path), attachments_folder(copy))
    laptop = Services.open(copy, clock=doors.clock, hasher=FAST_HASHER)
    try:
        _all_points(laptop, doors.leader_on_laptop, doors.case_no)
        laptop.audits.conclude(doors.leader_on_laptop, doors.case_no, "建议通过")
        back = copy.parent / "results.awp"
        export_package(
            laptop, doors.leader_on_laptop, [doors.case_no], back, signing_password=LAPTOP_PASSWORD
        )
    finally:
        laptop.close()
    import_package(doors.office_path, back, actor=doors.team.leader, clock=doors.clock)
    assert doors.office.cases.get(doors.case_no).status == "committee_review"


# == who may use the package door ======================================================================


def test_only_a_logged_in_member_of_the_team_brings_results_back(
    doors: Doors, make_case: CaseMaker, services: Services, team: Team
) -> None:
    laptop = Services.open(doors.laptop_path, clock=doors.clock, hasher=FAST_HASHER)
    back = doors.tmp_path / "results.awp"
    try:
        laptop.audits.set_points(doors.leader_on_laptop, doors.case_no, "1.3", "1")
        export_package(
            laptop, doors.leader_on_laptop, [doors.case_no], back, signing_password=LAPTOP_PASSWORD
        )
    finally:
        laptop.close()
    other = make_case("onsite_audit")
    services.cases.assign_team(team.clerk, other, "outsider", [])  # the clerk's and outsider's other case
    office = doors.office_path
    for who, code in [
        (team.committee, "wrong_role"),  # a committee member
        (team.clerk, "wrong_role"),  # a clerk (who handles other cases, and this one, in the office)
        (team.outsider_auditor, "not_on_team"),  # the audit team of another case
        (team.admin, "wrong_role"),
        (None, "login_required"),  # an anonymous command
    ]:
        before = state(office)
        with pytest.raises(Refused) as info:
            import_package(office, back, actor=who, clock=doors.clock)
        assert info.value.code == code, who
        assert state(office) == before
    # a member removed from the team in the office may neither import nor have signed
    services.cases.assign_team(team.clerk, doors.case_no, "member", [])
    before = state(office)
    with pytest.raises(Refused) as info:
        import_package(office, back, actor=team.member, clock=doors.clock)
    assert info.value.code == "not_on_team"  # the signer, leader, is no longer on the team
    assert state(office) == before


def test_a_checkout_never_goes_into_an_office_database(
    doors: Doors, tmp_path: Path, services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("onsite_audit")
    out = tmp_path / "again.awp"
    export_package(services, team.leader, [case_no], out)
    # another office (a database made with `init`): its accounts and cases are not a package's to touch
    elsewhere = tmp_path / "elsewhere" / "workbench.sqlite3"
    other = Services.open(elsewhere, clock=doors.clock, hasher=FAST_HASHER)
    try:
        other.users.create_first_admin("admin", "another office 1")
        boss = other.users.login("admin", "another office 1")
        other.users.add(boss, "leader", "another office 2", ["auditor"])
        leader = other.users.login("leader", "another office 2")
    finally:
        other.close()
    for db, actor, code in [
        (doors.office_path, team.leader, "package_own"),
        (elsewhere, leader, "package_not_laptop"),
    ]:
        before = state(db)
        with pytest.raises(Refused) as info:
            import_package(db, out, actor=actor, clock=doors.clock)
        assert info.value.code == code
        assert state(db) == before
