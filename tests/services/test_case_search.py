"""The case search: it finds what core.casesearch says (compared with that reference over generated
data, on SQLite and PostgreSQL); the index (SQLite: FTS5 trigrams and their vocabulary; PostgreSQL:
GIN on 1- and 2-grams) narrows a search without changing its rows, for terms of every length,
pinyin and credit codes anywhere; the triggers and the ORM keep it current; a case-number term is a
range of the case numbers; the count of a search stops at SEARCH_COUNT_CAP."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from audit_workbench.core.casesearch import matches, pinyin_keys
from audit_workbench.core.creditcode import complete
from audit_workbench.services import Services
from audit_workbench.services import cases as case_service
from audit_workbench.services.cases import CaseQuery, CaseService
from audit_workbench.storage import models as m

from ..conftest import FAST_HASHER

# Names chosen for what the search must get right: Chinese, ASCII in mixed case, a double quote,
# LIKE's wildcards, spaces, letters whose upper case is not ASCII.
NAMES = (
    "佛山华康电器股份有限公司",
    "佛山市顺德区美华电器维修中心",
    "广州华康空调安装服务有限公司",
    "深圳市康华电子科技有限公司",
    "ABC Appliance Co., Ltd.",
    "abc appliance service",
    "MiXeD CaSe Repair 维修",
    'Say "Hi" 售后服务中心',
    '""双引号""电器',
    "100% 满意服务有限公司",
    "100 满意服务",
    "under_score 维修站",
    "underXscore 维修站",
    "Straße Service GmbH",
    "STRASSE SERVICE GMBH",
    "Ünïcödé 服务",
    "上海  申凉   空调",
    "上海 申凉 空调",
    "杭州西湖电器",
    "苏州工业园区电器服务有限公司",
    "重庆长安汽车销售服务有限公司",
    "绿源电动车有限公司",
    "ＴＣＬ电器（中国）有限公司",
)
SEARCH_TERMS = (
    # 1 and 2 characters: no trigram, the LIKE scan
    "佛",
    "a",
    "A",
    "%",
    "_",
    '"',
    "佛山",
    "ab",
    "电器",
    # 3 characters and more
    "佛山华",
    "华康电",
    "佛山华康电器股份有限公司",
    "康华电",
    "abc",
    "ABC",
    "aBc aPPliance",
    "appliance co",
    "co., ltd",
    "mixed case",
    'Say "Hi"',
    '"Hi"',
    '"""',
    '""双',
    "100%",
    "0% 满",
    "100 满",
    "under_score",
    "der_s",
    "straße",
    "STRASSE",
    "strasse",
    "ünïcödé",
    "Ünï",
    "申凉   空调",
    "申凉 空调",
    "  空调  ",
    "无此组织",
    "xyz",
    # pinyin: initials and full, in any case
    "hz",
    "HZ",
    "hzxh",
    "xhdq",
    "hangzhou",
    "hangz",
    "XiHu",
    "szgyyq",
    "chongqing",
    "cqca",
    "zhongqing",
    "lv",
    "lvyuan",
    "tcl",
    "tcldq",
    "dianqi",
    "h",
    "q",
    # credit codes anywhere (the codes are 91440606MA1…, 91310115MA1…, 91110108MA1…)
    "MA1",
    "ma100",
    "0606MA",
    "06",
    "1X",
    "91",
    "914",
    "9144",
    "91440606",
    "91440606ma",
    "91310115MA1",
    # case numbers and parts of them
    "AW",
    "AW2",
    "aw2025",
    "AW2025-",
    "AW2025-000",
    "AW2025-00012",
    "AW2026-00001",
    "W2025",
    "2025-0001",
    "-000",
    "00012",
)
AREAS = ("440606", "310115", "110108")


def _fill(services: Services, per_name: int = 3) -> list[str]:
    """Organisations with NAMES and their cases, written straight into the store (triggers fire)."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rubric = services.rubrics.get("sbt10401-2006-production")
    case_nos = []
    with services.db.transaction() as session:
        orgs = [
            {
                "name": name,
                "credit_code": complete(f"91{AREAS[n % 3]}MA1{n:04d}X{n % 10}"),
                "address": "",
                "version": 1,
            }
            for n, name in enumerate(NAMES)
        ]
        session.execute(insert(m.Organization), orgs)
        org_ids = dict(session.execute(select(m.Organization.credit_code, m.Organization.id)).all())
        rows = []
        seq: dict[int, int] = {}
        for k in range(per_name * len(NAMES)):
            org = orgs[(k * 7) % len(NAMES)]
            year = 2024 + k % 3
            seq[year] = seq.get(year, 0) + 1
            case_no = f"AW{year}-{seq[year]:05d}"
            case_nos.append(case_no)
            rows.append(
                {
                    "case_no": case_no,
                    "kind": "initial",
                    "organization_id": org_ids[org["credit_code"]],
                    "enterprise_type": "production",
                    "rubric_id": rubric.id,
                    "rubric_sha256": rubric.sha256,
                    "headcount": 50,
                    "scope": "家用电器的售后服务",
                    "status": ("draft", "submitted", "certified")[k % 3],
                    "committee_round": 1,
                    "created_at": start + timedelta(hours=k),
                    "updated_at": start + timedelta(hours=(k * 37) % 101),
                    "version": 1,
                }
            )
        session.execute(insert(m.Case), rows)
    return case_nos


def _scanning(services: Services) -> CaseService:
    """A case service that never uses the search index: the LIKE query alone."""
    plain = CaseService(services)
    plain._search_index = ""
    return plain


def _rows(service: CaseService, query: CaseQuery) -> list[str]:
    return [c.case_no for c in service.list(query)]


def _uses_index(services: Services) -> bool:
    with services.read() as session:
        return services.cases._has_search_index(session)


def _reference(services: Services, term: str, status: str | None = None) -> list[str]:
    """The case numbers core.casesearch.matches finds, in case-number order (the pinyin computed
    from each name here, not read from the store)."""
    with services.read() as session:
        rows = session.execute(
            select(m.Case.case_no, m.Case.status, m.Organization.name, m.Organization.credit_code).join(
                m.Organization, m.Organization.id == m.Case.organization_id
            )
        ).all()
    found = []
    for case_no, case_status, name, code in rows:
        full, initials = pinyin_keys(name)
        if status and case_status != status:
            continue
        if matches(
            term, name=name, credit_code=code, case_no=case_no, name_pinyin=full, name_initials=initials
        ):
            found.append(case_no)
    return sorted(found)


def test_the_index_gives_the_rows_of_the_reference(services: Services) -> None:
    """Every term, with and without other filters and orders, finds the cases core.casesearch says,
    in the same order, with the index and with the LIKE scan; the counts agree."""
    _fill(services)
    plain = _scanning(services)
    queries = [
        lambda t: CaseQuery(search=t),
        lambda t: CaseQuery(search=t, status="certified"),
        lambda t: CaseQuery(search=t, order_by="organization", descending=True),
        lambda t: CaseQuery(search=t, order_by="updated_at", offset=2, limit=5),
    ]
    found_any = 0
    for term in SEARCH_TERMS:
        assert _rows(services.cases, CaseQuery(search=term)) == _reference(services, term), term
        assert _rows(services.cases, CaseQuery(search=term, status="certified")) == _reference(
            services, term, "certified"
        )
        for make in queries:
            query = make(term)
            expected = _rows(plain, query)
            assert _rows(services.cases, query) == expected, (term, query)
            assert (
                services.cases.count(query)
                == plain.count(query)
                == len(_rows(plain, replace(query, offset=0, limit=None)))
            )
            found_any += bool(expected)
    assert found_any > len(SEARCH_TERMS)  # most terms find something


def test_wildcards_and_quotes_are_taken_as_they_are(services: Services) -> None:
    """% and _ are characters to find, not LIKE's wildcards; quotes are characters too."""
    _fill(services, per_name=1)

    def names(term: str) -> set[str]:
        return {c.organization.name for c in services.cases.list(search=term)}

    assert names("100%") == {"100% 满意服务有限公司"}
    assert names("%") == {"100% 满意服务有限公司"}
    assert names("_") == {"under_score 维修站"}
    assert names("der_s") == {"under_score 维修站"}
    assert names('"Hi"') == {'Say "Hi" 售后服务中心'}
    assert names('""双') == {'""双引号""电器'}
    assert names("\\") == set()


@pytest.mark.sqlite_only
def test_the_index_narrows_terms_of_every_length(services: Services) -> None:
    """The narrowing is really used (else the test above compares the scan with itself): a trigram
    phrase from 3 characters on, the index's vocabulary for 1 and 2."""
    _fill(services)
    assert _uses_index(services)
    with services.read() as session:
        plans = {t: services.cases._plan(session, t.strip()) for t in SEARCH_TERMS}
    for term in ("华康电", "abc", '"Hi"', "9144", "100%", "der_s", "straße", "91440606ma", "-000"):
        assert plans[term] == "phrase", term
    for term in ("佛", "a", "A", "%", "_", '"', "佛山", "ab", "电器", "91"):
        assert plans[term] == "terms", term
    assert plans["AW2025-000"] == plans["aw2025"] == "range"
    with services.read() as session:
        # letters with a case outside ASCII: the index folds them its own way, so 1 or 2 of them scan
        assert services.cases._plan(session, "ü") == services.cases._plan(session, "Ün") == "scan"
        assert services.cases._plan(session, "Ünï") == "phrase"


@pytest.mark.sqlite_only
def test_a_frequent_term_scans_and_gives_the_same_rows(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(services)
    monkeypatch.setattr(case_service, "SEARCH_CANDIDATES", 4)
    with services.read() as session:
        assert len(services.cases._search(session, "维修")[0]) == 1
        assert len(services.cases._search(session, "维修站")[0]) == 1  # 6 cases > 4 candidates
        assert len(services.cases._search(session, "有限公司")[0]) == 1  # 15 cases
        assert len(services.cases._search(session, "康华电")[0]) == 2  # 3 cases
    plain = _scanning(services)
    for term in ("维修站", "有限公司", "康华电", "service", "9144"):
        assert _rows(services.cases, CaseQuery(search=term)) == _rows(plain, CaseQuery(search=term))


def test_a_case_number_term_is_a_range_of_case_numbers(services: Services) -> None:
    """AW + digits searches the case numbers only (by their unique index): an organisation whose
    name contains the same text is not found by it, as documented in CaseService._search."""
    _fill(services)
    with services.db.transaction() as session:
        org = session.scalar(select(m.Organization).where(m.Organization.name == "杭州西湖电器"))
        assert org is not None
        org.name = "杭州AW2025电器"
    renamed = {c.case_no for c in services.cases.list(search="杭州AW2025电器")}
    assert renamed and not all(c.startswith("AW2025-") for c in renamed)
    everything = [c.case_no for c in services.cases.list(CaseQuery())]
    for service in (services.cases, _scanning(services)):  # with or without the search index
        ours = _rows(service, CaseQuery(search="AW2025"))
        assert ours == [c for c in everything if c.startswith("AW2025-")]
        assert renamed - set(ours)  # the organisation's cases of other years are not found by it
    assert _rows(services.cases, CaseQuery(search="aw2025-0001")) == [f"AW2025-0001{n}" for n in range(10)]
    assert _rows(services.cases, CaseQuery(search="AW2025-00012")) == ["AW2025-00012"]
    assert services.cases.count(CaseQuery(search="杭州AW2025")) > 0  # found by its name as before


def test_the_count_of_a_search_stops_at_the_cap(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(services, per_name=4)
    monkeypatch.setattr(case_service, "SEARCH_COUNT_CAP", 11)
    query = CaseQuery(search="服务")
    exact = services.cases.count(query, exact=True)
    assert exact == len(services.cases.list(query)) > 11
    assert services.cases.count(query) == 11  # "more than 10"
    assert services.cases.count(CaseQuery(search="华康电")) == services.cases.count(
        CaseQuery(search="华康电"), exact=True
    )  # fewer than the cap: exact
    assert services.cases.count(CaseQuery()) == 4 * len(NAMES)  # no search: always exact
    assert services.cases.count(CaseQuery(status="draft")) > 11


def _index_rows(path: Path | str) -> list[tuple[object, ...]]:
    """What case_search holds for each case (each value without the SEARCH_END that follows it)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT rowid, name, credit_code, case_no, name_pinyin, name_initials FROM case_search"
        ).fetchall()
    finally:
        con.close()
    for row in rows:
        assert all(value.endswith(m.SEARCH_END) for value in row[1:]), row
    return sorted((row[0], *(value[: -len(m.SEARCH_END)] for value in row[1:])) for row in rows)


def _joined_rows(path: Path | str) -> list[tuple[object, ...]]:
    """What it should hold: every case with its organisation, the pinyin computed here from the name."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT c.id, o.name, o.credit_code, c.case_no FROM cases c "
            "JOIN organizations o ON o.id = c.organization_id"
        ).fetchall()
    finally:
        con.close()
    return sorted((*row, *pinyin_keys(row[1])) for row in rows)


@pytest.mark.sqlite_only
def test_triggers_keep_the_index_current(services, team, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    """Creating a case, renaming its organisation (two ways), correcting the credit code, deleting a
    case: the index always holds every case with its organisation, and the search follows."""
    _fill(services, per_name=1)
    case_no = make_case("draft")  # 测试电器有限公司0
    assert _index_rows(db_path) == _joined_rows(db_path)
    assert [c.case_no for c in services.cases.list(search="测试电器有限")] == [case_no]

    services.cases.update_application(
        team.clerk,
        case_no,
        org_name="宁波甬江家电服务有限公司",
        credit_code=services.cases.get(case_no).organization.credit_code,
        headcount=120,
        scope="家用电器的售后服务",
    )
    assert _index_rows(db_path) == _joined_rows(db_path)
    assert services.cases.list(search="测试电器有限") == []
    assert [c.case_no for c in services.cases.list(search="甬江家电")] == [case_no]

    # A recorded change renames the organisation (an application never does): all its cases follow.
    code = services.cases.get(case_no).organization.credit_code
    services.organizations.change(team.clerk, code, name="宁波甬江电器集团", reason="营业执照名称变更")
    second = services.cases.create(
        team.clerk,
        org_name="宁波甬江电器集团",
        credit_code=code,
        enterprise_type="production",
        headcount=80,
        scope="家用电器的售后服务",
    ).case_no
    assert _index_rows(db_path) == _joined_rows(db_path)
    assert [c.case_no for c in services.cases.list(search="甬江电器集")] == sorted([case_no, second])
    assert services.cases.list(search="甬江家电") == []

    other_code = complete("91330200MA0YYYYYY")
    services.cases.update_application(
        team.clerk,
        second,
        org_name="宁波甬江电器集团",
        credit_code=other_code,
        headcount=80,
        scope="家用电器的售后服务",
    )
    assert _index_rows(db_path) == _joined_rows(db_path)
    # a new credit code: the case moves to a new organisation
    assert [c.case_no for c in services.cases.list(search=other_code[:10])] == [second]
    assert [c.case_no for c in services.cases.list(search="甬江电器集")] == sorted([case_no, second])

    with services.db.transaction() as session:
        session.execute(
            text("DELETE FROM materials WHERE case_id = (SELECT id FROM cases WHERE case_no = :c)"),
            {"c": second},
        )
        session.execute(text("DELETE FROM cases WHERE case_no = :c"), {"c": second})
        session.execute(text("UPDATE cases SET case_no = 'AW2099-00001' WHERE case_no = 'AW2024-00001'"))
    assert _index_rows(db_path) == _joined_rows(db_path)
    assert [c.case_no for c in services.cases.list(search="甬江电器集")] == [case_no]
    assert [c.case_no for c in services.cases.list(search="2099-0000")] == ["AW2099-00001"]


@pytest.mark.sqlite_only
def test_without_the_index_the_search_scans(services: Services, db_path: Path) -> None:
    """A database without the index (an SQLite older than 3.34) searches as before, and the service
    looks the index up once per Services."""
    _fill(services)
    expected = {t: _rows(services.cases, CaseQuery(search=t)) for t in SEARCH_TERMS}
    with services.db.transaction() as session:
        for trigger in (
            "case_search_case_insert",
            "case_search_case_delete",
            "case_search_case_update",
            "case_search_organization_update",
        ):
            session.execute(text(f"DROP TRIGGER {trigger}"))
        session.execute(text("DROP TABLE case_search"))
    assert _uses_index(services)  # looked up once, cached: this Services still thinks it is there
    again = Services.open(db_path, hasher=FAST_HASHER)
    try:
        assert not _uses_index(again)
        for term in SEARCH_TERMS:
            assert _rows(again.cases, CaseQuery(search=term)) == expected[term], term
        assert _rows(again.cases, CaseQuery(search="AW2025-00012")) == ["AW2025-00012"]
    finally:
        again.close()


def test_a_summary_from_columns_is_the_summary_of_the_case(services: Services) -> None:
    """The list reads columns, not case objects: every field is what summary_view gives."""
    from audit_workbench.services.views import summary_view

    _fill(services, per_name=1)
    with services.read() as session:
        expected = [summary_view(c) for c in session.scalars(select(m.Case).order_by(m.Case.case_no))]
    assert services.cases.list(CaseQuery()) == expected
    assert services.cases.list(CaseQuery(search="华康")) == [
        s for s in expected if "华康" in s.organization.name
    ]


def test_the_first_page_is_the_count_and_the_list(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a keystroke reads in one go equals count() and list() asked apart, for every term, also
    when the page is not full and its length gives the count."""
    _fill(services, per_name=4)
    monkeypatch.setattr(case_service, "SEARCH_COUNT_CAP", 11)
    queries = [
        lambda t: CaseQuery(search=t),
        lambda t: CaseQuery(search=t, status="certified"),
        lambda t: CaseQuery(search=t, order_by="organization", descending=True),
    ]
    capped = 0
    for term in SEARCH_TERMS:
        for make in queries:
            query = make(term)
            for limit in (5, 50):  # a full page, and pages longer than the count's cap
                total, page = services.cases.first_page(query, limit)
                assert total == services.cases.count(query), (term, query, limit)
                assert page == services.cases.list(replace(query, offset=0, limit=limit)), (term, query)
                capped += total == 11
    assert capped > 3
    everything = services.cases.first_page(CaseQuery(), 500)
    assert everything[0] == services.cases.count(CaseQuery()) == len(everything[1]) == 4 * len(NAMES)
    assert services.cases.first_page(CaseQuery(search="没有这个组织"), 5) == (0, [])


def _statements(services: Services, monkeypatch: pytest.MonkeyPatch | None = None) -> list[str]:
    """The SQL statements the services run from now on (appended as they go); with `monkeypatch`
    also the index's own counts, which go to the SQLite driver directly."""
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: seen.append(sql))
    if monkeypatch is not None:
        counted = case_service._sqlite_count

        def recorded(session, sql, values):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return counted(session, sql, values)

        monkeypatch.setattr(case_service, "_sqlite_count", recorded)
        ran = case_service._sqlite_rows

        def ran_recorded(con, sql, params):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return ran(con, sql, params)

        monkeypatch.setattr(case_service, "_sqlite_rows", ran_recorded)
    return seen


@pytest.mark.sqlite_only
def test_the_count_of_a_rare_term_reads_the_index_alone(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search with no other filter counts on the index's copy of the columns (no join); with a
    filter, or a term the index cannot narrow, the count joins the cases as before."""
    _fill(services, per_name=4)
    plain = _scanning(services)
    seen = _statements(services, monkeypatch)
    terms = ("华康电", "abc", "9144", "有限公司", '"Hi"', "straße", "AW2025-000", "佛山", "hz", "06", "ü")
    for term in terms:
        for query in (CaseQuery(search=term), CaseQuery(search=term, status="draft")):
            expected = plain.count(query)
            seen.clear()
            assert services.cases.count(query) == expected, (term, query)
            alone = [s for s in seen if "SELECT 1 FROM case_search WHERE" in s and "LIKE" in s]
            narrowed = term not in ("AW2025-000", "ü") and not query.status
            assert bool(alone) == narrowed, (term, query, seen)
            if narrowed:
                assert not any("FROM cases" in s for s in seen)


@pytest.mark.sqlite_only
def test_a_page_in_case_number_order_scans_above_the_page_candidates(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over SEARCH_PAGE_CANDIDATES candidates a page in case-number order walks the case numbers
    (no MATCH); in another order, and for the count, the index still narrows. Same rows."""
    _fill(services)
    monkeypatch.setattr(case_service, "SEARCH_PAGE_CANDIDATES", 4)
    plain = _scanning(services)
    seen = _statements(services, monkeypatch)
    for term, many in (("有限公司", True), ("维修站", True), ("华康电", False), ("佛山华", False)):
        for query in (CaseQuery(search=term, limit=5), CaseQuery(search=term, descending=True)):
            expected = _rows(plain, query)
            seen.clear()
            assert _rows(services.cases, query) == expected
            matched = any("MATCH" in s and "ORDER BY cases.case_no" in s for s in seen)
            assert matched == (not many), (term, seen)
        seen.clear()
        by_name = CaseQuery(search=term, order_by="organization")
        assert _rows(services.cases, by_name) == _rows(plain, by_name)
        assert any("MATCH" in s and "ORDER BY organizations.name" in s for s in seen)
        counted = plain.count(CaseQuery(search=term))
        seen.clear()
        assert services.cases.count(CaseQuery(search=term)) == counted
        assert any("MATCH" in s and "LIKE" in s for s in seen)


# -- generated data: the indexed search against the reference, terms of every kind -----------------

CITY = "北京上海杭州苏州重庆长沙厦门佛山宁波无锡六安蚌埠"
BRAND = "华恒达美新海瑞鑫康博嘉盛和祥安泰顺丰宏昌荣润佳诚信德隆兴源锦旭卓越天宇金银辉明光远晨绿行长重乐"
TRADE = ("电器", "家电销售", "空调安装维修服务", "汽车销售服务", "银行卡服务", "电梯工程", "净水设备")
FORM = ("有限公司", "股份有限公司", "科技有限公司", "（集团）有限公司", "维修中心")
LATIN = ("TCL", "ABC", "3M", "Haier", "ＴＣＬ", "100%", "a_b", 'Q"T', "Straße", "Ünï")


def _generated(services: Services, rng: random.Random, orgs: int = 160) -> list[dict[str, str]]:
    """Organisations with names like real ones (some with Latin words, wildcards, quotes, letters
    outside ASCII) and valid credit codes, and one to three cases each, written with Core statements
    (the pinyin comes from the column default)."""
    from audit_workbench.core.creditcode import ALPHABET

    rubric = services.rubrics.get("sbt10401-2006-production")
    start = datetime(2023, 1, 1, tzinfo=UTC)
    rows, codes = [], set()
    while len(rows) < orgs:
        name = rng.choice(CITY[0::2]) + rng.choice(CITY[1::2])  # not always a real city: fine
        if rng.random() < 0.8:
            name = CITY[rng.randrange(0, len(CITY), 2) :][:2]
        name += rng.choice(BRAND) + rng.choice(BRAND)
        if rng.random() < 0.25:
            name += rng.choice(LATIN) + rng.choice(("", " "))
        name += rng.choice(TRADE) + rng.choice(FORM)
        code = complete(
            "91"
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(ALPHABET) for _ in range(9))
        )
        if code not in codes:
            codes.add(code)
            rows.append({"name": name, "credit_code": code, "address": "", "version": 1})
    cases = []
    with services.db.transaction() as session:
        session.execute(insert(m.Organization), rows)
        ids = dict(session.execute(select(m.Organization.credit_code, m.Organization.id)).all())
        seq: dict[int, int] = {}
        for row in rows:
            for _ in range(rng.choice((1, 1, 2, 3))):
                year = rng.choice((2023, 2024, 2025))
                seq[year] = seq.get(year, 0) + rng.choice((1, 1, 7, 93))
                case_no = f"AW{year}-{seq[year]:05d}"
                cases.append({**row, "case_no": case_no})
                session.execute(
                    insert(m.Case),
                    {
                        "case_no": case_no,
                        "kind": "initial",
                        "organization_id": ids[row["credit_code"]],
                        "enterprise_type": "production",
                        "rubric_id": rubric.id,
                        "rubric_sha256": rubric.sha256,
                        "headcount": 50,
                        "scope": "售后服务",
                        "status": rng.choice(("draft", "submitted", "certified")),
                        "committee_round": 1,
                        "created_at": start,
                        "updated_at": start + timedelta(minutes=len(cases)),
                        "version": 1,
                    },
                )
    return cases


def _piece(rng: random.Random, text: str, length: int) -> str:
    if len(text) <= length:
        return text
    at = rng.randrange(0, len(text) - length + 1)
    return text[at : at + length]


def _generated_terms(rng: random.Random, cases: list[dict[str, str]]) -> list[str]:
    """What people type: pieces of names (1 to 6 characters), of the pinyin and its initials, of
    credit codes from anywhere, of case numbers (with and without AW), in either case; and terms
    that find nothing."""
    terms = []
    for case in rng.sample(cases, 45):
        full, initials = pinyin_keys(case["name"])
        terms += [_piece(rng, case["name"], n) for n in (1, 2, 2, 3, 6)]
        terms += [_piece(rng, initials, n) for n in (1, 2, 3)]
        terms += [_piece(rng, full, n) for n in (2, 5, 9)]
        terms += [_piece(rng, case["credit_code"], n) for n in (1, 2, 4, 7, 18)]
        terms += [_piece(rng, case["case_no"], n) for n in (2, 4)] + [case["case_no"][: rng.randrange(3, 12)]]
    terms = [t.lower() if rng.random() < 0.3 else t for t in terms]
    terms += ["没有这个", "zzzq", "Ü", "ü", "ß", "%", "_", '"', "\\", "A_B", "100%", "aw2024-0"]
    return list(dict.fromkeys(t for t in terms if t.strip()))


def test_generated_data_finds_what_the_reference_finds(services: Services) -> None:
    """On generated organisations and cases, every generated term (1 and 2 characters, pinyin,
    credit codes anywhere, case numbers) finds with the index what core.casesearch.matches finds,
    in the same order, with the same capped count, alone and with a filter; on SQLite and on
    PostgreSQL."""
    rng = random.Random(20_251_204)
    cases = _generated(services, rng)
    terms = _generated_terms(rng, cases)
    assert len(terms) > 400
    assert _uses_index(services)
    kinds: dict[str, int] = {}
    with services.read() as session:
        for term in terms:
            plan = services.cases._plan(session, term.strip())
            kinds[plan] = kinds.get(plan, 0) + 1
    if services.db.engine.dialect.name == "sqlite":
        assert kinds["terms"] > 100 and kinds["phrase"] > 150 and kinds["range"] > 10, kinds
    else:
        assert kinds["grams"] > 350 and kinds["range"] > 10, kinds
    found = 0
    for term in terms:
        expected = _reference(services, term)
        assert _rows(services.cases, CaseQuery(search=term)) == expected, term
        assert services.cases.count(CaseQuery(search=term)) == min(
            len(expected), case_service.SEARCH_COUNT_CAP
        )
        if len(expected) > 3:
            assert _rows(services.cases, CaseQuery(search=term, status="draft")) == _reference(
                services, term, "draft"
            ), term
        found += bool(expected)
    assert found > 0.9 * (len(terms) - 12)  # the generated terms come from the data


def _explain(services: Services, term: str) -> str:
    """PostgreSQL's plan of a keystroke's page with sequential scans off: the GIN indexes must be able
    to serve it (with this little data the planner would otherwise scan)."""
    with services.read() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        stmt = services.cases._filtered(CaseQuery(search=term), session, m.Case.case_no).limit(200)
        compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        return "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())


def test_short_terms_pinyin_and_codes_are_served_by_the_index(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index really serves 1- and 2-character terms, pinyin and mid-code terms: on SQLite through
    the trigram vocabulary or a trigram phrase, on PostgreSQL through the GIN gram indexes."""
    _fill(services)
    seen = _statements(services, monkeypatch)
    for term in ("佛", "佛山", "hz", "hzxh", "hangzhou", "06", "0606MA", "华康电"):
        seen.clear()
        assert _rows(services.cases, CaseQuery(search=term)) == _reference(services, term)
        if services.db.engine.dialect.name == "sqlite":
            index = "FROM case_search_terms WHERE" if len(term) <= 2 else "case_search MATCH"
            assert any(index in " ".join(s.split()) for s in seen), (term, seen)
        else:
            assert any("aw_search_grams" in s for s in seen), (term, seen)
            plan = _explain(services, term)
            assert "ix_organizations_search_grams" in plan and "ix_cases_search_grams" in plan, plan


def test_the_pinyin_follows_the_name(services, team, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    """A new organisation, a renamed one (through the service), one renamed with a Core statement
    and then refreshed: the stored pinyin, and so the search, follow the name."""
    case_no = make_case("draft")
    code = services.cases.get(case_no).organization.credit_code
    assert [c.case_no for c in services.cases.list(search="csdq")] == [case_no]  # 测试电器
    services.cases.update_application(
        team.clerk,
        case_no,
        org_name="杭州西湖电器有限公司",
        credit_code=code,
        headcount=120,
        scope="家用电器的售后服务",
    )
    assert [c.case_no for c in services.cases.list(search="hzxh")] == [case_no]
    assert services.cases.list(search="csdq") == []
    with services.db.transaction() as session:
        session.execute(
            m.Organization.__table__.update()
            .where(m.Organization.credit_code == code)
            .values(name="重庆长安汽车")
        )
    assert [c.case_no for c in services.cases.list(search="hzxh")] == [case_no]  # stale until refreshed
    with services.db.transaction() as session:
        assert m.refresh_search_keys(session.connection()) == 1
        assert m.refresh_search_keys(session.connection()) == 0  # nothing left to change
    assert services.cases.list(search="hzxh") == []
    assert [c.case_no for c in services.cases.list(search="chongqing")] == [case_no]
    assert [c.case_no for c in services.cases.list(search="cqca")] == [case_no]
