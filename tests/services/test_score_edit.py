"""The single-indicator edits (set_points, set_not_applicable, score_sample, set_note, clear,
restore) and the sheet import: what they return equals what the store holds afterwards, each is one
checked, version-guarded transaction, and a refusal changes nothing."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, event, select, update

from audit_workbench.core.errors import Conflict, NotFound, Refused
from audit_workbench.core.scoring import IndicatorEntry
from audit_workbench.services import Services
from audit_workbench.services.audits import ScoreChange
from audit_workbench.services.base import SYSTEM
from audit_workbench.services.views import get_case_row
from audit_workbench.storage import models as m

from ..conftest import FAST_HASHER, CaseMaker, Clock, Team, dump


@dataclass(frozen=True)
class SheetRow:
    code: str
    points: Decimal | None
    not_applicable: bool = False
    note: str = ""


def _same_as_stored(services: Services, case_no: str, change: ScoreChange) -> None:
    detail = services.cases.get(case_no)
    assert change.case_no == case_no
    assert change.entry == detail.entries.get(change.code)
    assert change.version == detail.entry_versions.get(change.code)
    assert change.score == detail.score


def test_every_edit_returns_the_entry_version_and_totals_a_fresh_read_gives(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    case_no = make_case("onsite_audit")
    # special items count in the totals the edits return
    services.audits.add_special(team.leader, case_no, "deduction", "未建立投诉处理制度")
    services.audits.add_special(team.leader, case_no, "bonus", "获得省级服务质量奖")
    audits = services.audits
    steps = [
        lambda: audits.set_points(team.leader, case_no, "1.1", "2"),
        lambda: audits.set_points(team.member, case_no, "1.1", "1.5", note="服务理念未上墙"),
        lambda: audits.set_points(team.member, case_no, "1.2", Decimal("2.50")),
        lambda: audits.set_not_applicable(team.leader, case_no, "4.3", "企业无管理改进项目"),
        lambda: audits.score_sample(team.leader, case_no, "6.2", 20, 3, note="抽查投诉记录20份"),
        lambda: audits.set_note(team.member, case_no, "6.2", "复核后维持"),
        lambda: audits.set_note(team.member, case_no, "2.1", "尚未评分，仅记录"),
        lambda: audits.set_points(team.leader, case_no, "4.3", "0"),
        lambda: audits.clear(team.leader, case_no, "1.1"),
        lambda: audits.restore(
            team.leader, case_no, "1.1", IndicatorEntry("1.1", Decimal("2.5"), note="撤销后恢复")
        ),
        lambda: audits.restore(
            team.leader, case_no, "6.2", IndicatorEntry("6.2", Decimal("4.5"), sampled=20, nonconforming=3)
        ),
        lambda: audits.restore(team.leader, case_no, "1.2", None),
    ]
    for step in steps:
        clock.now += timedelta(seconds=1)
        before = services.cases.get(case_no)
        change = step()
        _same_as_stored(services, case_no, change)
        after = services.cases.get(case_no)
        assert after.version == before.version + 1, "each edit stamps the case once"
        if change.entry is not None:
            assert change.version == before.entry_versions.get(change.code, 0) + 1
    assert services.cases.get(case_no).entries["6.2"] == IndicatorEntry(
        "6.2", Decimal("4.5"), sampled=20, nonconforming=3
    )
    assert services.log.verify().ok


def test_an_edit_records_the_values_before_and_after(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "3.2", "1", note="抽查")
    clock.now += timedelta(minutes=1)
    services.audits.score_sample(team.member, case_no, "3.2", 10, 3)  # 2.5 × 7/10 → 2
    clock.now += timedelta(minutes=1)
    services.audits.clear(team.leader, case_no, "3.2")
    clock.now += timedelta(minutes=1)
    assert services.audits.clear(team.leader, case_no, "3.2").entry is None  # nothing stored: no event
    cleared, sampled, first = services.log.events(f"{case_no}/3.2")
    assert (first.action, first.user_name, first.before) == ("score.set", "leader", None)
    assert first.after == {
        "points": "1",
        "not_applicable": False,
        "reason": "",
        "note": "抽查",
        "sampled": None,
        "nonconforming": None,
    }
    assert (sampled.action, sampled.user_name, sampled.before) == ("score.sample", "member", first.after)
    assert sampled.after == {**first.after, "points": "2", "sampled": 10, "nonconforming": 3}
    assert cleared.action == "score.clear"
    assert cleared.before == {"points": "2", "not_applicable": False, "reason": "", "note": "抽查"}
    assert services.log.verify().ok


def test_a_stale_version_is_refused_by_every_single_edit_and_nothing_changes(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, clock: Clock
) -> None:
    case_no = make_case("onsite_audit")
    seen = services.audits.set_points(team.leader, case_no, "2.2", "2").version
    services.audits.set_points(team.member, case_no, "2.2", "1", expected_version=seen)
    fresh = services.audits.set_points(team.member, case_no, "2.1", "1").version
    audits = services.audits
    stale_edits = {
        "set_points": lambda v: audits.set_points(team.leader, case_no, "2.2", "2.5", expected_version=v),
        "not_applicable": lambda v: audits.set_not_applicable(
            team.leader, case_no, "2.2", "不适用", expected_version=v
        ),
        "sample": lambda v: audits.score_sample(team.leader, case_no, "2.2", 10, 0, expected_version=v),
        "note": lambda v: audits.set_note(team.leader, case_no, "2.2", "x", expected_version=v),
        "clear": lambda v: audits.clear(team.leader, case_no, "2.2", expected_version=v),
        "restore": lambda v: audits.restore(
            team.leader, case_no, "2.2", IndicatorEntry("2.2", Decimal(0)), expected_version=v
        ),
        "restore unscored": lambda v: audits.restore(team.leader, case_no, "2.2", None, expected_version=v),
    }
    clock.now += timedelta(seconds=1)
    for name, edit in stale_edits.items():
        before = dump(db_path)
        with pytest.raises(Conflict):
            edit(seen)
        assert dump(db_path) == before, name
    # an indicator never scored has version 0: expecting 0 for it is current, anything else stale
    before = dump(db_path)
    with pytest.raises(Conflict):
        audits.set_points(team.leader, case_no, "2.3", "1", expected_version=1)
    assert dump(db_path) == before
    assert audits.set_points(team.leader, case_no, "2.3", "1", expected_version=0).version == 1
    assert audits.set_points(team.leader, case_no, "2.1", "2", expected_version=fresh).version == fresh + 1
    assert services.cases.get(case_no).entries["2.2"].points == Decimal(1)


def test_refusals_before_the_write_leave_the_store_unchanged(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.member, case_no, "1.1", "2")

    def refused(code: str, call, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        before = dump(db_path)
        with pytest.raises(Refused) as info:
            call(*args, **kwargs)
        assert info.value.code == code, info.value.message_en
        assert dump(db_path) == before

    audits = services.audits
    refused("not_found", audits.set_points, team.leader, "AW1999-99999", "1.1", "1")
    with pytest.raises(NotFound):
        audits.clear(team.leader, "AW1999-99999", "1.1")
    refused("wrong_role", audits.set_points, SYSTEM, case_no, "1.1", "1")
    refused("wrong_role", audits.score_sample, team.committee, case_no, "6.2", 10, 1)
    refused("not_on_team", audits.clear, team.outsider_auditor, case_no, "1.1")
    refused("not_on_team", audits.set_note, team.auditor_committee, case_no, "1.1", "x")
    refused("unknown_indicator", audits.set_not_applicable, team.leader, case_no, "9.9", "不适用")
    refused("bad_score", audits.score_sample, team.leader, case_no, "6.2", 10, 11)
    # counts on an indicator the rubric does not check on a sample (1.1 服务理念)
    refused("bad_score", audits.score_sample, team.leader, case_no, "1.1", 10, 0)
    refused(
        "bad_score",
        audits.restore,
        team.leader,
        case_no,
        "1.1",
        IndicatorEntry("1.1", Decimal("2.5"), sampled=10, nonconforming=0),
    )
    refused("bad_score", audits.restore, team.leader, case_no, "1.1", IndicatorEntry("1.1", Decimal("9")))
    refused("bad_score", audits.restore, team.leader, case_no, "1.1", IndicatorEntry("1.2", Decimal("1")))
    services.users.set_active(team.admin, "member", False)
    refused("inactive_user", audits.set_points, team.member, case_no, "1.1", "1")
    refused("inactive_user", audits.clear, team.member, case_no, "1.1")
    services.users.set_active(team.admin, "member", True)
    with services.db.transaction() as session:  # the rubric file no longer matches the case's pin
        session.execute(update(m.Case).where(m.Case.case_no == case_no).values(rubric_sha256="0" * 64))
    refused("rubric_changed", audits.set_points, team.member, case_no, "1.1", "1")
    refused("rubric_changed", audits.restore, team.member, case_no, "1.1", None)


def test_a_sheet_import_writes_each_change_once_and_returns_the_stored_totals(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    case_no = make_case("onsite_audit")
    services.audits.add_special(team.leader, case_no, "deduction", "服务承诺未兑现")
    for code, points in (("1.1", "2"), ("1.2", "1"), ("1.3", "1")):
        services.audits.set_points(team.leader, case_no, code, points)
    clock.now += timedelta(seconds=1)
    before = services.cases.get(case_no)
    seq_before = services.log.events(limit=1)[0].seq
    rows = [
        SheetRow("1.1", Decimal("2")),  # unchanged: nothing written
        SheetRow("1.2", Decimal("2.5"), note="复核"),
        SheetRow("1.3", None),  # no points, not marked: cleared
        SheetRow("4.3", None, not_applicable=True, note="无此业务"),
        SheetRow("5.1", Decimal("3")),
    ]
    result = services.audits.apply_sheet(team.leader, case_no, rows, source="评分表.xlsx")
    after = services.cases.get(case_no)
    assert result == after.score
    assert after.version == before.version + 1
    assert "1.3" not in after.entries
    assert after.entries["1.2"] == IndicatorEntry("1.2", Decimal("2.5"), note="复核")
    assert after.entries["4.3"] == IndicatorEntry("4.3", None, True, "无此业务")
    assert after.entry_versions["1.1"] == before.entry_versions["1.1"]
    assert after.entry_versions["1.2"] == before.entry_versions["1.2"] + 1
    new = [e for e in services.log.events(limit=50) if e.seq > seq_before]
    assert sorted((e.action, e.entity_id, e.reason) for e in new) == [
        ("score.clear", f"{case_no}/1.3", "评分表.xlsx"),
        ("score.import", f"{case_no}/1.2", "评分表.xlsx"),
        ("score.import", f"{case_no}/4.3", "评分表.xlsx"),
        ("score.import", f"{case_no}/5.1", "评分表.xlsx"),
    ]
    assert services.log.verify().ok


def _competing_writer(services: Services, case_no: str, change) -> threading.Thread:  # type: ignore[no-untyped-def]
    """Hold the case's lock (SQLite: the write lock) in another transaction while `change(session)` runs."""
    started = threading.Event()
    release = threading.Event()

    def run() -> None:
        with services.db.transaction() as session:
            get_case_row(session, case_no, lock=True)
            change(session)
            started.set()
            release.wait(10)

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    thread.release = release  # type: ignore[attr-defined]
    return thread


@pytest.mark.parametrize("what", ["score", "team"])
def test_an_edit_that_waited_for_the_lock_sees_what_was_committed_meanwhile(
    db_path: Path, clock: Clock, team: Team, make_case: CaseMaker, what: str
) -> None:
    """What the edit checks is read after it holds the lock, not from before it waited for it."""
    case_no = make_case("onsite_audit")
    writer = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    editor = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    try:
        seen = editor.audits.set_points(team.member, case_no, "2.1", "1").version
        assert editor.cases.get(case_no).entry_versions["2.1"] == seen

        def change(session) -> None:  # type: ignore[no-untyped-def]
            case = get_case_row(session, case_no)
            if what == "score":
                session.execute(
                    update(m.IndicatorScore)
                    .where(m.IndicatorScore.case_id == case.id, m.IndicatorScore.code == "2.1")
                    .values(points=Decimal("2.5"), version=m.IndicatorScore.version + 1)
                )
            else:
                member = session.scalar(select(m.User.id).where(m.User.name == "member"))
                session.execute(
                    delete(m.TeamMember).where(
                        m.TeamMember.case_id == case.id, m.TeamMember.user_id == member
                    )
                )

        holder = _competing_writer(writer, case_no, change)
        outcome: list[BaseException | ScoreChange] = []

        def edit() -> None:
            try:
                outcome.append(
                    editor.audits.set_points(team.member, case_no, "2.1", "2", expected_version=seen)
                )
            except BaseException as exc:
                outcome.append(exc)

        thread = threading.Thread(target=edit)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), "the edit should wait for the lock"
        holder.release.set()  # type: ignore[attr-defined]
        holder.join(10)
        thread.join(20)
        assert len(outcome) == 1
        error = outcome[0]
        assert isinstance(error, Refused), error
        assert error.code == ("conflict" if what == "score" else "not_on_team")
        stored = editor.cases.get(case_no)
        assert stored.entries["2.1"].points == (Decimal("2.5") if what == "score" else Decimal(1))
    finally:
        writer.close()
        editor.close()


def test_a_score_edit_is_a_handful_of_statements(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock
) -> None:
    """Guards the edit's cost: the case and the user's standing in one read, the scores read once,
    the special items, two updates, and the event (the chain's tail, the event, its head)."""
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "1.1", "2")
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(services.db.engine, "before_cursor_execute", count)
    try:
        clock.now += timedelta(seconds=1)
        services.audits.set_points(team.leader, case_no, "1.1", "1.5")
    finally:
        event.remove(services.db.engine, "before_cursor_execute", count)
    on_server = services.db.engine.dialect.name != "sqlite"
    # SQLite: BEGIN IMMEDIATE; PostgreSQL: the case's row lock, the chain's advisory lock and the
    # NOTIFY that tells open windows of the change (storage.events, storage.notify)
    assert len(statements) <= (11 if on_server else 9), statements
    assert sum(s.lstrip().upper().startswith("SELECT INDICATOR_SCORES") for s in statements) == 1
