"""Appending to the hash chain: after the caller's pending changes, from the chain's tail, with the
recorded head moved along; on SQLite and on a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from audit_workbench.storage import events
from audit_workbench.storage.db import open_database
from audit_workbench.storage.models import Event, Setting


def _append(session, n: int) -> events.Head:  # type: ignore[no-untyped-def]
    return events.append(
        session,
        at=datetime(2026, 1, 1, 8, n, tzinfo=UTC),
        user_name="clerk",
        action="case.update",
        entity="case",
        entity_id=f"AW2026-{n:05d}",
        before={"n": n - 1},
        after={"n": n},
        reason="测试",
    )


def _recorded_head(session) -> dict[str, object] | None:  # type: ignore[no-untyped-def]
    head = session.get(Setting, events.HEAD_KEY)
    return None if head is None else json.loads(head.value)


def test_append_follows_the_tail_moves_the_head_and_writes_pending_changes_first(
    db_path: Path | str,
) -> None:
    db = open_database(db_path)
    try:
        with db.reading() as session:
            assert _recorded_head(session) is None  # a new store has no events and no head yet
        heads = []
        with db.transaction() as session:
            session.add(Setting(key="pending", value='"x"'))
            heads.append(_append(session, 1))
            # the pending row was written before the event, as an autoflushing query would have done
            table = Setting.__table__
            stored = session.connection().execute(select(table.c.value).where(table.c.key == "pending"))
            assert stored.scalar() == '"x"'
            heads.append(_append(session, 2))
        with db.transaction() as session:
            heads.append(_append(session, 3))
        with pytest.raises(RuntimeError), db.transaction() as session:
            _append(session, 4)
            raise RuntimeError("the use case failed: its event goes with it")
        with db.reading() as session:
            assert events.verify(session).ok
            chain = session.scalars(select(Event).order_by(Event.seq)).all()
            head = _recorded_head(session)
        assert [h.seq for h in heads] == [1, 2, 3] == [e.seq for e in chain]
        assert [h.hash for h in heads] == [e.hash for e in chain]
        assert [e.prev_hash for e in chain] == [events.GENESIS, heads[0].hash, heads[1].hash]
        assert head == {"seq": 3, "hash": heads[2].hash}
        assert chain[1].before == '{"n":1}' and chain[1].after == '{"n":2}' and chain[1].reason == "测试"
        assert chain[1].at == "2026-01-01T08:02:00.000000+00:00"
    finally:
        db.dispose()


def test_a_head_row_left_behind_is_moved_not_duplicated(db_path: Path | str) -> None:
    """The head is updated in place when its row exists, and created when it does not."""
    db = open_database(db_path)
    try:
        with db.transaction() as session:
            session.add(Setting(key=events.HEAD_KEY, value=json.dumps({"seq": 0, "hash": events.GENESIS})))
        with db.transaction() as session:
            first = _append(session, 1)
        with db.reading() as session:
            assert _recorded_head(session) == {"seq": 1, "hash": first.hash}
            assert events.verify(session).ok
    finally:
        db.dispose()
