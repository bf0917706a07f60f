"""Audit days (审查人日) from the applicant's headcount, by the body's table (data in resources/)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml


@dataclass(frozen=True)
class AuditTimeTable:
    """Rows of (max headcount inclusive, on-site days); the last row's progression extends beyond."""

    rows: tuple[tuple[int, Decimal], ...]
    document_review_days: Decimal
    document_review_days_large: Decimal
    large_from: int
    surveillance_fraction: Fraction
    renewal_fraction: Fraction

    def onsite_days(self, headcount: int) -> Decimal:
        if headcount < 1:
            raise ValueError("headcount must be at least 1")
        for upper, days in self.rows:
            if headcount <= upper:
                return days
        # Beyond the table: one more day for each further step of the size of the last band.
        (prev_upper, _), (last_upper, last_days) = self.rows[-2], self.rows[-1]
        step = last_upper - prev_upper
        return last_days + math.ceil((headcount - last_upper) / step)

    def document_days(self, headcount: int) -> Decimal:
        if headcount < 1:
            raise ValueError("headcount must be at least 1")
        return self.document_review_days_large if headcount > self.large_from else self.document_review_days

    def days(self, headcount: int, kind: str = "initial") -> tuple[Decimal, Decimal]:
        """(document review days, on-site days) for an initial, surveillance or renewal audit."""
        if kind not in ("initial", "surveillance", "renewal"):
            raise ValueError(f"unknown audit kind {kind!r}")
        onsite = self.onsite_days(headcount)
        if kind == "surveillance":
            onsite = _up_to_half(Fraction(onsite) * self.surveillance_fraction)
        elif kind == "renewal":
            onsite = _up_to_half(Fraction(onsite) * self.renewal_fraction)
        return self.document_days(headcount), onsite


def _up_to_half(days: Fraction) -> Decimal:
    return Decimal(math.ceil(days * 2)) / 2


def load_audit_time_table(path: Path) -> AuditTimeTable:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rows = tuple((int(r["max_headcount"]), Decimal(str(r["days"]))) for r in raw["onsite"])
    if [u for u, _ in rows] != sorted({u for u, _ in rows}):
        raise ValueError(f"{path}: onsite rows must have rising max_headcount")
    doc = raw["document_review"]
    return AuditTimeTable(
        rows=rows,
        document_review_days=Decimal(str(doc["days"])),
        document_review_days_large=Decimal(str(doc["days_large"])),
        large_from=int(doc["large_above"]),
        surveillance_fraction=Fraction(str(raw["surveillance_fraction"])),
        renewal_fraction=Fraction(str(raw["renewal_fraction"])),
    )
