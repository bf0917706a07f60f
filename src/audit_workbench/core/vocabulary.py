"""One vocabulary: the words for every id the window, the command line and the documents print.

Case states, certificate statuses, grades, roles, policy actions, committee decisions, review
outcomes, nonconformity and material statuses, enterprise types and case kinds each have ONE pair of
labels here, (Simplified Chinese, English), and one colour per grade. Before this module the same
ids had four homes that drifted apart (superseded read 已替代 in the window and 已换证 in the
reports; a 注销 status existed only in the documents; one grade had two colours).

Adding an id means adding its label here, once: `workflow.STATE_LABELS`, `policy.ROLE_LABELS`,
`policy.ACTION_LABELS` and `workflow.CERTIFICATE_STATE_LABELS` are built from these tables keyed by
their enums, and building them fails at import when a member has no label, so a new state or action
cannot ship without its words. The tables are keyed by the ids' string values so that this module
imports nothing (it sits under `workflow` and `policy`, and the batch printers load it too).

The certificate statuses follow the regulator's words (CNCA: 有效, 暂停, 撤销, 过期失效, 换证;
reference/regulator-report.md).
"""

from __future__ import annotations

from collections.abc import Mapping

Label = tuple[str, str]  # (zh, en)
LANGS = ("zh", "en")

CASE_STATES: dict[str, Label] = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
    "accepted": ("已受理", "Accepted"),
    "rejected": ("不予受理", "Rejected"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "document_review": ("文件审查", "Document review"),
    "onsite_audit": ("现场评审", "On-site audit"),
    "committee_review": ("评审委员会审查", "Committee review"),
    "approved": ("已批准", "Approved"),
    "certified": ("已发证", "Certified"),
    "not_certified": ("不予认证", "Not certified"),
}

CERTIFICATE_STATES: dict[str, Label] = {
    "valid": ("有效", "Valid"),
    "suspended": ("暂停", "Suspended"),
    "withdrawn": ("撤销", "Withdrawn"),
    "expired": ("过期失效", "Expired"),
    "superseded": ("已换证", "Superseded"),
}

GRADES: dict[str, Label] = {
    "five_star": ("五星级", "Five-star"),
    "four_star": ("四星级", "Four-star"),
    "three_star": ("三星级", "Three-star"),
    "qualified": ("达标级", "Qualified"),
}
NO_GRADE: Label = ("未达标", "Not passed")

# One colour per grade, wherever a grade is drawn (window badges, tables, charts).
GRADE_COLOURS: dict[str, str] = {
    "five_star": "#c8941e",
    "four_star": "#2e7d32",
    "three_star": "#1f5fbf",
    "qualified": "#7b8fd6",
}
NO_GRADE_COLOUR = "#c62828"

ROLES: dict[str, Label] = {
    "admin": ("系统管理员", "Administrator"),
    "clerk": ("受理人员", "Clerk"),
    "auditor": ("评审员", "Auditor"),
    "committee": ("评审委员会委员", "Committee member"),
}

# Actions as the policy names them, lower-case English so they read inside a sentence
# ("only an auditor may score"); `label(..., capital=True)` makes a heading of one.
ACTIONS: dict[str, Label] = {
    "create_case": ("新建申请", "create an application"),
    "edit_application": ("编辑申请资料", "edit the application"),
    "submit": ("提交申请", "submit the application"),
    "accept": ("受理", "accept"),
    "reject": ("不予受理", "reject"),
    "withdraw": ("撤回", "withdraw"),
    "assign_team": ("指派评审组", "assign the audit team"),
    "record_review": ("记录文件审查", "record the document review"),
    "score": ("评分", "score"),
    "manage_nonconformity": ("管理不符合项", "manage nonconformities"),
    "conclude": ("形成评审结论", "conclude the audit"),
    "vote": ("评审委员会表决", "vote"),
    "issue_certificate": ("颁发证书", "issue the certificate"),
    "manage_certificate": ("证书管理", "manage the certificate"),
    "change_organization": ("组织信息变更", "change an organisation's particulars"),
    "manage_users": ("用户管理", "manage users"),
    "manage_settings": ("系统设置", "manage settings"),
    "manage_keys": ("管理签名密钥", "manage the signing key"),
    "sign_log": ("签署日志检查点", "sign a checkpoint of the log"),
    "restore_database": ("恢复数据库", "restore the database"),
    "view_records": ("查看案件与证书记录", "view cases, certificates and the log"),
    "view_users": ("查看用户列表", "view the users"),
    "view_settings": ("查看系统设置", "view the settings"),
    "manage_people": ("人员资格管理", "manage people's qualifications"),
    "view_people": ("查看人员资格与利益申报", "view people's records and declared interests"),
    "declare_interest": ("申报利益关系", "declare an interest"),
    "record_interest": ("代为登记利益关系", "record someone else's declared interest"),
    "approve_mitigation": ("批准风险应对措施", "approve a mitigation"),
    "sign_declaration": ("签署公正性声明", "sign the impartiality declaration"),
    "disclose_identity": ("报送人员证件号码", "disclose identity numbers to the regulator"),
    "handle_complaint": ("受理投诉", "handle complaints"),
    "investigate_complaint": ("调查处理投诉", "investigate a complaint"),
    "view_complaints": ("查看投诉登记", "view the complaints register"),
    "handle_appeal": ("受理申诉", "handle appeals"),
    "decide_appeal": ("作出申诉决定", "decide an appeal"),
    "export_checkout": ("将案件带到现场笔记本", "take cases to a laptop"),
    "import_checkout": ("导入带出的案件", "import cases taken out"),
    "export_return": ("导出现场评审结果", "export the on-site results"),
    "import_return": ("导入现场评审结果", "bring the on-site results back"),
}

DECISIONS: dict[str, Label] = {
    "approve": ("批准", "Approve"),
    "lower": ("降级批准", "Approve a lower grade"),
    "return": ("退回评审组", "Return to the audit team"),
    "reject": ("不予认证", "Refuse certification"),
}

REVIEW_OUTCOMES: dict[str, Label] = {
    "pass": ("通过", "Passed"),
    "revise": ("需修改", "To revise"),
}

# The services keep open and closed; a report model may also say rectified (awaiting verification)
# and verified.
NONCONFORMITY_STATUSES: dict[str, Label] = {
    "open": ("待整改", "Open"),
    "rectified": ("已整改待验证", "Rectified, to verify"),
    "verified": ("已验证", "Verified"),
    "closed": ("已关闭", "Closed"),
}

MATERIAL_STATUSES: dict[str, Label] = {
    "missing": ("未提供", "Missing"),
    "provided": ("已提供", "Provided"),
    "not_applicable": ("不适用", "Not applicable"),
}

ENTERPRISE_TYPES: dict[str, Label] = {
    "production": ("生产型", "Production"),
    "sales": ("销售服务型", "Sales and service"),
}

CASE_KINDS: dict[str, Label] = {
    "initial": ("初次认证", "Initial"),
    "surveillance": ("监督审核", "Surveillance"),
    "renewal": ("再认证", "Renewal"),
}

SPECIAL_KINDS: dict[str, Label] = {
    "deduction": ("特别扣分项", "Special deduction"),
    "bonus": ("特别加分项", "Special bonus"),
}

# What a due certificate is due for (the dashboard's list).
DUE_REASONS: dict[str, Label] = {
    "expiry": ("证书到期", "Expiry"),
    "surveillance": ("年度监督审核", "Annual surveillance"),
}

VOCABULARY: dict[str, Mapping[str, Label]] = {
    "case_state": CASE_STATES,
    "certificate_state": CERTIFICATE_STATES,
    "grade": GRADES,
    "role": ROLES,
    "action": ACTIONS,
    "decision": DECISIONS,
    "review_outcome": REVIEW_OUTCOMES,
    "nonconformity_status": NONCONFORMITY_STATUSES,
    "material_status": MATERIAL_STATUSES,
    "enterprise_type": ENTERPRISE_TYPES,
    "case_kind": CASE_KINDS,
    "special_kind": SPECIAL_KINDS,
    "due_reason": DUE_REASONS,
}


def pair(kind: str, value: object) -> Label | None:
    """The (zh, en) labels of an id, or None for an id this vocabulary does not know."""
    key = getattr(value, "value", value)
    return VOCABULARY[kind].get(str(key)) if key is not None else None


def label(kind: str, value: object, lang: str = "zh", *, capital: bool = False) -> str:
    """The label of an id in `lang` ("zh" or "en"); an unknown id is shown as given, None as ""."""
    if value is None or value == "":
        return ""
    found = pair(kind, value)
    if found is None:
        return str(getattr(value, "value", value))
    text = found[1] if lang == "en" else found[0]
    return text[:1].upper() + text[1:] if capital else text


def grade_label(grade: object, lang: str = "zh") -> str:
    """A grade's label; None (no grade: not passed) reads 未达标 / Not passed."""
    if grade is None or grade == "":
        return NO_GRADE[1] if lang == "en" else NO_GRADE[0]
    return label("grade", grade, lang)


def grade_colour(grade: object) -> str:
    key = getattr(grade, "value", grade)
    return GRADE_COLOURS.get(str(key), NO_GRADE_COLOUR) if key else NO_GRADE_COLOUR


def by_enum(kind: str, enum: type) -> dict:  # type: ignore[type-arg]
    """`{member: (zh, en)}` for every member of a StrEnum; KeyError names a member without a label."""
    table = VOCABULARY[kind]
    missing = [m.value for m in enum if m.value not in table]  # type: ignore[attr-defined]
    if missing:
        raise KeyError(f"no {kind} label in core/vocabulary.py for: {', '.join(missing)}")
    return {m: table[m.value] for m in enum}  # type: ignore[attr-defined]


def with_article(noun: str) -> str:
    """ "an auditor", "a clerk", "an administrator" (English only)."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
