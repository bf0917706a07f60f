"""Text as users type it: one rule for what a stored text may hold, and how a text already stored is
shown safely.

Every service that stores text (organisation particulars, the application, notes, findings,
nonconformities, reasons, comments, people's records, display names) checks it here, through
`services.checks`, so the window, the command line and the package import refuse the same values:

- no control characters (C0, DEL, C1): a tab or a newline only in a multi-line field (a note, a
  finding, a reason); a carriage return is taken as a newline there;
- no bidirectional overrides, embeddings, isolates or marks (U+202A–202E, U+2066–2069, U+200E/F,
  U+061C), which make a printed name read otherwise than it is stored;
- no lone surrogates and no non-characters (U+FFFE, U+FFFF), which no XML document may hold;
- a length the documents can print (`LIMITS`).

Values stored before these rules may still hold such characters: `printable` makes a text safe for
an XML document (the .xlsx sheet and register), `terminal` for a terminal (the command line's output).
"""

from __future__ import annotations

import re

from .errors import BilingualError

# The lengths the documents can print, by kind of field (characters, after trimming).
LINE = 200  # a name, a contact, a single-line value
ADDRESS = 300
CODE = 64  # a contract number, a registration number
TEXT = 4000  # a note, a finding, a reason, a comment, a scope

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MULTILINE_ALLOWED = frozenset("\t\n")

# What an XML 1.0 document may not hold (openpyxl refuses these), plus the bidi controls.
_NOT_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + "".join(sorted(BIDI)) + "]"
)
# What a terminal would act on rather than show: every control but newline and tab, and the bidi controls.
_NOT_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI)) + "]")
REPLACEMENT = "\ufffd"


class TextError(BilingualError):
    """A text refused by `clean`; `code` is the refusal code the services raise."""

    def __init__(self, code: str, message: str, zh: str) -> None:
        super().__init__(message, zh)
        self.code = code


def forbidden(ch: str, *, multiline: bool) -> bool:
    """Whether a character may not be stored in a field (single-line unless `multiline`)."""
    if multiline and ch in _MULTILINE_ALLOWED:
        return False
    point = ord(ch)
    return (
        point < 0x20
        or 0x7F <= point <= 0x9F
        or ch in BIDI
        or 0xD800 <= point <= 0xDFFF
        or point in (0xFFFE, 0xFFFF)
    )


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def clean(
    value: object, what: str, zh: str, *, limit: int, required: bool = True, multiline: bool = False
) -> str:
    """The value trimmed, or `TextError` naming the field (`what`, `zh`): empty when required, longer
    than `limit`, or holding a character `forbidden` lets no field hold."""
    text = "" if value is None else str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if required and not text:
        raise TextError("missing_value", f"{what} is required", f"{zh}不能为空")
    if len(text) > limit:
        raise TextError(
            "too_long",
            f"{what} is longer than {limit} characters ({len(text)})",
            f"{zh}超过 {limit} 个字符（{len(text)} 个）",
        )
    bad = next((ch for ch in text if forbidden(ch, multiline=multiline)), None)
    if bad is not None:
        if bad in "\t\n":
            raise TextError(
                "bad_text",
                f"{what} must be one line (no tab or line break)",
                f"{zh}只能为一行（不能含制表符或换行）",
            )
        if bad in BIDI:
            raise TextError(
                "bad_text",
                f"{what} holds a text-direction control character ({_describe(bad)})",
                f"{zh}含有文字方向控制字符（{_describe(bad)}）",
            )
        raise TextError(
            "bad_text",
            f"{what} holds a control character ({_describe(bad)})",
            f"{zh}含有控制字符（{_describe(bad)}）",
        )
    return text


def printable(value: str) -> str:
    """A stored text as an XML document may hold it: what it may not is replaced by U+FFFD."""
    return _NOT_PRINTABLE.sub(REPLACEMENT, value)


def terminal(value: str) -> str:
    """A text as a terminal shows it without acting on it: escape sequences and other controls (and
    bidi controls) written as visible escapes, "\\x1b", "\\u202e"; newlines and tabs kept."""

    def escape(match: re.Match[str]) -> str:
        point = ord(match.group())
        return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"

    return _NOT_TERMINAL.sub(escape, value)
