"""The append-only audit trail as a hash chain.

Each event's hash covers its own fields and the previous event's hash, so altering, deleting or
reordering any event breaks the chain from that point. The current head (last sequence number and
hash) is also kept in the settings table, so cutting events off the end is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from .models import Event, Setting

GENESIS = "0" * 64
HEAD_KEY = "event_log_head"


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the event log")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def event_hash(
    seq: int,
    at: str,
    user_name: str,
    action: str,
    entity: str,
    entity_id: str,
    before: str,
    after: str,
    reason: str,
    prev_hash: str,
) -> str:
    body = canonical([seq, at, user_name, action, entity, entity_id, before, after, reason, prev_hash])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Head(NamedTuple):
    """The chain's last event: its sequence number and hash."""

    seq: int
    hash: str


# Built once, run with bound parameters: appending is on the path of every edit.
_EVENTS = cast(Table, Event.__table__)
_SETTINGS = cast(Table, Setting.__table__)
_TAIL = select(_EVENTS.c.seq, _EVENTS.c.hash).order_by(_EVENTS.c.seq.desc()).limit(1)
_INSERT_EVENT = insert(_EVENTS)
_UPDATE_HEAD = (
    update(_SETTINGS).where(_SETTINGS.c.key == bindparam("head_key")).values(value=bindparam("head_value"))
)
_INSERT_HEAD = insert(_SETTINGS).values(key=bindparam("head_key"), value=bindparam("head_value"))
NOTIFY_CHANNEL = "audit_workbench_events"  # storage.notify listens on it
_NOTIFY = text("SELECT pg_notify(:channel, :seq)")


def _lock_chain(connection: Connection) -> None:
    # SQLite transactions here begin IMMEDIATE, which already serialises writers; PostgreSQL needs
    # an explicit lock so two concurrent transactions cannot both extend the chain from one head.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(2792201)"))


def append(
    session: Session,
    *,
    at: datetime,
    user_name: str,
    action: str,
    entity: str,
    entity_id: object,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> Head:
    """Append one event after the chain's last one and move the recorded head to it."""
    # The caller's pending changes are written first, as any query would have (the statements
    # below are Core and do not autoflush): the event follows what it records.
    session.flush()
    connection = session.connection()
    _lock_chain(connection)
    last = connection.execute(_TAIL).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at_text = at.isoformat(timespec="microseconds")
    before_text, after_text = canonical(before), canonical(after)
    digest = event_hash(
        seq, at_text, user_name, action, entity, str(entity_id), before_text, after_text, reason, prev
    )
    connection.execute(
        _INSERT_EVENT,
        {
            "seq": seq,
            "at": at_text,
            "user_name": user_name,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "before": before_text,
            "after": after_text,
            "reason": reason,
            "prev_hash": prev,
            "hash": digest,
        },
    )
    head = {"head_key": HEAD_KEY, "head_value": canonical({"seq": seq, "hash": digest})}
    if connection.execute(_UPDATE_HEAD, head).rowcount == 0:
        connection.execute(_INSERT_HEAD, head)
    if connection.dialect.name == "postgresql":
        # Delivered at commit, and only then: open windows learn of the change (storage.notify).
        connection.execute(_NOTIFY, {"channel": NOTIFY_CHANNEL, "seq": str(seq)})
    return Head(seq, digest)


class EventRow(NamedTuple):
    """One stored event, as read for verification (no ORM object per row)."""

    seq: int
    at: str
    user_name: str
    action: str
    entity: str
    entity_id: str
    before: str
    after: str
    reason: str
    prev_hash: str
    hash: str


_ROWS = select(
    _EVENTS.c.seq,
    _EVENTS.c.at,
    _EVENTS.c.user_name,
    _EVENTS.c.action,
    _EVENTS.c.entity,
    _EVENTS.c.entity_id,
    _EVENTS.c.before,
    _EVENTS.c.after,
    _EVENTS.c.reason,
    _EVENTS.c.prev_hash,
    _EVENTS.c.hash,
).order_by(_EVENTS.c.seq)


def head(session: Session) -> Head | None:
    """The last event of the log as stored (None when the log is empty)."""
    last = session.execute(_TAIL).first()
    return None if last is None else Head(int(last[0]), str(last[1]))


def event_at(session: Session, seq: int) -> EventRow | None:
    row = session.execute(_ROWS.where(_EVENTS.c.seq == seq)).first()
    return None if row is None else EventRow(*row)


def hashes_between(session: Session, first: int, last: int) -> list[tuple[int, str]]:
    """(seq, hash) of the events first..last, in order."""
    stmt = (
        select(_EVENTS.c.seq, _EVENTS.c.hash)
        .where(_EVENTS.c.seq >= first, _EVENTS.c.seq <= last)
        .order_by(_EVENTS.c.seq)
    )
    return [(int(seq), str(digest)) for seq, digest in session.execute(stmt)]


class Stop(Exception):
    """Raised by a verification observer to end the walk with a problem at an event."""

    def __init__(self, seq: int, problem: str, kind: str = "observer") -> None:
        super().__init__(problem)
        self.seq = seq
        self.problem = problem
        self.kind = kind


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_bad_seq: int | None
    problem: str
    # what broke, for messages in other languages: missing, order, altered, truncated, no_head, or
    # the observer's own kind
    kind: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"event log intact: {self.events} events, hash chain verified"
        return f"event log broken at event {self.first_bad_seq}: {self.problem}"


def verify(session: Session, observe: Callable[[EventRow], None] | None = None) -> ChainReport:
    """Walk the chain from the first event: each must follow the one before and hash to its stored
    hash, and the recorded head must be the last. `observe(event)` sees every event that passed
    (in order) and may raise `Stop` to end the walk with a problem of its own."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    rows = session.execute(_ROWS.execution_options(yield_per=2000))
    for raw in rows:
        event = EventRow(*raw)
        if event.seq != expected_seq:
            return ChainReport(
                False,
                count,
                expected_seq,
                f"event {expected_seq} is missing (next is {event.seq})",
                "missing",
            )
        if event.prev_hash != prev:
            return ChainReport(
                False,
                count,
                event.seq,
                "it does not follow the event before it (reordered, or one removed)",
                "order",
            )
        digest = event_hash(
            event.seq,
            event.at,
            event.user_name,
            event.action,
            event.entity,
            event.entity_id,
            event.before,
            event.after,
            event.reason,
            event.prev_hash,
        )
        if digest != event.hash:
            return ChainReport(
                False,
                count,
                event.seq,
                f"its content was altered ({event.action} {event.entity} {event.entity_id})",
                "altered",
            )
        if observe is not None:
            try:
                observe(event)
            except Stop as stop:
                return ChainReport(False, count, stop.seq, stop.problem, stop.kind)
        prev = event.hash
        expected_seq += 1
        count += 1
    recorded_head = session.get(Setting, HEAD_KEY)
    if recorded_head is not None:
        recorded = json.loads(recorded_head.value)
        if recorded["seq"] != count or recorded["hash"] != prev:
            return ChainReport(
                False,
                count,
                count + 1 if recorded["seq"] > count else recorded["seq"],
                f"the log ends at event {count} but {recorded['seq']} were recorded (events removed from the end)",
                "truncated",
            )
    elif count:
        return ChainReport(False, count, 1, "the record of the chain's head is missing", "no_head")
    return ChainReport(True, count, None, "")
