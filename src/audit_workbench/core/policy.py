"""Who may do what, when: the role × action × state table and the separation-of-duties rules.

This table is the single source of truth: every service call consults it before it touches the
database, the GUI asks it to explain a disabled action, and `docs/policy.md` is generated from it.
There is no bypass: an administrator manages users and settings but takes no part in a case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from . import vocabulary
from .errors import Refused
from .people import (
    INTEREST_KIND_LABELS,
    MAY_LEAD,
    NEEDS_AREA,
    QUALIFICATION_LABELS,
    REGISTERED,
    Qualification,
    Risk,
    Standing,
)
from .workflow import STATE_LABELS, CaseState


class Role(StrEnum):
    admin = "admin"  # 系统管理员
    clerk = "clerk"  # 受理/市场信息人员
    auditor = "auditor"  # 评审员
    committee = "committee"  # 评审委员会委员


# Labels: core/vocabulary.py (a new role or action gets its words there, once).
ROLE_LABELS: dict[Role, tuple[str, str]] = vocabulary.by_enum("role", Role)


class Relation(StrEnum):
    """What the actor must be to the case, beyond holding the role."""

    any = "any"
    team_member = "team_member"  # on the case's audit team (leader or member)
    team_leader = "team_leader"  # the case's audit team leader (组长)
    # took no part in the evaluation, ever: never on the team, never scored, reviewed the documents,
    # raised or closed a nonconformity or concluded (from the case's events, not its team today)
    independent = "independent"


class Action(StrEnum):
    create_case = "create_case"
    edit_application = "edit_application"  # organisation details, materials
    submit = "submit"
    accept = "accept"
    reject = "reject"
    withdraw = "withdraw"
    assign_team = "assign_team"
    record_review = "record_review"
    score = "score"  # points, N/A, samples, evidence, special items
    manage_nonconformity = "manage_nonconformity"  # raise, record corrective action, verify and close
    conclude = "conclude"
    vote = "vote"
    issue_certificate = "issue_certificate"
    manage_certificate = "manage_certificate"  # suspend, restore, withdraw, surveillance, renewal
    change_organization = "change_organization"  # name, address, contact; re-issues its certificates
    manage_users = "manage_users"
    manage_settings = "manage_settings"
    manage_keys = "manage_keys"  # back up, restore and rotate the body's signing key
    sign_log = "sign_log"  # append a signed checkpoint of the event log
    restore_database = "restore_database"  # replace the database with a backup
    # Reads: what a logged-in person may see (the window's pages, the command line's read commands)
    view_records = "view_records"  # cases, organisations, certificates, the register, reports, the log
    view_users = "view_users"  # the list of users and their roles
    view_settings = "view_settings"  # the body's settings
    # People and impartiality (ISO/IEC 17065 §4.2, §6.1; CNAS-CC02)
    # qualifications, registration, identity, areas, training, witnessed audits
    manage_people = "manage_people"
    view_people = "view_people"  # other people's records and declared interests (one's own: always)
    declare_interest = "declare_interest"  # one's own declared interests: add, end
    record_interest = "record_interest"  # declared interests on someone else's behalf: add, end
    approve_mitigation = "approve_mitigation"  # a medium risk's mitigation (never one's own)
    sign_declaration = "sign_declaration"  # one's own annual impartiality declaration
    disclose_identity = "disclose_identity"  # unmasked identity numbers, for the regulator's report only
    # Complaints and appeals (ISO/IEC 17065 §7.13): who investigates or decides is checked against
    # the case's participants by core/complaints.py
    handle_complaint = "handle_complaint"  # register, acknowledge, assign an investigator, close
    investigate_complaint = "investigate_complaint"  # resolve, as the complaint's investigator
    view_complaints = "view_complaints"  # the whole register (one's own investigations and panels: always)
    handle_appeal = "handle_appeal"  # register an appeal, appoint its panel
    decide_appeal = "decide_appeal"  # as a member of the appeal's panel
    # offline audit packages: out of the office, into the laptop, back out of it, into the office
    export_checkout = "export_checkout"
    import_checkout = "import_checkout"
    export_return = "export_return"
    import_return = "import_return"


ACTION_LABELS: dict[Action, tuple[str, str]] = vocabulary.by_enum("action", Action)

# Every role of the body: each person declares their own interests and signs their own declaration.
EVERY_ROLE = (Role.admin, Role.clerk, Role.auditor, Role.committee)


class PersonCheck(StrEnum):
    """What a person must be, beyond the role and the relation to the case: checked for the actor
    (`Rule.actor_checks`) or for each person the action puts on the case (`Rule.assignee_checks`)."""

    # No declared high-risk interest in the case's organisation, no consultancy to it lasting or
    # ended within the cooling period (setting `consultancy_cooling_years`, default 2), a medium risk
    # only with a mitigation approved by another person, and this year's impartiality declaration.
    impartial = "impartial"
    # A qualification valid on the day, holding the case's area (its rubric id or enterprise type;
    # a trainee audits under a leader who holds it); only a senior auditor or auditor may lead.
    competent = "competent"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[CaseState] | None  # None: not tied to a case state
    relation: Relation = Relation.any
    actor_checks: frozenset[PersonCheck] = frozenset()  # the acting person's standing toward the case
    assignee_checks: frozenset[PersonCheck] = frozenset()  # each person the action puts on the case
    unrelated_roles: frozenset[Role] = frozenset()  # roles that need no relation to the case


def _r(
    roles: Iterable[Role],
    states: Iterable[CaseState] | None,
    relation: Relation = Relation.any,
    unrelated: Iterable[Role] = (),
    *,
    actor: Iterable[PersonCheck] = (),
    assignees: Iterable[PersonCheck] = (),
) -> Rule:
    return Rule(
        frozenset(roles),
        None if states is None else frozenset(states),
        relation,
        frozenset(actor),
        frozenset(assignees),
        frozenset(unrelated),
    )


S = CaseState
_OPEN_BEFORE_CERTIFIED = (
    S.draft,
    S.submitted,
    S.accepted,
    S.document_review,
    S.onsite_audit,
    S.committee_review,
    S.approved,
)

POLICY: dict[Action, Rule] = {
    Action.create_case: _r([Role.clerk], None),
    Action.edit_application: _r([Role.clerk], [S.draft]),
    Action.submit: _r([Role.clerk], [S.draft]),
    Action.accept: _r([Role.clerk], [S.submitted]),
    Action.reject: _r([Role.clerk], [S.submitted]),
    Action.withdraw: _r([Role.clerk], _OPEN_BEFORE_CERTIFIED),
    Action.assign_team: _r(
        [Role.clerk],
        [S.accepted, S.document_review, S.onsite_audit],
        assignees=[PersonCheck.impartial, PersonCheck.competent],
    ),
    Action.record_review: _r([Role.auditor], [S.document_review], Relation.team_member),
    Action.score: _r([Role.auditor], [S.onsite_audit], Relation.team_member),
    Action.manage_nonconformity: _r([Role.auditor], [S.onsite_audit], Relation.team_member),
    Action.conclude: _r([Role.auditor], [S.onsite_audit], Relation.team_leader),
    Action.vote: _r(
        [Role.committee], [S.committee_review], Relation.independent, actor=[PersonCheck.impartial]
    ),
    Action.issue_certificate: _r([Role.clerk], [S.approved], Relation.independent),
    Action.manage_certificate: _r([Role.clerk], None),
    Action.change_organization: _r([Role.clerk], None),
    Action.manage_users: _r([Role.admin], None),
    Action.manage_settings: _r([Role.admin], None),
    Action.manage_keys: _r([Role.admin], None),
    Action.sign_log: _r([Role.admin, Role.clerk], None),
    Action.restore_database: _r([Role.admin], None),
    Action.view_records: _r(EVERY_ROLE, None),
    Action.view_users: _r([Role.admin], None),
    Action.view_settings: _r([Role.admin], None),
    Action.manage_people: _r([Role.admin], None),
    Action.view_people: _r([Role.admin, Role.clerk], None),
    Action.declare_interest: _r(EVERY_ROLE, None),
    Action.record_interest: _r([Role.admin], None),
    Action.approve_mitigation: _r([Role.admin, Role.committee], None),
    Action.sign_declaration: _r(EVERY_ROLE, None),
    Action.disclose_identity: _r([Role.clerk], None),
    Action.handle_complaint: _r([Role.clerk], None),
    Action.investigate_complaint: _r([Role.clerk, Role.auditor, Role.committee], None),
    Action.view_complaints: _r([Role.admin, Role.clerk], None),
    Action.handle_appeal: _r([Role.clerk], None),
    Action.decide_appeal: _r([Role.auditor, Role.committee], None),
    # A clerk may take any case on site out of the office, an auditor those of his team; on the laptop
    # only the team brings cases in, exports the results and (in the office) brings them back.
    Action.export_checkout: _r(
        [Role.clerk, Role.auditor], [S.document_review, S.onsite_audit], Relation.team_member, [Role.clerk]
    ),
    Action.import_checkout: _r([Role.auditor], [S.document_review, S.onsite_audit], Relation.team_member),
    Action.export_return: _r(
        [Role.auditor], [S.document_review, S.onsite_audit, S.committee_review], Relation.team_member
    ),
    Action.import_return: _r(
        [Role.auditor], [S.document_review, S.onsite_audit, S.committee_review], Relation.team_member
    ),
}

# Where an action leads. Actions not listed keep the state (or depend on values, see services).
TRANSITIONS: dict[Action, tuple[CaseState, ...]] = {
    Action.create_case: (S.draft,),
    Action.submit: (S.submitted,),
    Action.accept: (S.accepted,),
    Action.reject: (S.rejected,),
    Action.withdraw: (S.withdrawn,),
    Action.assign_team: (S.document_review,),
    Action.record_review: (S.onsite_audit, S.document_review),  # pass / revise
    Action.conclude: (S.committee_review,),
    Action.vote: (S.approved, S.onsite_audit, S.not_certified, S.committee_review),
    Action.issue_certificate: (S.certified,),
}


class Part(StrEnum):
    """How a person took part in a case's evaluation (services.participation reads it from the
    case's events and records): any of these, at any time, bars the independent actions."""

    team = "team"  # on the audit team (leader or member), at any time
    review = "review"  # recorded a document review
    score = "score"  # scored, sampled, added evidence or a special item
    nonconformity = "nonconformity"  # raised or closed a nonconformity
    conclude = "conclude"  # concluded the audit


# How a refusal says what the actor did: (English, Chinese), in the order they are named.
PART_TEXT: dict[Part, tuple[str, str]] = {
    Part.team: ("audited this case", "参与了本案评审"),
    Part.review: ("reviewed the documents of this case", "审查了本案文件"),
    Part.score: ("scored this case", "为本案评过分"),
    Part.nonconformity: ("raised or closed a nonconformity of this case", "提出或关闭过本案的不符合项"),
    Part.conclude: ("concluded this case's audit", "作出过本案的评审结论"),
}


@dataclass(frozen=True)
class CaseRelation:
    """The facts about an actor and a case that the relation rules need."""

    team_member: bool = False
    team_leader: bool = False
    document_reviewer: bool = False
    # What the actor ever did on the case (services.participation), beyond today's team and reviews.
    parts: frozenset[Part] = frozenset()

    @property
    def took_part(self) -> bool:
        return self.team_member or self.team_leader or self.document_reviewer or bool(self.parts)

    def all_parts(self) -> tuple[Part, ...]:
        """Every way the actor took part, in `Part` order."""
        held = set(self.parts)
        if self.team_member or self.team_leader:
            held.add(Part.team)
        if self.document_reviewer:
            held.add(Part.review)
        return tuple(p for p in Part if p in held)


@dataclass(frozen=True)
class Denial:
    code: str
    en: str
    zh: str

    def refused(self) -> Refused:
        return Refused(self.code, self.en, self.zh)


def _roles_text(roles: frozenset[Role], lang: int) -> str:
    """ "评审员" / "受理人员 / 评审员" in Chinese; "an auditor" / "a clerk or an auditor" in English."""
    names = [ROLE_LABELS[r][lang] for r in sorted(roles)]
    if not lang:
        return " / ".join(names)
    return " or ".join(vocabulary.with_article(n.lower()) for n in names)


def explain(
    action: Action,
    roles: Iterable[Role | str],
    state: CaseState | None = None,
    relation: CaseRelation | None = None,
    *,
    person: Standing | None = None,
) -> Denial | None:
    """Why `action` is not allowed, or None when it is.

    `person` is the actor's standing toward the case (impartiality, competence): needed when the
    action's rule has actor checks (a vote), else ignored. Who an action puts on a case (a team) is
    checked with `assignment_denial`.
    """
    rule = POLICY[action]
    held = {Role(r) for r in roles}
    zh_action, en_action = ACTION_LABELS[action]
    if not held & rule.roles:
        return Denial(
            "wrong_role",
            f"only {_roles_text(rule.roles, 1)} may {en_action}",
            f"只有{_roles_text(rule.roles, 0)}可以{zh_action}",
        )
    if rule.states is not None and state is None:
        raise ValueError(f"{action.value} depends on the case state: pass it")
    if rule.states is not None and state is not None and state not in rule.states:
        zh_state = STATE_LABELS[state][0]
        return Denial(
            "wrong_state",
            f"cannot {en_action} while the case is {state.value}",
            f"案件处于“{zh_state}”状态，不能{zh_action}",
        )
    rel = relation or CaseRelation()
    denial = None if held & rule.unrelated_roles else _relation_denial(rule, rel, zh_action, en_action)
    if denial is not None:
        return denial
    if rule.actor_checks:
        if person is None:
            raise ValueError(f"{action.value} depends on the actor's standing toward the case: pass person")
        return person_denial(action, rule.actor_checks, person, you=True)
    return None


def _relation_denial(rule: Rule, rel: CaseRelation, zh_action: str, en_action: str) -> Denial | None:
    """What the actor is to the case against the rule's relation (roles in `unrelated_roles` skip it)."""
    if rule.relation is Relation.team_member and not (rel.team_member or rel.team_leader):
        return Denial(
            "not_on_team",
            f"only members of this case's audit team may {en_action}",
            f"只有本案评审组成员可以{zh_action}",
        )
    if rule.relation is Relation.team_leader and not rel.team_leader:
        return Denial(
            "not_team_leader",
            f"only this case's audit team leader may {en_action}",
            f"只有本案评审组组长可以{zh_action}",
        )
    if rule.relation is Relation.independent and rel.took_part:
        first = rel.all_parts()[0]
        part_en, part_zh = PART_TEXT[first]
        zh_do = "参与表决" if zh_action == ACTION_LABELS[Action.vote][0] else zh_action
        return Denial(
            "conflict_of_interest",
            f"you {part_en}, so you may not {en_action} on it",
            f"您{part_zh}，不能{zh_do}",
        )
    return None


def require(
    action: Action,
    roles: Iterable[Role | str],
    state: CaseState | None = None,
    relation: CaseRelation | None = None,
    *,
    person: Standing | None = None,
) -> None:
    denial = explain(action, roles, state, relation, person=person)
    if denial is not None:
        raise denial.refused()


# -- the person checks: impartiality and competence --------------------------------------------------
#
# Kept apart from the relation rules above (which say what someone is to the case): these say what a
# person's own records allow — declared interests in the case's organisation, the annual declaration,
# the qualification and its areas. `explain` applies a rule's actor checks; `assignment_denial` its
# assignee checks to a whole team (or panel).

# How a refusal names what an assignee may not be, by action ("… so wang may not be on the audit team").
ASSIGNED_AS: dict[Action, tuple[str, str]] = {
    Action.assign_team: ("进入评审组", "be on the audit team"),
}


def _who(standing: Standing, you: bool) -> tuple[str, str, str, str]:
    """(English subject, its possessive, "has"/"have", Chinese subject) for a message."""
    if you:
        return "you", "your", "have", "您"
    label = standing.label or standing.name
    return label, f"{label}'s", "has", label


def _tail(action: Action, standing: Standing, you: bool) -> tuple[str, str]:
    zh_action, en_action = ACTION_LABELS[action]
    if you:
        return f", so you may not {en_action}", "，不能" + (
            "参与表决" if action is Action.vote else zh_action
        )
    zh_as, en_as = ASSIGNED_AS.get(action, (zh_action, en_action))
    label = standing.label or standing.name
    return f", so {label} may not {en_as}", f"，不能{zh_as}"


def impartiality_denial(action: Action, standing: Standing, *, you: bool) -> Denial | None:
    """Why `standing`'s person is not impartial toward the case's organisation on the day, or None."""
    who, _, has, zh_who = _who(standing, you)
    tail_en, tail_zh = _tail(action, standing, you)
    day = standing.on
    for interest in sorted(standing.interests, key=lambda i: (i.start, i.id)):
        zh_kind, en_kind = INTEREST_KIND_LABELS[interest.kind]
        if interest.bars_on(day, standing.cooling_years):
            until = interest.cooling_until(standing.cooling_years)
            if interest.end is None or interest.end >= day:
                en = f"{who} declared a consultancy to this organisation that still lasts (since {interest.start})"
                zh = f"{zh_who}申报了正在为该组织提供咨询（{interest.start} 起）"
            else:
                en = (
                    f"{who} gave consultancy to this organisation until {interest.end}: no evaluation "
                    f"or decision on it before {until}"
                )
                zh = f"{zh_who}为该组织提供咨询至 {interest.end}，{until} 前不得参与对其的评审或认证决定"
            return Denial("consultancy_cooling", en + tail_en, zh + tail_zh)
        if not interest.active_on(day):
            continue
        if interest.risk is Risk.high:
            return Denial(
                "interest_high_risk",
                f"{who} declared a high-risk interest in this organisation ({en_kind}, since {interest.start})"
                + tail_en,
                f"{zh_who}申报了与该组织的高风险利益关系（{zh_kind}，{interest.start} 起）" + tail_zh,
            )
        if interest.risk is Risk.medium and not (interest.mitigation and interest.approved_by):
            return Denial(
                "interest_not_mitigated",
                f"{who} declared a medium-risk interest in this organisation ({en_kind}) whose mitigation "
                "nobody else has approved yet" + tail_en,
                f"{zh_who}申报的与该组织的中风险利益关系（{zh_kind}）尚无经他人批准的应对措施" + tail_zh,
            )
    if not standing.declared:
        return Denial(
            "no_impartiality_declaration",
            f"{who} {has} not signed the impartiality declaration for {day.year}" + tail_en,
            f"{zh_who}尚未签署 {day.year} 年度公正性声明" + tail_zh,
        )
    return None


def competence_denial(action: Action, standing: Standing, *, you: bool) -> Denial | None:
    """Why `standing`'s person is not competent for the case on the day, or None."""
    who, whose, has, zh_who = _who(standing, you)
    tail_en, tail_zh = _tail(action, standing, you)
    q = standing.qualification
    if q is None:
        return Denial(
            "no_qualification",
            f"{who} {has} no qualification on record" + tail_en,
            f"{zh_who}没有登记审核资格" + tail_zh,
        )
    zh_q, en_q = QUALIFICATION_LABELS[q]
    day = standing.on
    if standing.valid_until is None and q in REGISTERED:
        return Denial(
            "qualification_undated",
            f"{whose} {en_q} registration has no expiry date on record" + tail_en,
            f"{zh_who}的{zh_q}注册没有登记有效期" + tail_zh,
        )
    if standing.valid_until is not None and standing.valid_until < day:
        return Denial(
            "qualification_expired",
            f"{whose} {en_q} qualification expired on {standing.valid_until}" + tail_en,
            f"{zh_who}的{zh_q}资格已于 {standing.valid_until} 过期" + tail_zh,
        )
    if standing.valid_from is not None and standing.valid_from > day:
        return Denial(
            "qualification_not_yet_valid",
            f"{whose} {en_q} qualification is valid only from {standing.valid_from}" + tail_en,
            f"{zh_who}的{zh_q}资格自 {standing.valid_from} 起才有效" + tail_zh,
        )
    if q in NEEDS_AREA and not (standing.areas & standing.case_areas):
        needed = " / ".join(sorted(standing.case_areas))
        return Denial(
            "missing_area",
            f"{who} {has} no competence area for this case ({needed})" + tail_en,
            f"{zh_who}不具备本案的专业能力范围（{needed}）" + tail_zh,
        )
    return None


_CHECKS = {
    PersonCheck.impartial: impartiality_denial,
    PersonCheck.competent: competence_denial,
}


def person_denial(
    action: Action, checks: Iterable[PersonCheck], standing: Standing, *, you: bool
) -> Denial | None:
    """The first of `checks` that `standing` fails (impartiality first), or None."""
    for check in PersonCheck:
        if check in checks:
            denial = _CHECKS[check](action, standing, you=you)
            if denial is not None:
                return denial
    return None


def leader_denial(action: Action, standing: Standing) -> Denial | None:
    """Why `standing`'s person may not lead the team: only a senior auditor or an auditor leads."""
    q = standing.qualification
    if q is None or q in MAY_LEAD:
        return None
    label = standing.label or standing.name
    if q is Qualification.trainee:
        return Denial(
            "trainee_cannot_lead",
            f"{label} is a trainee auditor and may not lead the team: a trainee needs a qualified leader",
            f"{label}是实习审核员，不能担任组长：实习审核员须在有资格的组长带领下评审",
        )
    zh_q, en_q = QUALIFICATION_LABELS[q]
    return Denial(
        "leader_not_qualified",
        f"{label} is a {en_q} and may not lead the team: only a senior auditor or an auditor leads",
        f"{label}是{zh_q}，不能担任组长：组长须为高级审核员或审核员",
    )


def assignee_denial(action: Action, standing: Standing, *, leader: bool = False) -> Denial | None:
    """Why this person may not be put on the case by `action` (as its leader, with `leader`)."""
    rule = POLICY[action]
    denial = person_denial(action, rule.assignee_checks, standing, you=False)
    if denial is None and leader and PersonCheck.competent in rule.assignee_checks:
        denial = leader_denial(action, standing)
    return denial


def assignment_denial(action: Action, leader: Standing, members: Iterable[Standing] = ()) -> Denial | None:
    """Why this team (a leader and members) may not be put on the case by `action`, or None."""
    denial = assignee_denial(action, leader, leader=True)
    if denial is not None:
        return denial
    for member in members:
        denial = assignee_denial(action, member)
        if denial is not None:
            return denial
    return None


def require_assignment(action: Action, leader: Standing, members: Iterable[Standing] = ()) -> None:
    denial = assignment_denial(action, leader, members)
    if denial is not None:
        raise denial.refused()


# -- declared interests: who adds, ends and approves them -----------------------------------------------


def interest_action(actor_name: str, person_name: str) -> Action:
    """The action of adding or ending a declared interest: one's own, or someone else's."""
    return Action.declare_interest if actor_name == person_name else Action.record_interest


def approval_denial(
    roles: Iterable[Role | str],
    actor_name: str,
    *,
    interest_id: int,
    person: str,
    recorded_by: str,
    risk: Risk,
    approved_by: str | None,
) -> Denial | None:
    """Why `actor_name` may not approve the mitigation of this declared interest, or None: the role,
    a medium risk not yet approved, and another person than the one who declared or recorded it."""
    denial = explain(Action.approve_mitigation, roles)
    if denial is not None:
        return denial
    if risk is not Risk.medium:
        zh_risk = {Risk.low: "低", Risk.high: "高"}.get(risk, "")
        return Denial(
            "not_medium_risk",
            f"declared interest {interest_id} is {risk.value} risk: only a medium risk's mitigation is approved",
            f"利益申报 {interest_id} 为{zh_risk}风险：只有中风险的应对措施需要批准",
        )
    if approved_by is not None:
        return Denial(
            "already_approved",
            f"the mitigation of declared interest {interest_id} is already approved (by {approved_by})",
            f"利益申报 {interest_id} 的应对措施已由 {approved_by} 批准",
        )
    if actor_name == person:
        return Denial(
            "own_interest",
            "you may not approve the mitigation of your own interest",
            "不能批准本人利益关系的应对措施",
        )
    if actor_name == recorded_by:
        return Denial(
            "recorded_it",
            "you recorded this declaration: another person approves its mitigation",
            "本申报由您登记，应对措施须由他人批准",
        )
    return None


PERSON_CHECK_TEXT: dict[PersonCheck, str] = {
    PersonCheck.impartial: (
        "no declared interest in the case's organisation (by its credit code) that is high risk, a "
        "consultancy lasting or ended less than `consultancy_cooling_years` (a setting, default 2) before "
        "the day, or medium risk without a mitigation approved by another person; and the annual "
        "impartiality declaration signed for the day's year"
    ),
    PersonCheck.competent: (
        "a qualification on record (senior auditor, auditor, trainee, technical expert) valid on the "
        "day (a registered one — senior, auditor, trainee — needs its expiry date); a senior auditor, "
        "auditor or technical expert holds one of the case's competence areas (its rubric id or "
        "enterprise type), a trainee audits under a leader who does; only a senior auditor or an "
        "auditor leads the team"
    ),
}


RELATION_TEXT = [
    "Relations to the case:",
    "",
    "- `team_member`: on the case's audit team today (leader or member); `team_leader`: its leader today.",
    "- `independent`: took no part in the case's evaluation, ever: never on its audit team (also when",
    "  since taken off it), never recorded its document review, scored it (points, samples, evidence,",
    "  special items), raised or closed one of its nonconformities, or concluded its audit. Read from the",
    "  case's events and records (`services/participation.py`, `took_part`), not from today's team.",
    "- A vote to approve carries the recommended grade: a grade given with it is refused",
    "  (`grade_ignored`); only a vote to lower names a grade, and no vote raises it.",
]


def _checks_text(rule: Rule) -> str:
    parts = []
    if rule.actor_checks:
        parts.append("actor: " + ", ".join(c.value for c in PersonCheck if c in rule.actor_checks))
    if rule.assignee_checks:
        parts.append("assignees: " + ", ".join(c.value for c in PersonCheck if c in rule.assignee_checks))
    return "; ".join(parts) or "—"


def policy_markdown() -> str:
    """The policy table as Markdown (docs/policy.md is generated from this)."""
    lines = [
        "| action | roles | case states | relation to the case | person checks |",
        "|---|---|---|---|---|",
    ]
    for action, rule in POLICY.items():
        states = "any" if rule.states is None else ", ".join(s.value for s in CaseState if s in rule.states)
        relation = rule.relation.value
        if rule.unrelated_roles:
            relation += f" ({', '.join(sorted(r.value for r in rule.unrelated_roles))}: any)"
        lines.append(
            f"| `{action.value}` | {', '.join(sorted(r.value for r in rule.roles))} | {states} "
            f"| {relation} | {_checks_text(rule)} |"
        )
    lines += [
        "",
        "Person checks (`core/policy.py`, facts from `core/people.py`), applied to the acting person",
        "(`actor`) or to every person the action puts on the case (`assignees`), on the day of the action:",
        "",
    ]
    lines += [f"- `{check.value}`: {text}." for check, text in PERSON_CHECK_TEXT.items()]
    lines += ["", *RELATION_TEXT]
    lines += [
        "",
        "People and their declarations:",
        "",
        "- `declare_interest` is for one's own declared interests; `record_interest` for someone else's.",
        "  Ending one is the same action as adding it.",
        "- `approve_mitigation`: never by the person who declared the interest, nor by whoever recorded it.",
        "- `sign_declaration`: one's own annual declaration, for this year or the next.",
        "- `view_people`: other people's records and declared interests; everyone sees their own.",
        "- Reading needs a login too: every command-line command that reads the body's records logs in",
        "  and needs `view_records` (any role); `user list` needs `view_users`, `setting list`",
        "  `view_settings`. Only `init`, `demo`, `restore` into a new file, `rubric list|show|check`,",
        "  `keys export-public`, `certificate verify`, `policy`, `gui` (the window logs in itself) and",
        "  a laptop's first `package import` run without a user.",
        "- Identity numbers are shown masked everywhere; `disclose_identity` reads them whole, for the",
        "  regulator's report only, and every such read is a recorded event.",
        "",
        "Complaints and appeals (`core/complaints.py`; who took part in a case: everyone who ever took",
        'part in its evaluation, as in "Relations to the case" above, and its committee voters):',
        "",
        "- `investigate_complaint`: only the complaint's assigned investigator resolves it; the",
        "  investigator of a complaint about a case took no part in that case.",
        "- `decide_appeal`: only a member of the appeal's panel decides it; `handle_appeal` appoints a panel",
        "  of people who took no part in the case's evaluation or decision, each also `impartial` toward",
        "  the organisation; an appeal is accepted only within `appeal_window_days` working days",
        "  (a setting, default 30) of the decision appealed against.",
    ]
    from .grants import GRANT_RULES_TEXT

    lines += ["", *GRANT_RULES_TEXT]
    return "\n".join(lines) + "\n"
