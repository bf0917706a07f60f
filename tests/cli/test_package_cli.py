"""Audit packages on the command line: the codes printed at export, the laptop's first login with a
code, the signed return, and an import that logs in (or is refused, the database unchanged)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import FAST_HASHER, PASSWORD, dump
from ..services.package_helpers import build_office_case, read_members

pytestmark = pytest.mark.sqlite_only

LAPTOP_PASSWORD = "my laptop password"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db: Path,
    user: str | None,
    *args: str,
    password: str = PASSWORD,
    new_password: str | None = None,
) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    capsys.readouterr()
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", password)
    if new_password is None:
        monkeypatch.delenv("AUDIT_WORKBENCH_NEW_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", new_password)
    argv = ["--db", str(db), "--json", *(["--user", user] if user else []), *args]
    code = main(argv)
    out, err = capsys.readouterr()
    data = json.loads(out) if code == 0 and out.strip() else {}
    error = json.loads(err.strip().splitlines()[-1]) if code == 2 and err.strip() else {}
    return code, data, error.get("code", "")


def test_the_round_trip_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "office.sqlite3"
    services = Services.open(office, hasher=FAST_HASHER)
    try:
        case_no, _ = build_office_case(services, tmp_path)
        services.users.add(services.users.login("admin", PASSWORD), "comm1", PASSWORD, ["committee"])
    finally:
        services.close()

    out = tmp_path / "现场.awp"
    code, data, _ = run(capsys, monkeypatch, office, "leader", "package", "export", case_no, "-o", str(out))
    assert code == 0 and data["kind"] == "checkout"
    codes = data["laptop_codes"]  # user -> one-time code, shown once
    assert set(codes) == {"leader", "member"} and all(len(c) == 23 for c in codes.values())
    assert b"$argon2" not in b"".join(read_members(out).values())

    laptop = tmp_path / "laptop.sqlite3"
    code, data, _ = run(capsys, monkeypatch, laptop, None, "package", "import", str(out))  # no one yet
    assert code == 0 and data["database_created"]
    # the first login: the code as the password, the laptop password set from the environment
    before = dump(laptop)
    code, _, error = run(
        capsys, monkeypatch, laptop, "leader", "score", "set", case_no, "1.3", "1", password=codes["leader"]
    )
    assert (code, error) == (2, "usage")  # no $AUDIT_WORKBENCH_NEW_PASSWORD and no terminal to ask in
    assert dump(laptop) == before
    code, _, _ = run(
        capsys,
        monkeypatch,
        laptop,
        "leader",
        "score",
        "set",
        case_no,
        "1.3",
        "1",
        password=codes["leader"],
        new_password=LAPTOP_PASSWORD,
    )
    assert code == 0
    # a fresh process, as a user runs it: the member's first login loads the laptop keys first
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "audit_workbench.cli",
            "--db",
            str(laptop),
            "--user",
            "member",
            "--json",
            "score",
            "set",
            case_no,
            "1.4",
            "2",
        ],
        env={
            **os.environ,
            "AUDIT_WORKBENCH_PASSWORD": codes["member"],
            "AUDIT_WORKBENCH_NEW_PASSWORD": "member laptop 1",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    back = tmp_path / "结果.awp"
    code, data, _ = run(
        capsys,
        monkeypatch,
        laptop,
        "leader",
        "package",
        "export",
        case_no,
        "-o",
        str(back),
        password=LAPTOP_PASSWORD,
    )
    assert code == 0 and data["kind"] == "return" and data["laptop_codes"] == {}
    assert "signature.json" in read_members(back)

    # the office: an anonymous command and a committee member are refused, the database unchanged
    before = dump(office)
    assert run(capsys, monkeypatch, office, None, "package", "import", str(back))[2] == "login_required"
    assert run(capsys, monkeypatch, office, "comm1", "package", "import", str(back))[2] == "wrong_role"
    code, _, _ = run(capsys, monkeypatch, office, None, "package", "inspect", str(back))
    assert code == 2  # what a package would change here is for a logged-in user to see
    assert dump(office) == before
    code, data, _ = run(capsys, monkeypatch, office, "member", "package", "inspect", str(back))
    assert code == 0 and [c["key"] for c in data["changes"]] == ["1.3", "1.4"]
    code, data, _ = run(capsys, monkeypatch, office, "member", "package", "import", str(back))
    assert code == 0 and data["changes"] == 2
    services = Services.open(office, hasher=FAST_HASHER)
    try:
        event = next(
            e
            for e in services.log.events(limit=20)
            if e.action == "score.import" and e.entity_id.endswith("/1.3")
        )
        assert event.user_name == "member" and event.after["updated_by"] == "leader"
    finally:
        services.close()
