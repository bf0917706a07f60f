"""The demo database: every case state, the three rubrics, certificates of several grades and states,
an intact event log, users who can log in, and a refusal to build twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from audit_workbench.core import creditcode
from audit_workbench.core.errors import Refused
from audit_workbench.core.workflow import CaseState
from audit_workbench.services import Services
from audit_workbench.services.demo import DEMO_PASSWORD, DemoResult, build_demo
from audit_workbench.services.views import CaseDetail

from ..conftest import FAST_HASHER


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, DemoResult]]:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(folder / "keys"))
        services = Services.open(folder / "demo.sqlite3", hasher=FAST_HASHER)
        result = build_demo(services)
        yield services, result
        services.close()


@pytest.fixture(scope="module")
def details(demo: tuple[Services, DemoResult]) -> dict[str, CaseDetail]:
    services, result = demo
    return {c.case_no: services.cases.get(c.case_no) for c in result.cases}


def _by_status(details: dict[str, CaseDetail], state: CaseState) -> list[CaseDetail]:
    return [d for d in details.values() if d.status == state]


def test_every_case_state_appears(demo: tuple[Services, DemoResult], details: dict[str, CaseDetail]) -> None:
    _, result = demo
    assert len(result.cases) >= 12
    assert {c.status for c in result.cases} == {s.value for s in CaseState}
    assert {c.case_no: c.status for c in result.cases} == {n: d.status for n, d in details.items()}


def test_all_three_rubrics_and_both_enterprise_types(details: dict[str, CaseDetail]) -> None:
    rubrics = {d.rubric_id for d in details.values()}
    assert {"sbt10401-2006-production", "sbt10401-2006-sales", "gbt27922-2011"} <= rubrics
    assert {d.enterprise_type for d in details.values()} == {"production", "sales"}
    assert any(d.rubric_id == "gbt27922-2011" and d.status == CaseState.certified for d in details.values())


def test_applicants_are_distinct_with_valid_credit_codes(details: dict[str, CaseDetail]) -> None:
    codes = [d.organization.credit_code for d in details.values() if d.kind == "initial"]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert creditcode.is_valid(code)
        assert code[:2] == "91" and code[2:8].isdigit()


def test_materials(details: dict[str, CaseDetail]) -> None:
    for d in details.values():
        if d.kind != "initial":  # a surveillance audit works from the initial application's materials
            assert {m.status for m in d.materials} == {"not_applicable"}
            continue
        item2 = next(m for m in d.materials if m.item_no == 2)
        assert item2.status == "not_applicable" and item2.reason and "三证合一" in item2.reason
        if d.status != CaseState.draft:
            assert all(m.status != "missing" for m in d.materials)
    draft = _by_status(details, CaseState.draft)[0]
    statuses = Counter(m.status for m in draft.materials)
    assert statuses["provided"] > 0 and statuses["missing"] > 0
    attached = {f.filename for d in details.values() for m in d.materials for f in m.files}
    demo_docs = {p.name for p in (Path(__file__).parents[2] / "resources" / "demo").glob("*.txt")}
    assert demo_docs and demo_docs <= attached


def test_attachments_read_back(demo: tuple[Services, DemoResult], details: dict[str, CaseDetail]) -> None:
    services, _ = demo
    files = {f.sha256 for d in details.values() for m in d.materials for f in m.files}
    for sha in files:
        assert services.cases.read_attachment(sha)


def test_certificates_grades_and_states(demo: tuple[Services, DemoResult]) -> None:
    services, _ = demo
    certificates = services.certificates.list()
    assert len({c.grade for c in certificates}) >= 3
    assert {"five_star", "four_star", "three_star", "qualified"} <= {c.grade for c in certificates}
    states = Counter(c.status for c in certificates)
    assert states["suspended"] >= 1 and states["withdrawn"] >= 1 and states["valid"] >= 3
    for cert in certificates:
        if cert.status in ("suspended", "withdrawn"):
            assert cert.status_reason
    today = datetime.now(UTC).date()
    expiring = [c for c in certificates if c.status == "valid" and c.expires_on - today <= timedelta(days=90)]
    assert expiring, "one certificate should expire within 90 days"
    assert len({c.issued_on for c in certificates}) == len(certificates)


def test_surveillance_is_on_time_so_the_opening_sweep_suspends_nothing(
    demo: tuple[Services, DemoResult],
) -> None:
    """A new demo user's first window start runs the sweep: every valid certificate older than a
    year has had its annual surveillance audits, taken through the pipeline, so none is overdue."""
    services, _ = demo
    today = datetime.now(UTC).date()
    valid = [c for c in services.certificates.list() if c.status == "valid"]
    assert len(valid) >= 3
    for cert in valid:
        assert cert.next_surveillance is None or cert.next_surveillance > today, cert.number
    follow_ups = [c for c in services.cases.list() if c.kind == "surveillance"]
    assert len(follow_ups) >= 4 and {c.status for c in follow_ups} == {CaseState.certified}
    for cert in valid:
        years = (today - cert.issued_on).days // 365
        audited = [c for c in follow_ups if c.organization.credit_code == cert.organization.credit_code]
        assert len(audited) >= min(years, 2), cert.number
    assert services.certificates.sweep(dry_run=True).actions == ()


def test_no_demo_certificate_is_a_one_hand_chain_and_two_admins_can_approve_grants(
    demo: tuple[Services, DemoResult],
) -> None:
    from audit_workbench.services.oversight import one_hand_findings

    services, _ = demo
    assert services.certificates.list() and one_hand_findings(services) == []
    admins = [u.name for u in services.users.list() if "admin" in u.roles]
    assert len(admins) == 2
    grants = services.grants.list(services.users.login("admin", DEMO_PASSWORD))
    assert grants and {g.status for g in grants} == {"granted"}
    assert {g.granted_by for g in grants} == {None}  # the staff's roles are the setup's


def test_certified_cases_verify(demo: tuple[Services, DemoResult], details: dict[str, CaseDetail]) -> None:
    services, _ = demo
    certified = [d for d in _by_status(details, CaseState.certified) if d.kind == "initial"]
    assert len(certified) >= 4
    for d in certified:
        cert = d.certificate
        assert cert is not None and cert.grade == d.decided_grade
        check = services.certificates.verify(cert.payload)
        if cert.status in ("suspended", "withdrawn"):
            assert not check.valid and check.status == cert.status
        else:
            assert check.valid, check.reason


def test_scores_are_realistic(details: dict[str, CaseDetail]) -> None:
    scored = [d for d in details.values() if d.recommended_total is not None]
    assert scored
    for d in scored:
        points = [e.points for e in d.entries.values() if e.points is not None]
        assert len(set(points)) > 1  # not all at maximum
        assert all(e.note for e in d.entries.values())
    entries = [e for d in details.values() for e in d.entries.values()]
    assert any(e.sampled for e in entries)
    assert any(e.not_applicable and e.reason for e in entries)
    kinds = Counter(s.kind for d in details.values() for s in d.special_items)
    assert kinds["deduction"] >= 1 and kinds["bonus"] >= 1
    assert any(d.evidence for d in details.values())
    closed = [n for d in details.values() for n in d.nonconformities if n.status == "closed"]
    assert closed and all(n.corrective_action for n in closed)
    failed = _by_status(details, CaseState.not_certified)
    assert failed and all(d.recommended_total is not None and d.recommended_total < 70 for d in failed)


def test_on_site_cases(details: dict[str, CaseDetail]) -> None:
    on_site = _by_status(details, CaseState.onsite_audit)
    assert any(d.score.unscored and d.entries for d in on_site), "one audit is partly scored"
    waiting = [d for d in on_site if d.awaiting_rectification]
    assert waiting and any(n.overdue for d in waiting for n in d.nonconformities)


def test_document_reviews(details: dict[str, CaseDetail]) -> None:
    in_review = _by_status(details, CaseState.document_review)
    assert any(r.outcome == "revise" for d in in_review for r in d.reviews)
    for d in details.values():
        for review in d.reviews:
            assert review.findings and all(category for category, _ in review.findings)


def test_committee_votes_are_independent(
    demo: tuple[Services, DemoResult], details: dict[str, CaseDetail]
) -> None:
    services, _ = demo
    decisions = set()
    for d in details.values():
        voters = {
            e.user_name for e in services.log.events(d.case_no, limit=1000) if e.action == "committee.vote"
        }
        decisions |= {
            e.after["decision"]
            for e in services.log.events(d.case_no, limit=1000)
            if e.action == "committee.vote"
        }
        for name in voters:
            assert not d.relation_of(name).took_part
    assert {"approve", "lower", "reject"} <= decisions


def test_history_spreads_over_three_years(details: dict[str, CaseDetail]) -> None:
    now = datetime.now(UTC)
    created = sorted(d.created_at.replace(tzinfo=d.created_at.tzinfo or UTC) for d in details.values())
    assert created[-1] < now
    assert now - created[0] > timedelta(days=2 * 365 + 300)
    assert len({c.year for c in created}) >= 3


def test_event_log_intact_and_in_time_order(demo: tuple[Services, DemoResult]) -> None:
    services, _ = demo
    report = services.log.verify()
    assert report.ok, report.describe()
    events = services.log.events(limit=100_000)
    times = [datetime.fromisoformat(e.at) for e in reversed(events)]
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert times == sorted(times)
    assert times[-1] < datetime.now(UTC)


def test_every_demo_user_logs_in(demo: tuple[Services, DemoResult]) -> None:
    services, result = demo
    roles = Counter(r for u in result.users for r in u.roles)
    assert roles["admin"] >= 1 and roles["clerk"] >= 2 and roles["auditor"] >= 4 and roles["committee"] >= 3
    assert any(len(u.roles) == 2 for u in result.users)
    stored = {u.name: u for u in services.users.list()}
    for user in result.users:
        assert user.password == DEMO_PASSWORD
        actor = services.users.login(user.name, user.password)
        assert {r.value for r in actor.roles} == set(user.roles) == set(stored[user.name].roles)
        assert user.name.isascii() and not stored[user.name].display_name.isascii()


def test_second_build_is_refused_and_changes_nothing(demo: tuple[Services, DemoResult]) -> None:
    services, result = demo
    before = (services.log.verify().events, services.users.count(), services.cases.count())
    with pytest.raises(Refused) as refused:
        build_demo(services)
    assert refused.value.code == "not_empty"
    assert (services.log.verify().events, services.users.count(), services.cases.count()) == before
    assert before[2] == len(result.cases)


def _copy(services: Services, target: Path) -> Services:
    """A copy of the demo database to take cases forward in, leaving the module's demo as built."""
    import sqlite3

    source = sqlite3.connect(services.db.url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return Services.open(target, hasher=FAST_HASHER)


@pytest.mark.sqlite_only
def test_every_open_case_can_be_taken_forward_by_the_demo_people(
    demo: tuple[Services, DemoResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's people records, declarations and declared interests leave every open case a way
    forward: a team that may be assigned, a committee member who may vote; and the declared
    conflicts bar exactly whom they should."""
    original, result = demo
    demo_folder = Path(original.db.url.removeprefix("sqlite:///")).parent
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(demo_folder / "keys"))  # the demo's signing key
    services = _copy(original, tmp_path / "forward.sqlite3")
    people = {u.name: services.users.login(u.name, u.password) for u in result.users}
    clerk, committee = people["zhangwei"], ("zhouqiang", "zhaolei", "sunli")
    by_org = {c.case_no: services.cases.get(c.case_no).organization.name for c in result.cases}
    barred: dict[str, set[tuple[str, str]]] = {}
    voted: dict[str, set[tuple[str, str]]] = {}
    cannot_lead: dict[str, set[tuple[str, str]]] = {}
    open_cases = [
        c.case_no
        for c in result.cases
        if c.status not in ("certified", "not_certified", "rejected", "withdrawn")
    ]
    assert len(open_cases) >= 8
    for case_no in open_cases:
        for _ in range(12):
            detail = services.cases.get(case_no)
            status = detail.status
            if status == "draft":
                for m in detail.materials:
                    if m.status == "missing":
                        services.cases.mark_material_not_applicable(
                            clerk, case_no, m.item_no, "演示：纸质材料已归档"
                        )
                services.cases.submit(clerk, case_no)
            elif status == "submitted":
                services.cases.accept(clerk, case_no, contract_no=f"DEMO-{case_no}", fee="30000")
            elif status == "accepted":
                candidates = services.people.team_candidates(clerk, case_no)
                cannot_lead[by_org[case_no]] = {
                    (c.user_name, c.leader_denial.code) for c in candidates if c.leader_denial
                }
                barred[by_org[case_no]] = {
                    (c.user_name, c.member_denial.code) for c in candidates if c.member_denial
                }
                leaders = [c.user_name for c in candidates if c.leader_denial is None]
                members = [
                    c.user_name for c in candidates if c.member_denial is None and c.user_name != leaders[0]
                ]
                services.cases.assign_team(clerk, case_no, leaders[0], members[:1])
            elif status == "document_review":
                leader = people[detail.team_leader or ""]
                services.cases.record_review(leader, case_no, outcome="pass", note="体系文件已按要求修改")
            elif status == "onsite_audit":
                leader = people[detail.team_leader or ""]
                rubric = services.rubrics.get(detail.rubric_id).rubric
                for _, indicator in rubric.indicators():
                    if indicator.code not in detail.entries:
                        services.audits.set_points(leader, case_no, indicator.code, indicator.max_points)
                for nc in detail.nonconformities:
                    if nc.status == "open":
                        services.audits.close_nonconformity(leader, case_no, nc.id, "已整改并验证")
                services.audits.conclude(leader, case_no, "评审组推荐")
            elif status == "committee_review":
                outcomes = set()
                for name in committee:
                    try:
                        services.committee.vote(people[name], case_no, "approve", "同意")
                    except Refused as refusal:
                        outcomes.add((name, refusal.code))
                    else:
                        outcomes.add((name, "voted"))
                        break
                voted[by_org[case_no]] = outcomes
            elif status == "approved":
                services.certificates.issue(clerk, case_no)
            else:
                break
        assert services.cases.get(case_no).status == "certified", case_no
    # the declared conflicts bar whom they name, for the organisations they name
    assert ("chenjing", "consultancy_cooling") in barred["合肥皖能热水器有限公司"]
    assert ("liuyang", "interest_not_mitigated") in barred["北京智联家电连锁有限公司"]
    assert not any(
        name == "huangmin" for name, _ in barred["北京智联家电连锁有限公司"]
    )  # a trainee may be a member
    assert ("huangmin", "trainee_cannot_lead") in cannot_lead[
        "北京智联家电连锁有限公司"
    ]  # … and may not lead
    assert voted["广州粤厨厨电科技有限公司"] == {
        ("zhouqiang", "interest_high_risk"),  # holds shares in it
        ("zhaolei", "conflict_of_interest"),  # audited it
        ("sunli", "voted"),  # a medium risk, its mitigation approved by the administrator
    }
    assert services.log.verify().ok
    services.close()


def test_one_certified_organisation_was_renamed_and_its_records_agree(
    demo: tuple[Services, DemoResult], details: dict[str, CaseDetail]
) -> None:
    """The demo shows a certificate change: 沈阳北垦 renamed after certification, its certificate
    re-issued under the same number; every certificate agrees with its payload and its log."""
    services, _ = demo
    renamed = next(d for d in details.values() if d.organization.name == "沈阳北垦农业装备股份有限公司")
    cert = renamed.certificate
    assert cert is not None and cert.reissued_on is not None and cert.status == "valid"
    org = services.organizations.get(renamed.organization.credit_code)
    assert [v.value for v in org.history if v.field == "name"] == [
        "沈阳北垦农机装备有限公司",
        "沈阳北垦农业装备股份有限公司",
    ]
    assert org.contact and [c.kind for c in org.changes] == ["0101"]
    assert services.certificates.verify(cert.payload).valid
    assert services.certificates.check() == []


def test_the_demo_has_complaints_and_an_appeal_its_panel_can_decide(
    demo: tuple[Services, DemoResult],
) -> None:
    services, _ = demo
    clerk = services.users.login("lina", DEMO_PASSWORD)
    complaints = services.complaints.list(clerk)
    assert {c.status for c in complaints} == {"received", "investigated", "closed"}
    assert [c.overdue for c in complaints if c.status == "received"] == ["acknowledge"]
    (appeal,) = services.complaints.appeals(clerk)
    assert (appeal.subject, appeal.status, appeal.panel) == ("suspension", "panel", ("zhaolei", "liuyang"))
    assert services.certificates.get(str(appeal.certificate)).status == "suspended"
    panel_member = services.users.login("zhaolei", DEMO_PASSWORD)
    with services.rehearsal():  # each transaction rolled back at its end: the demo stays as it is
        decided = services.complaints.decide(panel_member, appeal.id, "upheld", "暂停前已书面申请推迟")
    assert decided.outcome == "upheld"
    assert services.complaints.appeals(clerk)[0].status == "panel"


def test_the_latest_month_reports_to_cnca_complete(demo: tuple[Services, DemoResult], tmp_path: Path) -> None:
    """Last month's CNCA report of the demo lacks nothing: the settings, every organisation's
    particulars, every auditor's identity, and the reason codes and end of its suspension."""
    services, _ = demo
    clerk = services.users.login("zhangwei", DEMO_PASSWORD)
    today = services.today()
    last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    report = services.cnca.gather(clerk, last)
    assert report.late == 0  # the demo body reports with this database from last month on
    assert not report.gaps and report.certificates
    result = services.cnca.export(clerk, last, tmp_path / "cnca.xlsx")
    assert result.month == last and not result.draft and not result.gaps
    for cert in services.certificates.list():
        shown = services.cnca.particulars(cert.organization.credit_code)
        assert shown.industry_code and shown.phone and shown.contact and shown.confirmed
