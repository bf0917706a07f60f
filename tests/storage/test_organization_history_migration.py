"""Migration 0007: organisation history from the log, the certified name from each certificate's
payload (also behind an organisation an earlier version renamed silently), and down and up again."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Table, column, create_engine, table, text

from audit_workbench.storage import models as m
from audit_workbench.storage.db import _alembic_config

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _insert(conn: Connection, model: object, rows: list[dict[str, object]]) -> None:
    model_table: Table = model.__table__  # type: ignore[attr-defined]
    old = table(model_table.name, *(column(key, model_table.c[key].type) for key in rows[0]))
    conn.execute(old.insert(), rows)


def _payload(name: str) -> str:
    data = json.dumps({"n": "C-1", "o": name}, ensure_ascii=False, separators=(",", ":")).encode()
    return "AWB1." + base64.urlsafe_b64encode(data).rstrip(b"=").decode() + ".sig"


def _event(
    seq: int, action: str, entity_id: str, after: dict[str, str], reason: str = ""
) -> dict[str, object]:
    return {
        "seq": seq,
        "at": WHEN.replace(day=seq).isoformat(timespec="microseconds"),
        "user_name": "clerk",
        "action": action,
        "entity": "organization",
        "entity_id": entity_id,
        "before": "null",
        "after": json.dumps(after, ensure_ascii=False),
        "reason": reason,
        "prev_hash": f"{seq - 1:064x}",
        "hash": f"{seq:064x}",
    }


def test_upgrade_fills_history_and_certified_names(db_path: Path | str) -> None:
    engine = create_engine(db_path if isinstance(db_path, str) else f"sqlite:///{db_path}")
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0006")
            _insert(
                conn,
                m.Organization,
                [
                    {"id": 1, "name": "后来的名字", "credit_code": "A" * 18, "address": "新址", "version": 3},
                    {"id": 2, "name": "无日志的组织", "credit_code": "B" * 18, "address": "", "version": 1},
                ],
            )
            case = {
                "case_no": "AW2024-00001",
                "kind": "initial",
                "organization_id": 1,
                "enterprise_type": "production",
                "rubric_id": "r",
                "rubric_sha256": "0" * 64,
                "headcount": 1,
                "scope": "s",
                "status": "certified",
                "committee_round": 1,
                "created_at": WHEN,
                "updated_at": WHEN,
                "version": 1,
            }
            _insert(conn, m.Case, [{"id": 1, **case}])
            _insert(conn, m.Case, [{"id": 2, **case, "case_no": "AW2024-00002", "organization_id": 2}])
            _insert(
                conn,
                m.Certificate,
                [
                    {
                        "id": 1,
                        "number": "C-1",
                        "year": 2024,
                        "sequence": 1,
                        "case_id": 1,
                        "organization_id": 1,
                        "grade": "three_star",
                        "rubric_id": "r",
                        "scope": "s",
                        "issued_on": date(2024, 1, 5),
                        "expires_on": date(2027, 1, 4),
                        "status": "valid",
                        "payload": _payload("原来的名字"),
                        "version": 1,
                    }
                ],
            )
            _insert(
                conn,
                m.Event,
                [
                    _event(1, "organization.create", "A" * 18, {"name": "原来的名字", "address": ""}),
                    # an application of the time renamed the certified organisation
                    _event(2, "organization.update", "A" * 18, {"name": "后来的名字", "address": "新址"}),
                ],
            )
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            assert conn.execute(
                text("SELECT organization_name, organization_address, reissued_on FROM certificates")
            ).one() == ("原来的名字", "新址", None)  # what the certificate certified
            versions = conn.execute(
                text(
                    "SELECT organization_id, field, value, effective_on, recorded_by FROM organization_versions "
                    "ORDER BY organization_id, id"
                )
            ).all()
            assert [(o, f, v, str(d)[:10], by) for o, f, v, d, by in versions] == [
                (1, "name", "原来的名字", "2024-01-01", "clerk"),
                (1, "name", "后来的名字", "2024-01-02", "clerk"),
                (1, "address", "新址", "2024-01-02", "clerk"),
                (2, "name", "无日志的组织", "2024-01-02", "system"),  # from its first case
            ]
            assert conn.execute(text("SELECT contact FROM organizations WHERE id = 1")).scalar() == ""
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0006")
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM organization_versions")).scalar() == 4
    finally:
        engine.dispose()
