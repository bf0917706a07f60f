"""Applications: the applicant, the 12 materials, submit, accept (contract, audit days), reject,
withdraw, the audit team and the document review."""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Text,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql._typing import _ColumnsClauseArgument

from ..core import creditcode
from ..core.casesearch import fold, is_case_number_term, normalise_term, upper_ascii
from ..core.errors import Conflict, NotFound, Refused
from ..core.numbers import NumberError, OutOfBounds, parse_amount
from ..core.policy import Action, Role, require, require_assignment
from ..core.rubric import EnterpriseType
from ..core.text import ADDRESS, CODE, LINE
from ..core.workflow import CaseKind, CaseState, ReviewOutcome
from ..storage import models as m
from ..storage.models import CASE_SEARCH, CASE_SEARCH_TERMS, SEARCH_END, SEARCH_GRAMS_INDEXES
from .base import Actor, Services
from .checks import file_name
from .checks import line as _line
from .checks import reason as _reason
from .checks import text as _text
from .organizations import (
    differences,
    exists_refusal,
    new_organization,
    organization_row,
    propose,
    record_versions,
)
from .people import standings
from .settings import organization_fits_certificate
from .views import (
    CaseDetail,
    CaseSummary,
    FileView,
    OrganizationView,
    detail_view,
    get_case_row,
    relation,
    summary_view,
)

MAX_HEADCOUNT = 1_000_000
# The ranges the services hold the same on SQLite and PostgreSQL (core.numbers refuses what no
# person types: NaN, exponents, more than 15 digits).
MAX_FEE = Decimal(100_000_000)  # 1 亿元: far above any certification contract
FEE_STEP = Decimal("0.01")  # fen
MAX_DAYS = Decimal(365)  # audit person-days of one case


def _decimal(value: object, what: str, zh: str, *, maximum: Decimal, step: Decimal | None = None) -> Decimal:
    try:
        number = parse_amount(value)  # "38,000", "３８０００", "3.8万" (core.numbers)
    except OutOfBounds as exc:
        raise Refused("bad_number", f"{what}: {exc}", f"{zh}：{exc.zh}") from None
    except NumberError:
        raise Refused("bad_number", f"{what} must be a number, not {value!r}", f"{zh}必须是数字") from None
    if not number.is_finite() or number.is_signed():  # "-0" too
        raise Refused("bad_number", f"{what} must be zero or more", f"{zh}不能为负数")
    if number > maximum:
        raise Refused(
            "bad_number",
            f"{what} must be at most {maximum} (not {number})",
            f"{zh}不能超过 {maximum}（而非 {number}）",
        )
    if step is not None and number % step != 0:
        raise Refused("bad_number", f"{what} must be a multiple of {step}", f"{zh}必须是 {step} 的倍数")
    return number


def _application_fields(
    org_name: str, credit_code: str, address: str, scope: str, headcount: int
) -> tuple[str, str, str, str]:
    """The checked application values: (organisation name, credit code, address, scope)."""
    org_name = _line(org_name, "the organisation name", "组织名称", limit=LINE)
    scope = _text(scope, "the scope", "认证范围")
    address = _line(address, "the address", "地址", required=False, limit=ADDRESS)
    try:
        code = creditcode.validate(credit_code)
    except creditcode.CreditCodeError as exc:
        raise Refused("bad_credit_code", str(exc), f"统一社会信用代码无效：{exc.zh}") from None
    if isinstance(headcount, bool) or not isinstance(headcount, int) or not 1 <= headcount <= MAX_HEADCOUNT:
        raise Refused(
            "bad_headcount",
            f"headcount must be a whole number from 1 to {MAX_HEADCOUNT}",
            f"人数必须为 1 到 {MAX_HEADCOUNT} 之间的整数",
        )
    return org_name, code, address, scope


@dataclass(frozen=True)
class CaseQuery:
    status: str | None = None
    search: str | None = None
    rubric_id: str | None = None
    grade: str | None = None
    team_member: str | None = None
    offset: int = 0
    limit: int | None = None
    order_by: str = "case_no"
    descending: bool = False

    @property
    def lone_search(self) -> str | None:
        """The term of a type-ahead search with no other filter (what the search index serves
        alone), or None."""
        if not self.search or self.status or self.rubric_id or self.grade or self.team_member:
            return None
        return normalise_term(self.search)


# A search's count stops here: the case list shows "1,000+" rather than scanning for the exact number.
SEARCH_COUNT_CAP = 1001
# The most candidates the search index may give for its narrowing to be used (see CaseService._search).
SEARCH_CANDIDATES = 5000
# The same for a page in case-number order: with more candidates than this, walking the case-number
# index soon fills a page, while the narrowing must read and sort every candidate (measured at
# 100,000 cases: about 3,200 candidates take 11 ms through the index, 3 ms by the ordered scan).
SEARCH_PAGE_CANDIDATES = 2000
LIKE_ESCAPE = "\\"
_UPPER, _LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"


def _after_prefix(prefix: str) -> str:
    """The least string above every string that starts with `prefix` (an exclusive upper bound)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _like_contains(term: str) -> str:
    """A LIKE pattern (escape character LIKE_ESCAPE) for the values holding `term` as it is."""
    escaped = fold(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_phrase(term: str) -> str | None:
    """The FTS5 trigram phrase for a term of 3 characters or more (quotes doubled), or None."""
    if len(term) < 3 or SEARCH_END[0] in term:
        return None
    return '"' + term.replace('"', '""') + '"'


def _token_range(term: str) -> tuple[str, str] | None:
    """For a term of 1 or 2 characters, the range of trigram tokens that start with it (the index
    folds case as it tokenizes: only terms whose letters are ASCII, or have no case, such as Chinese
    characters and digits, are folded here the same way), or None."""
    if not 1 <= len(term) <= 2 or SEARCH_END[0] in term:
        return None
    if not all(c.isascii() or c.lower() == c.upper() for c in term):
        return None
    low = fold(term)
    if ord(low[-1]) >= 0x10FFFF:
        return None
    return low, _after_prefix(low)


def _grams(term: str) -> list[str]:
    """What the PostgreSQL gram index is asked for: the term itself when it has 1 or 2 characters,
    else each of its 2-grams (a case holding the term holds them all)."""
    low = fold(term)
    if len(low) <= 2:
        return [low]
    return sorted({low[i : i + 2] for i in range(len(low) - 1)})


# How many cases the index finds for a term, up to a cap (CaseService._found_by_index), and a
# search's capped count on the index alone (CaseService._count_in_index: the columns of case_search
# are copies of the values the search looks at, each followed by SEARCH_END).
_IN_TERMS = f"SELECT doc FROM {CASE_SEARCH_TERMS} WHERE term >= :search_from AND term < :search_to"
_FOUND = {
    "phrase": (
        f"SELECT count(*) FROM (SELECT rowid FROM {CASE_SEARCH} "
        f"WHERE {CASE_SEARCH} MATCH :search_phrase LIMIT :cap)"
    ),
    # Occurrences, not distinct cases: as many or more, and far cheaper to count (no DISTINCT); as a
    # bound it only ever sends a term to the scan sooner.
    "terms": f"SELECT count(*) FROM ({_IN_TERMS} LIMIT :cap)",
}
_INDEX_LIKE = " OR ".join(
    f"{column} LIKE :search_contains ESCAPE '{LIKE_ESCAPE}'"
    for column in ("name", "credit_code", "case_no", "name_pinyin", "name_initials")
)
_COUNT_IN_INDEX = {
    "phrase": (
        f"SELECT count(*) FROM (SELECT 1 FROM {CASE_SEARCH} WHERE {CASE_SEARCH} MATCH :search_phrase "
        f"AND ({_INDEX_LIKE}) LIMIT :cap)"
    ),
    "terms": (
        f"SELECT count(*) FROM (SELECT 1 FROM {CASE_SEARCH} WHERE rowid IN ({_IN_TERMS}) "
        f"AND ({_INDEX_LIKE}) LIMIT :cap)"
    ),
}


# What the search reads through: a Session, or (SQLite, a keystroke: Database.sqlite_reading) the
# driver's connection itself.
Reader = Session | sqlite3.Connection


def _driver(reader: Reader) -> sqlite3.Connection:
    """The SQLite driver connection of `reader` (a session's: in the session's transaction)."""
    if isinstance(reader, sqlite3.Connection):
        return reader
    driver = reader.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _sqlite_count(reader: Reader, sql: str, values: dict[str, Any]) -> int:
    """A count on the SQLite search index through the driver connection (a session's: the same
    transaction): these small statements are SQLite's own SQL, and SQLAlchemy's execution path
    costs more than the statement (a fresh keystroke runs one or two of them)."""
    row = _driver(reader).execute(sql, values).fetchone()
    return int(row[0]) if row else 0


def _sqlite_rows(con: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """The rows of a keystroke's compiled statement, run on the driver connection (see _Compiled)."""
    return con.execute(sql, params).fetchall()


@dataclass(frozen=True)
class _Compiled:
    """A keystroke's statement compiled once for SQLite: its SQL, the names of its parameters in
    order and their values as built (the page's limit and offset; the term's are given per run),
    and the result processors SQLAlchemy would apply, by column (the decimal total, the UTC time).
    Run on the driver connection it gives what SQLAlchemy gives, without its per-row machinery."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]
    processors: tuple[tuple[int, Any], ...]

    @classmethod
    def of(cls, stmt: Select[Any], dialect: Any, columns: Sequence[Any] = ()) -> _Compiled | None:
        compiled = stmt.compile(dialect=dialect)
        sql = str(compiled)
        if compiled.positiontup is None or "POSTCOMPILE" in sql:
            return None  # parameters expanded at run time: SQLAlchemy's own path runs it
        processors = []
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                processors.append((index, processor))
        return cls(sql, tuple(compiled.positiontup), dict(compiled.params), tuple(processors))

    def rows(self, con: sqlite3.Connection, values: dict[str, Any]) -> list[Any]:
        params = [values[n] if n in values else self.defaults[n] for n in self.names]
        rows = _sqlite_rows(con, self.sql, params)
        if not self.processors:
            return rows
        processed = []
        for row in rows:
            row = list(row)
            for index, processor in self.processors:
                row[index] = processor(row[index])
            processed.append(row)
        return processed


_SEARCHED_COLUMNS = (
    m.Organization.name,
    m.Organization.credit_code,
    m.Case.case_no,
    m.Organization.name_pinyin,
    m.Organization.name_initials,
)

# The columns a CaseSummary is made of, in its order (see _summary).
_SUMMARY_COLUMNS = (
    m.Case.case_no,
    m.Case.kind,
    m.Case.status,
    m.Organization.name,
    m.Organization.credit_code,
    m.Organization.address,
    m.Case.enterprise_type,
    m.Case.rubric_id,
    m.Case.recommended_total,
    m.Case.recommended_grade,
    m.Case.decided_grade,
    m.Case.updated_at,
)


def _summary(row: Sequence[Any]) -> CaseSummary:
    """A CaseSummary from a row of _SUMMARY_COLUMNS (the same values summary_view reads)."""
    return CaseSummary(
        row[0],
        row[1],
        row[2],
        OrganizationView(row[3], row[4], row[5]),
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
    )


def _search_values(term: str, plan: str) -> dict[str, Any]:
    """The bound values of a search for `term` by `plan` (see CaseService._search)."""
    if plan == "range":
        start = upper_ascii(term)
        return {"search_from": start, "search_to": _after_prefix(start), "search_prefix": f"{start}%"}
    values: dict[str, Any] = {"search_contains": _like_contains(term)}
    if plan == "phrase":
        values["search_phrase"] = _search_phrase(term)
    elif plan == "terms":
        values["search_from"], values["search_to"] = _token_range(term) or ("", "")
    elif plan == "grams":
        values["search_grams"] = _grams(term)
    return values


SORTABLE = {
    "case_no": m.Case.case_no,
    "kind": m.Case.kind,
    "status": m.Case.status,
    "organization": m.Organization.name,
    "credit_code": m.Organization.credit_code,
    "rubric_id": m.Case.rubric_id,
    "grade": m.Case.decided_grade,
    "total": m.Case.recommended_total,
    "updated_at": m.Case.updated_at,
}


class CaseService:
    def __init__(self, services: Services) -> None:
        self.s = services
        # "fts", "grams" or "" (none), looked up once (_search_kind)
        self._search_index: str | None = None
        # (plan, term) → how many cases the index finds, up to SEARCH_CANDIDATES + 1 (a plan choice)
        self._found: dict[tuple[str, str], int] = {}
        # (plan, order, descending, offset, limit) → the statement of a first page of a search (_list);
        # ("count", plan) → the statement of a search's capped count (_count)
        self._pages: dict[tuple[object, ...], Select[Any]] = {}
        # the same keys → the statement compiled for SQLite's driver (_keystroke_page, _keystroke_count)
        self._compiled: dict[tuple[object, ...], _Compiled | None] = {}

    # -- queries ----------------------------------------------------------------------------------
    def get(self, case_no: str) -> CaseDetail:
        with self.s.read() as session:
            return detail_view(self.s, session, get_case_row(session, case_no))

    def summary(self, case_no: str) -> CaseSummary:
        """One case's row of the case list (what `list` gives for it), without reading its detail."""
        with self.s.read() as session:
            return summary_view(get_case_row(session, case_no))

    def _filtered(
        self,
        query: CaseQuery,
        session: Session,
        *columns: _ColumnsClauseArgument[Any],
        organization: bool = False,
        most: int | None = None,
    ) -> Select[Any]:
        """`columns` of the cases matching `query` (its filters, not its order or page). The
        organisation is joined when `organization` is set or the search or the order needs it; a
        search narrows through the index when that finds at most `most` cases (by default
        SEARCH_CANDIDATES)."""
        stmt = select(*columns).select_from(m.Case)
        search, by_organization = (
            self._search(session, normalise_term(query.search), most=most) if query.search else ([], False)
        )
        if organization or by_organization or query.order_by in ("organization", "credit_code"):
            # Only then: a count over the cases table alone is several times faster at 100,000 cases.
            stmt = stmt.join(m.Organization, m.Case.organization_id == m.Organization.id)
        if query.status:
            try:
                CaseState(query.status)
            except ValueError:
                raise Refused(
                    "bad_state", f"unknown case state {query.status!r}", f"未知状态 {query.status!r}"
                ) from None
            stmt = stmt.where(m.Case.status == query.status)
        if query.rubric_id:
            stmt = stmt.where(m.Case.rubric_id == query.rubric_id)
        if query.grade:
            stmt = stmt.where(
                or_(m.Case.decided_grade == query.grade, m.Case.recommended_grade == query.grade)
            )
        if search:
            stmt = stmt.where(*search)
        if query.team_member:
            team = (
                select(m.TeamMember.case_id)
                .join(m.User, m.User.id == m.TeamMember.user_id)
                .where(m.User.name == query.team_member)
            )
            stmt = stmt.where(m.Case.id.in_(team))
        return stmt

    # -- the search -------------------------------------------------------------------------------
    def _search(
        self, session: Session, term: str, *, most: int | None = None
    ) -> tuple[list[ColumnElement[bool]], bool]:
        """The conditions of a search for `term` (core.casesearch says what it finds), and whether
        they need the organisation joined. The term's values are bound parameters named as in
        _search_values, so a statement built for one term runs for another of the same plan.

        The exact filter is LIKE over the organisation's name, credit code, name pinyin and initials
        and the case number (the term escaped, ASCII case ignored). Where there is a search index
        (see storage.models) it narrows the cases first, never changing the rows:
        - a term shaped like a case number is a range of the case number's unique index;
        - SQLite: a term of 3 or more characters is a trigram phrase, one of 1 or 2 characters a
          range of the index's vocabulary; used when the index finds at most `most` cases (by
          default SEARCH_CANDIDATES), else the term is frequent and the scan soon fills a page. How
          many cases the index finds is remembered per term (the count and the page of one
          keystroke ask the same): it only chooses the plan, never the rows;
        - PostgreSQL: the GIN indexes on the 1- and 2-grams of the same columns.
        """
        plan = self._plan(session, term, most)
        values = _search_values(term, plan)
        if plan == "range":
            if (
                session.get_bind().dialect.name != "sqlite"
            ):  # a server's collation may not order by code point
                return [m.Case.case_no.like(bindparam("search_prefix", values["search_prefix"]))], False
            return [
                m.Case.case_no >= bindparam("search_from", values["search_from"]),
                m.Case.case_no < bindparam("search_to", values["search_to"]),
            ], False
        contains: BindParameter[str] = bindparam("search_contains", values["search_contains"])
        if session.get_bind().dialect.name == "postgresql":
            # LIKE is case-sensitive there: fold ASCII letters alone, as SQLite's LIKE ignores them.
            like = or_(
                *(
                    func.translate(column, _UPPER, _LOWER).like(contains, escape=LIKE_ESCAPE)
                    for column in _SEARCHED_COLUMNS
                )
            )
        else:
            like = or_(*(column.like(contains, escape=LIKE_ESCAPE) for column in _SEARCHED_COLUMNS))
        if plan == "scan":
            return [like], True
        return [m.Case.id.in_(self._candidates(plan, values)), like], True

    @staticmethod
    def _candidates(plan: str, values: dict[str, Any]) -> Select[Any]:
        """The ids of the cases the index finds for a term by `plan` (a superset of the matches)."""
        if plan == "phrase":
            return (
                select(literal_column("rowid", Integer))
                .select_from(table(CASE_SEARCH))
                .where(
                    literal_column(CASE_SEARCH).op("MATCH")(
                        bindparam("search_phrase", values["search_phrase"])
                    )
                )
            )
        if plan == "terms":
            return (
                select(literal_column("doc", Integer))
                .select_from(table(CASE_SEARCH_TERMS))
                .where(
                    literal_column("term") >= bindparam("search_from", values["search_from"]),
                    literal_column("term") < bindparam("search_to", values["search_to"]),
                )
            )
        from sqlalchemy.dialects.postgresql import ARRAY

        grams = bindparam("search_grams", values["search_grams"], type_=ARRAY(Text))
        org, case, by_number = m.Organization.__table__.alias(), aliased(m.Case), aliased(m.Case)
        org_grams = func.aw_search_grams(
            org.c.name, org.c.credit_code, org.c.name_pinyin, org.c.name_initials
        )
        by_organization = select(case.id).where(
            case.organization_id.in_(select(org.c.id).where(org_grams.op("@>")(grams)))
        )
        by_case_no = select(by_number.id).where(func.aw_search_grams(by_number.case_no).op("@>")(grams))
        return union_all(by_organization, by_case_no)  # type: ignore[return-value]

    def _plan(self, session: Reader, term: str, most: int | None = None) -> str:
        """How _search finds `term`: "range" (of case numbers, whatever the index); "phrase"
        (SQLite: trigram MATCH), "terms" (SQLite: the index's vocabulary) or "grams" (PostgreSQL)
        when the index finds at most `most` cases, else "scan" (LIKE over every case, which soon
        fills a page of a frequent term); without an index "scan"."""
        if is_case_number_term(term):
            return "range"
        kind = self._search_kind(session)
        if kind is None:
            return "scan"
        if kind == "grams":
            plan = "grams"
        elif _search_phrase(term) is not None:
            plan = "phrase"
        elif _token_range(term) is not None:
            plan = "terms"
        else:
            return "scan"
        if self._found_by_index(session, term, plan) > (most or SEARCH_CANDIDATES):
            return "scan"
        return plan

    def _found_by_index(self, session: Reader, term: str, plan: str) -> int:
        """How many cases the search index finds for `term`, counted up to SEARCH_CANDIDATES + 1."""
        key = (plan, term)
        found = self._found.get(key)
        if found is None:
            values = _search_values(term, plan)
            if plan == "grams":
                assert isinstance(session, Session)
                first = self._candidates(plan, values).limit(SEARCH_CANDIDATES + 1).subquery()
                found = session.scalar(select(func.count()).select_from(first)) or 0
            else:
                values.pop("search_contains")
                found = _sqlite_count(session, _FOUND[plan], {**values, "cap": SEARCH_CANDIDATES + 1})
            if len(self._found) >= 1000:
                self._found.clear()
            self._found[key] = found
        return found

    def _search_kind(self, session: Reader) -> str | None:
        """The database's case search index (looked up once per Services): "fts" (SQLite),
        "grams" (PostgreSQL) or None."""
        if self._search_index is None:
            dialect = "sqlite" if isinstance(session, sqlite3.Connection) else session.get_bind().dialect.name
            if dialect == "sqlite":
                found = _sqlite_count(
                    session,
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)",
                    {"a": CASE_SEARCH, "b": CASE_SEARCH_TERMS},
                )
                self._search_index = "fts" if found == 2 else ""
            elif dialect == "postgresql":
                assert isinstance(session, Session)
                found = session.scalar(
                    text("SELECT count(*) FROM pg_indexes WHERE indexname = ANY(:names)"),
                    {"names": list(SEARCH_GRAMS_INDEXES)},
                )
                self._search_index = "grams" if found == len(SEARCH_GRAMS_INDEXES) else ""
            else:
                self._search_index = ""
        return self._search_index or None

    def _has_search_index(self, session: Session) -> bool:
        return self._search_kind(session) is not None

    def list(self, query: CaseQuery | None = None, **kwargs: object) -> list[CaseSummary]:
        query = query or CaseQuery(**kwargs)  # type: ignore[arg-type]
        if self._on_driver(query):
            with self.s.db.sqlite_reading() as con:
                return self._keystroke_page(con, query)
        with self.s.read() as session:
            return self._list(session, query)

    def count(self, query: CaseQuery | None = None, *, exact: bool = False, **kwargs: object) -> int:
        """How many cases match. With a search term the count stops at SEARCH_COUNT_CAP (a result
        of SEARCH_COUNT_CAP means "more than SEARCH_COUNT_CAP - 1") unless `exact` is given."""
        query = query or CaseQuery(**kwargs)  # type: ignore[arg-type]
        if not exact and self._on_driver(query):
            with self.s.db.sqlite_reading() as con:
                return self._keystroke_count(con, query)
        with self.s.read() as session:
            return self._count(session, query, exact=exact)

    def first_page(self, query: CaseQuery, limit: int) -> tuple[int, builtins.list[CaseSummary]]:
        """`count(query)` and `list(query)` from offset 0 up to `limit` cases, in one read (what the
        case list asks for each keystroke). A page that is not full holds every match: then its
        length is the count, and the count is not asked (one search instead of two)."""
        if self._on_driver(query):
            with self.s.db.sqlite_reading() as con:
                page = self._keystroke_page(con, replace(query, offset=0, limit=limit))
                if len(page) < limit:
                    return min(len(page), SEARCH_COUNT_CAP), page
                return self._keystroke_count(con, query), page
        with self.s.read() as session:
            page = self._list(session, replace(query, offset=0, limit=limit))
            if len(page) < limit:  # a search's count stays capped, as count() gives it
                return min(len(page), SEARCH_COUNT_CAP) if query.search else len(page), page
            return self._count(session, query, exact=False), page

    # -- a keystroke on SQLite: the statements of _list and _count, compiled once, on the driver ---------
    def _on_driver(self, query: CaseQuery) -> bool:
        """Whether `query` is a keystroke (a search, no other filter) on SQLite: then it is read by
        _keystroke_page and _keystroke_count, which give what _list and _count give."""
        return query.lone_search is not None and self.s.db.engine.dialect.name == "sqlite"

    def _statement(
        self, key: tuple[object, ...], build: Any, columns: Sequence[Any] = ()
    ) -> _Compiled | None:
        """The compiled statement of `key`, built (in a read session of its own, once) by `build`."""
        if key not in self._compiled:
            with self.s.read() as session:
                stmt = build(session)
            if len(self._compiled) >= 100:
                self._compiled.clear()
            self._compiled[key] = _Compiled.of(stmt, self.s.db.engine.dialect, columns)
        return self._compiled[key]

    def _keystroke_page(self, con: sqlite3.Connection, query: CaseQuery) -> builtins.list[CaseSummary]:
        """_list(query) for a keystroke, on the driver connection `con`."""
        term = query.lone_search
        assert term is not None
        column = SORTABLE.get(query.order_by, m.Case.case_no)
        most = min(SEARCH_PAGE_CANDIDATES, SEARCH_CANDIDATES) if column is m.Case.case_no else None
        plan = self._plan(con, term, most)

        def build(session: Session) -> Select[Any]:
            stmt = self._filtered(query, session, *_SUMMARY_COLUMNS, organization=True, most=most)
            stmt = stmt.order_by(column.desc() if query.descending else column.asc(), m.Case.id)
            return stmt.offset(query.offset).limit(query.limit)

        key = ("page", plan, query.order_by, query.descending, query.offset, query.limit)
        compiled = self._statement(key, build, _SUMMARY_COLUMNS)
        if compiled is None:
            with self.s.read() as session:
                return self._list(session, query)
        return [_summary(row) for row in compiled.rows(con, _search_values(term, plan))]

    def _keystroke_count(self, con: sqlite3.Connection, query: CaseQuery) -> int:
        """_count(query, exact=False) for a keystroke, on the driver connection `con`."""
        term = query.lone_search
        assert term is not None
        plan = self._plan(con, term)
        values = _search_values(term, plan)
        if self._search_kind(con) == "fts" and plan in _COUNT_IN_INDEX:
            return _sqlite_count(con, _COUNT_IN_INDEX[plan], {**values, "cap": SEARCH_COUNT_CAP})

        def build(session: Session) -> Select[Any]:
            capped = self._filtered(query, session, m.Case.id).limit(SEARCH_COUNT_CAP).subquery()
            return select(func.count()).select_from(capped)

        compiled = self._statement(("count", plan, SEARCH_COUNT_CAP), build)
        if compiled is None:
            with self.s.read() as session:
                return self._count(session, query, exact=False)
        rows = compiled.rows(con, values)
        return int(rows[0][0]) if rows else 0

    def _list(self, session: Session, query: CaseQuery) -> builtins.list[CaseSummary]:
        column = SORTABLE.get(query.order_by, m.Case.case_no)
        # In case-number order the ordered scan beats the narrowing sooner (SEARCH_PAGE_CANDIDATES).
        most = min(SEARCH_PAGE_CANDIDATES, SEARCH_CANDIDATES) if column is m.Case.case_no else None
        values: dict[str, str] = {}
        key: tuple[object, ...] | None = None
        stmt: Select[Any] | None = None
        term = query.lone_search
        if term is not None:
            # A keystroke's page: the statement of its plan and order is built once, the term bound.
            plan = self._plan(session, term, most)
            values = _search_values(term, plan)
            key = (plan, query.order_by, query.descending, query.offset, query.limit)
            stmt = self._pages.get(key)
        if stmt is None:
            stmt = self._filtered(query, session, *_SUMMARY_COLUMNS, organization=True, most=most).order_by(
                column.desc() if query.descending else column.asc(), m.Case.id
            )
            if query.offset:
                stmt = stmt.offset(query.offset)
            if query.limit is not None:
                stmt = stmt.limit(query.limit)
            if key is not None and query.offset == 0:
                if len(self._pages) >= 100:
                    self._pages.clear()
                self._pages[key] = stmt
        # Core rows through the session's connection: the ORM's result machinery adds nothing here.
        return [_summary(row) for row in session.connection().execute(stmt, values)]

    def _count(self, session: Session, query: CaseQuery, *, exact: bool) -> int:
        if query.search and not exact:
            counted = self._count_in_index(session, query)
            if counted is not None:
                return counted
            term = query.lone_search
            values: dict[str, Any] = {}
            stmt: Select[Any] | None = None
            key: tuple[object, ...] | None = None
            if term is not None:  # a keystroke's count: its statement built once per plan, the term bound
                plan = self._plan(session, term)
                values, key = _search_values(term, plan), ("count", plan)
                stmt = self._pages.get(key)
            if stmt is None:
                capped = self._filtered(query, session, m.Case.id).limit(SEARCH_COUNT_CAP).subquery()
                stmt = select(func.count()).select_from(capped)
                if key is not None:
                    self._pages[key] = stmt
            return session.connection().scalar(stmt, values) or 0
        # count(*), not count(cases.id): SQLite counts a whole table without reading its rows.
        return session.connection().scalar(self._filtered(query, session, func.count())) or 0

    def _count_in_index(self, session: Reader, query: CaseQuery) -> int | None:
        """The capped count of a search with no other filter, read from the SQLite search index
        alone (it holds a copy of every searched value: the same LIKE conditions apply to the copy,
        no join), or None when the index does not narrow this search."""
        term = query.lone_search
        if term is None or self._search_kind(session) != "fts":
            return None
        plan = self._plan(session, term)
        if plan not in _COUNT_IN_INDEX:
            return None
        return _sqlite_count(
            session, _COUNT_IN_INDEX[plan], {**_search_values(term, plan), "cap": SEARCH_COUNT_CAP}
        )

    # -- the application --------------------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        *,
        org_name: str,
        credit_code: str,
        enterprise_type: str,
        headcount: int,
        scope: str,
        address: str = "",
        rubric_id: str | None = None,
        contact: str = "",
        existing_organization: bool = False,
    ) -> CaseDetail:
        """A new application. A credit code on record with another name, address or contact is
        refused unless `existing_organization` says the application is for that organisation: then
        what differs is recorded as a proposal (services.organizations), never applied."""
        org_name, code, address, scope = _application_fields(org_name, credit_code, address, scope, headcount)
        contact = _line(contact, "the contact", "联系人", required=False, limit=LINE)
        try:
            etype = EnterpriseType(enterprise_type)
        except ValueError:
            raise Refused(
                "bad_enterprise_type",
                "enterprise type must be production or sales",
                "企业类型必须为生产型或销售服务型",
            ) from None
        loaded = self._choose_rubric(etype, rubric_id)
        with self.s.tx(actor) as tx:
            require(Action.create_case, tx.roles())
            org = organization_row(tx.session, code, lock=True)
            differing: dict[str, str] = {}
            if org is None:
                organization_fits_certificate(self.s.settings.all(tx.session), org_name, address)
                org = new_organization(
                    tx,
                    name=org_name,
                    credit_code=code,
                    address=address,
                    contact=contact,
                    reason="first application",
                )
            else:
                differing = differences(org, org_name, address, contact)
                if differing and not existing_organization:
                    raise exists_refusal(self.s, tx.session, org, differing)
            case = m.Case(
                case_no=self._next_case_no(tx.session, tx.now.year),
                kind=CaseKind.initial.value,
                organization=org,
                enterprise_type=etype.value,
                rubric_id=loaded.id,
                rubric_sha256=loaded.sha256,
                headcount=headcount,
                scope=scope,
                status=CaseState.draft.value,
                committee_round=1,
                created_at=tx.now,
                updated_at=tx.now,
            )
            tx.session.add(case)
            tx.session.flush()
            for no in self.s.materials.numbers:
                tx.session.add(m.Material(case_id=case.id, item_no=no, status="missing"))
            tx.record(
                "case.create",
                "case",
                case.case_no,
                after={
                    "organization": code,
                    "enterprise_type": etype.value,
                    "rubric_id": loaded.id,
                    "rubric_sha256": loaded.sha256,
                    "headcount": headcount,
                    "scope": scope,
                },
            )
            propose(tx, org, case, differing)
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    def _choose_rubric(self, etype: EnterpriseType, rubric_id: str | None):  # type: ignore[no-untyped-def]
        if rubric_id is None:
            return self.s.rubrics.default_for(etype)
        if rubric_id not in self.s.rubrics:
            raise Refused(
                "unknown_rubric",
                f"unknown rubric {rubric_id!r}; installed: {', '.join(self.s.rubrics.ids())}",
                f"未知评价规则 {rubric_id!r}",
            )
        loaded = self.s.rubrics.get(rubric_id)
        if loaded.rubric.enterprise_type not in (None, etype):
            raise Refused(
                "rubric_type_mismatch",
                f"rubric {rubric_id} is for {loaded.rubric.enterprise_type.value} enterprises, not {etype.value}",
                f"评价规则 {rubric_id} 不适用于该企业类型",
            )
        return loaded

    @staticmethod
    def _next_case_no(session, year: int) -> str:  # type: ignore[no-untyped-def]
        prefix = f"AW{year}-"
        last = session.scalar(
            select(m.Case.case_no)
            .where(m.Case.case_no.like(prefix + "%"))
            .order_by(m.Case.case_no.desc())
            .limit(1)
        )
        number = int(last[len(prefix) :]) + 1 if last else 1
        return f"{prefix}{number:05d}"

    def _case_for(self, tx, case_no: str, action: Action):  # type: ignore[no-untyped-def]
        case = get_case_row(tx.session, case_no, lock=True)
        require(action, tx.roles(), CaseState(case.status), relation(tx.session, case, tx.actor.id))
        return case

    def _material(self, tx, case: m.Case, item_no: int) -> m.Material:  # type: ignore[no-untyped-def]
        if item_no not in self.s.materials.numbers:
            raise Refused(
                "bad_material",
                f"material item must be 1–{len(self.s.materials.items)}, not {item_no}",
                "材料编号无效",
            )
        row = tx.session.scalar(
            select(m.Material).where(m.Material.case_id == case.id, m.Material.item_no == item_no)
        )
        assert row is not None
        return row

    def set_material_files(
        self, actor: Actor, case_no: str, item_no: int, files: Sequence[Path]
    ) -> CaseDetail:
        """Attach files to one item of the checklist (replacing the files it had)."""
        if not files:
            raise Refused("missing_value", "give at least one file", "请至少提供一个文件")
        return self._store_files(actor, case_no, item_no, [Path(f) for f in files], keep=())

    def add_material_files(
        self, actor: Actor, case_no: str, item_no: int, files: Sequence[Path]
    ) -> CaseDetail:
        """Attach more files to an item, keeping the ones it has."""
        if not files:
            raise Refused("missing_value", "give at least one file", "请至少提供一个文件")
        current = tuple(f for mat in self.get(case_no).materials if mat.item_no == item_no for f in mat.files)
        return self._store_files(actor, case_no, item_no, [Path(f) for f in files], keep=current)

    def _store_files(
        self, actor: Actor, case_no: str, item_no: int, files: Sequence[Path], keep: Sequence[FileView]
    ) -> CaseDetail:
        names = [file_name(Path(path)) for path in files]
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.edit_application)
            material = self._material(tx, case, item_no)
            stored: list[tuple[str, str]] = [(f.sha256, f.filename) for f in keep]
            for path, name in zip(files, names, strict=True):
                digest, size = self.s.db.attachments.put_file(Path(path))
                if tx.session.get(m.Attachment, digest) is None:
                    tx.session.add(m.Attachment(sha256=digest, size=size, created_at=tx.now))
                if digest not in {d for d, _ in stored}:
                    stored.append((digest, name))
            tx.session.flush()
            before = {"status": material.status, "reason": material.reason}
            tx.session.execute(delete(m.MaterialFile).where(m.MaterialFile.material_id == material.id))
            for digest, name in stored:
                tx.session.add(
                    m.MaterialFile(material_id=material.id, sha256=digest, filename=name, added_at=tx.now)
                )
            material.status = "provided"
            material.reason = None
            case.updated_at = tx.now
            tx.record(
                "material.provide",
                "case",
                case_no,
                before=before,
                after={"item": item_no, "files": [{"sha256": d, "name": n} for d, n in stored]},
            )
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    def remove_material_file(self, actor: Actor, case_no: str, item_no: int, sha256: str) -> CaseDetail:
        """Detach one file from an item; an item left without files is missing again."""
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.edit_application)
            material = self._material(tx, case, item_no)
            row = tx.session.scalar(
                select(m.MaterialFile).where(
                    m.MaterialFile.material_id == material.id, m.MaterialFile.sha256 == sha256
                )
            )
            if row is None:
                raise NotFound("file", sha256[:12], "文件")
            name = row.filename
            tx.session.delete(row)
            tx.session.flush()
            left = tx.session.scalar(
                select(func.count())
                .select_from(m.MaterialFile)
                .where(m.MaterialFile.material_id == material.id)
            )
            if not left:
                material.status = "missing"
            case.updated_at = tx.now
            tx.record(
                "material.remove_file",
                "case",
                case_no,
                before={"item": item_no, "sha256": sha256, "name": name},
                after={"status": material.status},
            )
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    def update_application(
        self,
        actor: Actor,
        case_no: str,
        *,
        org_name: str,
        credit_code: str,
        headcount: int,
        scope: str,
        address: str = "",
        expected_version: int | None = None,
    ) -> CaseDetail:
        """Correct the application while it is a draft (organisation, headcount, scope).

        The organisation's name and address are corrected only while this draft is all it has (no
        other case, no certificate); an organisation in use changes only by a recorded change
        (services.organizations), and another credit code on record must be given as recorded.
        """
        org_name, code, address, scope = _application_fields(org_name, credit_code, address, scope, headcount)
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.edit_application)
            if expected_version is not None and case.version != expected_version:
                raise Conflict(f"case {case_no}", f"案件 {case_no} ")
            org = case.organization
            before = {
                "organization": org.credit_code,
                "name": org.name,
                "address": org.address,
                "headcount": case.headcount,
                "scope": case.scope,
            }
            if code != org.credit_code:
                other = organization_row(tx.session, code, lock=True)
                if other is None:
                    organization_fits_certificate(self.s.settings.all(tx.session), org_name, address)
                    other = new_organization(
                        tx,
                        name=org_name,
                        credit_code=code,
                        address=address,
                        contact="",
                        reason=f"application {case_no} corrected",
                    )
                elif differing := differences(other, org_name, address, ""):
                    raise exists_refusal(self.s, tx.session, other, differing)
                case.organization = other
                org = other
            elif (org.name, org.address) != (org_name, address):
                private = not self._in_use(tx.session, org, case)
                if not private and differences(org, org_name, address, ""):
                    raise Refused(
                        "organization_in_use",
                        f"organisation {code} is on record as {org.name!r} (address {org.address!r}) and has "
                        "other cases or certificates: a draft cannot change it. Record the change with "
                        f"`org change {code} … --reason …`, or correct the credit code",
                        f"组织 {code} 已登记为“{org.name}”（地址：{org.address or '无'}），且有其他案件或证书，"
                        "不能在申请草稿中修改；请通过组织信息变更登记，或更正统一社会信用代码",
                    )
                if private:  # this draft is all the organisation has: its record is corrected
                    organization_fits_certificate(self.s.settings.all(tx.session), org_name, address)
                    changed = {
                        k: v for k, v in (("name", org_name), ("address", address)) if getattr(org, k) != v
                    }
                    org_before = {"name": org.name, "address": org.address}
                    for field, value in changed.items():
                        setattr(org, field, value)
                    tx.session.flush()
                    record_versions(tx, org, changed, tx.now.date(), f"application {case_no} corrected")
                    tx.record(
                        "organization.update",
                        "organization",
                        code,
                        before=org_before,
                        after={"name": org.name, "address": org.address},
                        reason=f"application {case_no} corrected",
                    )
            case.headcount = headcount
            case.scope = scope
            case.updated_at = tx.now
            after = {
                "organization": code,
                "name": org.name,
                "address": org.address,
                "headcount": headcount,
                "scope": scope,
            }
            if after != before:
                tx.record("case.update", "case", case_no, before=before, after=after)
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    @staticmethod
    def _in_use(session: Session, org: m.Organization, case: m.Case) -> bool:
        """Whether the organisation has a case besides `case` or any certificate."""
        other_case = session.scalar(
            select(m.Case.id).where(m.Case.organization_id == org.id, m.Case.id != case.id).limit(1)
        )
        certificate = session.scalar(
            select(m.Certificate.id).where(m.Certificate.organization_id == org.id).limit(1)
        )
        return other_case is not None or certificate is not None

    def mark_material_not_applicable(
        self, actor: Actor, case_no: str, item_no: int, reason: str
    ) -> CaseDetail:
        reason = _reason(reason)
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.edit_application)
            material = self._material(tx, case, item_no)
            before = {"status": material.status, "reason": material.reason}
            tx.session.execute(delete(m.MaterialFile).where(m.MaterialFile.material_id == material.id))
            material.status = "not_applicable"
            material.reason = reason
            case.updated_at = tx.now
            tx.record(
                "material.not_applicable",
                "case",
                case_no,
                before=before,
                after={"item": item_no},
                reason=reason,
            )
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    def read_attachment(self, sha256: str) -> bytes:
        return self.s.db.attachments.read(sha256)

    def submit(self, actor: Actor, case_no: str) -> CaseDetail:
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.submit)
            missing = tx.session.scalars(
                select(m.Material.item_no)
                .where(m.Material.case_id == case.id, m.Material.status == "missing")
                .order_by(m.Material.item_no)
            ).all()
            if missing:
                items = ", ".join(str(n) for n in missing)
                raise Refused(
                    "materials_missing",
                    f"materials {items} are neither provided nor marked not applicable",
                    f"申请材料第 {items} 项既未提供也未标记为不适用",
                )
            return self._move(tx, case, CaseState.submitted, "case.submit")

    def _move(
        self, tx, case: m.Case, state: CaseState, action: str, reason: str = "", **after: object
    ) -> CaseDetail:  # type: ignore[no-untyped-def]
        before = case.status
        case.status = state.value
        case.updated_at = tx.now
        tx.record(
            action,
            "case",
            case.case_no,
            before={"status": before},
            after={"status": state.value, **after},
            reason=reason,
        )
        tx.session.flush()
        return detail_view(self.s, tx.session, case)

    def accept(
        self,
        actor: Actor,
        case_no: str,
        *,
        contract_no: str,
        fee: object,
        onsite_days: object | None = None,
        document_days: object | None = None,
        override_reason: str | None = None,
    ) -> CaseDetail:
        contract_no = _line(contract_no, "the contract number", "合同编号", limit=CODE)
        fee_value = _decimal(fee, "the fee", "费用", maximum=MAX_FEE, step=FEE_STEP)
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.accept)
            doc_days, site_days = self.s.audit_time.days(case.headcount, case.kind)
            computed = {"document_days": doc_days, "onsite_days": site_days}
            reason = None
            if onsite_days is not None or document_days is not None:
                reason = _text(
                    override_reason, "a reason for overriding the audit days", "调整审查人日的原因"
                )
                if onsite_days is not None:
                    site_days = _decimal(
                        onsite_days, "on-site days", "现场审查人日", maximum=MAX_DAYS, step=Decimal("0.5")
                    )
                if document_days is not None:
                    doc_days = _decimal(
                        document_days,
                        "document review days",
                        "文件审查人日",
                        maximum=MAX_DAYS,
                        step=Decimal("0.5"),
                    )
                if site_days == 0:
                    raise Refused(
                        "bad_number", "on-site days must be more than zero", "现场审查人日必须大于零"
                    )
            case.contract_no = contract_no
            case.fee = fee_value
            case.document_days = doc_days
            case.onsite_days = site_days
            case.days_override_reason = reason
            return self._move(
                tx,
                case,
                CaseState.accepted,
                "case.accept",
                reason or "",
                contract_no=contract_no,
                fee=fee_value,
                document_days=doc_days,
                onsite_days=site_days,
                computed=computed,
            )

    def reject(self, actor: Actor, case_no: str, reason: str) -> CaseDetail:
        reason = _reason(reason)
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.reject)
            return self._move(tx, case, CaseState.rejected, "case.reject", reason)

    def withdraw(self, actor: Actor, case_no: str, reason: str) -> CaseDetail:
        reason = _reason(reason)
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.withdraw)
            return self._move(tx, case, CaseState.withdrawn, "case.withdraw", reason)

    def assign_team(self, actor: Actor, case_no: str, leader: str, members: Iterable[str] = ()) -> CaseDetail:
        members = [name for name in dict.fromkeys(members) if name != leader]
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.assign_team)
            users = []
            for name in [leader, *members]:
                user = tx.session.scalar(select(m.User).where(m.User.name == name))
                if user is None:
                    raise NotFound("user", name, "用户")
                if not user.active or Role.auditor.value not in user.roles.split(","):
                    raise Refused(
                        "not_an_auditor", f"{name} is not an active auditor", f"{name} 不是在职评审员"
                    )
                users.append(user)
            found = standings(self.s, tx.session, users, case, tx.now.date())
            require_assignment(Action.assign_team, found[users[0].id], [found[u.id] for u in users[1:]])
            before = [
                {"user": t.user.name, "leader": t.is_leader}
                for t in tx.session.scalars(select(m.TeamMember).where(m.TeamMember.case_id == case.id))
            ]
            tx.session.execute(delete(m.TeamMember).where(m.TeamMember.case_id == case.id))
            for n, user in enumerate(users):
                tx.session.add(m.TeamMember(case_id=case.id, user_id=user.id, is_leader=n == 0))
            after = {"team": [{"user": u.name, "leader": n == 0} for n, u in enumerate(users)]}
            if case.status == CaseState.accepted:
                tx.record("team.assign", "case", case_no, before={"team": before}, after=after)
                return self._move(tx, case, CaseState.document_review, "case.start_document_review")
            case.updated_at = tx.now
            tx.record("team.assign", "case", case_no, before={"team": before}, after=after)
            tx.session.flush()
            return detail_view(self.s, tx.session, case)

    def record_review(
        self,
        actor: Actor,
        case_no: str,
        *,
        outcome: str,
        note: str,
        findings: Iterable[tuple[str | None, str]] = (),
    ) -> CaseDetail:
        """The document review (文件审查): pass moves the case on site; revise keeps it here."""
        try:
            result = ReviewOutcome(outcome)
        except ValueError:
            raise Refused(
                "bad_outcome", "review outcome must be pass or revise", "审查结论必须为通过或修改"
            ) from None
        note = _text(note, "a review note", "审查意见")
        with self.s.tx(actor) as tx:
            case = self._case_for(tx, case_no, Action.record_review)
            rubric = self.s.rubrics.get(case.rubric_id).rubric
            codes = {c.code for c in rubric.categories}
            review = m.DocumentReview(
                case_id=case.id, reviewer_id=actor.id, outcome=result.value, note=note, created_at=tx.now
            )
            clean = []
            for category, text in findings:
                if category is not None and category not in codes:
                    raise Refused(
                        "bad_category",
                        f"category {category!r} is not in rubric {case.rubric_id}",
                        f"类别 {category!r} 不在评价规则中",
                    )
                clean.append((category, _text(text, "a finding", "审查发现")))
                review.findings.append(m.ReviewFinding(category_code=category, text=clean[-1][1]))
            tx.session.add(review)
            tx.session.flush()
            tx.record(
                "review.record",
                "case",
                case_no,
                after={"outcome": result.value, "note": note, "findings": [list(f) for f in clean]},
            )
            if result is ReviewOutcome.pass_:
                return self._move(tx, case, CaseState.onsite_audit, "case.start_onsite_audit")
            case.updated_at = tx.now
            tx.session.flush()
            return detail_view(self.s, tx.session, case)
