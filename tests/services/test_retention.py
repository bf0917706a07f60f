"""Retention (issue 13 point 6): inside its retention period (setting `retention_years`, default 6,
after the certificate's expiry) no record of a certification can be deleted — not the certificate,
its changes, its case or follow-up cases, nor their committee votes — by the services or by SQL
(database triggers, SQLite and PostgreSQL); the database is unchanged after each refusal. After the
period they can be."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.storage import models as m

from ..conftest import CaseMaker, Team, dump

DELETES = {
    "certificate": "DELETE FROM certificates WHERE number = :n",
    "certificate change": "DELETE FROM certificate_changes WHERE certificate_id = "
    "(SELECT id FROM certificates WHERE number = :n)",
    "committee votes": "DELETE FROM committee_votes WHERE case_id = "
    "(SELECT case_id FROM certificates WHERE number = :n)",
    "case": "DELETE FROM cases WHERE id = (SELECT case_id FROM certificates WHERE number = :n)",
    "follow-up case": "DELETE FROM cases WHERE parent_certificate_id = "
    "(SELECT id FROM certificates WHERE number = :n)",
}


def _sql(services: Services, statement: str, **params: object) -> None:
    with services.db.transaction() as session:
        session.execute(text(statement), params)


@pytest.fixture
def certified(services: Services, team: Team, make_case: CaseMaker) -> str:
    number = services.cases.get(make_case("certified")).certificate.number  # type: ignore[union-attr]
    services.organizations.change(  # a certificate change: the certificate re-issued
        team.clerk,
        services.certificates.get(number).organization.credit_code,
        name="改名后的测试电器有限公司",
        reason="更名",
    )
    services.certificates.open_follow_up(team.clerk, number, "surveillance")
    return number


def test_no_path_deletes_a_record_of_a_certificate_in_its_retention_period(
    services: Services, team: Team, certified: str, db_path: Path | str
) -> None:
    for what, statement in DELETES.items():
        before = dump(db_path)
        with pytest.raises(DBAPIError) as info:
            _sql(services, statement, n=certified)
        assert "retention" in str(info.value), what
        assert dump(db_path) == before, what
    # through the services' transaction: a refusal in both languages, nothing changed
    before = dump(db_path)
    with pytest.raises(Refused) as refused, services.tx(team.admin) as tx:
        cert = tx.session.scalar(select(m.Certificate).where(m.Certificate.number == certified))
        tx.session.delete(cert)
    assert refused.value.code == "retained" and "保存期限" in refused.value.message_zh
    assert dump(db_path) == before


def test_after_the_retention_period_the_records_may_go(
    services: Services, team: Team, certified: str, db_path: Path | str
) -> None:
    _sql(services, "UPDATE certificates SET expires_on = :d WHERE number = :n", d="2019-01-01", n=certified)
    for what in ("committee votes", "certificate change", "follow-up case"):
        _sql(services, DELETES[what], n=certified)
    # a longer period (a setting) keeps them again
    _sql(services, "UPDATE certificates SET expires_on = :d WHERE number = :n", d="2016-01-01", n=certified)
    services.settings.set(team.admin, "retention_years", 20)
    with pytest.raises(DBAPIError):
        _sql(services, DELETES["certificate"], n=certified)
    with pytest.raises(Refused):
        services.settings.set(team.admin, "retention_years", 5)  # never fewer than 6
