"""Checks every service shares: text and reasons as users type them, the actor's stored roles, and
the rubric a case is pinned to.

One public module, so that no service reaches into another's private helpers. The rules of the audit
itself (entries, special items, conclusions, the committee tally) are pure functions in
`core.audit_rules`; this module holds what needs the services' own values (an `Actor`, a `LoadedRubric`).
"""

from __future__ import annotations

from ..core import audit_rules
from ..core.errors import Refused
from ..core.policy import Role
from ..core.rubric import LoadedRubric

TEXT_LIMIT = 4000


def text(value: str | None, what: str, zh: str, *, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    """A text field as the user typed it, trimmed: refused when required and empty, or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise Refused("missing_value", f"{what} is required", f"{zh}不能为空")
    if len(cleaned) > limit:
        raise Refused("too_long", f"{what} is longer than {limit} characters", f"{zh}超过 {limit} 个字符")
    return cleaned


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
    audit_rules.rubric_unchanged(case_no, rubric_id, pinned_sha256, loaded.sha256)
