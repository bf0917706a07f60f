"""Every refusal in both languages: walks the source for every construction of a refusal (and of the
core's bilingual errors that become refusals), so a refusal written tomorrow by anyone is checked too.

A refusal is `Refused(code, english, chinese)` or a subclass of it (NotFound, Conflict, any other a
module defines), a policy `Denial(code, en, zh)`, or a `BilingualError(english, chinese)` subclass
(ScoringError, CreditCodeError) whose Chinese the services put into their refusal. Each construction
must pass a Chinese text that has Chinese in its literal parts (an f-string's variables may be ids
or names), or pass on a variable that already holds a Chinese text (its name starts with zh).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest

from audit_workbench.core.people import Standing
from audit_workbench.core.policy import POLICY, Action, CaseRelation, Role, explain
from audit_workbench.core.workflow import CaseState

SRC = Path(__file__).resolve().parents[2] / "src" / "audit_workbench"
CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Construction:
    where: str
    code: str | None
    zh: ast.expr | None


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _zh_positions() -> dict[str, int]:
    """Every refusal class in the source → the position of its Chinese argument.

    The roots are Refused (code, en, zh), BilingualError (en, zh) and the Denial record (code, en, zh);
    a subclass with its own __init__ takes its Chinese where a parameter named zh… is; one without
    takes its base's."""
    positions = {"Refused": 2, "BilingualError": 1, "Denial": 2}
    classes: dict[str, ast.ClassDef] = {}
    for _, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = node
    changed = True
    while changed:
        changed = False
        for name, cls in classes.items():
            if name in positions:
                continue
            bases = [b for b in (_name(base) for base in cls.bases) if b in positions]
            if not bases:
                continue
            init = next(
                (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
            )
            if init is None:
                positions[name] = positions[bases[0]]
            else:
                params = [a.arg for a in init.args.args[1:]]
                zh = [n for n, p in enumerate(params) if p.startswith("zh")]
                positions[name] = zh[0] if zh else -1  # -1: its __init__ writes the Chinese itself
            changed = True
    return positions


def constructions() -> list[Construction]:
    positions = _zh_positions()
    found: list[Construction] = []
    for path, module in _modules():
        classes_here = {
            n.name: n for n in ast.walk(module) if isinstance(n, ast.ClassDef) and n.name in positions
        }
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            where = f"{path.relative_to(SRC.parent)}:{node.lineno}"
            if (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "__init__"
                and isinstance(node.func.value, ast.Call)
                and _name(node.func.value.func) == "super"
            ):
                # super().__init__(…) inside a refusal class: checked as a call of its base
                owner = next(
                    (c for c in classes_here.values() if c.lineno <= node.lineno <= (c.end_lineno or 0)),
                    None,
                )
                if owner is None:
                    continue
                base = next((b for b in map(_name, owner.bases) if b in positions), None)
                name = base
            if name not in positions or positions[name] < 0:
                continue
            at = positions[name]
            zh = node.args[at] if len(node.args) > at else None
            if zh is None:
                zh = next((k.value for k in node.keywords if k.arg and k.arg.startswith("zh")), None)
            code = None
            if name in ("Refused", "Denial") and node.args and isinstance(node.args[0], ast.Constant):
                code = str(node.args[0].value)
            found.append(Construction(where, code, zh))
    return found


def _chinese_name(name: str | None) -> bool:
    """A variable that holds a Chinese text by its name: zh, zh_what, tail_zh…"""
    return bool(name) and (name.startswith("zh") or name.endswith("_zh"))  # type: ignore[union-attr]


def _chinese(expr: ast.expr) -> bool:
    """Chinese in the literal parts, or a Chinese text passed on by a variable named for it."""
    literals = [n.value for n in ast.walk(expr) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    names = [_name(n) for n in ast.walk(expr) if isinstance(n, ast.Name | ast.Attribute)]
    return any(CJK.search(text) for text in literals) or any(_chinese_name(n) for n in names)


ALL = constructions()


def test_the_walk_finds_the_refusals() -> None:
    # a walk that found nothing would pass whatever the code says
    assert len(ALL) > 150
    codes = {c.code for c in ALL if c.code}
    assert {"not_found", "conflict", "wrong_role", "bad_score", "login_failed", "bad_credit_code"} <= (
        codes | {"not_found", "conflict"}
    )
    assert len(codes) > 80


@pytest.mark.parametrize("construction", ALL, ids=lambda c: c.where)
def test_every_refusal_has_its_chinese(construction: Construction) -> None:
    assert construction.zh is not None, f"{construction.where}: refusal {construction.code} has no Chinese"
    assert _chinese(construction.zh), (
        f"{construction.where}: the Chinese of refusal {construction.code} is not Chinese: "
        f"{ast.unparse(construction.zh)}"
    )


def test_every_refusal_code_has_both_languages() -> None:
    by_code: dict[str, list[Construction]] = {}
    for c in ALL:
        if c.code:
            by_code.setdefault(c.code, []).append(c)
    missing = sorted(
        f"{code} ({c.where})"
        for code, cs in by_code.items()
        for c in cs
        if c.zh is None or not _chinese(c.zh)
    )
    assert not missing, "refusal codes without Chinese: " + ", ".join(missing)


def _role_sets() -> list[frozenset[Role]]:
    roles = list(Role)
    return [frozenset(c) for n in range(0, len(roles) + 1) for c in combinations(roles, n)]


RELATIONS = [
    CaseRelation(),
    CaseRelation(team_member=True),
    CaseRelation(team_member=True, team_leader=True),
    CaseRelation(document_reviewer=True),
]


@pytest.mark.parametrize("action", list(Action))
def test_every_policy_denial_reads_well_in_both_languages(action: Action) -> None:
    """The denials are built from the vocabulary: each in Chinese and in grammatical English."""
    states = [None] if POLICY[action].states is None else list(CaseState)
    seen = 0
    for roles in _role_sets():
        for state in states:
            for relation in RELATIONS:
                denial = explain(
                    action, roles, state, relation, person=Standing.unchecked("x", date(2026, 3, 2))
                )
                if denial is None:
                    continue
                seen += 1
                assert CJK.search(denial.zh) and not CJK.search(denial.en), denial
                assert " a auditor" not in denial.en and " a administrator" not in denial.en, denial.en
                assert not re.search(r"\ba [aeiou]", denial.en), denial.en
    assert seen
