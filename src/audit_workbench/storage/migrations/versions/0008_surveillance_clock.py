"""The surveillance clock: what a certificate's surveillances count from, and its suspension's code and end.

1. `certificates.surveillance_basis` and `surveillance_from`: the basis of the annual surveillance
   ("decision" or "issue") and its date. Certificates issued before this revision counted from their
   issue date (their `next_surveillance_on` was computed so): they are filled as "issue" and
   `issued_on`, which keeps their dates as they were.
2. `certificates.status_reason_code`: the reason code of a suspension or withdrawal (NULL for those
   recorded before codes existed), and `suspended_until`: the day a suspension ends (NULL: none set).
3. `certificate_changes.previous_grade`, `grade` and `case_no`: a grade changed at surveillance, and
   the surveillance case that gave it (NULL for the organisation changes before and since).

4. Retention (storage.retention): triggers that refuse deleting a certificate inside its retention
   period, its changes, its case and follow-up cases and their committee votes.

Adding columns leaves the tables as they are on SQLite (ALTER TABLE ADD COLUMN).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from audit_workbench.storage.retention import drop_retention, install_retention

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("surveillance_basis", sa.String(16)),
    ("surveillance_from", sa.Date()),
    ("status_reason_code", sa.String(8)),
    ("suspended_until", sa.Date()),
)
CHANGE_COLUMNS = (
    ("previous_grade", sa.String(16)),
    ("grade", sa.String(16)),
    ("case_no", sa.String(32)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("certificates", sa.Column(name, type_, nullable=True))
    for name, type_ in CHANGE_COLUMNS:
        op.add_column("certificate_changes", sa.Column(name, type_, nullable=True))
    op.execute(
        "UPDATE certificates SET surveillance_basis = 'issue', surveillance_from = issued_on "
        "WHERE surveillance_basis IS NULL"
    )
    install_retention(op.get_bind(), "0008")  # the set as it was then (0012 extends it)


def downgrade() -> None:
    drop_retention(op.get_bind(), "0008")
    with op.batch_alter_table("certificate_changes") as batch:
        for name, _ in reversed(CHANGE_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("certificates") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
