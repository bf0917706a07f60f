"""What changed since a window last looked: the event log read as a feed of changes.

Every change to the records is an event in the log (storage.events), so the log's last sequence
number is a version of the whole database, cheap to read (its primary key), and the events after a
number say what changed: which case (a score, a nonconformity, a certificate each belong to one),
which certificate, which user or setting, by whom. An open page asks `since(seq)` and refreshes what
it shows when something it shows changed — edits are still checked against the versions they were
read at, so a stale page never overwrites anyone's work; it just learns sooner.

On SQLite the window asks every second or two (`latest()` is one indexed read); on a PostgreSQL
server `listen()` hands it each new sequence number as it commits (LISTEN/NOTIFY, storage.notify),
and asking is the fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select

from ..storage import models as m
from .base import Services

FEED_LIMIT = 500  # events read per call; a window far behind reloads everything instead


@dataclass(frozen=True)
class Change:
    """One event, with the case it belongs to (None for users, settings, keys…)."""

    seq: int
    user_name: str
    action: str
    entity: str
    entity_id: str
    case_no: str | None
    certificate: str | None


@dataclass(frozen=True)
class Changes:
    """The changes after `since` (up to `latest`); `complete` is False when there were more than
    could be listed — then everything shown should be reloaded."""

    latest: int
    changes: tuple[Change, ...]
    complete: bool = True

    def cases(self) -> set[str]:
        return {c.case_no for c in self.changes if c.case_no}

    def entities(self) -> set[str]:
        return {c.entity for c in self.changes}


class Listening(Protocol):
    def stop(self, timeout: float = ...) -> None: ...


class ChangeService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def latest(self) -> int:
        """The sequence number of the newest event (0 for an empty log): a version of everything."""
        with self.s.read() as session:
            return int(session.scalar(select(func.max(m.Event.seq))) or 0)

    def since(self, seq: int, limit: int = FEED_LIMIT) -> Changes:
        """The events after `seq`, each with the case and certificate it concerns."""
        with self.s.read() as session:
            rows = session.execute(
                select(m.Event.seq, m.Event.user_name, m.Event.action, m.Event.entity, m.Event.entity_id)
                .where(m.Event.seq > seq)
                .order_by(m.Event.seq)
                .limit(limit + 1)
            ).all()
            complete = len(rows) <= limit
            rows = rows[:limit]
            nc_ids = [int(r.entity_id) for r in rows if r.entity == "nonconformity" and r.entity_id.isdigit()]
            numbers = [r.entity_id for r in rows if r.entity == "certificate"]
            nc_cases = (
                dict(
                    session.execute(
                        select(m.Nonconformity.id, m.Case.case_no)
                        .join(m.Case, m.Case.id == m.Nonconformity.case_id)
                        .where(m.Nonconformity.id.in_(nc_ids))
                    ).all()
                )
                if nc_ids
                else {}
            )
            cert_cases = (
                dict(
                    session.execute(
                        select(m.Certificate.number, m.Case.case_no)
                        .join(m.Case, m.Case.id == m.Certificate.case_id)
                        .where(m.Certificate.number.in_(numbers))
                    ).all()
                )
                if numbers
                else {}
            )
            latest = rows[-1].seq if rows else seq
            if not complete:
                latest = int(session.scalar(select(func.max(m.Event.seq))) or latest)
        changes = []
        for row in rows:
            case_no: str | None = None
            certificate: str | None = None
            if row.entity == "case":
                case_no = row.entity_id
            elif row.entity == "score":
                case_no = row.entity_id.split("/", 1)[0]
            elif row.entity == "nonconformity" and row.entity_id.isdigit():
                case_no = nc_cases.get(int(row.entity_id))
            elif row.entity == "certificate":
                certificate = row.entity_id
                case_no = cert_cases.get(row.entity_id)
            changes.append(
                Change(row.seq, row.user_name, row.action, row.entity, row.entity_id, case_no, certificate)
            )
        return Changes(latest, tuple(changes), complete)

    @property
    def pushed(self) -> bool:
        """Whether the database tells of its changes itself (a PostgreSQL server) — else ask."""
        return self.s.db.engine.dialect.name == "postgresql"

    def listen(self, on_event: Callable[[int], None]) -> Listening | None:
        """On a PostgreSQL server: call `on_event(seq)` (on a thread of the listener's own) for each
        event as it commits, until `stop()`. None on SQLite (ask `latest()` instead)."""
        if not self.pushed:
            return None
        from ..storage.notify import EventListener

        listener = EventListener(self.s.db.url, on_event)
        listener.start()
        return listener
