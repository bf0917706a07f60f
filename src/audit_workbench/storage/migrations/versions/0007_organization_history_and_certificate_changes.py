"""One organisation with a history; certificates that keep what they certified; certificate changes.

1. `organizations.contact`, and `organization_versions`: every value an organisation's name,
   address and contact held, from when, recorded by whom and why. Filled here from the log's
   organisation events (organization.create / update / import), then the current values where the
   log ends elsewhere.
2. `organization_proposals`: a name or address an application gave for an organisation on record,
   proposed and never applied by the application.
3. `certificates.organization_name`, `organization_address` and `reissued_on`: the organisation as
   certified. The name is filled from each certificate's signed payload (what it certified, even
   where an earlier version renamed the organisation behind it); payloads made before this
   revision hold no address, so the address is the organisation's current one.
4. `certificate_changes`: a certificate re-issued under its number and cycle, with the payload it
   superseded.

Adding columns leaves `cases` and `organizations` as they are on SQLite (ALTER TABLE ADD COLUMN),
so the case search triggers stay; going down rebuilds `organizations`, with the case search
triggers (as they stand, whichever revision made them) dropped before and made again after.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIELDS = ("name", "address", "contact")


def _certified_name(payload: str | None) -> str | None:
    """The organisation name a signed payload `AWB1.<data>.<sig>` holds (the signature is not checked)."""
    if not payload or not payload.startswith("AWB1."):
        return None
    parts = payload.split(".")
    if len(parts) != 3:
        return None
    try:
        data = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(data.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    name = claims.get("o") if isinstance(claims, dict) else None
    return name if isinstance(name, str) else None


def _day(value: object) -> date:
    """The date of a stored timestamp (a datetime, or SQLite's text), today when there is none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return datetime.now(UTC).date()


def _fill_certificates(conn: sa.Connection) -> None:
    certificates = sa.table(
        "certificates",
        sa.column("id", sa.Integer),
        sa.column("organization_id", sa.Integer),
        sa.column("payload", sa.Text),
        sa.column("organization_name", sa.String),
        sa.column("organization_address", sa.String),
    )
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("address", sa.String),
    )
    rows = conn.execute(
        sa.select(
            certificates.c.id, certificates.c.payload, organizations.c.name, organizations.c.address
        ).join(organizations, organizations.c.id == certificates.c.organization_id)
    ).all()
    values = [
        {"cert_id": cert_id, "name": _certified_name(payload) or name, "address": address or ""}
        for cert_id, payload, name, address in rows
    ]
    if values:
        conn.execute(
            certificates.update()
            .where(certificates.c.id == sa.bindparam("cert_id"))
            .values(organization_name=sa.bindparam("name"), organization_address=sa.bindparam("address")),
            values,
        )


def _fill_versions(conn: sa.Connection) -> None:
    """Versions from the organisation events of the log, then the current values where they differ."""
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Integer),
        sa.column("credit_code", sa.String),
        sa.column("name", sa.String),
        sa.column("address", sa.String),
        sa.column("contact", sa.String),
    )
    events = sa.table(
        "events",
        sa.column("seq", sa.Integer),
        sa.column("at", sa.String),
        sa.column("user_name", sa.String),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.String),
        sa.column("after", sa.Text),
        sa.column("reason", sa.Text),
    )
    versions = sa.table(
        "organization_versions",
        sa.column("organization_id", sa.Integer),
        sa.column("field", sa.String),
        sa.column("value", sa.Text),
        sa.column("effective_on", sa.Date),
        sa.column("recorded_at", sa.DateTime),
        sa.column("recorded_by", sa.String),
        sa.column("reason", sa.Text),
    )
    cases = sa.table("cases", sa.column("organization_id", sa.Integer), sa.column("created_at", sa.DateTime))
    current = {row.credit_code: row for row in conn.execute(sa.select(organizations))}
    first_case = dict(
        conn.execute(
            sa.select(cases.c.organization_id, sa.func.min(cases.c.created_at)).group_by(
                cases.c.organization_id
            )
        ).all()
    )
    held: dict[str, dict[str, str]] = {}
    rows: list[dict[str, object]] = []
    for at, user_name, action, entity_id, after, reason in conn.execute(
        sa.select(
            events.c.at,
            events.c.user_name,
            events.c.action,
            events.c.entity_id,
            events.c.after,
            events.c.reason,
        )
        .where(events.c.entity == "organization")
        .order_by(events.c.seq)
    ):
        org = current.get(entity_id)
        try:
            values = json.loads(after)
        except ValueError:
            continue
        if org is None or not isinstance(values, dict):
            continue
        when = datetime.fromisoformat(at).astimezone(UTC)
        mine = held.setdefault(entity_id, {})
        for field in FIELDS:
            value = values.get(field)
            if isinstance(value, str) and mine.get(field) != value and (value or field in mine):
                mine[field] = value
                rows.append(
                    {
                        "organization_id": org.id,
                        "field": field,
                        "value": value,
                        "effective_on": when.date(),
                        "recorded_at": when.replace(tzinfo=None),
                        "recorded_by": user_name,
                        "reason": reason or action,
                    }
                )
    now = datetime.now(UTC)
    for code, org in current.items():
        mine = held.get(code, {})
        for field in FIELDS:
            value = getattr(org, field) or ""
            if mine.get(field, "") != value or (field == "name" and field not in mine):
                rows.append(
                    {
                        "organization_id": org.id,
                        "field": field,
                        "value": value,
                        "effective_on": _day(first_case.get(org.id)) if field not in mine else now.date(),
                        "recorded_at": now.replace(tzinfo=None),
                        "recorded_by": "system",
                        "reason": "on record when the organisation history was introduced (migration 0007)",
                    }
                )
    if rows:
        conn.execute(versions.insert(), rows)


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("organization_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("organization_address", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reissued_on", sa.Date(), nullable=True))
    op.create_table(
        "organization_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_versions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_versions")),
    )
    with op.batch_alter_table("organization_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_versions_organization_id"), ["organization_id"], unique=False
        )
    op.create_table(
        "organization_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_organization_proposals_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_proposals_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_proposals")),
    )
    with op.batch_alter_table("organization_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_proposals_organization_id"), ["organization_id"], unique=False
        )
    op.create_table(
        "certificate_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("previous_name", sa.String(length=200), nullable=False),
        sa.Column("previous_address", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("previous_payload", sa.Text(), nullable=False),
        sa.Column("previous_payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_changes_certificate_id_certificates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_changes")),
    )
    with op.batch_alter_table("certificate_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_changes_certificate_id"), ["certificate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificate_changes_previous_payload_sha256"),
            ["previous_payload_sha256"],
            unique=False,
        )
    conn = op.get_bind()
    _fill_certificates(conn)
    _fill_versions(conn)


def downgrade() -> None:
    with op.batch_alter_table("certificate_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_changes_previous_payload_sha256"))
        batch_op.drop_index(batch_op.f("ix_certificate_changes_certificate_id"))
    op.drop_table("certificate_changes")
    with op.batch_alter_table("organization_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_proposals_organization_id"))
    op.drop_table("organization_proposals")
    with op.batch_alter_table("organization_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_versions_organization_id"))
    op.drop_table("organization_versions")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("reissued_on")
        batch_op.drop_column("organization_address")
        batch_op.drop_column("organization_name")
    conn = op.get_bind()
    # Rebuilding `organizations` on SQLite needs the case search triggers out of the way (those on
    # `cases` name it, one is on it): they are taken as they stand and made again afterwards.
    triggers: list[str] = []
    if conn.dialect.name == "sqlite":
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_search%' ORDER BY name"
        ).all():
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
            triggers.append(sql)
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("contact")
    for sql in triggers:
        conn.exec_driver_sql(sql)
