"""Every public key of the certification body in its own table, so rotating the key (or losing the
private one) never loses the means to verify what it signed.

The key made by `init` was kept as the setting `signing_public_key`; it becomes the first row, dated
by its `keys.generate` event, and the setting goes (the table is the one place the keys are read).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from audit_workbench.core import certsig
from audit_workbench.storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PUBLIC_KEY_SETTING = "signing_public_key"


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("endorsement", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signing_keys_fingerprint")),
    )
    conn = op.get_bind()
    value = conn.execute(
        sa.text("SELECT value FROM settings WHERE key = :key"), {"key": PUBLIC_KEY_SETTING}
    ).scalar()
    if value is None:
        return
    pem = json.loads(value)
    fingerprint = certsig.public_key_fingerprint(certsig.load_public_key(pem.encode()))
    at = conn.execute(
        sa.text("SELECT at FROM events WHERE action = 'keys.generate' ORDER BY seq LIMIT 1")
    ).scalar()
    created = datetime.fromisoformat(at) if at else datetime.now(UTC)
    keys = sa.table(
        "signing_keys",
        sa.column("fingerprint", sa.String()),
        sa.column("public_key", sa.Text()),
        sa.column("created_at", UTCDateTime()),
        sa.column("retired_at", UTCDateTime()),
        sa.column("origin", sa.String()),
        sa.column("endorsement", sa.Text()),
    )
    conn.execute(
        sa.insert(keys).values(
            fingerprint=fingerprint,
            public_key=pem,
            created_at=created if created.tzinfo else created.replace(tzinfo=UTC),
            retired_at=None,
            origin="generated",
            endorsement="",
        )
    )
    conn.execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": PUBLIC_KEY_SETTING})


def downgrade() -> None:
    conn = op.get_bind()
    pem = conn.execute(
        sa.text("SELECT public_key FROM signing_keys WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1")
    ).scalar()
    if pem is not None:
        conn.execute(
            sa.text("INSERT INTO settings (key, value) VALUES (:key, :value)"),
            {"key": PUBLIC_KEY_SETTING, "value": json.dumps(pem)},
        )
    op.drop_table("signing_keys")
