"""CNCA's monthly certification report (认证认可业务信息统一上报): the pure rules the report's cells
follow, and its template and code tables as data.

`resources/cnca-template.yaml` holds the template's sheets (name, code, columns in CNCA's order
with the description rows), `resources/cnca-codes.yaml` the code tables. Both are validated with
pydantic when loaded (`core.cnca_files`), so a body that corrects a code gets a clear error, not a
wrong report. Their names (`Template`, `CodeTables`, `load_template`, `load_codes`, …) are found
here too, loaded on first use: the dashboard asks only whether a report is due (`DEADLINE_DAY`) and
need not load pydantic for it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import Refused

if TYPE_CHECKING:  # the names `__getattr__` below finds (re-exported for the type checker)
    from .cnca_files import Code as Code
    from .cnca_files import CodeTables as CodeTables
    from .cnca_files import Column as Column
    from .cnca_files import Sheet as Sheet
    from .cnca_files import Template as Template
    from .cnca_files import load_codes as load_codes
    from .cnca_files import load_template as load_template

CERTIFICATES, RESULTS, PLANS = "103010", "103011", "102010"
DATA_ROW, DATA_COLUMN = 8, 3  # data starts at cell C8
DEADLINE_DAY = 10  # a month's data is due by the 10th of the following month
LIST_SEPARATOR = "；"  # several values in one cell: a full-width semicolon
PART_SEPARATOR = "，"  # parts of one value (a team member): a full-width comma


_FILES = ("Code", "CodeTables", "Column", "Sheet", "Template", "load_codes", "load_template")


def __getattr__(name: str) -> Any:
    """The template's and the code tables' models, from `core.cnca_files` on first use (PEP 562)."""
    if name in _FILES:
        from . import cnca_files

        return getattr(cnca_files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- organisation codes from the unified social credit code ----------------------------------------


def organization_code(credit_code: str) -> str:
    """The 9-character 组织机构代码: characters 9–17 of the credit code (GB 32100)."""
    return credit_code.strip().upper()[8:17]


def district_code(credit_code: str) -> str:
    """The 6-digit 行政区划代码 of the registering authority: characters 3–8 of the credit code."""
    return credit_code.strip().upper()[2:8]


def check_organization_code(credit_code: str, value: str) -> str:
    """The organisation code as entered, refused when it contradicts the credit code."""
    text = value.strip().upper().replace("-", "")
    expected = organization_code(credit_code)
    if text != expected:
        raise Refused(
            "org_code_contradicts",
            f"organisation code {value.strip()!r} contradicts credit code {credit_code}: "
            f"its characters 9–17 make {expected}",
            f"组织机构代码“{value.strip()}”与统一社会信用代码 {credit_code} 不符：其第 9–17 位为 {expected}",
        )
    return text


def check_district(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"\d{6}", text):
        raise Refused(
            "bad_district",
            f"administrative division code {text!r} must be 6 digits (GB/T 2260)",
            f"行政区划代码“{text}”应为 6 位数字（GB/T 2260）",
        )
    return text


def check_industry(value: str) -> str:
    """GB/T 4754 4-digit classes, several separated by the full-width semicolon."""
    parts = [p.strip() for p in re.split(r"[;；]", value) if p.strip()]
    if not parts or any(not re.fullmatch(r"\d{4}", p) for p in parts):
        raise Refused(
            "bad_industry",
            f"industry code {value.strip()!r} must be GB/T 4754 4-digit classes, several separated by ；",
            f"行业代码“{value.strip()}”应为 GB/T 4754 的 4 位小类代码，多个用全角分号分隔",
        )
    return LIST_SEPARATOR.join(parts)


def check_phone(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"[0-9+()\- ；;]{5,50}", text):
        raise Refused(
            "bad_phone",
            f"phone number {text!r} may hold digits, + ( ) - and spaces only (5 to 50 characters)",
            f"电话号码“{text}”只能包含数字、+ ( ) - 和空格（5 到 50 个字符）",
        )
    return text


# -- months ------------------------------------------------------------------------------------------


def parse_month(text: str, today: date) -> tuple[int, int]:
    """YYYY-MM, not after the current month (a month's activity is reported once it happened)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise Refused("bad_month", f"{text!r} is not a month (YYYY-MM)", f"“{text}”不是月份（格式 YYYY-MM）")
    year, month = int(match.group(1)), int(match.group(2))
    if (year, month) > (today.year, today.month):
        raise Refused(
            "future_month",
            f"{text} is in the future: a month is reported once its activity happened",
            f"{text} 尚未到来：只能上报已发生的月份",
        )
    return year, month


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def previous_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


# -- cells -------------------------------------------------------------------------------------------

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff\u00a0\u3000]")


def clean(value: object) -> str:
    """A cell as CNCA wants it: text trimmed of leading/trailing whitespace and invisible characters."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _INVISIBLE.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\n")
    return text.strip()


def number(value: object) -> str:
    """A certificate or other number: upper case, no spaces."""
    return re.sub(r"\s+", "", clean(value)).upper()


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def day_time(value: date | None, hour: int) -> str:
    """`YYYY-MM-DD hh:00:00`, the form the plan and result sheets want."""
    return "" if value is None else f"{value.isoformat()} {hour:02d}:00:00"
