"""Numbers as people type them: "38,000", "３８０００", "3.8万", "￥38,000 元", "2,5".

One parser for the window, the command line and the package import, so a fee typed with a thousands
separator or on a Chinese input method in full-width digits is the same number everywhere, and the
rule lives in the core rather than in a widget.

- `parse_amount` reads a money amount or a count: full-width digits and punctuation, thousands
  separators (, ， and thin spaces), an optional ￥/¥/RMB sign or 元 after it, and the Chinese
  multipliers 万 (10⁴) and 亿 (10⁸). A comma followed by exactly three digits groups thousands; any
  other comma is refused rather than guessed.
- `parse_points` reads a score: full-width forms too, and a decimal comma ("2,5" is 2.5), since a
  score is never above 100 and has no thousands.

Both raise `NumberError` (English and Chinese) and never return NaN, infinity, or
a number of more than `MAX_INTEGER_DIGITS` digits before the point or (an amount) `MAX_DECIMALS` after it (a
40-digit fee is refused here, the same on SQLite and PostgreSQL; each service then checks its own
range).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import BilingualError

MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_CURRENCY_BEFORE = ("RMB", "CNY", "￥", "¥")
_CURRENCY_AFTER = ("元", "RMB", "CNY")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_SPACES = {"\u00a0", "\u2009", "\u202f", " ", "\u3000"}
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 6


class NumberError(BilingualError):
    """Text that is not a number in any form the parsers take."""


class OutOfBounds(NumberError):
    """A number with more digits than any person types (before or after the point)."""


def normalize(text: str) -> str:
    """Full-width digits, signs and points as ASCII (NFKC), the ideographic full stop as a point,
    and no spaces."""
    folded = unicodedata.normalize("NFKC", str(text)).replace("。", ".").replace("，", ",")
    return "".join(ch for ch in folded if ch not in _SPACES and not ch.isspace())


def _refuse(text: str) -> NumberError:
    return NumberError(f"{text!r} is not a number", f"“{text}”不是数字")


def _bounded(number: Decimal, raw: object, *, decimals: bool = True) -> Decimal:
    """A finite number of a size a person types, and never a negative zero ("-0" is 0)."""
    if not number.is_finite():
        raise _refuse(str(raw))
    if number.is_zero():
        return number  # a "-0" keeps its sign: the services refuse it as negative
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise OutOfBounds(
            f"{raw!r} is too large (at most {MAX_INTEGER_DIGITS} digits before the point)",
            f"“{raw}”过大（整数部分最多 {MAX_INTEGER_DIGITS} 位）",
        )
    if decimals and -number.as_tuple().exponent > MAX_DECIMALS:  # type: ignore[operator]
        raise OutOfBounds(
            f"{raw!r} has more than {MAX_DECIMALS} digits after the point",
            f"“{raw}”的小数位数超过 {MAX_DECIMALS} 位",
        )
    return number


def parse_amount(text: object) -> Decimal:
    """A money amount or a count as typed: "38,000" → 38000, "３８０００" → 38000, "3.8万" → 38000."""
    if isinstance(text, bool):
        raise _refuse(str(text))
    if isinstance(text, Decimal | int):
        return _bounded(Decimal(text), text)
    raw = str(text)
    value = normalize(raw)
    upper = value.upper()
    for sign in _CURRENCY_BEFORE:
        if upper.startswith(sign):
            value, upper = value[len(sign) :], upper[len(sign) :]
            break
    for unit in _CURRENCY_AFTER:
        if upper.endswith(unit):
            value, upper = value[: -len(unit)], upper[: -len(unit)]
            break
    multiplier = Decimal(1)
    if value[-1:] in MULTIPLIERS:
        multiplier = MULTIPLIERS[value[-1]]
        value = value[:-1]
    if "," in value:
        if not _GROUPED.match(value):
            raise _refuse(raw)
        value = value.replace(",", "")
    if not _PLAIN.match(value):
        raise _refuse(raw)
    try:
        number = _bounded(Decimal(value) * multiplier, raw)
    except InvalidOperation:
        raise _refuse(raw) from None
    # 3.8万 is 38000, not 38000.0 (and never the exponent form 3.8E+4)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def parse_points(text: object) -> Decimal:
    """A score as typed: "2.5", "2,5", "２．５" → 2.5."""
    if isinstance(text, bool):
        raise _refuse(str(text))
    if isinstance(text, Decimal | int):
        return _bounded(Decimal(text), text, decimals=False)
    if isinstance(text, float):
        return _bounded(Decimal(str(text)), text, decimals=False)
    raw = str(text)
    value = normalize(raw).replace(",", ".")
    if not _PLAIN.match(value):
        raise _refuse(raw)
    return _bounded(Decimal(value), raw, decimals=False)  # a score's step refuses 0.30000000000000004
