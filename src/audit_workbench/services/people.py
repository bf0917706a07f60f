"""People of the certification body (人员资格): qualification, CCAA registration, identity document,
full-time or not, validity, competence areas, training and witnessed audits — and each person's
`Standing` toward a case, which the policy's impartiality and competence rules read when a team is
assigned or a committee member votes.

Identity numbers are stored whole and leave this module masked, with one exception made for the
regulator's report (`identities_for_regulator_report`), which is its own policy action and a
recorded event every time it is used.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.errors import Conflict, NotFound, Refused
from ..core.people import (
    QUALIFICATION_CNCA_CODES,
    QUALIFICATION_LABELS,
    REGISTERED,
    Interest,
    InterestKind,
    Qualification,
    Risk,
    Standing,
    check_id_number,
    check_registration_no,
    mask_id_number,
    parse_qualification,
    parse_witness_outcome,
)
from ..core.policy import Action, Denial, Role, assignee_denial, explain, require
from ..core.rubric import EnterpriseType
from ..core.text import LINE
from ..core.workflow import CaseState
from ..storage import models as m
from .base import Actor, Services
from .checks import line as _line
from .checks import text as _text
from .views import get_case_row

MAX_TEXT = 2000


class _Keep:
    """The value of a field `PeopleService.set` leaves as stored."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


# -- views -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingView:
    id: int
    taken_on: date
    title: str
    hours: Decimal | None
    provider: str
    recorded_by: str


@dataclass(frozen=True)
class WitnessedAuditView:
    id: int
    witnessed_on: date
    witness: str
    case_no: str | None
    outcome: str
    note: str
    recorded_by: str


@dataclass(frozen=True)
class PersonView:
    """A user's record as a certification person; the identity number masked."""

    user_name: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    qualification: str | None  # None: no record
    registration_no: str | None
    id_type: str | None
    id_number_masked: str
    full_time: bool | None
    valid_from: date | None
    valid_until: date | None
    areas: tuple[str, ...]
    status: str  # none | valid | expired | not_yet_valid | undated (on the day it was read)
    declared_years: tuple[int, ...]
    declared_this_year: bool
    training: tuple[TrainingView, ...]
    witnessed_audits: tuple[WitnessedAuditView, ...]
    version: int | None


@dataclass(frozen=True)
class RegulatorIdentity:
    """What CNCA's 审核结果信息表 and 审核计划信息表 need of a person, the identity number whole."""

    user_name: str
    display_name: str
    qualification: str | None
    qualification_code: str | None  # 资格类型代码 (01 senior … 04 expert)
    registration_no: str | None
    id_type: str | None  # 证件类型代码
    id_number: str | None
    full_time: bool | None


@dataclass(frozen=True)
class TeamCandidate:
    """An active auditor as the team dialog shows them, with why they may not be on the team or lead it."""

    user_name: str
    display_name: str
    qualification: str | None
    member_denial: Denial | None
    leader_denial: Denial | None


def _status(person: m.Person | None, today: date) -> str:
    if person is None:
        return "none"
    if person.valid_until is None and Qualification(person.qualification) in REGISTERED:
        return "undated"
    if person.valid_until is not None and person.valid_until < today:
        return "expired"
    if person.valid_from is not None and person.valid_from > today:
        return "not_yet_valid"
    return "valid"


def _label(user: m.User) -> str:
    display = user.display_name or user.name
    return user.name if display == user.name else f"{display} ({user.name})"


def case_areas(case: m.Case) -> frozenset[str]:
    """The competence areas that cover a case: its rubric and its enterprise type."""
    return frozenset({case.rubric_id, case.enterprise_type})


def standings(
    services: Services, session: Session, users: Sequence[m.User], case: m.Case, today: date
) -> dict[int, Standing]:
    """Each user's standing toward `case` on `today`: their qualification and areas, their declared
    interests in the case's organisation, and whether they signed this year's declaration."""
    ids = [u.id for u in users]
    if not ids:
        return {}
    credit_code = case.organization.credit_code
    people = {p.user_id: p for p in session.scalars(select(m.Person).where(m.Person.user_id.in_(ids)))}
    areas: dict[int, set[str]] = {}
    for uid, area in session.execute(
        select(m.PersonArea.user_id, m.PersonArea.area).where(m.PersonArea.user_id.in_(ids))
    ):
        areas.setdefault(uid, set()).add(area)
    declared = set(
        session.scalars(
            select(m.ImpartialityDeclaration.user_id).where(
                m.ImpartialityDeclaration.user_id.in_(ids), m.ImpartialityDeclaration.year == today.year
            )
        )
    )
    names = dict(session.execute(select(m.User.id, m.User.name)).all())
    interests: dict[int, list[Interest]] = {}
    for row in session.scalars(
        select(m.DeclaredInterest).where(
            m.DeclaredInterest.user_id.in_(ids), m.DeclaredInterest.credit_code == credit_code
        )
    ):
        interests.setdefault(row.user_id, []).append(interest_of(row, names))
    cooling = int(services.settings.get("consultancy_cooling_years", session))
    out = {}
    for user in users:
        person = people.get(user.id)
        out[user.id] = Standing(
            name=user.name,
            on=today,
            declared=user.id in declared,
            label=_label(user),
            interests=tuple(interests.get(user.id, ())),
            qualification=Qualification(person.qualification) if person else None,
            valid_from=person.valid_from if person else None,
            valid_until=person.valid_until if person else None,
            areas=frozenset(areas.get(user.id, ())),
            case_areas=case_areas(case),
            cooling_years=cooling,
        )
    return out


def standing(services: Services, session: Session, user: m.User, case: m.Case, today: date) -> Standing:
    return standings(services, session, [user], case, today)[user.id]


def interest_of(row: m.DeclaredInterest, names: dict[int, str]) -> Interest:
    return Interest(
        id=row.id,
        kind=InterestKind(row.kind),
        credit_code=row.credit_code,
        start=row.starts_on,
        end=row.ends_on,
        risk=Risk(row.risk),
        mitigation=row.mitigation,
        approved_by=names.get(row.approved_by) if row.approved_by else None,
    )


def user_row(session: Session, name: str) -> m.User:
    user = session.scalar(select(m.User).where(m.User.name == name))
    if user is None:
        raise NotFound("user", name, "用户")
    return user


def text_value(value: str | None, what: str, zh: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """A person's record's text (services.checks: multi-line up to `MAX_TEXT`, single-line when
    `limit` is a name's)."""
    if limit <= LINE:
        return _line(value, what, zh, required=required, limit=limit)
    return _text(value, what, zh, required=required, limit=limit)


def not_after_today(day: date, today: date, what: str, zh: str) -> date:
    if day > today:
        raise Refused(
            "bad_date", f"{what} ({day}) is after today ({today})", f"{zh}（{day}）晚于今天（{today}）"
        )
    return day


class PeopleService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- reading ---------------------------------------------------------------------------------
    def _may_read(self, tx_roles: frozenset[Role], actor: Actor, name: str) -> None:
        if name != actor.name:
            require(Action.view_people, tx_roles)

    def get(self, actor: Actor, name: str) -> PersonView:
        """One person's record: their own for anyone, others' with `view_people`."""
        with self.s.read_as(actor) as tx:
            self._may_read(tx.roles(), actor, name)
            return self._view(tx.session, user_row(tx.session, name))

    def list(self, actor: Actor) -> builtins.list[PersonView]:
        """Every user's record with `view_people`; otherwise only one's own."""
        with self.s.read_as(actor) as tx:
            roles = tx.roles()
            query = select(m.User).order_by(m.User.name)
            if not _allowed(Action.view_people, roles):
                query = query.where(m.User.id == actor.id)
            return [self._view(tx.session, u) for u in tx.session.scalars(query)]

    def _view(self, session: Session, user: m.User) -> PersonView:
        today = self.s.today()
        person = session.get(m.Person, user.id)
        names = dict(session.execute(select(m.User.id, m.User.name)).all())
        areas = tuple(
            sorted(session.scalars(select(m.PersonArea.area).where(m.PersonArea.user_id == user.id)))
        )
        years = tuple(
            sorted(
                session.scalars(
                    select(m.ImpartialityDeclaration.year).where(m.ImpartialityDeclaration.user_id == user.id)
                )
            )
        )
        training = tuple(
            TrainingView(t.id, t.taken_on, t.title, t.hours, t.provider, names.get(t.recorded_by, "?"))
            for t in session.scalars(
                select(m.TrainingRecord)
                .where(m.TrainingRecord.user_id == user.id)
                .order_by(m.TrainingRecord.taken_on, m.TrainingRecord.id)
            )
        )
        case_nos = dict(session.execute(select(m.Case.id, m.Case.case_no).join(m.WitnessedAudit)).all())
        witnessed = tuple(
            WitnessedAuditView(
                w.id,
                w.witnessed_on,
                w.witness,
                case_nos.get(w.case_id) if w.case_id else None,
                w.outcome,
                w.note,
                names.get(w.recorded_by, "?"),
            )
            for w in session.scalars(
                select(m.WitnessedAudit)
                .where(m.WitnessedAudit.user_id == user.id)
                .order_by(m.WitnessedAudit.witnessed_on, m.WitnessedAudit.id)
            )
        )
        return PersonView(
            user_name=user.name,
            display_name=user.display_name or user.name,
            roles=tuple(r for r in user.roles.split(",") if r),
            active=user.active,
            qualification=person.qualification if person else None,
            registration_no=person.registration_no if person else None,
            id_type=person.id_type if person else None,
            id_number_masked=mask_id_number(person.id_number) if person else "",
            full_time=person.full_time if person else None,
            valid_from=person.valid_from if person else None,
            valid_until=person.valid_until if person else None,
            areas=areas,
            status=_status(person, today),
            declared_years=years,
            declared_this_year=today.year in years,
            training=training,
            witnessed_audits=witnessed,
            version=person.version if person else None,
        )

    # -- the record --------------------------------------------------------------------------------
    def known_areas(self) -> tuple[str, ...]:
        """What a competence area may be: an enterprise type or an installed rubric's id."""
        return (*(t.value for t in EnterpriseType), *sorted(r.rubric.id for r in self.s.rubrics.all()))

    def _areas(self, areas: Iterable[str]) -> tuple[str, ...]:
        known = set(self.known_areas())
        clean = []
        for area in areas:
            area = str(area).strip()
            if area not in known:
                raise Refused(
                    "bad_area",
                    f"unknown competence area {area!r}; use an enterprise type or a rubric id: "
                    f"{', '.join(self.known_areas())}",
                    f"未知的专业能力范围 {area!r}；可用：{'、'.join(self.known_areas())}",
                )
            if area not in clean:
                clean.append(area)
        return tuple(sorted(clean))

    def set(
        self,
        actor: Actor,
        name: str,
        *,
        qualification: str | Qualification,
        registration_no: str | None = KEEP,
        id_type: str | None = KEEP,
        id_number: str | None = KEEP,
        full_time: bool = KEEP,
        valid_from: date | None = KEEP,
        valid_until: date | None = KEEP,
        areas: Iterable[str] = KEEP,
        expected_version: int | None = None,
    ) -> PersonView:
        """Create or change a person's record (`manage_people`). A field left as KEEP keeps its
        stored value; None clears it. With `expected_version` (what the editor loaded) a record
        changed meanwhile is refused instead of overwritten."""
        q = parse_qualification(qualification)
        new_areas: tuple[str, ...] | None = None if areas is KEEP else self._areas(areas)
        if registration_no is not KEEP:
            registration_no = check_registration_no(registration_no)
        if full_time is not KEEP and not isinstance(full_time, bool):
            raise Refused("bad_value", "full-time must be yes or no", "是否专职必须为是或否")
        with self.s.tx(actor) as tx:
            require(Action.manage_people, tx.roles())
            user = user_row(tx.session, name)
            person = tx.session.get(m.Person, user.id)
            if expected_version is not None and (person.version if person else 0) != expected_version:
                raise Conflict(f"the record of {name}", f"{name} 的人员记录")
            old_areas = tuple(
                sorted(tx.session.scalars(select(m.PersonArea.area).where(m.PersonArea.user_id == user.id)))
            )
            old = _fields(person)
            new = dict(old, qualification=q.value)
            for key, value in (
                ("registration_no", registration_no),
                ("id_type", id_type),
                ("id_number", id_number),
                ("full_time", full_time),
                ("valid_from", valid_from),
                ("valid_until", valid_until),
            ):
                if value is not KEEP:
                    new[key] = value
            if new["full_time"] is None:
                new["full_time"] = True
            new["id_type"], new["id_number"] = self._identity(new["id_type"], new["id_number"])
            start, end = new["valid_from"], new["valid_until"]
            if start and end and end < start:
                raise Refused(
                    "bad_dates",
                    f"the qualification ends ({end}) before it starts ({start})",
                    f"资格有效期的截止日期（{end}）早于起始日期（{start}）",
                )
            if q in REGISTERED:
                zh_q = QUALIFICATION_LABELS[q][0]
                if not new["registration_no"]:
                    raise Refused(
                        "missing_value",
                        f"a {QUALIFICATION_LABELS[q][1]} needs the CCAA registration number",
                        f"{zh_q}须登记 CCAA 注册号",
                    )
                if not end:
                    raise Refused(
                        "missing_value",
                        f"a {QUALIFICATION_LABELS[q][1]} needs the date the registration is valid until",
                        f"{zh_q}须登记注册有效期",
                    )
            areas_after = old_areas if new_areas is None else new_areas
            if person is not None and new == old and areas_after == old_areas:
                return self._view(tx.session, user)
            before = None if person is None else _snapshot(old, old_areas)
            if person is None:
                person = m.Person(user_id=user.id)
                tx.session.add(person)
            for key, value in new.items():
                setattr(person, key, value)
            person.updated_at = tx.now
            if areas_after != old_areas:
                tx.session.execute(delete(m.PersonArea).where(m.PersonArea.user_id == user.id))
                tx.session.flush()
                for area in areas_after:
                    tx.session.add(m.PersonArea(user_id=user.id, area=area))
            tx.session.flush()
            after = _snapshot(new, areas_after)
            if new["id_number"] != old["id_number"]:
                after["id_number_changed"] = True  # the masked text may read the same
            tx.record("person.set", "person", name, before=before, after=after)
            return self._view(tx.session, user)

    def _identity(self, id_type: str | None, number: str | None) -> tuple[str | None, str | None]:
        """The identity document type and number, checked; both or neither."""
        if id_type is not None:
            id_type = str(id_type).strip() or None
        if number is not None:
            number = str(number).strip() or None
        if id_type is None and number is None:
            return None, None
        if id_type is None or number is None:
            raise Refused(
                "missing_value",
                "give the identity document's type and number together",
                "证件类型和证件号码须同时填写",
            )
        known = self.s.id_types
        if id_type not in known:
            codes = ", ".join(f"{t.code} {t.en}" for t in known.values())
            raise Refused(
                "bad_id_type",
                f"unknown identity document type {id_type!r}; use one of: {codes}",
                f"未知证件类型 {id_type!r}；可用：{'、'.join(f'{t.code} {t.zh}' for t in known.values())}",
            )
        return id_type, check_id_number(known[id_type], number)

    # -- training and witnessed audits ---------------------------------------------------------------
    def add_training(
        self,
        actor: Actor,
        name: str,
        *,
        taken_on: date,
        title: str,
        hours: object = None,
        provider: str = "",
    ) -> PersonView:
        title = text_value(title, "the training's title", "培训名称", limit=500)
        provider = text_value(provider, "the provider", "培训机构", required=False, limit=200)
        amount = None
        if hours not in (None, ""):
            try:
                amount = Decimal(str(hours).strip())
            except InvalidOperation:
                raise Refused(
                    "bad_number", f"hours must be a number, not {hours!r}", "学时必须是数字"
                ) from None
            if not amount.is_finite() or amount <= 0 or amount > 1000 or amount % Decimal("0.5"):
                raise Refused(
                    "bad_number",
                    "hours must be more than 0 and at most 1000, in half hours",
                    "学时须在 0–1000 之间，以 0.5 为单位",
                )
        with self.s.tx(actor) as tx:
            require(Action.manage_people, tx.roles())
            user = user_row(tx.session, name)
            not_after_today(taken_on, tx.now.date(), "the training date", "培训日期")
            row = m.TrainingRecord(
                user_id=user.id,
                taken_on=taken_on,
                title=title,
                hours=amount,
                provider=provider,
                recorded_by=actor.id,
                recorded_at=tx.now,
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "person.training",
                "person",
                name,
                after={"id": row.id, "on": taken_on, "title": title, "hours": amount, "provider": provider},
            )
            return self._view(tx.session, user)

    def add_witnessed_audit(
        self,
        actor: Actor,
        name: str,
        *,
        witnessed_on: date,
        witness: str,
        outcome: str,
        case_no: str | None = None,
        note: str = "",
    ) -> PersonView:
        witness = text_value(witness, "the witness", "见证人", limit=128)
        result = parse_witness_outcome(outcome)
        note = text_value(note, "the note", "说明", required=False)
        with self.s.tx(actor) as tx:
            require(Action.manage_people, tx.roles())
            user = user_row(tx.session, name)
            not_after_today(witnessed_on, tx.now.date(), "the date of the witnessed audit", "见证日期")
            case_id = None
            if case_no:
                case = get_case_row(tx.session, case_no.strip())
                on_team = tx.session.scalar(
                    select(m.TeamMember.id).where(
                        m.TeamMember.case_id == case.id, m.TeamMember.user_id == user.id
                    )
                )
                if on_team is None:
                    raise Refused(
                        "not_on_team",
                        f"{name} is not on the audit team of case {case.case_no}",
                        f"{name} 不是案件 {case.case_no} 的评审组成员",
                    )
                case_id = case.id
            row = m.WitnessedAudit(
                user_id=user.id,
                witnessed_on=witnessed_on,
                witness=witness,
                case_id=case_id,
                outcome=result.value,
                note=note,
                recorded_by=actor.id,
                recorded_at=tx.now,
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "person.witnessed_audit",
                "person",
                name,
                after={
                    "id": row.id,
                    "on": witnessed_on,
                    "witness": witness,
                    "case": case_no or None,
                    "outcome": result.value,
                },
                reason=note,
            )
            return self._view(tx.session, user)

    # -- the regulator's report ------------------------------------------------------------------------
    def identities_for_regulator_report(
        self, actor: Actor, names: Iterable[str]
    ) -> builtins.list[RegulatorIdentity]:
        """The people's identity numbers unmasked, for CNCA's monthly report and for nothing else.

        Needs `disclose_identity`; every call is an event naming whose numbers were read."""
        wanted = list(dict.fromkeys(str(n) for n in names))
        with self.s.tx(actor) as tx:
            require(Action.disclose_identity, tx.roles())
            out = []
            for name in wanted:
                user = user_row(tx.session, name)
                person = tx.session.get(m.Person, user.id)
                q = Qualification(person.qualification) if person else None
                out.append(
                    RegulatorIdentity(
                        user_name=user.name,
                        display_name=user.display_name or user.name,
                        qualification=q.value if q else None,
                        qualification_code=QUALIFICATION_CNCA_CODES[q] if q else None,
                        registration_no=person.registration_no if person else None,
                        id_type=person.id_type if person else None,
                        id_number=person.id_number if person else None,
                        full_time=person.full_time if person else None,
                    )
                )
            tx.record(
                "person.identity_disclosed",
                "person",
                ",".join(wanted)[:64] or "-",
                after={"people": wanted, "purpose": "regulator_report"},
            )
            return out

    # -- standings toward a case ------------------------------------------------------------------------
    def standing_for(self, name: str, case_no: str) -> Standing:
        """A person's standing toward a case today (what the window asks to explain a disabled vote)."""
        with self.s.read() as session:
            user = user_row(session, name)
            case = get_case_row(session, case_no)
            return standing(self.s, session, user, case, self.s.today())

    def team_candidates(self, actor: Actor, case_no: str) -> builtins.list[TeamCandidate]:
        """The active auditors, each with why they may not be on the case's team or lead it today.

        For whoever may assign the team (the clerk): the reasons name declared interests."""
        with self.s.read_as(actor) as tx:
            case = get_case_row(tx.session, case_no)
            require(Action.assign_team, tx.roles(), CaseState(case.status))
            users = [
                u
                for u in tx.session.scalars(select(m.User).where(m.User.active).order_by(m.User.name))
                if Role.auditor.value in u.roles.split(",")
            ]
            found = standings(self.s, tx.session, users, case, tx.now.date())
            out = []
            for user in users:
                s = found[user.id]
                out.append(
                    TeamCandidate(
                        user.name,
                        user.display_name or user.name,
                        s.qualification.value if s.qualification else None,
                        assignee_denial(Action.assign_team, s),
                        assignee_denial(Action.assign_team, s, leader=True),
                    )
                )
            return out


def _allowed(action: Action, roles: frozenset[Role]) -> bool:
    return explain(action, roles) is None


_FIELDS = (
    "qualification",
    "registration_no",
    "id_type",
    "id_number",
    "full_time",
    "valid_from",
    "valid_until",
)


def _fields(person: m.Person | None) -> dict[str, Any]:
    return {key: (getattr(person, key) if person is not None else None) for key in _FIELDS}


def _snapshot(fields: dict[str, Any], areas: tuple[str, ...]) -> dict[str, Any]:
    """A person's record as the event log keeps it: the identity number masked."""
    return {
        **fields,
        "id_number": mask_id_number(fields["id_number"]) or None,
        "areas": list(areas),
    }


__all__ = [
    "KEEP",
    "PeopleService",
    "PersonView",
    "RegulatorIdentity",
    "TeamCandidate",
    "TrainingView",
    "WitnessedAuditView",
    "standing",
    "standings",
]
