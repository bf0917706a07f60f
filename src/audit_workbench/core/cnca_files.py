"""The files of CNCA's monthly report, validated: `resources/cnca-template.yaml` (the template's
sheets, their codes and columns in CNCA's order) and `resources/cnca-codes.yaml` (the code tables).
Reached through `core.cnca`, which loads this module (and pydantic) when a report is made.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .cnca import CERTIFICATES, PLANS, RESULTS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Code(_Strict):
    code: str = Field(min_length=1, max_length=8)
    zh: str = Field(min_length=1)


class Column(_Strict):
    field: str = Field(min_length=1)
    meaning: str
    type: str
    length: str
    how: str
    level: str
    public: str


class Sheet(_Strict):
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{6}$")
    columns: tuple[Column, ...] = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _unique(cls, columns: tuple[Column, ...]) -> tuple[Column, ...]:
        fields = [c.field for c in columns]
        if len(set(fields)) != len(fields):
            raise ValueError("a field appears twice")
        return columns

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def meaning(self, field: str) -> str:
        for c in self.columns:
            if c.field == field:
                return re.sub(r"^\d+、", "", c.meaning)
        raise KeyError(field)


class Template(_Strict):
    source: str
    sheets: tuple[Sheet, ...]

    def sheet(self, code: str) -> Sheet:
        for s in self.sheets:
            if s.code == code:
                return s
        raise KeyError(code)


class CodeTables(_Strict):
    certificate_status: dict[str, Code]
    report_type: dict[str, Code]
    audit_activity: dict[str, Code]
    audit_stage: dict[str, Code]
    audit_mode: dict[str, Code]
    team_role: dict[str, Code]
    qualification: dict[str, Code]
    reissue_reason: dict[str, Code]
    yes_no: dict[str, str]
    country_mainland: str
    currency_cny: str

    @field_validator("report_type", "audit_activity", "audit_mode", "team_role")
    @classmethod
    def _codes_unique(cls, table: dict[str, Code]) -> dict[str, Code]:
        codes = [c.code for c in table.values()]
        if len(set(codes)) != len(codes):
            raise ValueError("a code appears twice")
        return table


def _load(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def load_template(path: Path) -> Template:
    template = _load(path, Template)
    assert isinstance(template, Template)
    for code in (CERTIFICATES, RESULTS, PLANS):
        template.sheet(code)  # each sheet the report writes is there
    return template


def load_codes(path: Path) -> CodeTables:
    codes = _load(path, CodeTables)
    assert isinstance(codes, CodeTables)
    return codes
