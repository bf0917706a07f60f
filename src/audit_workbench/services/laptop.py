"""The laptop's signing keys: a member's first login with the one-time code, and the key that signs
the results.

A checkout brings each team member's signing key sealed with the member's one-time laptop code
(services.packages.laptop keeps it in the setting `laptop:keys`). The member's first login gives the
code as the password: it opens the key(s) sealed with it, and the laptop password the member sets
then (or, on a laptop where the member has one already, confirms) seals them again. From then on the
laptop password logs in as usual, and opens the key that signs a return (`signing_keys`).

Called by the user service's login (`first_login`) and by the package export (`signing_keys`); it
reads and writes only the laptop's settings and the member's user row.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from ..core.errors import Refused
from ..storage import models as m

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from .base import Tx


LAPTOP_KEYS_KEY = "laptop:keys"  # {member: {checkout id: {public_key, wrapped, with: code|password}}}
# The password "hash" of a laptop account before its first login: the one-time code opens it (never
# an argon2 hash, so no password verifies against it).
LAPTOP_CODE_HASH = "!laptop-code"
DISABLED_PASSWORD = "!package-reference"  # a name a record mentions: never an account that logs in


def laptop_keys(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """The team's sealed signing keys on this laptop ({} in an office database)."""
    row = session.get(m.Setting, LAPTOP_KEYS_KEY)
    return {} if row is None else dict(json.loads(row.value))


def save_laptop_keys(session: Session, keys: Mapping[str, Any]) -> None:
    text = json.dumps(keys, ensure_ascii=False, sort_keys=True)
    row = session.get(m.Setting, LAPTOP_KEYS_KEY)
    if row is None:
        session.add(m.Setting(key=LAPTOP_KEYS_KEY, value=text))
    else:
        row.value = text


def has_code_keys(session: Session, name: str) -> bool:
    """Whether a one-time code still opens keys of `name` here (read without `cryptography`)."""
    return any(e.get("with") == "code" for e in laptop_keys(session).get(name, {}).values())


def first_login(
    tx: Tx,
    user: m.User,
    secret: str,
    new_password: str | None,
    *,
    hash_password: Callable[[str], str],
    verify_password: Callable[[str, str], bool],
    check_password: Callable[[str], None],
) -> bool:
    """A login with the one-time code: False when `secret` opens none of the member's sealed keys.

    Otherwise the laptop password `new_password` (required: `new_password_required` without it) is
    set — or, where the member has one here already, must be it — and seals the keys again.
    """
    from ..core import memberkeys

    if not memberkeys.looks_like_code(secret):
        return False
    code = memberkeys.normalize_code(secret)
    keys = laptop_keys(tx.session)
    mine = keys.get(user.name, {})
    opened: dict[str, Ed25519PrivateKey] = {}
    for checkout, entry in mine.items():
        if entry.get("with") != "code":
            continue
        try:
            opened[checkout] = memberkeys.unwrap(
                entry["wrapped"], code, memberkeys.context(checkout, user.name)
            )
        except memberkeys.WrongSecret:
            continue
    if not opened:
        return False
    has_password = user.password_hash not in (LAPTOP_CODE_HASH, DISABLED_PASSWORD)
    if new_password is None and has_password:
        raise Refused(
            "laptop_password_required",
            "your one-time code brings a new signing key: give your laptop password to keep it "
            "($AUDIT_WORKBENCH_NEW_PASSWORD or the prompt)",
            "一次性代码带来新的签名密钥：请输入本机密码以保存",
        )
    if new_password is None:
        raise Refused(
            "new_password_required",
            "first login on this laptop with your one-time code: set your laptop password "
            "($AUDIT_WORKBENCH_NEW_PASSWORD or the prompt)",
            "首次在本笔记本上使用一次性代码登录：请设置本机密码",
        )
    if memberkeys.normalize_code(new_password) == code:
        raise Refused(
            "weak_password", "the laptop password cannot be the one-time code", "本机密码不能与一次性代码相同"
        )
    if has_password:
        if not verify_password(user.password_hash, new_password):
            raise Refused("login_failed", "that is not your laptop password", "本机密码不正确")
    else:
        check_password(new_password)
        user.password_hash = hash_password(new_password)
        tx.record("user.laptop_password", "user", user.name, reason="first login with the one-time code")
    for checkout, key in opened.items():
        context = memberkeys.context(checkout, user.name)
        mine[checkout] = {
            **mine[checkout],
            "wrapped": memberkeys.wrap(key, new_password, context),
            "with": "password",
        }
        tx.record(
            "key.adopt",
            "user",
            user.name,
            after={"checkout": checkout, "key": memberkeys.fingerprint(mine[checkout]["public_key"])},
        )
    keys[user.name] = mine
    save_laptop_keys(tx.session, keys)
    return True


def signing_keys(
    session: Session, name: str, checkouts: Mapping[str, str], password: str | None
) -> dict[str, tuple[Ed25519PrivateKey, str]]:
    """The member's key for each checkout (`checkouts`: checkout id -> a case of it, for messages),
    opened with the laptop password: {checkout: (private key, public key)}."""
    from ..core import memberkeys

    mine = laptop_keys(session).get(name, {})
    out = {}
    for checkout, case_no in checkouts.items():
        entry = mine.get(checkout)
        if entry is None:
            raise Refused(
                "no_signing_key",
                f"no signing key was issued to {name} with the checkout of {case_no}: only a member of its "
                "audit team at checkout can sign its results",
                f"{name} 没有 {case_no} 带出时签发的签名密钥：只有带出时的评审组成员可以签署其结果",
            )
        if entry.get("with") != "password":
            raise Refused(
                "code_login_needed",
                f"log in once with the one-time code you were given for {case_no} before exporting",
                f"请先使用为 {case_no} 发放的一次性代码登录一次，再导出",
            )
        if password is None:
            raise Refused(
                "signing_password_required",
                "give your laptop password to sign the results",
                "请输入本机密码以签署评审结果",
            )
        try:
            key = memberkeys.unwrap(entry["wrapped"], password, memberkeys.context(checkout, name))
        except memberkeys.WrongSecret:
            raise Refused(
                "signing_failed",
                "your laptop password does not open your signing key",
                "本机密码无法打开您的签名密钥",
            ) from None
        out[checkout] = (key, str(entry["public_key"]))
    return out
