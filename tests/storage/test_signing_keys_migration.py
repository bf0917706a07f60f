"""Migration 0004: the body's public key moves from the setting `signing_public_key` into the table
`signing_keys` (dated by its `keys.generate` event), and back on a downgrade — certificates and the log
verify the same before and after, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from audit_workbench.services import Services
from audit_workbench.storage.db import _alembic_config

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Clock, Team


def _url(db_path: Path | str) -> str:
    return db_path if isinstance(db_path, str) else f"sqlite:///{db_path}"


def test_the_key_moves_into_its_table_and_back(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path | str, clock: Clock
) -> None:
    case_no = make_case("certified")
    waiting = make_case("approved")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    payload = services.certificates.get(number).payload
    (key,) = services.keys.list()
    services.close()

    engine = create_engine(_url(db_path))
    try:
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0003")
        with engine.connect() as conn:
            assert "signing_keys" not in inspect(conn).get_table_names()
            value = conn.execute(text("SELECT value FROM settings WHERE key = 'signing_public_key'")).scalar()
            assert json.loads(value) == key.public_key  # as the earlier version kept it
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT fingerprint, public_key, origin, retired_at FROM signing_keys")
            ).all()
            assert rows == [(key.fingerprint, key.public_key, "generated", None)]
            assert (
                conn.execute(text("SELECT count(*) FROM settings WHERE key = 'signing_public_key'")).scalar()
                == 0
            )
    finally:
        engine.dispose()

    again = Services.open(db_path, clock=clock, hasher=FAST_HASHER)
    try:
        (migrated,) = again.keys.list()
        assert migrated.created_at == key.created_at  # dated by its keys.generate event
        assert again.certificates.verify(payload).valid
        report = again.log.verify()
        assert report.ok and report.checkpoints == 1
        # and it still signs: the private key and its key file were never touched
        issued = again.certificates.issue(again.users.login("clerk", PASSWORD), waiting)
        assert again.certificates.verify(again.certificates.get(issued.number).payload).valid
        assert again.log.verify().checkpoints == 2
    finally:
        again.close()
