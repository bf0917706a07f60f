"""What the case search finds, said once in plain Python.

The case list and `case list --search` find a case when the term (trimmed) is contained in:
- the organisation's name,
- its unified social credit code (anywhere in the code, not only at its start),
- the case number,
- the full pinyin of the organisation's name ("hangzhou" for 杭州), or
- the initials of that pinyin ("hz" for 杭州),

ignoring the case of ASCII letters only (as SQLite's LIKE does), with every character taken as
itself (%, _ and quotes are not wildcards). A term shaped like a case number (AW, then digits and
hyphens: "AW2025-00" or "aw2025") finds the case numbers that start with it, and nothing else.

`matches` is that rule; the services answer the same question from indexes (SQLite: the FTS5
trigram table and its vocabulary; PostgreSQL: GIN indexes on character 1- and 2-grams), and the
tests compare the two over generated data on both databases.

The pinyin of a name is computed when the name is written (`pinyin_keys`, with pypinyin, which is
imported only then: loading its phrase dictionary takes about 0.4 s) and stored beside it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A term that is a case number or the start of one (AW, the year, "-", the sequence number).
CASE_NO_SHAPE = re.compile(r"^AW[0-9][0-9-]*$", re.IGNORECASE | re.ASCII)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# CJK Unified Ideographs and their extensions, the compatibility ideographs, 〇: what pypinyin reads.
_HAN = re.compile(
    "([\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U00030000-\U0003134f]+)"
)
_ASCII_WORD = re.compile(r"[0-9a-z]+", re.ASCII)


def fold(text: str) -> str:
    """`text` with ASCII letters in lower case and every other character as it is."""
    return text.translate(_ASCII_LOWER)


def upper_ascii(text: str) -> str:
    return text.translate(_ASCII_UPPER)


def normalise_term(term: str | None) -> str:
    """The term as searched: trimmed of surrounding white space."""
    return (term or "").strip()


def is_case_number_term(term: str) -> bool:
    return bool(CASE_NO_SHAPE.match(term))


def matches(
    term: str,
    *,
    name: str,
    credit_code: str,
    case_no: str,
    name_pinyin: str,
    name_initials: str,
) -> bool:
    """Whether the case search for `term` finds a case with these values (the reference the
    indexed queries are tested against)."""
    term = normalise_term(term)
    if not term:
        return True
    if is_case_number_term(term):
        return upper_ascii(case_no).startswith(upper_ascii(term))
    wanted = fold(term)
    return any(wanted in fold(value) for value in (name, credit_code, case_no, name_pinyin, name_initials))


@lru_cache(maxsize=4096)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of an organisation's name, lower-case ASCII without separators:
    "杭州西湖电器" gives ("hangzhouxihudianqi", "hzxhdq"). Each Chinese character gives its reading
    in the context of its neighbours (重庆 chongqing, 银行 yinhang; ü written v, as pinyin keyboards
    take it); letters and digits of other scripts' text stay as they are, in lower case ("TCL电器":
    "tcldianqi", "tcldq"), full-width ones made half-width; everything else is left out."""
    full: list[str] = []
    initials: list[str] = []
    text = unicodedata.normalize("NFKC", name)
    for n, part in enumerate(_HAN.split(text)):
        if not part:
            continue
        if n % 2:  # a run of Chinese characters (the capturing group)
            # about 0.4 s and 55 MB the first time: only when a Chinese name is written
            from pypinyin import Style, lazy_pinyin

            for syllable in lazy_pinyin(part, style=Style.NORMAL, errors="ignore"):
                syllable = fold(syllable)
                if syllable.isascii() and syllable.isalpha():
                    full.append(syllable)
                    initials.append(syllable[0])
        else:
            for word in _ASCII_WORD.findall(fold(part)):
                full.append(word)
                initials.append(word)
    return "".join(full), "".join(initials)


_KEY_SHAPE = re.compile(r"[0-9a-z]*", re.ASCII)
_SYLLABLE_MAX = 6  # the longest pinyin syllable: zhuang, chuang, shuang


def keys_fit(name: str, full: str, initials: str) -> bool:
    """Whether (full, initials) can be what `pinyin_keys(name)` gives, checked without pypinyin:
    the name's letters and digits in their places, and for each Chinese character one syllable of
    1 to 6 letters starting with its initial. Keys that fit may still not be the true reading (zhong
    for 重 where it is chong): only pypinyin can say that. Keys that do not fit are surely not
    pypinyin's (a name that gives no reading for one of its characters does not fit either)."""
    if not (_KEY_SHAPE.fullmatch(full) and _KEY_SHAPE.fullmatch(initials)):
        return False
    tokens: list[str | None] = []  # an ASCII word, or None for one Chinese character
    for n, part in enumerate(_HAN.split(unicodedata.normalize("NFKC", name))):
        if n % 2:
            tokens.extend(None for _ in part)
        else:
            tokens.extend(_ASCII_WORD.findall(fold(part)))
    j = 0  # where the initials stand: one initial per token (a word is its own initials)
    places = {0}  # where the full pinyin may stand after the tokens so far
    for token in tokens:
        if token is None:
            if j >= len(initials):
                return False
            first = initials[j]
            j += 1
            places = {
                i + length
                for i in places
                if full.startswith(first, i)
                for length in range(1, _SYLLABLE_MAX + 1)
                if i + length <= len(full) and full[i : i + length].isalpha()
            }
        else:
            if not initials.startswith(token, j):
                return False
            j += len(token)
            places = {i + len(token) for i in places if full.startswith(token, i)}
        if not places:
            return False
    return j == len(initials) and len(full) in places
