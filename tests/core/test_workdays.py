"""Working days: weekends, China's public holidays and make-up working days, from the shipped file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from audit_workbench.core.datafiles import resources_dir
from audit_workbench.core.workdays import WorkCalendar, load_calendar


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return load_calendar(resources_dir() / "working-days.yaml")


def test_weekends_and_holidays_rest_and_make_up_days_work(calendar: WorkCalendar) -> None:
    assert calendar.is_working_day(date(2026, 3, 2))  # a Monday
    assert not calendar.is_working_day(date(2026, 3, 7))  # a Saturday
    assert not calendar.is_working_day(date(2026, 10, 5))  # National Day week, a Monday
    assert calendar.is_working_day(date(2026, 10, 10))  # Saturday worked (调休上班)
    assert calendar.is_working_day(date(2026, 2, 14))  # Saturday before the Spring Festival


def test_a_deadline_in_working_days_skips_the_spring_festival(calendar: WorkCalendar) -> None:
    # received Friday 13 Feb 2026: Sat 14 is worked (1), 15-23 are the holiday, then Tue 24 … Thu 26
    assert calendar.add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    # a plain week: Monday + 5 working days is the next Monday
    assert calendar.add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)
    assert calendar.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_a_body_extends_the_calendar(calendar: WorkCalendar) -> None:
    own = calendar.extended(holidays=[date(2026, 3, 3)], workdays=[date(2026, 3, 7)])
    assert not own.is_working_day(date(2026, 3, 3))
    assert own.is_working_day(date(2026, 3, 7))
    assert own.add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)  # lost a Tuesday, gained a Saturday


def test_a_bad_calendar_file_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "days.yaml"
    path.write_text("holidays:\n  - 2026-13-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"days\.yaml: month must be in 1\.\.12"):
        load_calendar(path)
    path.write_text("holidays:\n  - {from: 2026-10-01}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"holidays\[0\].to"):
        load_calendar(path)
    path.write_text("holidays:\n  - 2026-10-10\nworkdays:\n  - 2026-10-10\n", encoding="utf-8")
    with pytest.raises(ValueError, match="both"):
        load_calendar(path)
