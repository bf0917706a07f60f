"""Four eyes on power: which role grants wait for a second admin, who may approve them, and when a
certificate's chain was built by one hand (pure rules; services.grants and services.oversight apply
them to the records).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .policy import Action, Denial, Role, explain

# Granting these roles, where the body has two or more active admins, waits for a second admin.
FOUR_EYES_ROLES: frozenset[Role] = frozenset({Role.admin, Role.committee})
# A certificate whose every step was taken by accounts one person created or granted within this
# many days before its issue is flagged (`one_hand_chain`).
ONE_HAND_DAYS = 30


class GrantStatus(StrEnum):
    granted = "granted"  # held from the grant on (no second admin was needed, or none existed)
    pending = "pending"  # waits for a second admin's approval: not held yet
    approved = "approved"  # held from the approval on


def needs_second_admin(role: Role, *, grantee: str, granter: str, active_admins: int) -> bool:
    """Whether granting `role` to `grantee` waits for a second admin: only where the body has two
    or more active admins (else nobody could approve), for admin and committee, and for any role
    an admin gives himself."""
    return active_admins >= 2 and (role in FOUR_EYES_ROLES or grantee == granter)


def grant_approval_denial(
    roles: Iterable[Role | str],
    actor_name: str,
    *,
    grant_id: int,
    status: str,
    granted_by: str | None,
    grantee: str,
) -> Denial | None:
    """Why `actor_name` may not approve this pending grant, or None: an admin, another than the one
    who granted it and than the one who receives it."""
    denial = explain(Action.manage_users, roles)
    if denial is not None:
        return denial
    if status != GrantStatus.pending:
        return Denial(
            "grant_not_pending",
            f"role grant {grant_id} is not waiting for approval ({status})",
            f"角色授予 {grant_id} 不在待批准状态",
        )
    if actor_name == granted_by:
        return Denial(
            "own_grant",
            f"you granted role grant {grant_id}: a second admin approves it",
            f"角色授予 {grant_id} 由您发起，须由另一名管理员批准",
        )
    if actor_name == grantee:
        return Denial(
            "own_role",
            f"role grant {grant_id} gives you a role: another admin approves it",
            f"角色授予 {grant_id} 授予的是您本人，须由另一名管理员批准",
        )
    return None


# -- one hand: a certificate's chain built by one person's fresh accounts -----------------------------


class Step(StrEnum):
    application = "application"  # created, submitted or accepted the application (clerk)
    audit = "audit"  # on the team, reviewed, scored, concluded (auditor)
    vote = "vote"  # voted in the committee (committee)
    issue = "issue"  # issued the certificate (clerk)


STEP_ROLE: dict[Step, Role] = {
    Step.application: Role.clerk,
    Step.audit: Role.auditor,
    Step.vote: Role.committee,
    Step.issue: Role.clerk,
}


@dataclass(frozen=True)
class GrantFact:
    """A role a user received: from whom, when, and who approved it (None: nobody needed to)."""

    user: str
    role: Role
    granted_by: str | None
    granted_at: datetime
    approved_by: str | None = None


def one_hand(
    steps: Sequence[tuple[Step, str]], grants: Iterable[GrantFact], at: datetime, days: int = ONE_HAND_DAYS
) -> str | None:
    """The one person who, within `days` before `at`, created or granted (without a second admin's
    approval) the role every account of the chain used at its step — when the chain has all four
    steps; else None."""
    if {step for step, _ in steps} != set(Step):
        return None
    by_key: dict[tuple[str, Role], list[GrantFact]] = {}
    for fact in grants:
        by_key.setdefault((fact.user, fact.role), []).append(fact)
    since = at - timedelta(days=days)
    hands: set[str | None] = set()
    for step, user in steps:
        held = [f for f in by_key.get((user, STEP_ROLE[step]), ()) if f.granted_at <= at]
        if not held:
            return None
        last = max(held, key=lambda f: f.granted_at)
        fresh = last.granted_at >= since and last.approved_by is None
        hands.add(last.granted_by if fresh else None)
        if None in hands or len(hands) > 1:
            return None
    return next(iter(hands)) if len(hands) == 1 else None


GRANT_RULES_TEXT = [
    "Granting roles (four eyes, `core/grants.py`):",
    "",
    "- Every role a user receives is recorded in `role_grants`: who granted it and when.",
    "- Where the body has two or more active admins, granting `admin` or `committee`, or any role to",
    "  oneself, creates a pending grant: the user holds the role only once a second admin approves it",
    "  (`user approve GRANT_ID`). Neither the admin who granted it nor the one who receives it approves.",
    f"- A certificate whose chain (application, audit, vote, issue) was taken entirely by accounts that "
    f"one person created or granted within {ONE_HAND_DAYS} days before the issue, without a second admin's "
    "approval, is flagged `one_hand_chain` on the dashboard and by `certificate check`.",
]
