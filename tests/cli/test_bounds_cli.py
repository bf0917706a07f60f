"""Bounds on every input, by the command line: a bad value or an oversized number exits 2 with one
line and the database unchanged (no traceback, no internal error), and a control character stored
before is printed as a visible escape, never sent to the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import PASSWORD, CaseMaker, Team, dump

HUGE = "9" * 30


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)


def run(db: Path | str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(["--db", str(db), *args])
    except SystemExit as exit_:  # a usage error (argparse): an id no record can have
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_values_and_oversized_numbers_exit_2_with_one_line(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    submitted = make_case("submitted")
    onsite = make_case("onsite_audit")
    for args in (
        ("--user", "clerk", "case", "accept", submitted, "--contract-no", "HT-1", "--fee", "1" * 40),
        ("--user", "clerk", "case", "accept", submitted, "--contract-no", "HT-1", "--fee", "-0"),
        ("--user", "clerk", "case", "accept", submitted, "--contract-no", "HT\x1b[2J", "--fee", "1"),
        ("--user", "leader", "score", "set", onsite, "1.1", "-0"),
        ("--user", "leader", "score", "sample", onsite, "2.2", "--sampled", HUGE, "--nonconforming", "1"),
        ("--user", "leader", "nc", "close", onsite, HUGE, "--action", "已整改"),  # crashed before
        ("--user", "clerk", "org", "dismiss", services.cases.get(onsite).organization.credit_code, HUGE,
         "--reason", "笔误"),  # crashed before
        ("--user", "admin", "log", "show", "--limit", HUGE),  # crashed before
        ("--user", "admin", "coi", "approve", HUGE),  # crashed before
    ):  # fmt: skip
        before = dump(db_path)
        code, _out, err = run(db_path, capsys, *args)
        assert code == 2, (args, err)
        assert "internal error" not in err and "Traceback" not in err
        assert err.strip() and "\x1b" not in err
        assert err.strip().splitlines()[-1].count("audit-workbench") == 1  # what is wrong, on one line
        assert dump(db_path) == before, args


def test_a_stored_escape_is_printed_as_an_escape(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    with services.db.transaction() as session:
        session.execute(text("UPDATE cases SET scope = :s"), {"s": "家电\x1b[2J\u202e售后"})
    code, out, _ = run(db_path, capsys, "--user", "clerk", "case", "show", case_no)
    assert code == 0
    assert "家电\\x1b[2J\\u202e售后" in out and "\x1b" not in out and "\u202e" not in out
    code, out, _ = run(db_path, capsys, "--user", "clerk", "--json", "case", "show", case_no)
    assert code == 0 and "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)["scope"] == "家电\x1b[2J\u202e售后"  # the JSON still says what is stored
