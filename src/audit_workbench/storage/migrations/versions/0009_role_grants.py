"""Role grants: who gave each user each role, when, and (where four eyes are needed) who approved.

`role_grants` is filled here with one `granted` row per role every user holds, dated when the
account was created, by nobody (`granted_by` NULL: given before grants were recorded).

Revision ID: 0009
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_role_grants_user_id_users")),
        sa.ForeignKeyConstraint(["granted_by"], ["users.id"], name=op.f("fk_role_grants_granted_by_users")),
        sa.ForeignKeyConstraint(["approved_by"], ["users.id"], name=op.f("fk_role_grants_approved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grants")),
    )
    op.create_index(op.f("ix_role_grants_user_id"), "role_grants", ["user_id"], unique=False)
    # one row per role each user holds (roles are comma-separated: matched with commas around)
    for role in ("admin", "clerk", "auditor", "committee"):
        op.execute(
            sa.text(
                "INSERT INTO role_grants (user_id, role, granted_at, status) "
                "SELECT id, :role, created_at, 'granted' FROM users "
                "WHERE ',' || roles || ',' LIKE :pattern ORDER BY id"
            ).bindparams(role=role, pattern=f"%,{role},%")
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_role_grants_user_id"), table_name="role_grants")
    op.drop_table("role_grants")
