"""The `audit-workbench` command: the GUI with no arguments, the headless CLI with a subcommand.

The CLI is a thin layer over the services, like the GUI. It must not import Qt, so headless commands
start fast. Refusals print one line on stderr (a JSON object under --json) and exit 2; internal
errors exit 1. Each area's commands live in their own module and register themselves here.

Every command logs in before its function runs (`--user`, the password from
$AUDIT_WORKBENCH_PASSWORD or a prompt) and is asked against the policy table for what it reads
(`reads=`, `view_records` unless said): one place, `_log_in`, decides, from what each command was
registered with. Only a command registered `public=` (True, or a test of its arguments) runs
without a user: making a new database, reading the installed rubrics, the public key and a
certificate, the policy table itself, and the window (which has its own login).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ..core.errors import Refused, set_language
from ..core.policy import Action
from ..core.startup import pause_collector, resume_collector
from .common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_REFUSED,
    PASSWORD_ENV,
    CliError,
    Context,
    Public,
    json_text,
    one_line,
)

__all__ = ["build_parser", "main", "run", "start_password_check"]


def cmd_gui(ctx: Context) -> int:
    try:
        from ..ui.start import load_services

        load_services(getattr(ctx.args, "page", None))  # before PySide6 (ui.start says why)
        from ..ui.app import run_gui
    except ImportError as exc:
        raise CliError(f"the desktop window is not available in this build ({exc})", "no_gui") from None
    ctx.args.hasher = ctx.hasher
    return run_gui(ctx.args)


def _no_command(parser: argparse.ArgumentParser) -> Callable[[Context], int]:
    """No subcommand: make the demo database if asked, then open the window (or show help headless)."""

    def run(ctx: Context) -> int:
        from ..storage.db import exists

        if ctx.args.demo and not exists(ctx.db):
            from .admin import cmd_demo

            cmd_demo(ctx)
        try:
            import importlib.util

            has_gui = importlib.util.find_spec("audit_workbench.ui.app") is not None
        except ImportError:
            has_gui = False
        if has_gui:
            return cmd_gui(ctx)
        parser.print_help()
        return EXIT_OK

    return run


def _globals(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        default=default,
        metavar="PATH_OR_URL",
        help="database file or SQLAlchemy URL (default: audit-workbench.sqlite3 in the user data folder)",
    )
    parser.add_argument(
        "--user",
        default=default,
        metavar="NAME",
        help="act as this user (password from $AUDIT_WORKBENCH_PASSWORD)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="machine-readable output",
    )
    parser.add_argument("--lang", default=default, choices=["zh", "en"], help="language of messages")
    if not suppress:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="with no subcommand: create the default database with demo data if it does not exist yet",
        )


# Who registers what, in the order of `--help`: (module, its register function, the top-level
# commands and groups it registers, aliases included). "" is the `gui` command, registered here.
# `main` builds only the one named on the command line; `build_parser()` builds them all
# (tests/cli/test_lazy_parser.py checks each lazy tree against the full one, and that this table
# names every top-level command).
_REGISTRARS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "register_setup", ("init", "demo")),
    ("", "", ("gui",)),
    ("admin", "register_users", ("user",)),
    ("rubrics", "register", ("rubric",)),
    ("cases", "register", ("case", "material")),
    ("orgs", "register", ("org",)),
    ("audits", "register", ("audit", "review", "score", "evidence", "nc", "committee")),
    ("certificates", "register", ("certificate", "sheet", "report", "register")),
    ("packages", "register", ("package",)),
    ("custody", "register", ("keys", "log", "backup", "restore")),
    ("people", "register", ("person", "coi", "declaration")),
    ("complaints", "register", ("complaint", "appeal")),
    ("admin", "register", ("setting", "settings", "policy")),
)
_TOP_LEVEL = frozenset(name for _, _, names in _REGISTRARS for name in names)
# The options before the command that take a value, and those that take none (`-h` and any
# abbreviation are left to the full parser).
_VALUE_OPTIONS = ("--db", "--user", "--lang")
_FLAG_OPTIONS = ("--json", "--demo")


class _Unbuilt:
    """What a command or group not named on the command line gets instead of its parser: it takes
    every call and builds nothing."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self


_UNBUILT = _Unbuilt()


def command_named(argv: Sequence[str]) -> str | None:
    """The top-level command `argv` names, when it is plain to see (the global options before it
    spelt out in full); None when it is not, or names no known command: the full parser decides."""
    tokens = iter(argv)
    for token in tokens:
        if token in _VALUE_OPTIONS:
            next(tokens, None)
        elif token in _FLAG_OPTIONS or token.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            continue
        elif token.startswith("-"):
            return None
        else:
            return token if token in _TOP_LEVEL else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command (`--help`, the doors test), or with `only` the
    command or group of that name alone (what `main` parses a command with: the other 117
    sub-parsers cost more than many commands' own work)."""
    parser = argparse.ArgumentParser(
        prog="audit-workbench",
        description="Audit Workbench — GB/T 27922 商品售后服务评价体系认证 workbench. "
        "With no subcommand it opens the desktop window.",
    )
    _globals(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _globals(common, suppress=True)

    def wanted(name: str, aliases: Sequence[str]) -> bool:
        return only is None or only == name or only in aliases

    def add(
        name: str,
        func: Callable[[Context], int],
        help: str,
        parent: Any = sub,
        *,
        public: Public = False,
        reads: Action = Action.view_records,
        aliases: Sequence[str] = (),
        prepare: Sequence[str] = (),
    ) -> argparse.ArgumentParser:
        if parent is _UNBUILT or (parent is sub and not wanted(name, aliases)):
            return _UNBUILT  # type: ignore[return-value]
        p = parent.add_parser(name, help=help, parents=[common], description=help, aliases=aliases)
        # prepare: the services the command will use, made ready while the password is checked
        p.set_defaults(func=func, public=public, reads=reads, prepare=tuple(prepare))
        return p

    def group(name: str, help: str, aliases: Sequence[str] = ()) -> Any:
        if not wanted(name, aliases):
            return _UNBUILT
        p = sub.add_parser(name, help=help, description=help, aliases=aliases)
        return p.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)

    for module, function, names in _REGISTRARS:
        if only is not None and only not in names:
            continue
        if module:
            register = getattr(importlib.import_module(f"{__name__}.{module}"), function)
            register(add, group)
            continue
        p = add("gui", cmd_gui, "open the desktop window", public=True)  # the window asks who acts
        p.add_argument(
            "--page",
            default="dashboard",
            help="dashboard, cases, register, people, complaints, settings, case:CASE_NO, "
            "scoring:CASE_NO, committee:CASE_NO, certificate:CASE_NO",
        )
        p.add_argument("--screenshot", metavar="FILE.png", help="render the page to a PNG and exit")
        p.add_argument("--force", action="store_true", help="replace an existing screenshot file")
    return parser


def _log_in(ctx: Context) -> None:
    """Before any command that is not public: log in, and ask the policy table whether this user
    may read what the command reads (what it writes, its service asks)."""
    public = getattr(ctx.args, "public", True)
    if public is True or (callable(public) and public(ctx)):
        return
    services = ctx.services()  # a database that is not there is named first
    services.prepare_in_background(getattr(ctx.args, "prepare", ()))
    services.users.allow(ctx.actor(), ctx.args.reads)


def _check_password_early(args: argparse.Namespace, hasher: Any) -> None:
    """A command that will log in (and the window, which logs in without its dialog when given
    --user and the password) has the password checked while the program loads."""
    opens_window = args.func is cmd_gui or getattr(args, "command", None) is None
    if args.public is not False and not opens_window:
        return  # a public command does not log in (a laptop's first import may not either)
    start_password_check(getattr(args, "db", None), getattr(args, "user", None), hasher)


def start_password_check(db: str | None, user: str | None, hasher: Any = None) -> bool:
    """With --user and $AUDIT_WORKBENCH_PASSWORD: argon2 checks the password on a thread now, while
    the program loads the store and the services it logs in with, about 0.3 s (storage.prelogin;
    the login itself still reads the user and decides). True if a check was started."""
    password = os.environ.get(PASSWORD_ENV)
    if not user or password is None:
        return False
    from ..storage import prelogin

    return prelogin.start(db, user, password, hasher)


def main(argv: Sequence[str] | None = None, *, hasher: Any = None) -> int:
    """Run the command line. `hasher`: the password hasher (argon2's recommended parameters unless
    the caller gives another)."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or os.environ.get("AUDIT_WORKBENCH_LANG")
    if lang:
        set_language(lang)
    as_json = bool(getattr(args, "json", False))
    ctx = Context(args, hasher=hasher)
    if getattr(args, "command", None) is None:
        args.func = _no_command(parser)
        args.public = True
        args.page = "dashboard"
        args.screenshot = None
    _check_password_early(args, hasher)
    try:
        _log_in(ctx)
        if args.func is not cmd_gui and getattr(args, "command", None) is not None:
            resume_collector()  # the window resumes it after its first paint
        return args.func(ctx)
    except (Refused, CliError) as exc:
        message = str(exc)
        code = exc.code
        if as_json:
            print(json_text({"error": message, "code": code}), file=sys.stderr)
        else:
            print(f"audit-workbench: {one_line(message)}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except Exception as exc:  # an internal error: say so plainly, with the type, and exit 1
        from ..services.base import busy_refusal, is_busy

        if is_busy(exc):  # a write outside a use case's transaction met another program's lock
            busy = busy_refusal()
            print(
                json_text({"error": str(busy), "code": busy.code}) if as_json else f"audit-workbench: {busy}",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        if as_json:
            print(
                json_text({"error": f"internal error: {exc.__class__.__name__}: {exc}", "code": "internal"}),
                file=sys.stderr,
            )
        else:
            print(
                f"audit-workbench: internal error: {exc.__class__.__name__}: {one_line(str(exc))}",
                file=sys.stderr,
            )
        if os.environ.get("AUDIT_WORKBENCH_DEBUG"):
            raise
        return EXIT_INTERNAL
    finally:
        ctx.close()


def run() -> NoReturn:
    """The `audit-workbench` program: `main`, with the cycle collector paused while it starts
    (core.startup), then the exit. The heap is frozen first (gc.freeze):
    what is left is the process's to the end and the system takes it back at once, so Python's last
    full collection at exit, which walks every object the program made (SQLAlchemy's mappers and
    caches, the services: about 0.1 s of every command), has nothing to do. Output is flushed and
    exit handlers run as ever. Not in `main`, which tests call many times in one process."""
    pause_collector()  # resumed once logged in (core.startup)
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
