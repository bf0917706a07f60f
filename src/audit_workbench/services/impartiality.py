"""Impartiality (公正性): declared interests of people in organisations (conflicts of interest) and the
annual impartiality declaration every person signs. The rules that use them — who may be put on a
team, who may vote — are the `impartial` person check of the policy table (core/policy.py)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import creditcode
from ..core.errors import NotFound, Refused
from ..core.people import Risk, parse_interest_kind, parse_risk
from ..core.policy import Action, approval_denial, explain, interest_action, require
from ..storage import models as m
from .base import Actor, Services, Tx
from .people import text_value, user_row

EARLIEST = date(1950, 1, 1)


@dataclass(frozen=True)
class InterestView:
    id: int
    user_name: str
    display_name: str
    credit_code: str
    organization: str | None  # its name, when the organisation is known to the body
    kind: str
    starts_on: date
    ends_on: date | None
    risk: str
    mitigation: str | None
    approved_by: str | None
    approved_at: datetime | None
    recorded_by: str
    recorded_at: datetime
    active: bool  # on the day it was read
    version: int

    @property
    def awaiting_approval(self) -> bool:
        return self.risk == Risk.medium.value and self.active and self.approved_by is None


@dataclass(frozen=True)
class DeclarationView:
    user_name: str
    display_name: str
    year: int
    signed_at: datetime
    text_sha256: str


def _credit_code(value: str) -> str:
    try:
        return creditcode.validate(value)
    except creditcode.CreditCodeError as exc:
        raise Refused("bad_credit_code", str(exc), f"统一社会信用代码无效：{exc}") from None


def _dates(start: date, end: date | None) -> None:
    if start < EARLIEST:
        raise Refused("bad_date", f"{start} is too early for a declared interest", f"{start} 过早")
    if end is not None and end < start:
        raise Refused(
            "bad_dates",
            f"a declared interest cannot end ({end}) before it starts ({start})",
            f"利益关系的结束日期（{end}）不能早于开始日期（{start}）",
        )


class ImpartialityService:
    def __init__(self, services: Services) -> None:
        self.s = services

    # -- declared interests ------------------------------------------------------------------------
    def _own_or_recorded(self, tx: Tx, person_id: int) -> None:
        """One's own interests need `declare_interest`; someone else's `record_interest`."""
        person = tx.session.get(m.User, person_id)
        require(interest_action(tx.actor.name, person.name if person else ""), tx.roles())

    def declare(
        self,
        actor: Actor,
        person: str,
        *,
        credit_code: str,
        kind: str,
        starts_on: date,
        ends_on: date | None = None,
        risk: str,
        mitigation: str | None = None,
    ) -> InterestView:
        """Record a person's interest in an organisation (by its credit code, a client or not)."""
        code = _credit_code(credit_code)
        kind_value = parse_interest_kind(kind)
        risk_value = parse_risk(risk)
        _dates(starts_on, ends_on)
        text = text_value(mitigation, "the mitigation", "应对措施", required=False) or None
        if risk_value is Risk.medium and text is None:
            raise Refused(
                "missing_mitigation",
                "a medium risk needs a mitigation (what keeps the interest from affecting the work)",
                "中风险须说明应对措施（如何避免该利益关系影响认证工作）",
            )
        with self.s.tx(actor) as tx:
            user = user_row(tx.session, person)
            self._own_or_recorded(tx, user.id)
            row = m.DeclaredInterest(
                user_id=user.id,
                credit_code=code,
                kind=kind_value.value,
                starts_on=starts_on,
                ends_on=ends_on,
                risk=risk_value.value,
                mitigation=text,
                recorded_by=actor.id,
                recorded_at=tx.now,
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "interest.declare",
                "interest",
                row.id,
                after={
                    "person": user.name,
                    "credit_code": code,
                    "kind": kind_value.value,
                    "from": starts_on,
                    "to": ends_on,
                    "risk": risk_value.value,
                    "mitigation": text,
                },
            )
            return self._view(tx.session, row)

    def end(self, actor: Actor, interest_id: int, ends_on: date) -> InterestView:
        """The interest ended (or will end) on `ends_on`."""
        with self.s.tx(actor) as tx:
            row = self._row(tx.session, interest_id)
            self._own_or_recorded(tx, row.user_id)
            if row.ends_on is not None:
                raise Refused(
                    "already_ended",
                    f"declared interest {interest_id} already ends on {row.ends_on}",
                    f"利益申报 {interest_id} 已于 {row.ends_on} 结束",
                )
            _dates(row.starts_on, ends_on)
            row.ends_on = ends_on
            tx.session.flush()
            tx.record("interest.end", "interest", row.id, before={"to": None}, after={"to": ends_on})
            return self._view(tx.session, row)

    def approve(self, actor: Actor, interest_id: int) -> InterestView:
        """Approve a medium risk's mitigation: by someone other than the person and the recorder."""
        with self.s.tx(actor) as tx:
            row = self._row(tx.session, interest_id)
            names = dict(tx.session.execute(select(m.User.id, m.User.name)).all())
            denial = approval_denial(
                tx.roles(),
                actor.name,
                interest_id=row.id,
                person=names[row.user_id],
                recorded_by=names[row.recorded_by],
                risk=Risk(row.risk),
                approved_by=names.get(row.approved_by) if row.approved_by else None,
            )
            if denial is not None:
                raise denial.refused()
            row.approved_by = actor.id
            row.approved_at = tx.now
            tx.session.flush()
            tx.record("interest.approve", "interest", row.id, after={"mitigation": row.mitigation})
            return self._view(tx.session, row)

    def list(
        self, actor: Actor, person: str | None = None, credit_code: str | None = None
    ) -> builtins.list[InterestView]:
        """Declared interests, newest first: anyone's with `view_people`, otherwise one's own."""
        with self.s.read_as(actor) as tx:
            roles = tx.roles()
            query = select(m.DeclaredInterest).order_by(
                m.DeclaredInterest.starts_on.desc(), m.DeclaredInterest.id.desc()
            )
            if person is not None:
                user = user_row(tx.session, person)
                if user.id != actor.id:
                    require(Action.view_people, roles)
                query = query.where(m.DeclaredInterest.user_id == user.id)
            elif explain(Action.view_people, roles) is not None:
                query = query.where(m.DeclaredInterest.user_id == actor.id)
            if credit_code is not None:
                query = query.where(m.DeclaredInterest.credit_code == _credit_code(credit_code))
            return [self._view(tx.session, row) for row in tx.session.scalars(query)]

    def get(self, actor: Actor, interest_id: int) -> InterestView:
        with self.s.read_as(actor) as tx:
            row = self._row(tx.session, interest_id)
            if row.user_id != actor.id:
                require(Action.view_people, tx.roles())
            return self._view(tx.session, row)

    @staticmethod
    def _row(session: Session, interest_id: int) -> m.DeclaredInterest:
        row = session.get(m.DeclaredInterest, interest_id)
        if row is None:
            raise NotFound("declared interest", interest_id, "利益申报")
        return row

    def _view(self, session: Session, row: m.DeclaredInterest) -> InterestView:
        users = {u.id: u for u in session.scalars(select(m.User))}
        person = users[row.user_id]
        org = session.scalar(select(m.Organization.name).where(m.Organization.credit_code == row.credit_code))
        today = self.s.today()
        return InterestView(
            id=row.id,
            user_name=person.name,
            display_name=person.display_name or person.name,
            credit_code=row.credit_code,
            organization=org,
            kind=row.kind,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            risk=row.risk,
            mitigation=row.mitigation,
            approved_by=users[row.approved_by].name if row.approved_by else None,
            approved_at=row.approved_at,
            recorded_by=users[row.recorded_by].name,
            recorded_at=row.recorded_at,
            active=row.starts_on <= today and (row.ends_on is None or today <= row.ends_on),
            version=row.version,
        )

    # -- the annual declaration -----------------------------------------------------------------------
    def sign(self, actor: Actor, year: int | None = None) -> DeclarationView:
        """The acting person signs the annual impartiality declaration, for this year or the next."""
        with self.s.tx(actor) as tx:
            require(Action.sign_declaration, tx.roles())
            this_year = tx.now.date().year
            year = this_year if year is None else year
            if year not in (this_year, this_year + 1):
                raise Refused(
                    "bad_year",
                    f"the declaration is signed for this year ({this_year}) or the next, not {year}",
                    f"只能签署本年度（{this_year}）或下一年度的声明，不能签署 {year} 年度",
                )
            done = tx.session.scalar(
                select(m.ImpartialityDeclaration).where(
                    m.ImpartialityDeclaration.user_id == actor.id, m.ImpartialityDeclaration.year == year
                )
            )
            if done is not None:
                raise Refused(
                    "already_signed",
                    f"you signed the declaration for {year} on {done.signed_at.date()}",
                    f"您已于 {done.signed_at.date()} 签署 {year} 年度声明",
                )
            text = self.s.declaration_text
            row = m.ImpartialityDeclaration(
                user_id=actor.id, year=year, signed_at=tx.now, text_sha256=text.sha256
            )
            tx.session.add(row)
            tx.session.flush()
            tx.record(
                "declaration.sign",
                "declaration",
                f"{actor.name}/{year}",
                after={"year": year, "text_sha256": text.sha256},
            )
            user = user_row(tx.session, actor.name)
            return DeclarationView(user.name, user.display_name or user.name, year, tx.now, text.sha256)

    def declarations(self, actor: Actor, year: int | None = None) -> builtins.list[DeclarationView]:
        """Signed declarations (of `year`, default all): everyone's with `view_people`, else one's own."""
        with self.s.read_as(actor) as tx:
            query = (
                select(m.ImpartialityDeclaration, m.User)
                .join(m.User, m.User.id == m.ImpartialityDeclaration.user_id)
                .order_by(m.ImpartialityDeclaration.year.desc(), m.User.name)
            )
            if year is not None:
                query = query.where(m.ImpartialityDeclaration.year == year)
            if explain(Action.view_people, tx.roles()) is not None:
                query = query.where(m.ImpartialityDeclaration.user_id == actor.id)
            return [
                DeclarationView(u.name, u.display_name or u.name, d.year, d.signed_at, d.text_sha256)
                for d, u in tx.session.execute(query)
            ]


__all__ = ["DeclarationView", "ImpartialityService", "InterestView"]
