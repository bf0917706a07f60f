"""Complaints and appeals: the complaints register, appeals and their panels.

New tables only; nothing existing is rebuilt.

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import audit_workbench.storage.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine[object]:
    return audit_workbench.storage.models.UTCDateTime()  # type: ignore[return-value]


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("acknowledge_by", sa.Date(), nullable=False),
        sa.Column("resolve_by", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.Column("acknowledged_at", _utc(), nullable=True),
        sa.Column("investigator_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_at", _utc(), nullable=True),
        sa.Column("closed_at", _utc(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_complaints_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["investigator_id"], ["users.id"], name=op.f("fk_complaints_investigator_id_users")
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_complaints_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("decide_by", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_appeals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificates.id"], name=op.f("fk_appeals_certificate_id_certificates")
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_appeals_decided_by_users")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_appeals_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_status"), ["status"], unique=False)

    op.create_table(
        "appeal_panel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_appeal_panel_appeal_id_appeals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_appeal_panel_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_panel")),
        sa.UniqueConstraint("appeal_id", "user_id", name=op.f("uq_appeal_panel_appeal_id_user_id")),
    )
    with op.batch_alter_table("appeal_panel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_panel_appeal_id"), ["appeal_id"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("appeal_panel", ("ix_appeal_panel_appeal_id",)),
        ("appeals", ("ix_appeals_status", "ix_appeals_case_id")),
        ("complaints", ("ix_complaints_status", "ix_complaints_case_id")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
