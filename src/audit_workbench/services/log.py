"""Reading and verifying the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..storage import events
from ..storage.models import Event
from .base import Services


@dataclass(frozen=True)
class EventView:
    seq: int
    at: str
    user_name: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any
    reason: str


class LogService:
    def __init__(self, services: Services) -> None:
        self.s = services

    def verify(self) -> events.ChainReport:
        with self.s.read() as session:
            return events.verify(session)

    def events(self, entity_id: str | None = None, limit: int = 200) -> list[EventView]:
        stmt = select(Event).order_by(Event.seq.desc()).limit(limit)
        if entity_id is not None:
            stmt = stmt.where((Event.entity_id == entity_id) | Event.entity_id.like(f"{entity_id}/%"))
        with self.s.read() as session:
            return [
                EventView(
                    e.seq,
                    e.at,
                    e.user_name,
                    e.action,
                    e.entity,
                    e.entity_id,
                    json.loads(e.before),
                    json.loads(e.after),
                    e.reason,
                )
                for e in session.scalars(stmt)
            ]
