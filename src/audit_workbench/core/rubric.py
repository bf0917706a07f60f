"""Rubrics as data: the pydantic model of a `rubrics/*.yaml` file, its loader and the registry.

A rubric is the scoring table of one standard revision for one enterprise type. A new revision is a
new file, never new code. Every audit records the rubric id and the SHA-256 of the file it was scored
against, so a later edit of a file can be detected and never silently changes an old result.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA_VERSION = 1
HALF = Decimal("0.5")


class EnterpriseType(StrEnum):
    production = "production"  # 生产型
    sales = "sales"  # 销售服务型


class Grade(StrEnum):
    five_star = "five_star"
    four_star = "four_star"
    three_star = "three_star"
    qualified = "qualified"


GRADE_ORDER: tuple[Grade, ...] = (Grade.qualified, Grade.three_star, Grade.four_star, Grade.five_star)


def grade_rank(grade: Grade | str | None) -> int:
    """0 for no grade, 1 for 达标级 … 4 for 五星级."""
    if grade is None:
        return 0
    return GRADE_ORDER.index(Grade(grade)) + 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(_Strict):
    """A text in Simplified Chinese with its English translation."""

    zh: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


Points = Annotated[Decimal, Field(gt=0, le=100)]


class Indicator(_Strict):
    code: Annotated[str, Field(pattern=r"^\d+(\.\d+)+$")]
    name: Text
    max_points: Points
    sampled: bool = False
    clause: str | None = None
    guidance: Text
    evidence: Text
    checkpoints: tuple[Text, ...] = ()

    @field_validator("max_points")
    @classmethod
    def _half_steps(cls, value: Decimal) -> Decimal:
        if value % HALF != 0:
            raise ValueError("must be a multiple of 0.5")
        return value


class Category(_Strict):
    code: Annotated[str, Field(pattern=r"^\d+$")]
    name: Text
    group: str | None = None
    clause: str | None = None
    indicators: Annotated[tuple[Indicator, ...], Field(min_length=1)]

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), Decimal(0))

    @model_validator(mode="after")
    def _codes_belong(self) -> Category:
        for n, indicator in enumerate(self.indicators):
            if not indicator.code.startswith(self.code + "."):
                raise ValueError(
                    f"indicators[{n}].code {indicator.code!r} does not start with the category code {self.code!r}."
                )
        return self


class GradeBand(_Strict):
    grade: Grade
    label: Text
    min_score: Annotated[Decimal, Field(gt=0, le=100)]


# The titles of the standards the shipped rubrics are built on, for the certificate's 认证依据 line.
# A rubric file names its standard by designation and clause ("SB/T 10401-2006 附录A …"); a body's
# own rubric on another standard says the line outright with `certification_basis`.
STANDARD_TITLES: dict[str, Text] = {
    "GB/T 27922-2011": Text(zh="商品售后服务评价体系", en="Commodity after-sales service evaluation system"),
    "SB/T 10401-2006": Text(zh="商品售后服务评价体系", en="Commodity after-sales service evaluation system"),
}
# GB/T 27922-2011, SB/T 10401-2006, T/CAS 123—2024, DB11/T 1234-2020
_DESIGNATION = re.compile(r"([A-Z]{1,4}\d{0,2}(?:/[A-Z]{1,4})?)\s*(\d+(?:\.\d+)?)\s*[-–—]\s*(\d{4})")


class Rubric(_Strict):
    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    title: Text
    standard: str
    # What a certificate scored on this rubric prints as its 认证依据; by default the standard's
    # designation from `standard` with its title (STANDARD_TITLES).
    certification_basis: Text | None = None
    enterprise_type: EnterpriseType | None = None
    points_basis: Text
    max_points: Annotated[Decimal, Field(gt=0)] = Decimal(100)
    special_deduction_points: Annotated[Decimal, Field(ge=0)] = Decimal(1)
    special_bonus_points: Annotated[Decimal, Field(ge=0)] = Decimal(1)
    max_special_bonus: Annotated[int, Field(ge=0)] = 1
    fail_at_special_deductions: Annotated[int, Field(ge=1)] = 5
    grades: Annotated[tuple[GradeBand, ...], Field(min_length=1)]
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        seen: dict[str, str] = {}
        for ci, category in enumerate(self.categories):
            if category.code in seen:
                raise ValueError(f"categories[{ci}].code: duplicate code {category.code!r}")
            seen[category.code] = f"categories[{ci}]"
            for ii, indicator in enumerate(category.indicators):
                where = f"categories[{ci}].indicators[{ii}]"
                if indicator.code in seen:
                    raise ValueError(
                        f"{where}.code: duplicate code {indicator.code!r} (also at {seen[indicator.code]})"
                    )
                seen[indicator.code] = where
        total = sum((c.max_points for c in self.categories), Decimal(0))
        if total != self.max_points:
            raise ValueError(f"indicator points sum to {total}, not {self.max_points}")
        previous: GradeBand | None = None
        grades_seen: set[Grade] = set()
        for gi, band in enumerate(self.grades):
            if band.grade in grades_seen:
                raise ValueError(f"grades[{gi}].grade: duplicate grade {band.grade.value!r}")
            grades_seen.add(band.grade)
            if band.min_score > self.max_points:
                raise ValueError(f"grades[{gi}].min_score: above the maximum {self.max_points}")
            if previous is not None:
                if band.min_score >= previous.min_score:
                    raise ValueError(
                        f"grades[{gi}].min_score: thresholds must fall from the highest grade to the lowest "
                        f"({band.min_score} after {previous.min_score})"
                    )
                if grade_rank(band.grade) >= grade_rank(previous.grade):
                    raise ValueError(f"grades[{gi}].grade: grades must be listed from the highest down")
            previous = band
        return self

    # -- look-ups -------------------------------------------------------------------------------
    def basis(self) -> Text:
        """The standard a certificate scored on this rubric names (认证依据): "SB/T 10401-2006
        商品售后服务评价体系" for the SB/T 10401-2006 rubrics, "GB/T 27922-2011 …" for GB/T 27922's."""
        if self.certification_basis is not None:
            return self.certification_basis
        found = _DESIGNATION.search(self.standard)
        if found is None:
            return Text(zh=self.standard, en=self.standard)
        designation = f"{found[1]} {found[2]}-{found[3]}"
        title = STANDARD_TITLES.get(designation)
        if title is None:
            return Text(zh=designation, en=designation)
        return Text(zh=f"{designation} {title.zh}", en=f"{designation} {title.en}")

    @property
    def pass_score(self) -> Decimal:
        return self.grades[-1].min_score

    def indicators(self) -> Iterator[tuple[Category, Indicator]]:
        for category in self.categories:
            for indicator in category.indicators:
                yield category, indicator

    # The model is frozen, so these look-ups are computed once per rubric (scoring asks on every edit).
    @cached_property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for _, i in self.indicators())

    @cached_property
    def _by_code(self) -> dict[str, tuple[Category, Indicator]]:
        return {indicator.code: (category, indicator) for category, indicator in self.indicators()}

    def indicator(self, code: str) -> Indicator:
        try:
            return self._by_code[code][1]
        except KeyError:
            raise KeyError(code) from None

    def category_of(self, code: str) -> Category:
        try:
            return self._by_code[code][0]
        except KeyError:
            raise KeyError(code) from None

    def grade_band(self, grade: Grade | str) -> GradeBand:
        for band in self.grades:
            if band.grade == grade:
                return band
        raise KeyError(grade)


class RubricError(ValueError):
    """A rubric file that cannot be used. The message names the file, the place and the problem."""


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-after", "function-before", "function-wrap")) or part in (
            "decimal",
            "int",
            "str",
        ):
            continue
        else:
            out += ("." if out else "") + part
    return out


def _explain(name: str, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        place = _format_loc(tuple(item["loc"]))
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        elif item["type"] == "missing":
            message = "missing"
        elif item["type"] == "greater_than":
            message = f"must be > {item['ctx']['gt']}"
        elif item["type"] == "greater_than_equal":
            message = f"must be ≥ {item['ctx']['ge']}"
        lines.append(f"{name} › {place}: {message}" if place else f"{name}: {message}")
    return "; ".join(lines)


@dataclass(frozen=True)
class LoadedRubric:
    rubric: Rubric
    sha256: str
    path: Path

    @property
    def id(self) -> str:
        return self.rubric.id


def parse_rubric(data: bytes, name: str, expected_id: str | None = None) -> Rubric:
    try:
        # The C loader when libyaml is there (several times faster at start-up), still a safe loader.
        raw = yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RubricError(f"{name}: not a readable YAML file ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(raw, dict):
        raise RubricError(f"{name}: must hold a mapping at the top level")
    if raw.get("schema_version") not in (None, SCHEMA_VERSION):
        raise RubricError(
            f"{name} › schema_version: {raw.get('schema_version')!r} is not supported (expected 1)"
        )
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        raise RubricError(_explain(name, exc)) from None
    if expected_id is not None and rubric.id != expected_id:
        raise RubricError(f"{name} › id: {rubric.id!r} must equal the file name {expected_id!r}")
    return rubric


def load_rubric(path: Path) -> LoadedRubric:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RubricError(f"{path}: cannot be read ({exc.strerror})") from None
    rubric = parse_rubric(data, path.name, expected_id=path.stem)
    return LoadedRubric(rubric=rubric, sha256=hashlib.sha256(data).hexdigest(), path=path)


class RubricRegistry:
    """The rubric files of one folder, loaded and validated once."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._by_id: dict[str, LoadedRubric] = {}
        for path in sorted(self.folder.glob("*.yaml")):
            loaded = load_rubric(path)
            self._by_id[loaded.id] = loaded

    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def all(self) -> tuple[LoadedRubric, ...]:
        return tuple(self._by_id.values())

    def get(self, rubric_id: str) -> LoadedRubric:
        try:
            return self._by_id[rubric_id]
        except KeyError:
            raise KeyError(rubric_id) from None

    def __contains__(self, rubric_id: object) -> bool:
        return rubric_id in self._by_id

    def with_extra(self, extra: Iterable[LoadedRubric]) -> RubricRegistry:
        """This registry plus rubrics from elsewhere (e.g. brought by an audit package); ours win."""
        merged = object.__new__(RubricRegistry)
        merged.folder = self.folder
        merged._by_id = {r.id: r for r in extra}
        merged._by_id.update(self._by_id)
        return merged

    def default_for(self, enterprise_type: EnterpriseType | str) -> LoadedRubric:
        """The rubric a case of this enterprise type takes unless another is chosen."""
        return self.get(DEFAULT_RUBRIC[EnterpriseType(enterprise_type)])


DEFAULT_RUBRIC: dict[EnterpriseType, str] = {
    EnterpriseType.production: "sbt10401-2006-production",
    EnterpriseType.sales: "sbt10401-2006-sales",
}


_INSTALLED: dict[tuple[object, ...], RubricRegistry] = {}


def installed_registry() -> RubricRegistry:
    """The shipped rubric folder, validated once per process and again only when a file changes."""
    from .datafiles import rubrics_dir

    folder = rubrics_dir()
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.yaml")))
    registry = _INSTALLED.get(stamp)
    if registry is None:
        _INSTALLED.clear()
        registry = _INSTALLED[stamp] = RubricRegistry(folder)
    return registry
