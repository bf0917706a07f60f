"""`user grants` and `user approve` (issue 10, point 4): a second admin approves what waits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import PASSWORD, Team, dump


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_a_committee_grant_waits_for_a_second_admin_on_the_command_line(
    services: Services, team: Team, db_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", "a-new-password-1")
    services.users.add(team.admin, "admin2", PASSWORD, ["admin"])
    code, out, err = run(db_path, capsys, "--user", "admin", "user", "add", "chen", "--role", "committee")
    assert code == 0, err
    assert out["roles"] == []  # type: ignore[index]
    code, pending, _ = run(db_path, capsys, "--user", "admin", "user", "grants", "--pending")
    assert [(g["user"], g["role"], g["granted_by"]) for g in pending] == [("chen", "committee", "admin")]  # type: ignore[union-attr]
    grant_id = str(pending[0]["id"])  # type: ignore[index]
    before = dump(db_path)
    code, _, err = run(db_path, capsys, "--user", "admin", "user", "approve", grant_id)
    assert code == 2 and json.loads(err)["code"] == "own_grant"
    code, _, err = run(db_path, capsys, "--user", "clerk", "user", "approve", grant_id)
    assert code == 2 and json.loads(err)["code"] == "wrong_role"
    assert dump(db_path) == before
    code, out, err = run(db_path, capsys, "--user", "admin2", "user", "approve", grant_id)
    assert code == 0, err
    assert (out["status"], out["approved_by"]) == ("approved", "admin2")  # type: ignore[index]
    assert services.users.get("chen").roles == ("committee",)
