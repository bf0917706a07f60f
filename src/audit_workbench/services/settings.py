"""Settings of the certification body, kept in the store (JSON values) with defaults."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import Refused
from ..core.policy import Action, require
from ..storage.models import Setting
from .base import Actor, Services

DEFAULTS: dict[str, Any] = {
    "body_name": "示例服务认证中心",
    "body_name_en": "Example Service Certification Centre",
    "body_address": "",
    "certificate_number_pattern": "AWB-{year}-{seq:05d}",
    "committee_quorum": 1,
    "language": "zh",
    "validity_years": 3,
    "nonconformity_days": 30,
    "font_path": "",
    # Years after a consultancy ended before its consultant may evaluate or decide on the organisation
    # again (the IAF rule is 2; a body may be stricter, never laxer).
    "consultancy_cooling_years": 2,
}


def _check(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise Refused(
            "bad_setting", f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}", f"未知设置 {key!r}"
        )
    if key == "committee_quorum" or key == "validity_years" or key == "nonconformity_days":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise Refused("bad_setting", f"{key} must be a whole number", f"{key} 必须是整数") from None
        if number < 1 or number > 99:
            raise Refused("bad_setting", f"{key} must be between 1 and 99", f"{key} 必须在 1 到 99 之间")
        return number
    if key == "consultancy_cooling_years":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise Refused("bad_setting", f"{key} must be a whole number", f"{key} 必须是整数") from None
        if number < 2 or number > 10:
            raise Refused(
                "bad_setting",
                f"{key} must be between 2 (the IAF rule) and 10",
                f"{key} 必须在 2（IAF 规则）到 10 之间",
            )
        return number
    if key == "certificate_number_pattern":
        text = str(value)
        try:
            a = text.format(year=2026, seq=1)
            b = text.format(year=2026, seq=2)
        except (KeyError, IndexError, ValueError) as exc:
            raise Refused(
                "bad_setting", f"certificate number pattern is invalid ({exc}); use {{year}} and {{seq}}"
            ) from None
        if a == b or "{seq" not in text or "{year" not in text:
            raise Refused(
                "bad_setting",
                "certificate number pattern must contain {year} and {seq}",
                "证书编号格式必须包含 {year} 和 {seq}",
            )
        return text
    if key == "language":
        if value not in ("zh", "en"):
            raise Refused("bad_setting", "language must be zh or en", "语言必须为 zh 或 en")
        return value
    return str(value)


class SettingsService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def all(self, session: Session | None = None) -> dict[str, Any]:
        if session is None:
            with self.s.read() as own:
                return self.all(own)
        stored = {
            row.key: json.loads(row.value) for row in session.scalars(select(Setting)) if row.key in DEFAULTS
        }
        return {**DEFAULTS, **stored}

    def get(self, key: str, session: Session | None = None) -> Any:
        """A setting's value; pass the session when inside a transaction."""
        if key not in DEFAULTS:
            raise KeyError(key)
        if session is None:
            with self.s.read() as own:
                return self.get(key, own)
        row = session.get(Setting, key)
        return DEFAULTS[key] if row is None else json.loads(row.value)

    def set(self, actor: Actor, key: str, value: Any) -> Any:
        value = _check(key, value)
        with self.s.tx(actor) as tx:
            require(Action.manage_settings, tx.roles())
            row = tx.session.get(Setting, key)
            before = DEFAULTS[key] if row is None else json.loads(row.value)
            if row is None:
                tx.session.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
            else:
                row.value = json.dumps(value, ensure_ascii=False)
            tx.record("setting.set", "setting", key, before=before, after=value)
        return value
