"""The command line speaks the one vocabulary: in Chinese its text output gives each id its words (the
window's and the documents'), people by name; JSON keeps the ids; refusals come in --lang."""

from __future__ import annotations

import json

import pytest

from audit_workbench.cli import main
from audit_workbench.core import vocabulary

from ..conftest import PASSWORD, CaseMaker, Team


@pytest.fixture
def cli(db_path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_text_output_in_chinese_uses_the_vocabulary(cli, services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    services.users.add(team.admin, "wanggang", PASSWORD, ["auditor"], "王刚")
    case_no = make_case("certified")
    code, out, _ = cli("--lang", "zh", "--user", "clerk", "case", "show", case_no)
    assert code == 0
    assert f"certified {vocabulary.label('case_state', 'certified', 'zh')}" in out
    assert "five_star 五星级" in out
    code, out, _ = cli("--lang", "zh", "--user", "clerk", "certificate", "list")
    assert "valid 有效" in out and "five_star 五星级" in out
    code, out, _ = cli("--json", "--user", "clerk", "case", "show", case_no)
    assert json.loads(out)["status"] == "certified"  # ids stay ids in JSON


def test_a_refusal_in_chinese_is_all_chinese(cli, services, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    code, _, err = cli("--lang", "zh", "--user", "leader", "score", "set", case_no, "1.1", "99")
    assert code == 2
    assert "超过满分" in err and "exceeds" not in err
    code, _, err = cli("--lang", "en", "--user", "clerk", "score", "set", case_no, "1.1", "1")
    assert code == 2 and "only an auditor may score" in err
