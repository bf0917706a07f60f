"""The 18-character unified social credit code (统一社会信用代码) of GB 32100-2015."""

from __future__ import annotations

from .errors import BilingualError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(BilingualError):
    """A credit code that is not valid; the message says which rule it breaks."""


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100 §4, modulus 31)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return code.strip().upper()


def validate(code: str) -> str:
    """Return the normalised code or raise CreditCodeError naming the problem."""
    code = normalize(code)
    if len(code) != 18:
        raise CreditCodeError(
            f"unified social credit code must have 18 characters, not {len(code)}",
            f"统一社会信用代码应为 18 位，而不是 {len(code)} 位",
        )
    for pos, ch in enumerate(code, start=1):
        if ch not in ALPHABET:
            raise CreditCodeError(
                f"character {pos} ({ch!r}) is not allowed in a unified social credit code",
                f"第 {pos} 位字符“{ch}”不允许出现在统一社会信用代码中",
            )
    if not code[2:8].isdigit():
        raise CreditCodeError(
            "characters 3–8 must be the administrative division code (digits)",
            "第 3–8 位应为行政区划码（数字）",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"check character is {code[17]!r}, expected {expected!r}",
            f"校验位应为“{expected}”，而不是“{code[17]}”",
        )
    return code


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def complete(first17: str) -> str:
    """The full code for 17 characters (used to make demo and test data)."""
    first17 = normalize(first17)
    return first17 + check_character(first17)
