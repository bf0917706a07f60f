"""Who may do what, when: every role × action × state × relation to the case.

The expectation below is written from DESIGN.md ("Who uses it", "The pipeline of a case") and
the impartiality rule of ISO/IEC 17065 — independently of `policy.POLICY`, which it checks.
Denials are expected in this order: the role first, then the case state, then the relation.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import product

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.core.people import Standing
from audit_workbench.core.policy import Action, CaseRelation, Part, Role, explain, policy_markdown, require
from audit_workbench.core.workflow import CaseState

# A person with nothing against them (declared this year, no interests): the grid below is about
# roles, states and relations; the person checks have their own tests (test_people_policy.py).
CLEAR = Standing("someone", date(2026, 3, 2), declared=True)

CLERK, AUDITOR, COMMITTEE, ADMIN = "clerk", "auditor", "committee", "admin"
ALL_STATES = [s.value for s in CaseState]
# "withdraw (any state before certified)": every open state of the pipeline up to approved.
BEFORE_CERTIFIED = [
    "draft", "submitted", "accepted", "document_review", "onsite_audit", "committee_review", "approved",
]  # fmt: skip
ANY = None  # not tied to a case state

# action -> (roles that may do it, states it is allowed in, what the actor must be to the case)
EXPECTED: dict[str, tuple[set[str], list[str] | None, str]] = {
    # clerk: "registers applicants and materials"
    "create_case": ({CLERK}, ANY, "any"),
    "edit_application": ({CLERK}, ["draft"], "any"),
    # "draft ──submit──▶ submitted"
    "submit": ({CLERK}, ["draft"], "any"),
    # "submitted ──accept──▶ accepted", "submitted ──reject──▶ rejected"; clerk "accepts or rejects"
    "accept": ({CLERK}, ["submitted"], "any"),
    "reject": ({CLERK}, ["submitted"], "any"),
    "withdraw": ({CLERK}, BEFORE_CERTIFIED, "any"),
    # "accepted ──assign team──▶ document_review"; the clerk "assigns audit teams" — a team may
    # still be changed while it reviews and audits, never once the audit is concluded.
    "assign_team": ({CLERK}, ["accepted", "document_review", "onsite_audit"], "any"),
    # auditor (team leader or member) "reviews the applicant's service-system documents"
    "record_review": ({AUDITOR}, ["document_review"], "team"),
    # "Scoring is allowed only in onsite_audit, only to members of the case's audit team."
    "score": ({AUDITOR}, ["onsite_audit"], "team"),
    "manage_nonconformity": ({AUDITOR}, ["onsite_audit"], "team"),
    # "concludes the audit (leader)"
    "conclude": ({AUDITOR}, ["onsite_audit"], "leader"),
    # committee votes; "a committee member who reviewed or audited the case cannot vote on it"
    "vote": ({COMMITTEE}, ["committee_review"], "independent"),
    # "`issue` (clerk) needs `approved`"; whoever took part in the evaluation may not issue (issue 10)
    "issue_certificate": ({CLERK}, ["approved"], "independent"),
    # clerk "keeps the certificate register" (suspend, restore, withdraw …)
    "manage_certificate": ({CLERK}, ANY, "any"),
    # clerk "registers applicants": a rename or move of an organisation is a recorded change
    # that re-issues its certificates (issue 11)
    "change_organization": ({CLERK}, ANY, "any"),
    # admin: "users and roles, settings …; does not score or vote"
    "manage_users": ({ADMIN}, ANY, "any"),
    "manage_settings": ({ADMIN}, ANY, "any"),
    # admin: "signing key, … backups": keeping, restoring and rotating the key, replacing the database
    "manage_keys": ({ADMIN}, ANY, "any"),
    "restore_database": ({ADMIN}, ANY, "any"),
    # reads (issue 10): any role reads the records; the users and settings are the admin's
    "view_records": ({ADMIN, CLERK, AUDITOR, COMMITTEE}, ANY, "any"),
    "view_users": ({ADMIN}, ANY, "any"),
    "view_settings": ({ADMIN}, ANY, "any"),
    # whoever signs with the body's key — the clerk issuing certificates, the admin keeping it — may
    # sign a checkpoint of the log
    "sign_log": ({ADMIN, CLERK}, ANY, "any"),
    # people and impartiality (accreditation.md): the admin keeps people's records; clerks, who
    # assign teams, may read them; everyone declares their own interests and signs their own
    # annual declaration; a mitigation is approved by management or the committee; identity
    # numbers leave masked except for the regulator's report, which the clerk files.
    "manage_people": ({ADMIN}, ANY, "any"),
    "view_people": ({ADMIN, CLERK}, ANY, "any"),
    "declare_interest": ({ADMIN, CLERK, AUDITOR, COMMITTEE}, ANY, "any"),
    "record_interest": ({ADMIN}, ANY, "any"),
    "approve_mitigation": ({ADMIN, COMMITTEE}, ANY, "any"),
    "sign_declaration": ({ADMIN, CLERK, AUDITOR, COMMITTEE}, ANY, "any"),
    "disclose_identity": ({CLERK}, ANY, "any"),
    # complaints and appeals (issue 13): the clerk registers and routes them; an investigator or a
    # panel member is someone of the body's staff who took no part in the matter (core/complaints.py);
    # management reads the register
    "handle_complaint": ({CLERK}, ANY, "any"),
    "investigate_complaint": ({CLERK, AUDITOR, COMMITTEE}, ANY, "any"),
    "view_complaints": ({ADMIN, CLERK}, ANY, "any"),
    "handle_appeal": ({CLERK}, ANY, "any"),
    "decide_appeal": ({AUDITOR, COMMITTEE}, ANY, "any"),
    # offline packages (issue 12): a clerk takes any case on site to a laptop, an auditor those of his
    # team; on the laptop and back in the office only the audit team moves the results
    "export_checkout": ({CLERK, AUDITOR}, ["document_review", "onsite_audit"], "team or clerk"),
    "import_checkout": ({AUDITOR}, ["document_review", "onsite_audit"], "team"),
    "export_return": ({AUDITOR}, ["document_review", "onsite_audit", "committee_review"], "team"),
    "import_return": ({AUDITOR}, ["document_review", "onsite_audit", "committee_review"], "team"),
}

ROLE_SETS = [
    frozenset(),
    frozenset({CLERK}),
    frozenset({AUDITOR}),
    frozenset({COMMITTEE}),
    frozenset({ADMIN}),
    frozenset({AUDITOR, COMMITTEE}),  # "a person may hold several roles"
    frozenset({ADMIN, CLERK}),
]
RELATIONS = {
    "stranger": CaseRelation(),
    "member": CaseRelation(team_member=True),
    "leader": CaseRelation(team_member=True, team_leader=True),
    "leader_flag_only": CaseRelation(team_leader=True),
    "doc_reviewer": CaseRelation(document_reviewer=True),
    "member_and_reviewer": CaseRelation(team_member=True, document_reviewer=True),
    # off the team today, but scored / raised a nonconformity earlier (services.participation)
    "scored_earlier": CaseRelation(parts=frozenset({Part.score})),
    "raised_nc_earlier": CaseRelation(parts=frozenset({Part.nonconformity})),
}


def expected_code(
    action: str, roles: frozenset[str], state: str | None, relation: CaseRelation
) -> str | None:
    allowed_roles, states, rel = EXPECTED[action]
    if not roles & allowed_roles:
        return "wrong_role"
    if states is not None and state is not None and state not in states:
        return "wrong_state"
    on_team = relation.team_member or relation.team_leader
    if rel == "team or clerk" and CLERK not in roles and not on_team:
        return "not_on_team"
    if rel == "team" and not on_team:
        return "not_on_team"
    if rel == "leader" and not relation.team_leader:
        return "not_team_leader"
    if rel == "independent" and (on_team or relation.document_reviewer or relation.parts):
        return "conflict_of_interest"
    return None


def test_the_expectation_covers_every_action():
    assert set(EXPECTED) == {a.value for a in Action}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_state_and_relation(action: str):
    mismatches = []
    for roles, state, (rel_name, relation) in product(ROLE_SETS, ALL_STATES, RELATIONS.items()):
        want = expected_code(action, roles, state, relation)
        denial = explain(Action(action), roles, CaseState(state), relation, person=CLEAR)
        got = None if denial is None else denial.code
        if got != want:
            mismatches.append(f"{sorted(roles)} {state} {rel_name}: expected {want}, got {got}")
        # require() agrees with explain()
        if want is None:
            require(Action(action), roles, CaseState(state), relation, person=CLEAR)
        else:
            with pytest.raises(Refused) as info:
                require(Action(action), roles, CaseState(state), relation, person=CLEAR)
            if info.value.code != want:
                mismatches.append(f"require {sorted(roles)} {state} {rel_name}: {info.value.code}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("action", [a for a, (_, states, _) in EXPECTED.items() if states is None])
def test_actions_outside_a_case_need_only_the_role(action: str):
    allowed_roles, _, _ = EXPECTED[action]
    for roles in ROLE_SETS:
        denial = explain(Action(action), roles, person=CLEAR)
        assert (denial is None) == bool(roles & allowed_roles), (action, roles)


# -- the rules a certification body is audited on --------------------------------------------------
# An administrator keeps users, settings, the signing key and people's records, and is a person of
# the body who declares interests and signs a declaration like everyone; none of that is a case action.
BODY_ACTIONS = (
    Action.manage_users,
    Action.manage_settings,
    Action.manage_keys,
    Action.sign_log,
    Action.restore_database,
    Action.view_records,
    Action.view_users,
    Action.view_settings,
    Action.manage_people,
    Action.view_people,
    Action.declare_interest,
    Action.record_interest,
    Action.approve_mitigation,
    Action.sign_declaration,
    Action.view_complaints,
)
CASE_ACTIONS = [a for a in Action if a not in BODY_ACTIONS]


@pytest.mark.parametrize("action", CASE_ACTIONS, ids=str)
def test_admin_can_do_no_case_action_at_all(action: Action):
    # No bypass: not even as team leader, independent, in any state.
    for state, relation in product(CaseState, RELATIONS.values()):
        denial = explain(action, [Role.admin], state, relation, person=CLEAR)
        assert denial is not None and denial.code == "wrong_role", (action, state)
    assert explain(action, [Role.admin], person=CLEAR) is not None


def test_admin_manages_users_and_settings():
    assert explain(Action.manage_users, [Role.admin]) is None
    assert explain(Action.manage_settings, ["admin"]) is None
    for role in (Role.clerk, Role.auditor, Role.committee):
        assert explain(Action.manage_users, [role]).code == "wrong_role"
        assert explain(Action.manage_settings, [role]).code == "wrong_role"


@pytest.mark.parametrize("action", [Action.submit, Action.accept, Action.reject])
def test_only_clerks_submit_accept_and_reject(action: Action):
    state = CaseState.draft if action is Action.submit else CaseState.submitted
    assert explain(action, [Role.clerk], state) is None
    for role in (Role.auditor, Role.committee, Role.admin):
        assert explain(action, [role], state).code == "wrong_role"
    other = CaseState.accepted
    assert explain(action, [Role.clerk], other).code == "wrong_state"


def test_only_team_members_score_and_only_on_site():
    member = CaseRelation(team_member=True)
    assert explain(Action.score, [Role.auditor], CaseState.onsite_audit, member) is None
    assert explain(Action.score, [Role.auditor], CaseState.onsite_audit, CaseRelation()).code == "not_on_team"
    for state in ("document_review", "committee_review", "approved"):
        assert explain(Action.score, [Role.auditor], CaseState(state), member).code == "wrong_state"
    assert explain(Action.score, [Role.committee], CaseState.onsite_audit, member).code == "wrong_role"


def test_only_the_team_leader_concludes():
    leader = CaseRelation(team_member=True, team_leader=True)
    member = CaseRelation(team_member=True)
    assert explain(Action.conclude, [Role.auditor], CaseState.onsite_audit, leader) is None
    assert explain(Action.conclude, [Role.auditor], CaseState.onsite_audit, member).code == "not_team_leader"
    assert explain(Action.conclude, [Role.auditor], CaseState.committee_review, leader).code == "wrong_state"


@pytest.mark.parametrize(
    ("relation", "part"),
    [
        (CaseRelation(team_member=True), "audited"),
        (CaseRelation(team_member=True, team_leader=True), "audited"),
        (CaseRelation(document_reviewer=True), "reviewed the documents"),
    ],
)
def test_committee_members_who_took_part_cannot_vote(relation: CaseRelation, part: str):
    roles = [Role.auditor, Role.committee]
    denial = explain(Action.vote, roles, CaseState.committee_review, relation, person=CLEAR)
    assert denial is not None
    assert denial.code == "conflict_of_interest"
    assert part in denial.en
    assert "表决" in denial.zh
    with pytest.raises(Refused) as info:
        require(Action.vote, roles, CaseState.committee_review, relation, person=CLEAR)
    assert info.value.code == "conflict_of_interest"


def test_an_independent_committee_member_votes():
    assert (
        explain(Action.vote, [Role.committee], CaseState.committee_review, CaseRelation(), person=CLEAR)
        is None
    )
    assert explain(Action.vote, ["committee"], CaseState.onsite_audit, CaseRelation()).code == "wrong_state"


# -- messages ---------------------------------------------------------------------------------------
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_denial_has_a_chinese_and_an_english_message():
    seen_codes = set()
    for action, roles, state, relation in product(Action, ROLE_SETS, CaseState, RELATIONS.values()):
        denial = explain(action, roles, state, relation, person=CLEAR)
        if denial is None:
            continue
        seen_codes.add(denial.code)
        assert denial.en.strip() and not CJK.search(denial.en), denial
        assert CJK.search(denial.zh), denial
        refused = denial.refused()
        assert refused.code == denial.code
        assert refused.message("en") == denial.en
        assert refused.message("zh") == denial.zh
    assert seen_codes == {
        "wrong_role",
        "wrong_state",
        "not_on_team",
        "not_team_leader",
        "conflict_of_interest",
    }


def test_wrong_role_message_names_the_role_that_may_act():
    denial = explain(Action.accept, [Role.auditor], CaseState.submitted)
    assert "clerk" in denial.en.lower()
    assert "受理人员" in denial.zh


def test_wrong_state_message_names_the_state():
    denial = explain(Action.accept, [Role.clerk], CaseState.draft)
    assert "draft" in denial.en
    assert "草稿" in denial.zh


# -- the generated policy page ----------------------------------------------------------------------
def test_policy_markdown_lists_every_action_with_its_roles():
    page = policy_markdown()
    rows = {
        line.split("|")[1].strip().strip("`"): line for line in page.splitlines() if line.startswith("| `")
    }
    assert set(rows) == {a.value for a in Action}
    for action, (roles, states, _) in EXPECTED.items():
        cells = [c.strip() for c in rows[action].split("|")]
        assert {r.strip() for r in cells[2].split(",")} == roles, action
        listed_states = cells[3]
        if states is None:
            assert listed_states == "any"
        else:
            assert {s.strip() for s in listed_states.split(",")} == set(states), action
