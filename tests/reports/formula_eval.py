"""A small evaluator for the Excel formulas the score sheet uses, so tests can recalculate without Excel.

It covers what ``reports.score_sheet`` writes — cell and range references, + - * /, comparisons, &,
SUM, SUMIFS, COUNTA, IF, AND, OR, ISNUMBER, MOD, ROUND, MIN, MAX — with Excel's semantics where they
matter here: blank cells count as 0 in arithmetic and "" in comparisons, text comparisons ignore
case, text never equals a boolean, and ROUND works on the 15 significant digits Excel keeps.
A formula it does not understand fails the test loudly rather than being guessed at.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet


class V:
    """An Excel value with Excel's operators."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def num(self) -> float:
        v = self.value
        if v is None or v == "":
            return 0.0
        if isinstance(v, bool):
            return float(v)
        if isinstance(v, int | float | Decimal):
            return float(v)
        try:
            return float(v)
        except ValueError:
            raise TypeError(f"#VALUE!: {v!r} is not a number") from None

    def __add__(self, o: V) -> V:
        return V(self.num() + o.num())

    def __sub__(self, o: V) -> V:
        return V(self.num() - o.num())

    def __mul__(self, o: V) -> V:
        return V(self.num() * o.num())

    def __truediv__(self, o: V) -> V:
        return V(self.num() / o.num())

    def __neg__(self) -> V:
        return V(-self.num())

    def __and__(self, o: V) -> V:
        return V(_text(self.value) + _text(o.value))

    def _cmp(self, o: V) -> tuple[int, Any, Any]:
        a, b = _blank_like(self.value, o.value), _blank_like(o.value, self.value)
        rank_a, rank_b = _rank(a), _rank(b)
        if rank_a != rank_b:
            return rank_a - rank_b, None, None
        if isinstance(a, str):
            return 0, a.casefold(), b.casefold()
        return 0, a, b

    def __eq__(self, o: object) -> V:  # type: ignore[override]
        d, a, b = self._cmp(o)  # type: ignore[arg-type]
        return V(d == 0 and a == b)

    def __ne__(self, o: object) -> V:  # type: ignore[override]
        return V(not (self == o).value)

    def __lt__(self, o: V) -> V:
        d, a, b = self._cmp(o)
        return V(d < 0 if d else a < b)

    def __le__(self, o: V) -> V:
        d, a, b = self._cmp(o)
        return V(d < 0 if d else a <= b)

    def __gt__(self, o: V) -> V:
        d, a, b = self._cmp(o)
        return V(d > 0 if d else a > b)

    def __ge__(self, o: V) -> V:
        d, a, b = self._cmp(o)
        return V(d > 0 if d else a >= b)

    __hash__ = None  # type: ignore[assignment]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _blank_like(v: Any, other: Any) -> Any:
    if v is None:
        if isinstance(other, str):
            return ""
        if isinstance(other, bool):
            return False
        return 0.0
    if isinstance(v, int | Decimal) and not isinstance(v, bool):
        return float(v)
    return v


def _rank(v: Any) -> int:
    # Excel orders numbers < text < logicals, and never equates values of different kinds.
    if isinstance(v, bool):
        return 2
    if isinstance(v, str):
        return 1
    return 0


def _truthy(v: V) -> bool:
    if isinstance(v.value, str):
        raise TypeError(f"#VALUE!: {v.value!r} used as a condition")
    return bool(v.num()) if not isinstance(v.value, bool) else v.value


def _flatten(args: tuple[Any, ...]) -> list[V]:
    out: list[V] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _criterion(value: V, criterion: V) -> bool:
    text = _text(criterion.value)
    match = re.fullmatch(r"(<=|>=|<>|<|>|=)?(.*)", text)
    assert match is not None
    op, operand = match.group(1) or "=", match.group(2)
    if value.value is None:
        return False
    try:
        target: Any = float(operand)
        actual: Any = value.num()
    except (ValueError, TypeError):
        target, actual = operand.casefold(), _text(value.value).casefold()
    return {
        "=": actual == target,
        "<>": actual != target,
        "<": actual < target,
        ">": actual > target,
        "<=": actual <= target,
        ">=": actual >= target,
    }[op]


def _round(x: V, digits: V) -> V:
    value = Decimal(f"{x.num():.15g}")
    return V(float(value.quantize(Decimal(1).scaleb(-int(digits.num())), rounding=ROUND_HALF_UP)))


FUNCTIONS = {
    "SUM": lambda *a: V(
        sum(
            v.num()
            for v in _flatten(a)
            if isinstance(v.value, int | float | Decimal) and not isinstance(v.value, bool)
        )
    ),
    "COUNTA": lambda *a: V(float(sum(1 for v in _flatten(a) if v.value not in (None, "")))),
    "SUMIFS": lambda total, *pairs: V(
        sum(
            t.num()
            for i, t in enumerate(total)
            if isinstance(t.value, int | float | Decimal)
            and all(_criterion(pairs[k][i], pairs[k + 1]) for k in range(0, len(pairs), 2))
        )
    ),
    "IF": lambda c, a, b=None: a if _truthy(c) else (V(False) if b is None else b),
    "AND": lambda *a: V(all(_truthy(v) for v in _flatten(a))),
    "OR": lambda *a: V(any(_truthy(v) for v in _flatten(a))),
    "ISNUMBER": lambda v: V(isinstance(v.value, int | float | Decimal) and not isinstance(v.value, bool)),
    "MOD": lambda a, b: V(a.num() % b.num()),
    "ROUND": _round,
    "MIN": lambda *a: V(min(v.num() for v in _flatten(a))),
    "MAX": lambda *a: V(max(v.num() for v in _flatten(a))),
}


class SheetEvaluator:
    """Evaluates the formulas of one worksheet (references to other sheets are not needed here)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.cache: dict[tuple[int, int], V] = {}

    def cell(self, ref: str) -> V:
        col, row = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref).groups()  # type: ignore[union-attr]
        return self._value(int(row), column_index_from_string(col))

    def _value(self, row: int, col: int) -> V:
        key = (row, col)
        if key not in self.cache:
            raw = self.ws.cell(row, col).value
            if isinstance(raw, str) and self.ws.cell(row, col).data_type == "f":
                self.cache[key] = self.evaluate(raw)
            else:
                self.cache[key] = V(raw)
        return self.cache[key]

    def _range(self, ref: str) -> list[V]:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        return [self._value(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]

    def evaluate(self, formula: str) -> V:
        code = self.compile(formula)
        return eval(code, {"__builtins__": {}}, {"_f": FUNCTIONS, "_c": self.cell, "_r": self._range, "V": V})

    @staticmethod
    def compile(formula: str) -> str:
        parts: list[str] = []
        for token in Tokenizer(formula).items:
            kind, sub, value = token.type, token.subtype, token.value
            if kind == Token.OPERAND and sub == Token.RANGE:
                if "!" in value:
                    raise NotImplementedError(f"cross-sheet reference {value}")
                parts.append(f"_r({value!r})" if ":" in value else f"_c({value!r})")
            elif kind == Token.OPERAND and sub == Token.NUMBER:
                parts.append(f"V({float(value)!r})")
            elif kind == Token.OPERAND and sub == Token.TEXT:
                parts.append(f"V({value[1:-1].replace(chr(34) * 2, chr(34))!r})")
            elif kind == Token.OPERAND and sub == Token.LOGICAL:
                parts.append(f"V({value.upper() == 'TRUE'})")
            elif kind == Token.FUNC and sub == Token.OPEN:
                name = value[:-1].upper()
                if name not in FUNCTIONS:
                    raise NotImplementedError(f"function {name}")
                parts.append(f"_f[{name!r}](")
            elif kind == Token.FUNC and sub == Token.CLOSE:
                parts.append(")")
            elif kind == Token.SEP and sub == Token.ARG:
                parts.append(",")
            elif kind == Token.PAREN:
                parts.append(value)
            elif kind == Token.OP_IN:
                ops = {
                    "=": "==",
                    "<>": "!=",
                    "&": "&",
                    "+": "+",
                    "-": "-",
                    "*": "*",
                    "/": "/",
                    "<": "<",
                    ">": ">",
                    "<=": "<=",
                    ">=": ">=",
                }
                if value not in ops:
                    raise NotImplementedError(f"operator {value}")
                parts.append(f" {ops[value]} ")
            elif kind == Token.OP_PRE and value == "-":
                parts.append("-")
            elif kind == Token.WSPACE:
                continue
            else:
                raise NotImplementedError(f"token {kind} {sub} {value!r}")
        return "".join(parts)
