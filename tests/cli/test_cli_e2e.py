"""End to end through the command line: a case of each rubric from application to certificate, as the
different users; every refused step exits 2 with a clear message and leaves the database dump identical."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from audit_workbench.cli import main

from ..conftest import CREDIT_CODES, drop_retention, dump

PASSWORDS = {
    "admin": "admin-pass-1",
    "clerk": "clerk-pass-1",
    "lead": "lead-pass-1",
    "aud": "aud-pass-1",
    "comm": "comm-pass-1",
}


class Cli:
    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = db
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def run(self, user: str | None, *args: str, new_password: str | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
        if user:
            self.monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORDS[user])
        else:
            self.monkeypatch.delenv("AUDIT_WORKBENCH_PASSWORD", raising=False)
        if new_password:
            self.monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", new_password)
        argv = ["--db", str(self.db), "--json"] + (["--user", user] if user else []) + list(args)
        code = main(argv)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, user: str | None, *args: str, **kw: str) -> dict:  # type: ignore[type-arg]
        code, out, err = self.run(user, *args, **kw)
        assert code == 0, f"{args} exited {code}: {err}"
        return json.loads(out) if out.strip() else {}

    def refused(self, user: str | None, *args: str) -> str:
        before = dump(self.db)
        code, out, err = self.run(user, *args)
        assert code == 2, f"{args} should be refused, exited {code}: {out}{err}"
        message = json.loads(err.strip().splitlines()[-1])
        assert message["error"], "a refusal must say why"
        assert dump(self.db) == before, f"refused {args} changed the database"
        return message["error"]


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    c = Cli(tmp_path / "cli.sqlite3", capsys, monkeypatch)
    c.monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORDS["admin"])
    assert main(["--db", str(c.db), "init", "--admin", "admin"]) == 0
    for name, role in (("clerk", "clerk"), ("lead", "auditor"), ("aud", "auditor"), ("comm", "committee")):
        c.ok("admin", "user", "add", name, "--role", role, new_password=PASSWORDS[name])
    for name in ("lead", "aud"):  # qualified auditors, competent for both enterprise types
        qualify_by_cli(c, name)
    for name in ("lead", "aud", "comm"):
        c.ok(name, "declaration", "sign")
    return c


def qualify_by_cli(c: Cli, name: str, qualification: str = "auditor") -> None:
    c.ok(
        "admin",
        "person",
        "set",
        name,
        "--qualification",
        qualification,
        "--registration",
        f"2024-N1SC-{len(name):07d}",
        "--valid-until",
        "2099-12-31",
        "--area",
        "production",
        "sales",
    )


@pytest.mark.parametrize(
    ("etype", "rubric", "indicators"),
    [("production", "sbt10401-2006-production", 27), ("sales", "sbt10401-2006-sales", 23)],
)
def test_whole_pipeline_by_cli(cli: Cli, tmp_path: Path, etype: str, rubric: str, indicators: int) -> None:
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(b"%PDF-1.4 licence")
    case_no = cli.ok(
        "clerk",
        "case",
        "new",
        "--org-name",
        "杭州示例电器有限公司",
        "--credit-code",
        CREDIT_CODES[1],
        "--type",
        etype,
        "--headcount",
        "60",
        "--scope",
        "家用电器的安装与维修服务",
    )["case_no"]
    assert cli.ok("clerk", "case", "show", case_no)["rubric_id"] == rubric

    # refusals on the application
    assert "materials" in cli.refused("clerk", "case", "submit", case_no)
    assert "clerk" in cli.refused("lead", "case", "submit", case_no)
    cli.refused("clerk", "material", "na", case_no, "2", "--reason", "")
    cli.refused("clerk", "material", "set", case_no, "1", "--file", str(tmp_path / "missing.pdf"))
    for item in range(1, 13):
        if item == 2:
            cli.ok("clerk", "material", "na", case_no, "2", "--reason", "三证合一")
        else:
            cli.ok("clerk", "material", "set", case_no, str(item), "--file", str(licence))
    cli.ok("clerk", "case", "submit", case_no)
    cli.refused("clerk", "case", "accept", case_no, "--contract-no", "HT-9", "--fee", "abc")
    accepted = cli.ok("clerk", "case", "accept", case_no, "--contract-no", "HT-9", "--fee", "26000")
    assert accepted["onsite_days"] == 5.0  # 60 staff → IAF MD 5 band 46–65 → 5 days
    cli.refused("clerk", "audit", "team", case_no, "--leader", "comm")  # not an auditor
    cli.ok("clerk", "audit", "team", case_no, "--leader", "lead", "--member", "aud")
    cli.refused("lead", "score", "set", case_no, "1.1", "2")  # wrong state: still in document review
    cli.ok(
        "aud",
        "review",
        "record",
        case_no,
        "--outcome",
        "revise",
        "--note",
        "缺少回访制度",
        "--finding",
        "2:服务流程缺回访",
    )
    cli.ok("lead", "review", "record", case_no, "--outcome", "pass", "--note", "已补充")

    shown = cli.ok(None, "rubric", "show", rubric)
    codes = [i for c in shown["categories"] for i in c["indicators"]]
    assert len(codes) == indicators
    cli.refused("lead", "score", "set", case_no, codes[0]["code"], str(codes[0]["max_points"] + 0.5))
    cli.refused("lead", "score", "set", case_no, "99.1", "1")
    cli.refused("clerk", "score", "set", case_no, codes[0]["code"], "1")
    for n, ind in enumerate(codes):
        if n == 1:
            cli.ok("aud", "score", "na", case_no, ind["code"], "--reason", "该项不适用于本企业")
        elif ind["sampled"]:
            cli.ok(
                "aud",
                "score",
                "sample",
                case_no,
                ind["code"],
                "--sampled",
                "10",
                "--nonconforming",
                "0",
                "--note",
                "抽查10份",
            )
        else:
            cli.ok("lead", "score", "set", case_no, ind["code"], str(ind["max_points"]), "--note", "符合")
    nc = cli.ok(
        "lead", "nc", "add", case_no, codes[0]["code"], "--text", "服务承诺未公示", "--deadline", "2099-01-31"
    )
    assert cli.ok("clerk", "case", "show", case_no)["awaiting_rectification"] is True
    assert "open" in cli.refused("lead", "audit", "conclude", case_no, "--summary", "x")
    cli.ok("aud", "nc", "close", case_no, str(nc["id"]), "--action", "已在官网和门店公示")
    assert "leader" in cli.refused("aud", "audit", "conclude", case_no, "--summary", "x")
    concluded = cli.ok("lead", "audit", "conclude", case_no, "--summary", "建议五星级")
    assert concluded["status"] == "committee_review" and concluded["recommended_grade"] == "five_star"

    cli.refused("clerk", "certificate", "issue", case_no)  # before approval
    cli.refused(
        "comm", "committee", "vote", case_no, "--decision", "lower", "--grade", "five_star", "--comment", "x"
    )
    decided = cli.ok(
        "comm",
        "committee",
        "vote",
        case_no,
        "--decision",
        "lower",
        "--grade",
        "four_star",
        "--comment",
        "网点不足",
    )
    assert decided["status"] == "approved" and decided["decided_grade"] == "four_star"
    cert = cli.ok("clerk", "certificate", "issue", case_no)
    assert cert["grade"] == "four_star"
    final = cli.ok("clerk", "case", "show", case_no)
    assert final["certificate"]["number"] == cert["number"]
    assert final["score"]["total"] == 100.0 and final["score"]["grade"] == "five_star"
    assert {c["code"] for c in final["score"]["categories"]} == {c["code"] for c in shown["categories"]}
    assert cli.ok("clerk", "log", "verify")["ok"] is True


def test_conflicted_committee_member_is_refused(cli: Cli, tmp_path: Path) -> None:
    cli.ok(
        "admin", "user", "add", "both", "--role", "auditor", "--role", "committee", new_password="both-pass-1"
    )
    PASSWORDS["both"] = "both-pass-1"
    qualify_by_cli(cli, "both")
    cli.ok("both", "declaration", "sign")
    case_no = cli.ok(
        "clerk",
        "case",
        "new",
        "--org-name",
        "示例",
        "--credit-code",
        CREDIT_CODES[2],
        "--type",
        "sales",
        "--headcount",
        "8",
        "--scope",
        "销售",
    )["case_no"]
    for item in range(1, 13):
        cli.ok("clerk", "material", "na", case_no, str(item), "--reason", "测试")
    cli.ok("clerk", "case", "submit", case_no)
    cli.ok("clerk", "case", "accept", case_no, "--contract-no", "HT", "--fee", "1")
    cli.ok("clerk", "audit", "team", case_no, "--leader", "both")
    cli.ok("both", "review", "record", case_no, "--outcome", "pass", "--note", "ok")
    rubric = cli.ok(None, "rubric", "show", "sbt10401-2006-sales")
    for c in rubric["categories"]:
        for i in c["indicators"]:
            cli.ok("both", "score", "set", case_no, i["code"], str(i["max_points"]))
    cli.ok("both", "audit", "conclude", case_no, "--summary", "ok")
    assert "audited" in cli.refused(
        "both", "committee", "vote", case_no, "--decision", "approve", "--comment", "ok"
    )


def test_log_verify_names_an_event_edited_with_sqlite(cli: Cli) -> None:
    cli.ok(
        "clerk",
        "case",
        "new",
        "--org-name",
        "示例",
        "--credit-code",
        CREDIT_CODES[3],
        "--type",
        "sales",
        "--headcount",
        "8",
        "--scope",
        "销售",
    )
    assert cli.ok("clerk", "log", "verify")["ok"]
    statement = "UPDATE events SET after = replace(after, '销售', '维修') WHERE action = 'case.create';"
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(cli.db), statement], check=True)
    else:  # the same statement through Python's sqlite3 module
        con = sqlite3.connect(cli.db)
        con.execute(statement)
        con.commit()
        con.close()
    seq = sqlite3.connect(cli.db).execute("SELECT seq FROM events WHERE action='case.create'").fetchone()[0]
    code, out, _ = cli.run("clerk", "log", "verify")
    assert code == 2
    report = json.loads(out)
    assert report["ok"] is False and report["first_bad_seq"] == seq and "altered" in report["problem"]


def test_log_verify_detects_deleted_and_reordered_events(cli: Cli) -> None:
    con = sqlite3.connect(cli.db)
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    drop_retention(con)  # as an attacker with the file would: the log must detect the deletes by itself
    con.execute("DELETE FROM events WHERE seq = 3")
    con.commit()
    code, out, _ = cli.run("clerk", "log", "verify")
    assert code == 2 and json.loads(out)["first_bad_seq"] == 3
    con.execute(f"DELETE FROM events WHERE seq > 3 OR seq = {total}")  # now the tail is cut off
    con.commit()
    code, out, _ = cli.run("clerk", "log", "verify")
    assert code == 2 and "removed" in json.loads(out)["problem"]


def test_wrong_password_and_missing_user(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.refused(None, "case", "submit", "AW2026-00001")  # needs --user
    cli.refused(None, "case", "list")  # reading needs a login too
    assert cli.ok("comm", "case", "list") == []  # any role reads the records
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", "not-the-password")
    code = main(["--db", str(cli.db), "--user", "clerk", "case", "submit", "AW2026-00001"])
    assert code == 2
    assert "wrong user name or password" in cli.capsys.readouterr().err


def test_rubric_check_refuses_a_broken_file(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema_version: 1\nid: broken\nfoo: 1\n", encoding="utf-8")
    code, _, err = cli.run(None, "rubric", "check", str(bad))
    assert code == 2 and "broken.yaml" in err


def test_headless_commands_do_not_import_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from audit_workbench.cli import main\n"
        "rc = main(['rubric', 'list'])\n"
        "assert rc == 0, rc\n"
        "qt = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sbt10401-2006-production" in result.stdout


def test_entry_point_exit_codes(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("audit-workbench")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "audit_workbench.cli"]
    ok = subprocess.run(
        [*cmd, "--db", str(tmp_path / "x.db"), "rubric", "show", "gbt27922-2011", "--json"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["max_points"] == 100
    bad = subprocess.run(
        [*cmd, "--db", str(tmp_path / "x.db"), "rubric", "show", "nope"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown rubric" in bad.stderr
