"""Small helpers the renderers share: languages, dates, points and the labels of ids."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from audit_workbench.core import vocabulary

LANGS = ("zh", "en")

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The ids the services put into the models are printed with the one vocabulary of the core
# (core/vocabulary.py), the same words the window and the command line use. These are the kinds the
# renderers name, mapped to the vocabulary's.
_KINDS = {
    "certificate_status": "certificate_state",
    "decision": "decision",
    "enterprise_type": "enterprise_type",
    "nonconformity_status": "nonconformity_status",
    "case_state": "case_state",
    "grade": "grade",
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def label(kind: str, value: str, lang: str) -> str:
    """The printed label of an id; an unknown id is printed as given."""
    return vocabulary.label(_KINDS[kind], value, lang)


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
