"""`complaint` and `appeal` from the command line, as the window does them: each logs in, the policy
says who may, a refusal is one line with exit 2 and leaves the database unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audit_workbench.services import Services

from ..conftest import CaseMaker, Clock, Team
from .test_custody_cli import Run

pytestmark = pytest.mark.sqlite_only


def test_complaints_and_appeals_by_command(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # a refusal decided in March: too long ago to appeal today
    old = make_case("committee_review")
    services.committee.vote(team.committee, old, "reject", "不符合要求")
    # a refusal decided today (the command line runs on the real clock)
    clock.now = datetime.now(UTC)
    case_no = make_case("committee_review")
    services.committee.vote(team.committee, case_no, "reject", "不符合要求")
    run = Run(Path(str(services.db.url).removeprefix("sqlite:///")), capsys, monkeypatch)
    services.close()

    line = run.refused("appeal", "new", old, "--grounds", "不服", user="clerk")
    assert "accepted until" in line
    assert "不予受理" in run.refused("appeal", "new", old, "--grounds", "不服", user="clerk", lang="zh")
    code, out, _ = run("appeal", "new", case_no, "--grounds", "评审组未考虑整改证据", user="clerk")
    assert code == 0
    appeal_id = out.strip()
    line = run.refused("appeal", "panel", appeal_id, "--member", "comm2", "--member", "leader", user="clerk")
    assert "leader took part in the evaluation or decision" in line
    assert (
        run("appeal", "panel", appeal_id, "--member", "comm2", "--member", "outsider", user="clerk")[0] == 0
    )
    assert "only a member of the panel" in run.refused(
        "appeal", "decide", appeal_id, "--outcome", "upheld", "--reason", "x", user="dual"
    )
    code, out, _ = run(
        "appeal", "decide", appeal_id, "--outcome", "upheld", "--reason", "整改证据有效", user="comm2"
    )
    assert code == 0 and "upheld" in out
    code, out, _ = run("--json", "appeal", "list", user="clerk")
    (listed,) = json.loads(out)
    assert (listed["outcome"], listed["panel"]) == ("upheld", ["comm2", "outsider"])
    letter = tmp_path / "复函.pdf"
    assert run("appeal", "letter", appeal_id, "-o", str(letter), user="clerk")[0] == 0
    assert letter.read_bytes().startswith(b"%PDF")
    code, out, _ = run("case", "show", case_no, user="clerk")
    assert "committee_review" in out

    code, out, _ = run(
        "complaint", "new", "--kind", "auditor_behaviour", "--text", "评审员迟到", "--case", case_no,
        "--from", "张先生", user="clerk",
    )  # fmt: skip
    assert code == 0
    complaint_id = out.strip()
    assert "took part in case" in run.refused(
        "complaint", "assign", complaint_id, "--investigator", "member", user="clerk"
    )
    assert run("complaint", "assign", complaint_id, "--investigator", "comm2", user="clerk")[0] == 0
    run.refused("complaint", "resolve", complaint_id, "--resolution", "x", user="outsider")
    assert run("complaint", "resolve", complaint_id, "--resolution", "已致歉", user="comm2")[0] == 0
    assert run("complaint", "close", complaint_id, user="clerk")[0] == 0
    code, out, _ = run("complaint", "list", user="clerk")
    assert "closed" in out and "张先生" in out
    assert "only a clerk may handle complaints" in run.refused(
        "complaint", "new", "--kind", "other", "--text", "x", user="leader"
    )
    assert run("complaint", "letter", complaint_id, "-o", str(tmp_path / "c.pdf"), user="clerk")[0] == 0
