"""Retention covers every record of a certification (storage.retention): the 0008 triggers on
certificates, their changes, cases and committee votes are replaced by the full set — the event
log, every record of a retained case (materials and their files, team, reviews and findings,
scores, evidence, nonconformities, special items, votes, audit plan, witnessed audits), the
organisation's rows, complaints and appeals, CNCA report records — and decided cases without a
certificate are retained from their decision. A downgrade restores the 0008 set.

Triggers only; no table is rebuilt.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

from audit_workbench.storage.retention import drop_retention, install_retention

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    drop_retention(op.get_bind(), "0008")
    install_retention(op.get_bind(), "0012")


def downgrade() -> None:
    drop_retention(op.get_bind(), "0012")
    install_retention(op.get_bind(), "0008")
