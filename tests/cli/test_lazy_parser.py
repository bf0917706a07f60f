"""`main` builds only the parser of the command named on the command line: the same commands, the
same arguments and the same errors as the full tree that `--help` and the doors test see."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from audit_workbench.cli import _REGISTRARS, build_parser, command_named, main


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _describe(parser: argparse.ArgumentParser) -> Any:
    """Everything a user meets in a parser: its usage, options and positionals, defaults, and its
    sub-parsers in order, each described the same way."""
    actions = []
    for a in parser._actions:
        if isinstance(a, argparse._SubParsersAction):
            actions.append(
                (
                    "sub",
                    a.dest,
                    a.required,
                    [(c.dest, c.help) for c in a._choices_actions],
                    {name: _describe(p) for name, p in a.choices.items()},
                )
            )
        else:
            kind = getattr(a.type, "__name__", repr(a.type))
            actions.append(
                (
                    type(a).__name__,
                    a.option_strings,
                    a.dest,
                    a.nargs,
                    a.choices,
                    a.default,
                    a.required,
                    a.help,
                    kind,
                )
            )
    defaults = {k: getattr(v, "__qualname__", v) for k, v in parser._defaults.items()}  # closures: by name
    return (parser.prog, parser.description, parser.format_usage(), defaults, actions)


FULL = build_parser()
TOP = _subparsers(FULL).choices


def test_the_table_names_every_top_level_command_once() -> None:
    named = [n for _, _, names in _REGISTRARS for n in names]
    assert sorted(named) == sorted(TOP)
    assert len(named) == len(set(named))


@pytest.mark.parametrize("name", sorted(TOP))
def test_each_lazy_tree_equals_its_part_of_the_full_tree(name: str) -> None:
    lazy = build_parser(name)
    lazy_top = _subparsers(lazy).choices
    assert name in lazy_top
    assert _describe(lazy_top[name]) == _describe(TOP[name])
    # the global options and the top-level usage are the same too
    assert lazy.format_usage() == FULL.format_usage()
    assert set(lazy_top) <= set(TOP)


def test_the_command_named_is_found_past_the_global_options() -> None:
    assert command_named(["--db", "x.sqlite3", "--user", "li", "--json", "case", "list"]) == "case"
    assert command_named(["--db=x", "--lang", "en", "settings", "list"]) == "settings"
    assert command_named(["--user", "case", "rubric", "list"]) == "rubric"  # "case" is a user's name
    # anything not plain goes to the full parser
    for argv in ([], ["--help"], ["-h"], ["--us", "li", "case"], ["nonsense"], ["--", "case"]):
        assert command_named(argv) is None


def _exit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _full_exit(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str, str]:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_an_unknown_command_or_action_reads_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["nonsense"], ["case", "nonsense"], ["--user", "li", "score"], ["case", "show"]):
        code, out, err = _exit(argv, capsys)
        assert (code, out, err) == _full_exit(argv, capsys)
        assert code == 2
        assert err.startswith("usage: audit-workbench")
    code, _, err = _exit(["nonsense"], capsys)
    assert "invalid choice: 'nonsense'" in err and "'case'" in err and "'policy'" in err


def test_help_of_a_group_and_of_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _exit(["case", "--help"], capsys)
    assert code == 0
    assert (code, out) == _full_exit(["case", "--help"], capsys)[:2]
    for action in ("new", "submit", "accept", "list", "show"):
        assert action in out
    code, out, _ = _exit(["--help"], capsys)
    assert code == 0
    for command in TOP:
        assert command in out


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [parser]
    return [leaf for p in dict.fromkeys(subs[0].choices.values()) for leaf in _leaves(p)]


def test_what_a_command_prepares_during_the_login_names_real_services() -> None:
    """A misspelt name would prepare nothing, silently: the login would just be slower again."""
    import importlib

    prepared = {name for leaf in _leaves(FULL) for name in leaf.get_default("prepare") or ()}
    assert {"cases", "audits", "rubrics"} <= prepared
    for name in prepared - {"rubrics"}:
        importlib.import_module(f"audit_workbench.services.{name}")


def test_a_preparation_that_fails_raises_nothing_on_its_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread swallows its error: the command imports the module itself and reports there."""
    import threading

    from audit_workbench.services import Services

    errors: list[object] = []
    monkeypatch.setattr(threading, "excepthook", errors.append)
    Services.prepare_in_background(["no_such_service"])
    for t in threading.enumerate():
        if t.name == "prepare-services":
            t.join(5)
            assert not t.is_alive()
    assert errors == []
