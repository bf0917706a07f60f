"""Small helpers the renderers share: languages, dates, points and the labels of ids."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

LANGS = ("zh", "en")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Ids the services put into the models, in both languages.
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "certificate_status": {
        "valid": ("有效", "Valid"),
        "suspended": ("暂停", "Suspended"),
        "withdrawn": ("撤销", "Withdrawn"),
        "expired": ("过期失效", "Expired"),
        "superseded": ("已换证", "Superseded"),
        "cancelled": ("注销", "Cancelled"),
    },
    "decision": {
        "approve": ("批准", "Approve"),
        "lower": ("降级批准", "Approve a lower grade"),
        "return": ("退回", "Return"),
        "reject": ("不予认证", "Reject"),
    },
    "enterprise_type": {
        "production": ("生产型", "Production"),
        "sales": ("销售服务型", "Sales and service"),
    },
    "nonconformity_status": {
        "open": ("待整改", "Open"),
        "rectified": ("已整改待验证", "Rectified, to verify"),
        "verified": ("已验证", "Verified"),
        "closed": ("已关闭", "Closed"),
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def label(kind: str, value: str, lang: str) -> str:
    """The printed label of an id; an unknown id is printed as given."""
    pair = LABELS[kind].get(value)
    if pair is None:
        return value
    return pair[1] if lang == "en" else pair[0]


def pick(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" and en else zh


def fmt_date(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if lang == "en":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_points(value: Decimal | None) -> str:
    """2.5 → "2.5", 10 → "10", 87.25 → "87.25"; None → ""."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def fmt_decimal(value: Decimal | None, places: int) -> str:
    """Rounded half-up to a fixed number of places: fmt_decimal(93.846, 2) → "93.85"."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def fmt_one_decimal(value: Decimal | None) -> str:
    return fmt_decimal(value, 1)


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
