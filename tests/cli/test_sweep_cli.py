"""`register sweep` and reason-coded `certificate suspend|withdraw` by the command line, on the demo
data as it was built 200 days ago (a body whose records nobody kept up since, so that surveillance
audits are overdue): the sweep suspends the certificates whose surveillance is overdue,
`certificate verify` then says "suspended"; a future date is refused unless --dry-run; an unknown
reason code is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from audit_workbench.cli import main
from audit_workbench.services import Services
from audit_workbench.services.demo import DEMO_PASSWORD, build_demo

from ..conftest import FAST_HASHER, dump


def TODAY() -> date:
    return datetime.now(UTC).date()  # the demo's and the services' today


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("sweep-demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(folder / "keys"))
        path = folder / "demo.sqlite3"
        services = Services.open(path, hasher=FAST_HASHER)
        build_demo(services, today=TODAY() - timedelta(days=200))
        services.close()
        yield path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(demo_db.parent / "keys"))


def run(
    db: Path, capsys: pytest.CaptureFixture[str], *args: str, as_json: bool = True
) -> tuple[int, object, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--user", "zhangwei", *(["--json"] if as_json else []), *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if as_json and out.strip() else out), err


def test_register_sweep_on_the_demo_suspends_the_overdue_and_verify_says_suspended(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, certs, _ = run(demo_db, capsys, "certificate", "list")
    assert code == 0 and isinstance(certs, list)
    today = TODAY()
    overdue = {
        c["number"]
        for c in certs
        if c["status"] == "valid"
        and c["next_surveillance"]
        and date.fromisoformat(c["next_surveillance"]) < today
    }
    assert overdue, "the demo has certificates a year past their surveillance"

    before = dump(demo_db)
    code, _, err = run(
        demo_db, capsys, "--user", "zhangwei", "register", "sweep", "--date", str(today + timedelta(days=1))
    )
    assert code == 2 and "--dry-run" in err and len(err.strip().splitlines()) == 1
    code, planned, _ = run(demo_db, capsys, "--user", "zhangwei", "register", "sweep", "--dry-run")
    assert code == 0 and isinstance(planned, dict) and planned["dry_run"] is True
    assert {a["certificate"] for a in planned["actions"] if a["rule"] == "surveillance_overdue"} == overdue
    assert dump(demo_db) == before, "a dry run changes nothing"

    code, text, _ = run(demo_db, capsys, "--user", "zhangwei", "register", "sweep", as_json=False)
    assert code == 0 and all(f"{n} suspended [surveillance_overdue]" in str(text) for n in overdue)
    code, after, _ = run(demo_db, capsys, "certificate", "list")
    assert isinstance(after, list)
    for c in after:
        if c["number"] in overdue:
            assert (c["status"], c["status_reason_code"]) == ("suspended", "0199")
    services = Services.open(demo_db)
    try:
        for number in overdue:
            payload = services.certificates.get(number).payload
            code, verdict, _ = run(demo_db, capsys, "certificate", "verify", payload)
            assert code == 2 and isinstance(verdict, dict) and verdict["status"] == "suspended"
            assert "suspended" in verdict["reason"]
    finally:
        services.close()
    code, again, _ = run(demo_db, capsys, "--user", "zhangwei", "register", "sweep")
    assert code == 0 and isinstance(again, dict) and again["actions"] == []
    code, _, _ = run(demo_db, capsys, "certificate", "check")
    assert code == 0, "the register still agrees with its log"


def test_suspend_and_withdraw_by_the_command_line_need_a_known_reason_code(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, certs, _ = run(demo_db, capsys, "certificate", "list", "--status", "valid")
    assert isinstance(certs, list) and certs
    number = certs[0]["number"]
    before = dump(demo_db)
    for args in (
        ("suspend", number, "--reason-code", "9999", "--reason", "x"),
        ("withdraw", number, "--reason-code", "0116", "--reason", "x"),
        (
            "suspend",
            number,
            "--reason-code",
            "0111",
            "--reason",
            "x",
            "--until",
            str(TODAY() + timedelta(days=200)),
        ),
    ):
        code, _, err = run(demo_db, capsys, "--user", "zhangwei", "certificate", *args)
        assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert dump(demo_db) == before
    until = str(TODAY() + timedelta(days=60))
    code, out, _ = run(
        demo_db, capsys, "--user", "zhangwei", "certificate", "suspend", number,
        "--reason-code", "0113", "--reason", "受到市场监管部门处罚", "--until", until,
    )  # fmt: skip
    assert code == 0 and isinstance(out, dict)
    assert (out["status"], out["status_reason_code"], out["suspended_until"]) == ("suspended", "0113", until)
