"""People and impartiality: qualifications, competence areas, training, witnessed audits, annual
impartiality declarations and declared interests (conflicts of interest).

New tables only; nothing existing is rebuilt (so the case search triggers are untouched).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import audit_workbench.storage.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _utc() -> sa.types.TypeEngine[object]:
    return audit_workbench.storage.models.UTCDateTime()  # type: ignore[return-value]


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("qualification", sa.String(length=16), nullable=False),
        sa.Column("registration_no", sa.String(length=64), nullable=True),
        sa.Column("id_type", sa.String(length=8), nullable=True),
        sa.Column("id_number", sa.String(length=64), nullable=True),
        sa.Column("full_time", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_people_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_people")),
    )
    op.create_table(
        "person_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["people.user_id"], name=op.f("fk_person_areas_user_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_areas")),
        sa.UniqueConstraint("user_id", "area", name=op.f("uq_person_areas_user_id_area")),
    )
    with op.batch_alter_table("person_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_areas_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("hours", audit_workbench.storage.models.DecimalText(), nullable=True),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_training_records_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_training_records_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_records_user_id"), ["user_id"], unique=False)

    op.create_table(
        "witnessed_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("witnessed_on", sa.Date(), nullable=False),
        sa.Column("witness", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_witnessed_audits_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_witnessed_audits_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_witnessed_audits_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_witnessed_audits")),
    )
    with op.batch_alter_table("witnessed_audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_witnessed_audits_user_id"), ["user_id"], unique=False)

    op.create_table(
        "impartiality_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("signed_at", _utc(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_impartiality_declarations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impartiality_declarations")),
        sa.UniqueConstraint("user_id", "year", name=op.f("uq_impartiality_declarations_user_id_year")),
    )
    with op.batch_alter_table("impartiality_declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impartiality_declarations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "declared_interests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("risk", sa.String(length=8), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", _utc(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["users.id"], name=op.f("fk_declared_interests_approved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_declared_interests_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_declared_interests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declared_interests")),
    )
    with op.batch_alter_table("declared_interests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declared_interests_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_declared_interests_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        ("declared_interests", ("ix_declared_interests_user_id", "ix_declared_interests_credit_code")),
        ("impartiality_declarations", ("ix_impartiality_declarations_user_id",)),
        ("witnessed_audits", ("ix_witnessed_audits_user_id",)),
        ("training_records", ("ix_training_records_user_id",)),
        ("person_areas", ("ix_person_areas_user_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(batch_op.f(index))
        op.drop_table(table)
    op.drop_table("people")
