"""A fee typed as people type it is taken by the case service; a wrong one is refused, nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit_workbench.core.errors import Refused

from ..conftest import CaseMaker, Team, dump


@pytest.mark.parametrize("fee", ["38,000", "３８０００", "3.8万", "￥38,000元"])
def test_a_fee_in_the_usual_forms(services, team: Team, make_case: CaseMaker, fee: str) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    detail = services.cases.accept(team.clerk, case_no, contract_no="HT-1", fee=fee)
    assert detail.fee == Decimal(38000)


def test_a_fee_that_is_no_number_changes_nothing(services, team: Team, make_case: CaseMaker, db_path) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    before = dump(db_path)
    with pytest.raises(Refused) as caught:
        services.cases.accept(team.clerk, case_no, contract_no="HT-1", fee="38.000,00")
    assert caught.value.code == "bad_number" and caught.value.message_zh == "费用必须是数字"
    assert dump(db_path) == before
