"""The laptop's side of the audit team: laptop accounts, sealed signing keys, the first login.

A checkout carries no office account: for each team member a name, a display name and a signing key
sealed with the member's one-time laptop code (team.json). The import makes a laptop account for a
member new to this laptop (roles: auditor; no password yet, `LAPTOP_CODE_HASH`) and keeps the sealed
key in the setting `laptop:keys` ({member: {checkout id: {public_key, wrapped, with}}}).

The member's first login gives the code as the password: it opens the key(s) sealed with it, and the
laptop password the member sets then (or, on a laptop where the member has one already, confirms)
seals them again (`with: "password"`). From then on the laptop password logs in as usual, and a
return is signed with the key it opens. The laptop accounts and their passwords exist only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core.policy import Role
from ...storage import models as m
from ..laptop import DISABLED_PASSWORD, LAPTOP_CODE_HASH, laptop_keys, save_laptop_keys
from .results import PackageChange
from .wire import TeamDoc

if TYPE_CHECKING:
    from ..base import Tx


def install_team(tx: Tx, team: TeamDoc, checkout: str) -> list[PackageChange]:
    """Laptop accounts for the members new here and every member's sealed key of this checkout;
    the other people the records name as inactive names. Existing laptop accounts stay as they are."""
    session = tx.session
    keys = laptop_keys(session)
    changes = []
    for member in team.members:
        user = session.scalar(select(m.User).where(m.User.name == member.name))
        after = {"roles": Role.auditor.value, "display_name": member.display_name, "active": True}
        if user is None or user.password_hash == DISABLED_PASSWORD:
            if user is None:
                user = m.User(name=member.name, failed_logins=0, created_at=tx.now)
                session.add(user)
            user.display_name = member.display_name
            user.password_hash = LAPTOP_CODE_HASH
            user.roles = Role.auditor.value
            user.active = True
            tx.record("user.laptop", "user", member.name, after=after, reason="member of the audit team")
            changes.append(
                PackageChange("", "account", member.name, f"account {member.name}", "create", None, after)
            )
        keys.setdefault(member.name, {})[checkout] = {
            "public_key": member.public_key,
            "wrapped": member.wrapped_key.model_dump(mode="json"),
            "with": "code",
        }
    for name in team.others:
        if session.scalar(select(m.User.id).where(m.User.name == name)) is None:
            # Named in the case's records (a committee member's vote, a former reviewer): the name only,
            # inactive, no roles, no password.
            session.add(
                m.User(
                    name=name,
                    display_name=name,
                    password_hash=DISABLED_PASSWORD,
                    roles="",
                    active=False,
                    failed_logins=0,
                    created_at=tx.now,
                )
            )
            tx.record("user.reference", "user", name, after={"active": False, "roles": ""})
    save_laptop_keys(session, keys)
    session.flush()
    return changes


def preview_team(session: Session | None, team: TeamDoc) -> list[PackageChange]:
    """The laptop accounts an import of `team` would make."""
    out = []
    for member in team.members:
        user = (
            session.scalar(select(m.User).where(m.User.name == member.name)) if session is not None else None
        )
        if user is None or user.password_hash == DISABLED_PASSWORD:
            after = {"roles": Role.auditor.value, "display_name": member.display_name, "active": True}
            out.append(
                PackageChange("", "account", member.name, f"account {member.name}", "create", None, after)
            )
    return out
