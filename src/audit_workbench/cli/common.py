"""What every command shares: the context (database, acting user, output), errors and small parsers."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.policy import Action

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from ..services import Actor, Services

from ..core.text import terminal

EXIT_OK, EXIT_INTERNAL, EXIT_REFUSED = 0, 1, 2
MAX_RECORD_ID = 2**31 - 1  # an Integer key on PostgreSQL (and well inside SQLite's)
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PASSWORD_ENV = "AUDIT_WORKBENCH_PASSWORD"
NEW_PASSWORD_ENV = "AUDIT_WORKBENCH_NEW_PASSWORD"


# Whether a command runs without a user: True, or a test of its context (a laptop's first
# `package import`, which makes the database, has no one to log in as).
Public = bool | Callable[["Context"], bool]


class Add(Protocol):
    """Registers a command: `add(name, func, help, group)` returns its argument parser. Every command
    logs in before it runs unless registered `public`; `reads` is the policy action what it reads
    needs (`view_records` unless said); `prepare` names the services it will use, made ready on a
    thread while the password is checked (Services.prepare_in_background)."""

    def __call__(
        self,
        name: str,
        func: Callable[[Context], int],
        help: str,
        parent: Any = ...,
        *,
        public: Public = ...,
        reads: Action = ...,
        aliases: Sequence[str] = ...,
        prepare: Sequence[str] = ...,
    ) -> argparse.ArgumentParser: ...


class Group(Protocol):
    """Registers a command group (`case`, `score`, …) and returns where its actions are added."""

    def __call__(self, name: str, help: str, aliases: Sequence[str] = ...) -> Any: ...


class CliError(Exception):
    """Bad usage detected after parsing (exit 2)."""

    def __init__(self, message: str, code: str = "usage") -> None:
        super().__init__(message)
        self.code = code


def json_text(data: Any) -> str:
    """One JSON line; what a terminal would act on (C1 controls, bidi controls) as \\u escapes
    (json.dumps escapes the C0 controls itself), so a stored value cannot drive the terminal."""
    text = json.dumps(jsonable(data), ensure_ascii=False, indent=None, sort_keys=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def one_line(message: str) -> str:
    """A message as one terminal line: controls as visible escapes, line breaks as "\\n"."""
    return terminal(message).replace("\n", "\\n").replace("\t", " ")


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high` (a usage error, exit 2, otherwise;
    never an integer the database cannot hold)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high}")
        return value

    parse.__name__ = "whole number"
    return parse


record_id = bounded_int(1, MAX_RECORD_ID)


def jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)  # points and totals are 0.5 / 0.1 steps: exact as binary floats to print
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


class Context:
    # The password hasher the program's services use; None: argon2's recommended parameters. The
    # composition root (`main`) chooses; tests give a cheap one.
    hasher: PasswordHasher | None = None

    def __init__(self, args: argparse.Namespace, *, hasher: PasswordHasher | None = None) -> None:
        self.args = args
        self.json = bool(getattr(args, "json", False))
        self._services: Services | None = None
        self._actor: Actor | None = None
        if hasher is not None:
            self.hasher = hasher
        self.password: str | None = None  # the acting user's password, once logged in (to sign with)

    @property
    def db(self) -> str | None:
        return getattr(self.args, "db", None)

    def services(self) -> Services:
        """The services over --db. A database that is not there is refused, naming the path: only
        `init`, `demo`, `restore` and a laptop's first `package import` make one, on purpose."""
        if self._services is None:
            from ..services import Services
            from ..services.setup import require_database

            require_database(self.db)
            self._services = Services.open(self.db, hasher=self.hasher)
        return self._services

    def actor(self) -> Actor:
        """The logged-in user (logging in on the first call)."""
        if self._actor is None:
            self._actor = self._log_in()
        return self._actor

    def _log_in(self) -> Actor:
        name = getattr(self.args, "user", None)
        if not name:
            raise CliError(
                "this command needs --user NAME (password from $AUDIT_WORKBENCH_PASSWORD or a prompt)",
                "login_required",
            )
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise CliError(f"no password: set ${PASSWORD_ENV} or run in a terminal")
            password = getpass.getpass(f"password for {name}: ")
        from ..core.errors import Refused

        users = self.services().users
        try:
            actor = users.login(name, password)
        except Refused as exc:
            if exc.code not in ("new_password_required", "laptop_password_required"):
                raise
            # a laptop's first login with the one-time code: the laptop password is set now
            print(exc.message(), file=sys.stderr)
            laptop = laptop_password(f"laptop password for {name}: ")
            actor = users.login(name, password, new_password=laptop)
            password = laptop
        self.password = password
        return actor

    def out(self, data: Any, text: str | Callable[[], str]) -> None:
        if self.json:
            print(json_text(data))
        else:
            print(terminal(text() if callable(text) else text))

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def new_password(prompt: str, *, own: bool = False) -> str:
    """A new account's password: $AUDIT_WORKBENCH_NEW_PASSWORD or a prompt, never the acting user's
    own ($AUDIT_WORKBENCH_PASSWORD) — except for `init` (`own`), whose account is the one acting."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None and own:
        password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(
                f"no password for the new account: set ${NEW_PASSWORD_ENV} or run in a terminal",
                "new_password_required",
            )
        password = getpass.getpass(prompt)
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    return password


def laptop_password(prompt: str) -> str:
    """The laptop password a first login with a one-time code sets: $AUDIT_WORKBENCH_NEW_PASSWORD
    or a prompt (never the code itself, which $AUDIT_WORKBENCH_PASSWORD holds)."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise CliError(f"first login with a laptop code: set ${NEW_PASSWORD_ENV} or run in a terminal")
        password = getpass.getpass(prompt)
        if getpass.getpass("again: ") != password:
            raise CliError("the passwords differ")
    return password


def num(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def output_option(parser: argparse.ArgumentParser, metavar: str = "FILE", what: str = "file") -> None:
    """`-o/--output` and `--force`: every command that writes a file takes both, the same way."""
    parser.add_argument("-o", "--output", required=True, metavar=metavar)
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"replace an existing {what} (never the database or its attachments)",
    )


def check_output(ctx: Context, path: str) -> Path:
    """Refuse a bad output path before any work is done (the write checks it again)."""
    return ctx.services().outputs.check(path, force=bool(getattr(ctx.args, "force", False)))


def write_output(ctx: Context, path: str, data: bytes) -> Path:
    """Write an output file through the services' guard: not over an existing file without
    --force, never over the database, its -wal/-shm/-journal or into its attachments folder."""
    return ctx.services().outputs.write(path, data, force=bool(getattr(ctx.args, "force", False)))


def doc_lang(ctx: Context) -> str:
    return getattr(ctx.args, "lang", None) or "zh"


def words(kind: str, value: Any) -> str:
    """An id as the text output prints it: the id, and in Chinese (--lang zh) its words from the one
    vocabulary of the window and the documents ("certified 已发证"). JSON output keeps ids only."""
    from ..core import vocabulary
    from ..core.errors import language

    if value is None or value == "":
        return ""
    key = getattr(value, "value", value)
    if language() != "zh":
        return str(key)
    return f"{key} {vocabulary.label(kind, key, 'zh')}"
