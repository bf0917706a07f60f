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

Both raise `NumberError` (English and Chinese) and never return NaN or infinity.
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


class NumberError(BilingualError):
    """Text that is not a number in any form the parsers take."""


def normalize(text: str) -> str:
    """Full-width digits, signs and points as ASCII (NFKC), the ideographic full stop as a point,
    and no spaces."""
    folded = unicodedata.normalize("NFKC", str(text)).replace("。", ".").replace("，", ",")
    return "".join(ch for ch in folded if ch not in _SPACES and not ch.isspace())


def _refuse(text: str) -> NumberError:
    return NumberError(f"{text!r} is not a number", f"“{text}”不是数字")


def parse_amount(text: object) -> Decimal:
    """A money amount or a count as typed: "38,000" → 38000, "３８０００" → 38000, "3.8万" → 38000."""
    if isinstance(text, Decimal | int):
        return Decimal(text)
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
        number = Decimal(value) * multiplier
    except InvalidOperation:
        raise _refuse(raw) from None
    if not number.is_finite():
        raise _refuse(raw)
    # 3.8万 is 38000, not 38000.0 (and never the exponent form 3.8E+4)
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def parse_points(text: object) -> Decimal:
    """A score as typed: "2.5", "2,5", "２．５" → 2.5."""
    if isinstance(text, Decimal | int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    raw = str(text)
    value = normalize(raw).replace(",", ".")
    if not _PLAIN.match(value):
        raise _refuse(raw)
    number = Decimal(value)
    if not number.is_finite():
        raise _refuse(raw)
    return number
