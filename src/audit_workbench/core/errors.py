"""Refusals: the one exception every layer raises for a forbidden or invalid request.

A refusal carries a stable code (for tests, JSON output and the GUI) and its message in English and,
where written, Simplified Chinese. The services guarantee that a refused call changed nothing.
"""

from __future__ import annotations

# The language of refusal messages: English until the program's entry point (the command line's
# `main`, the window's start-up) sets it from --lang or $AUDIT_WORKBENCH_LANG; nothing below reads
# the environment.
_LANG = "en"


def set_language(lang: str) -> None:
    global _LANG
    _LANG = "zh" if lang.startswith("zh") else "en"


def language() -> str:
    return _LANG


class Refused(Exception):
    """A refusal: `code`, the English `message` and the Chinese `zh` (every refusal has both; a test
    walks the source for every construction and checks)."""

    def __init__(self, code: str, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message_en = message
        self.message_zh = zh or message

    def message(self, lang: str | None = None) -> str:
        return self.message_zh if (lang or _LANG) == "zh" else self.message_en

    def __str__(self) -> str:
        return self.message()


class BilingualError(ValueError):
    """A core rule's error (a points value, a credit code) in English and Chinese: the services turn
    it into a refusal, and the window shows the Chinese, never the English inside a Chinese sentence."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh or message

    def message(self, lang: str | None = None) -> str:
        return self.zh if (lang or _LANG) == "zh" else str(self)


class NotFound(Refused):
    def __init__(self, what: str, key: object, zh_what: str | None = None) -> None:
        super().__init__("not_found", f"{what} {key} does not exist", f"{zh_what or what} {key} 不存在")


class Conflict(Refused):
    """Someone else changed the record since it was read: nothing was overwritten."""

    def __init__(self, what: str, zh_what: str | None = None) -> None:
        super().__init__(
            "conflict",
            f"{what} was changed by someone else since you opened it; reload and try again",
            f"{zh_what or what}已被他人修改，请刷新后重试",
        )
