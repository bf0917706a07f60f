"""Working days (工作日) in China: weekends and public holidays are rest days, make-up working days
(调休上班) are not. The dates come from a data file (resources/working-days.yaml) that a body extends
with each year's State Council notice, and from two settings for dates added in the office."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked (调休上班)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (start itself not counted): the deadline of
        something received on `start` and due within `days` working days."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        left = days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def extended(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> WorkCalendar:
        """This calendar with the body's own dates added (a date in both lists is a working day)."""
        return WorkCalendar(self.holidays | frozenset(holidays), self.workdays | frozenset(workdays))


def _day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def load_calendar(path: Path) -> WorkCalendar:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except ValueError as exc:  # a date YAML reads as one but is none (2026-13-01)
        raise ValueError(f"{path.name}: {exc}") from None
    holidays: set[date] = set()
    for n, entry in enumerate(raw.get("holidays") or ()):
        where = f"{path.name} › holidays[{n}]"
        if isinstance(entry, dict):
            first, last = _day(entry.get("from"), where + ".from"), _day(entry.get("to"), where + ".to")
            if last < first:
                raise ValueError(f"{where}: ends before it starts")
            holidays.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        else:
            holidays.add(_day(entry, where))
    workdays = {
        _day(entry, f"{path.name} › workdays[{n}]") for n, entry in enumerate(raw.get("workdays") or ())
    }
    clash = holidays & workdays
    if clash:
        raise ValueError(f"{path.name}: {min(clash)} is both a holiday and a working day")
    return WorkCalendar(frozenset(holidays), frozenset(workdays))


__all__ = ["WorkCalendar", "load_calendar"]
