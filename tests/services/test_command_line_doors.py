"""Every door of the command line is locked (issue 10): every registered command, read or write, logs
in before it runs, except the few that touch none of the body's records. Here under tests/services
so that it runs on PostgreSQL too."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audit_workbench.cli import build_parser, main
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services

from ..conftest import FAST_HASHER, PASSWORD, Team, dump

# The commands that run without a user, and why: making a database, the program's own rubrics, the
# body's public key and a certificate (for anyone holding one), the policy table (code), the window
# (which asks who acts itself), a restore into a new file (replacing one logs in to it) and a laptop's
# first package import (which makes the laptop's database).
PUBLIC = {
    "init",
    "demo",
    "gui",
    "restore",
    "policy",
    "rubric list",
    "rubric show",
    "rubric check",
    "keys export-public",
    "certificate verify",
}
PUBLIC_ONLY_INTO_A_NEW_DATABASE = {"package import"}


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield prefix, parser
        return
    for name, child in subparsers[0].choices.items():
        yield from _commands(child, (*prefix, name))


def _required_arguments(parser: argparse.ArgumentParser, tmp_path: Path) -> list[str]:
    """Values for what the command requires: enough for argparse to let it through to the login."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        value = str(next(iter(action.choices))) if action.choices else _accepted(action)
        if action.dest == "output":
            value = str(tmp_path / "out.bin")
        if not action.option_strings:
            count = 1 if action.nargs in (None, "+", 1) else 0
            argv += [value] * count
        elif action.required:
            argv += [action.option_strings[0], value]
    return argv


def _accepted(action: argparse.Action) -> str:
    for value in ("x", "1", "2026-01-01"):
        try:
            if callable(action.type):
                action.type(value)
            return value
        except (ValueError, TypeError, argparse.ArgumentTypeError):
            continue
    raise AssertionError(f"no value found for {action.dest}")


def _words(path: tuple[str, ...]) -> str:
    return " ".join(path)


@pytest.fixture
def office(services: Services, team: Team, db_path: Path | str) -> Iterator[Path | str]:
    services.close()
    yield db_path


def test_every_command_but_the_public_ones_needs_a_user(
    office: Path | str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AUDIT_WORKBENCH_PASSWORD", raising=False)
    monkeypatch.delenv("AUDIT_WORKBENCH_NEW_PASSWORD", raising=False)
    commands = dict(_commands(build_parser()))
    names = {_words(path) for path in commands}
    assert names >= PUBLIC | PUBLIC_ONLY_INTO_A_NEW_DATABASE, "a public command was renamed"
    assert len(names) > 60
    before = dump(office)
    for path, parser in commands.items():
        if _words(path) in PUBLIC:
            continue
        capsys.readouterr()
        argv = ["--db", str(office), "--json", *path, *_required_arguments(parser, tmp_path)]
        code = main(argv)
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2, f"{_words(path)} ran without a user (exit {code})"
        assert len(err) == 1 and json.loads(err[0])["code"] == "login_required", (_words(path), err)
    assert dump(office) == before
    assert not (tmp_path / "out.bin").exists()


def test_reads_take_only_the_right_password_and_role(
    office: Path | str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(user: str, password: str, *args: str) -> tuple[int, str]:
        capsys.readouterr()
        monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", password)
        code = main(["--db", str(office), "--user", user, *args])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, text = run("admin", "not-the-password", "user", "list")
    assert code == 2 and "wrong user name or password" in text and "clerk" not in text
    code, text = run("clerk", PASSWORD, "user", "list")
    assert code == 2 and "admin" in text.lower() and "comm1" not in text
    code, text = run("clerk", PASSWORD, "setting", "list")
    assert code == 2
    code, text = run("admin", PASSWORD, "user", "list")
    assert code == 0 and "comm1" in text
    code, text = run("comm1", PASSWORD, "case", "list")  # every role reads the records
    assert code == 0
    code, text = run("nobody", PASSWORD, "case", "list")
    assert code == 2 and "wrong user name or password" in text


def test_a_new_account_never_gets_the_acting_admins_password(
    office: Path | str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    monkeypatch.delenv("AUDIT_WORKBENCH_NEW_PASSWORD", raising=False)
    before = dump(office)
    code = main(["--db", str(office), "--user", "admin", "user", "add", "newclerk", "--role", "clerk"])
    assert code == 2 and "AUDIT_WORKBENCH_NEW_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", "12345678")
    code = main(["--db", str(office), "--user", "admin", "user", "add", "newclerk", "--role", "clerk"])
    assert code == 2 and "at least 10" in capsys.readouterr().err
    assert dump(office) == before
    monkeypatch.setenv("AUDIT_WORKBENCH_NEW_PASSWORD", "a-clerk-of-2026")
    assert main(["--db", str(office), "--user", "admin", "user", "add", "newclerk", "--role", "clerk"]) == 0
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", "a-clerk-of-2026")
    assert main(["--db", str(office), "--user", "newclerk", "case", "list"]) == 0


def test_user_unlock_by_command(
    office: Path | str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # failed tries stamped a day ahead: the delay they leave has not passed for the command line
    ahead = datetime.now(UTC) + timedelta(days=1)
    s = Services.open(office, hasher=FAST_HASHER, clock=lambda: ahead)
    try:
        for _ in range(4):
            with pytest.raises(Refused):
                s.users.login("clerk", "wrong-password")
    finally:
        s.close()
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    capsys.readouterr()
    assert main(["--db", str(office), "--user", "clerk", "case", "list"]) == 2
    assert "wait" in capsys.readouterr().err
    assert main(["--db", str(office), "--user", "clerk", "user", "unlock", "clerk"]) == 2
    assert main(["--db", str(office), "--user", "admin", "user", "unlock", "clerk"]) == 0
    assert main(["--db", str(office), "--user", "clerk", "case", "list"]) == 0
