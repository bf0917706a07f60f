"""Checks every service shares: text and reasons as users type them, the actor's stored roles, and
the rubric a case is pinned to.

One public module, so that no service reaches into another's private helpers. The rules of the audit
itself (entries, special items, conclusions, the committee tally) are pure functions in
`core.audit_rules`; this module holds what needs the services' own values (an `Actor`, a `LoadedRubric`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core import text as core_text
from ..core.errors import Refused
from ..core.policy import Role

if TYPE_CHECKING:  # the rubric models (and pydantic) load with the first rubric, not with every service
    from ..core.rubric import LoadedRubric

TEXT_LIMIT = core_text.TEXT
FILE_NAME = 255


def text(value: str | None, what: str, zh: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    """A multi-line text field (a note, a finding, a reason) as the user typed it, trimmed: refused
    when required and empty, too long, or holding control or text-direction characters other than
    tab and newline (core.text)."""
    return _cleaned(value, what, zh, limit=limit, required=required, multiline=True)


def line(value: str | None, what: str, zh: str, *, required: bool = True, limit: int = core_text.LINE) -> str:
    """A single-line text field (a name, an address, a contract number): as `text`, and no tab or
    line break either."""
    return _cleaned(value, what, zh, limit=limit, required=required, multiline=False)


def _cleaned(value: str | None, what: str, zh: str, *, limit: int, required: bool, multiline: bool) -> str:
    try:
        return core_text.clean(value, what, zh, limit=limit, required=required, multiline=multiline)
    except core_text.TextError as exc:
        raise Refused(exc.code, str(exc), exc.zh) from None


def file_name(path: Path) -> str:
    """The name a material or evidence file is stored and printed under: one line, no control or
    text-direction characters."""
    return line(Path(path).name, "the file name", "文件名", limit=FILE_NAME)


def reason(value: str | None) -> str:
    """The reason a change needs (withdrawal, removal, suspension …)."""
    return text(value, "a reason", "原因")


def stored_roles(name: str, roles: str | None, active: bool) -> frozenset[Role]:
    """A user's roles as their stored row has them (`roles` None: no such user); an inactive or
    missing user holds none and is refused."""
    if roles is None or not active:
        raise Refused("inactive_user", f"user {name} is not active", f"用户 {name} 已停用")
    return frozenset(Role(r) for r in roles.split(",") if r)


def rubric_unchanged(case_no: str, rubric_id: str, pinned_sha256: str, loaded: LoadedRubric) -> None:
    """The rubric file loaded for a case is the one it was opened with (core.audit_rules)."""
    from ..core import audit_rules

    audit_rules.rubric_unchanged(case_no, rubric_id, pinned_sha256, loaded.sha256)
