"""Many cases at once, written straight into the store (for list and speed tests only).

Going through the services would take minutes for thousands of cases; the list model only reads,
so rows with consistent columns are enough. The event log is not written: never use these
databases for log tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from audit_workbench.core.creditcode import complete
from audit_workbench.services import Services
from audit_workbench.storage import models as m

STATES = ("draft", "submitted", "onsite_audit", "certified", "committee_review")
GRADES = (None, None, None, "four_star", "three_star")
RUBRICS = ("sbt10401-2006-production", "sbt10401-2006-sales", "gbt27922-2011")


@dataclass(frozen=True)
class BulkCase:
    case_no: str
    organization: str
    credit_code: str
    status: str
    rubric_id: str
    grade: str | None
    team: tuple[str, ...]


def add_cases(services: Services, count: int, auditors: tuple[str, ...] = ()) -> list[BulkCase]:
    """`count` cases AW2025-00001…, organisations 测试组织00001…, states cycling through STATES."""
    made: list[BulkCase] = []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with services.db.transaction() as session:
        user_ids = dict(session.execute(select(m.User.name, m.User.id)).all())
        orgs = []
        for n in range(1, count + 1):
            code = complete(f"91{310000 + n % 90000:06d}MA{n:07d}"[:17])
            orgs.append({"name": f"测试组织{n:05d}", "credit_code": code, "address": "", "version": 1})
        session.execute(insert(m.Organization), orgs)
        org_ids = dict(session.execute(select(m.Organization.credit_code, m.Organization.id)).all())
        cases = []
        for n, org in enumerate(orgs, start=1):
            status = STATES[n % len(STATES)]
            grade = GRADES[n % len(GRADES)] if status in ("certified", "committee_review") else None
            rubric_id = RUBRICS[n % len(RUBRICS)]
            cases.append(
                {
                    "case_no": f"AW2025-{n:05d}",
                    "kind": "initial",
                    "organization_id": org_ids[org["credit_code"]],
                    "enterprise_type": "sales" if rubric_id.endswith("sales") else "production",
                    "rubric_id": rubric_id,
                    "rubric_sha256": services.rubrics.get(rubric_id).sha256,
                    "headcount": 10 + n % 500,
                    "scope": "家用电器的售后服务",
                    "status": status,
                    "committee_round": 1,
                    "recommended_total": Decimal("85.5") if grade else None,
                    "recommended_grade": grade,
                    "decided_grade": grade if status == "certified" else None,
                    "created_at": start + timedelta(minutes=n),
                    "updated_at": start + timedelta(minutes=n),
                    "version": 1,
                }
            )
            team = tuple(auditors[: 1 + n % 2]) if auditors and status == "onsite_audit" else ()
            made.append(
                BulkCase(
                    cases[-1]["case_no"], org["name"], org["credit_code"], status, rubric_id, grade, team
                )
            )
        session.execute(insert(m.Case), cases)
        case_ids = dict(session.execute(select(m.Case.case_no, m.Case.id)).all())
        members = [
            {"case_id": case_ids[c.case_no], "user_id": user_ids[name], "is_leader": i == 0}
            for c in made
            for i, name in enumerate(c.team)
        ]
        if members:
            session.execute(insert(m.TeamMember), members)
    return made
