"""The regulator's monthly report (CNCA): an organisation's further particulars, an audit's dates
and mode, and which month's file each reportable event went into.

New tables only; nothing existing is rebuilt (so the case search triggers are untouched).

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import audit_workbench.storage.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine[object]:
    return audit_workbench.storage.models.UTCDateTime()  # type: ignore[return-value]


def upgrade() -> None:
    op.create_table(
        "organization_particulars",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("org_code", sa.String(length=9), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("industry_code", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_particulars_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_organization_particulars")),
    )
    op.create_table(
        "audit_plans",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_audit_plans_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_audit_plans")),
    )
    op.create_table(
        "cnca_reported",
        sa.Column("event_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("reported_at", _utc(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name=op.f("fk_cnca_reported_event_seq_events")
        ),
        sa.PrimaryKeyConstraint("event_seq", name=op.f("pk_cnca_reported")),
    )
    with op.batch_alter_table("cnca_reported", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cnca_reported_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cnca_reported", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cnca_reported_month"))
    op.drop_table("cnca_reported")
    op.drop_table("audit_plans")
    op.drop_table("organization_particulars")
