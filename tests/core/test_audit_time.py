"""Audit days (审查人日) from headcount: the shipped IAF MD 5 table (reference/audit-time.md).

The table below is copied by hand from ../shared/reference/audit-time.md, not read from the YAML.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit_workbench.core.audit_time import load_audit_time_table
from audit_workbench.core.datafiles import resources_dir

TABLE_FILE = Path(__file__).resolve().parents[2] / "resources" / "audit-time.yaml"
TABLE = load_audit_time_table(TABLE_FILE)

# (first headcount, last headcount, on-site days) — IAF MD 5 Table QMS, initial audit
REFERENCE = [
    (1, 5, "1.5"), (6, 10, "2"), (11, 15, "2.5"), (16, 25, "3"), (26, 45, "4"), (46, 65, "5"),
    (66, 85, "6"), (86, 125, "7"), (126, 175, "8"), (176, 275, "9"), (276, 425, "10"),
    (426, 625, "11"), (626, 875, "12"), (876, 1175, "13"), (1176, 1550, "14"), (1551, 2025, "15"),
    (2026, 2675, "16"), (2676, 3450, "17"), (3451, 4350, "18"), (4351, 5450, "19"),
    (5451, 6800, "20"), (6801, 8500, "21"), (8501, 10700, "22"),
]  # fmt: skip


def D(value: str | int | float) -> Decimal:
    return Decimal(str(value))


def test_the_shipped_table_is_the_one_the_app_finds():
    assert (resources_dir() / "audit-time.yaml").resolve() == TABLE_FILE.resolve()


@pytest.mark.parametrize(
    ("headcount", "days"),
    [(1, "1.5"), (5, "1.5"), (6, "2"), (45, "4"), (46, "5"), (500, "11"), (10700, "22")],
)
def test_named_band_edges(headcount: int, days: str):
    assert TABLE.onsite_days(headcount) == D(days)


@pytest.mark.parametrize(("first", "last", "days"), REFERENCE, ids=lambda v: str(v))
def test_both_edges_of_every_band_match_the_reference(first: int, last: int, days: str):
    assert TABLE.onsite_days(first) == D(days)
    assert TABLE.onsite_days(last) == D(days)
    assert TABLE.onsite_days((first + last) // 2) == D(days)


@pytest.mark.parametrize(
    ("headcount", "days"),
    [
        # Beyond 10 700: one more day for each further step of the last band's width,
        # 10 700 − 8 500 = 2 200 people.
        (10701, "23"),  # 22 + ⌈1 / 2200⌉ = 23
        (12900, "23"),  # 22 + ⌈2200 / 2200⌉ = 23
        (12901, "24"),  # 22 + ⌈2201 / 2200⌉ = 24
        (20000, "27"),  # 22 + ⌈9300 / 2200⌉ = 22 + ⌈4.23⌉ = 27
    ],
)
def test_beyond_the_table_follows_the_progression(headcount: int, days: str):
    assert TABLE.onsite_days(headcount) == D(days)


@pytest.mark.parametrize(
    ("headcount", "days"), [(1, "0.5"), (499, "0.5"), (500, "0.5"), (501, "1"), (20000, "1")]
)
def test_document_review_days(headcount: int, days: str):
    # 0.5 day; 1 day above 500 staff
    assert TABLE.document_days(headcount) == D(days)


@pytest.mark.parametrize(
    ("headcount", "initial", "surveillance", "renewal"),
    [
        # on-site 1.5: ⅓ = 0.5 → 0.5;  ⅔ = 1.0 → 1.0
        (5, "1.5", "0.5", "1"),
        # on-site 2: ⅓ = 0.667 → 1.0;  ⅔ = 1.333 → 1.5
        (10, "2", "1", "1.5"),
        # on-site 3: ⅓ = 1.0 → 1.0 (exact, not raised);  ⅔ = 2.0 → 2.0
        (20, "3", "1", "2"),
        # on-site 4: ⅓ = 1.333 → 1.5;  ⅔ = 2.667 → 3.0
        (45, "4", "1.5", "3"),
        # on-site 5: ⅓ = 1.667 → 2.0;  ⅔ = 3.333 → 3.5
        (46, "5", "2", "3.5"),
        # on-site 7: ⅓ = 2.333 → 2.5;  ⅔ = 4.667 → 5.0
        (100, "7", "2.5", "5"),
        # on-site 22: ⅓ = 7.333 → 7.5;  ⅔ = 14.667 → 15.0
        (10700, "22", "7.5", "15"),
    ],
)
def test_surveillance_third_and_renewal_two_thirds_rounded_up_to_the_half_day(
    headcount: int, initial: str, surveillance: str, renewal: str
):
    document = D("1") if headcount > 500 else D("0.5")
    assert TABLE.days(headcount) == (document, D(initial))
    assert TABLE.days(headcount, "initial") == (document, D(initial))
    assert TABLE.days(headcount, "surveillance") == (document, D(surveillance))
    assert TABLE.days(headcount, "renewal") == (document, D(renewal))


@pytest.mark.parametrize("headcount", [0, -1])
def test_no_headcount_is_refused(headcount: int):
    with pytest.raises(ValueError, match="headcount"):
        TABLE.onsite_days(headcount)
    with pytest.raises(ValueError, match="headcount"):
        TABLE.days(headcount)
    with pytest.raises(ValueError, match="headcount"):
        TABLE.days(headcount, "surveillance")


def test_a_table_with_falling_rows_is_refused(tmp_path: Path):
    text = TABLE_FILE.read_text(encoding="utf-8").replace(
        "{max_headcount: 10, days: 2}", "{max_headcount: 4, days: 2}"
    )
    bad = tmp_path / "audit-time.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="rising"):
        load_audit_time_table(bad)


def test_a_body_can_ship_its_own_table(tmp_path: Path):
    own = tmp_path / "audit-time.yaml"
    own.write_text(
        "document_review: {days: 1, days_large: 2, large_above: 100}\n"
        'surveillance_fraction: "1/2"\n'
        'renewal_fraction: "3/4"\n'
        "onsite:\n"
        "  - {max_headcount: 50, days: 2}\n"
        "  - {max_headcount: 150, days: 3}\n",
        encoding="utf-8",
    )
    table = load_audit_time_table(own)
    # 120 people: on-site 3; surveillance 3 × ½ = 1.5; renewal 3 × ¾ = 2.25 → 2.5; documents 2 (above 100)
    assert table.days(120, "surveillance") == (D(2), D("1.5"))
    assert table.days(120, "renewal") == (D(2), D("2.5"))
    # 151 people, beyond the table: step 150 − 50 = 100 → 3 + ⌈1/100⌉ = 4
    assert table.onsite_days(151) == D(4)


# -- properties ---------------------------------------------------------------------------------------
HEADCOUNT = st.integers(1, 60000)


@given(HEADCOUNT, HEADCOUNT)
def test_more_people_never_means_fewer_days(a: int, b: int):
    low, high = sorted((a, b))
    for kind in ("initial", "surveillance", "renewal"):
        d_low, o_low = TABLE.days(low, kind)
        d_high, o_high = TABLE.days(high, kind)
        assert o_low <= o_high
        assert d_low <= d_high


@given(HEADCOUNT)
def test_surveillance_and_renewal_are_the_fraction_rounded_up_to_half_a_day(headcount: int):
    _, initial = TABLE.days(headcount)
    _, surveillance = TABLE.days(headcount, "surveillance")
    _, renewal = TABLE.days(headcount, "renewal")
    for days in (initial, surveillance, renewal):
        assert days > 0
        assert days * 2 == (days * 2).to_integral_value()  # whole half days
    # rounded up, by less than half a day: x ≤ result < x + 0.5 (compared ×3 to stay exact)
    assert initial <= surveillance * 3 < initial + D("1.5")
    assert 2 * initial <= renewal * 3 < 2 * initial + D("1.5")
    assert surveillance <= renewal <= initial
