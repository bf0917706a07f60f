"""Who may do what, when: the role × action × state table and the separation-of-duties rules.

This table is the single source of truth: every service call consults it before it touches the
database, the GUI asks it to explain a disabled action, and `docs/policy.md` is generated from it.
There is no bypass: an administrator manages users and settings but takes no part in a case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .errors import Refused
from .workflow import STATE_LABELS, CaseState


class Role(StrEnum):
    admin = "admin"  # 系统管理员
    clerk = "clerk"  # 受理/市场信息人员
    auditor = "auditor"  # 评审员
    committee = "committee"  # 评审委员会委员


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.admin: ("系统管理员", "Administrator"),
    Role.clerk: ("受理人员", "Clerk"),
    Role.auditor: ("评审员", "Auditor"),
    Role.committee: ("评审委员会委员", "Committee member"),
}


class Relation(StrEnum):
    """What the actor must be to the case, beyond holding the role."""

    any = "any"
    team_member = "team_member"  # on the case's audit team (leader or member)
    team_leader = "team_leader"  # the case's audit team leader (组长)
    independent = "independent"  # took no part in the evaluation: not on the team, not the document reviewer


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
    manage_users = "manage_users"
    manage_settings = "manage_settings"
    manage_keys = "manage_keys"  # back up, restore and rotate the body's signing key
    sign_log = "sign_log"  # append a signed checkpoint of the event log
    restore_database = "restore_database"  # replace the database with a backup


ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.create_case: ("新建申请", "create an application"),
    Action.edit_application: ("编辑申请资料", "edit the application"),
    Action.submit: ("提交申请", "submit the application"),
    Action.accept: ("受理", "accept"),
    Action.reject: ("不予受理", "reject"),
    Action.withdraw: ("撤回", "withdraw"),
    Action.assign_team: ("指派评审组", "assign the audit team"),
    Action.record_review: ("记录文件审查", "record the document review"),
    Action.score: ("评分", "score"),
    Action.manage_nonconformity: ("管理不符合项", "manage nonconformities"),
    Action.conclude: ("形成评审结论", "conclude the audit"),
    Action.vote: ("评审委员会表决", "vote"),
    Action.issue_certificate: ("颁发证书", "issue the certificate"),
    Action.manage_certificate: ("证书管理", "manage the certificate"),
    Action.manage_users: ("用户管理", "manage users"),
    Action.manage_settings: ("系统设置", "manage settings"),
    Action.manage_keys: ("管理签名密钥", "manage the signing key"),
    Action.sign_log: ("签署日志检查点", "sign a checkpoint of the log"),
    Action.restore_database: ("恢复数据库", "restore the database"),
}


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    states: frozenset[CaseState] | None  # None: not tied to a case state
    relation: Relation = Relation.any


def _r(roles: Iterable[Role], states: Iterable[CaseState] | None, relation: Relation = Relation.any) -> Rule:
    return Rule(frozenset(roles), None if states is None else frozenset(states), relation)


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
    Action.assign_team: _r([Role.clerk], [S.accepted, S.document_review, S.onsite_audit]),
    Action.record_review: _r([Role.auditor], [S.document_review], Relation.team_member),
    Action.score: _r([Role.auditor], [S.onsite_audit], Relation.team_member),
    Action.manage_nonconformity: _r([Role.auditor], [S.onsite_audit], Relation.team_member),
    Action.conclude: _r([Role.auditor], [S.onsite_audit], Relation.team_leader),
    Action.vote: _r([Role.committee], [S.committee_review], Relation.independent),
    Action.issue_certificate: _r([Role.clerk], [S.approved]),
    Action.manage_certificate: _r([Role.clerk], None),
    Action.manage_users: _r([Role.admin], None),
    Action.manage_settings: _r([Role.admin], None),
    Action.manage_keys: _r([Role.admin], None),
    Action.sign_log: _r([Role.admin, Role.clerk], None),
    Action.restore_database: _r([Role.admin], None),
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


@dataclass(frozen=True)
class CaseRelation:
    """The facts about an actor and a case that the relation rules need."""

    team_member: bool = False
    team_leader: bool = False
    document_reviewer: bool = False

    @property
    def took_part(self) -> bool:
        return self.team_member or self.team_leader or self.document_reviewer


@dataclass(frozen=True)
class Denial:
    code: str
    en: str
    zh: str

    def refused(self) -> Refused:
        return Refused(self.code, self.en, self.zh)


def _roles_text(roles: frozenset[Role], lang: int) -> str:
    names = [ROLE_LABELS[r][lang] for r in sorted(roles)]
    return " / ".join(n.lower() if lang else n for n in names)


def explain(
    action: Action,
    roles: Iterable[Role | str],
    state: CaseState | None = None,
    relation: CaseRelation | None = None,
) -> Denial | None:
    """Why `action` is not allowed, or None when it is."""
    rule = POLICY[action]
    held = {Role(r) for r in roles}
    zh_action, en_action = ACTION_LABELS[action]
    if not held & rule.roles:
        return Denial(
            "wrong_role",
            f"only a {_roles_text(rule.roles, 1)} may {en_action}",
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
        part = "audited" if (rel.team_member or rel.team_leader) else "reviewed the documents of"
        zh_part = "参与了本案评审" if (rel.team_member or rel.team_leader) else "审查了本案文件"
        return Denial(
            "conflict_of_interest",
            f"you {part} this case, so you may not {en_action} on it",
            f"您{zh_part}，不能参与表决",
        )
    return None


def require(
    action: Action,
    roles: Iterable[Role | str],
    state: CaseState | None = None,
    relation: CaseRelation | None = None,
) -> None:
    denial = explain(action, roles, state, relation)
    if denial is not None:
        raise denial.refused()


def policy_markdown() -> str:
    """The policy table as Markdown (docs/policy.md is generated from this)."""
    lines = [
        "| action | roles | case states | relation to the case |",
        "|---|---|---|---|",
    ]
    for action, rule in POLICY.items():
        states = "any" if rule.states is None else ", ".join(s.value for s in CaseState if s in rule.states)
        lines.append(
            f"| `{action.value}` | {', '.join(sorted(r.value for r in rule.roles))} | {states} | {rule.relation.value} |"
        )
    return "\n".join(lines) + "\n"
