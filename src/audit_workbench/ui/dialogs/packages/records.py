"""How a package record reads in the window: labels, field texts, old → new, conflicts.

Pure functions of the service's plain values and the window's context (no widget): tests call
them directly, and every dialog of the package entries writes records the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
)

from ...case.common import (
    decision_label,
    fmt_points,
    material_status_label,
    nc_status_label,
    outcome_label,
    special_kind_label,
)

if TYPE_CHECKING:
    # The package service (pydantic wire models, the whole store) is imported when a package is
    # written or read, not when the window starts.
    from ....services.packages import (
        PackageChange,
        PackageConflict,
    )
    from ...context import UiContext


EXPORT_STATES = ("document_review", "onsite_audit")  # what the office may take out
RESULT_STATES = ("committee_review",)  # concluded on the laptop: only its results go back
EMPTY = "—"
LONG = 80  # characters of a value shown in a table cell (the tooltip has all of it)


# == how package records read =========================================================================
_FIELD_NAMES: dict[str, Any] = {  # values: QT_TRANSLATE_NOOP marks
    "status": QT_TRANSLATE_NOOP("PackageValues", "状态"),
    "conclusion_summary": QT_TRANSLATE_NOOP("PackageValues", "评审结论"),
    "recommended_total": QT_TRANSLATE_NOOP("PackageValues", "建议总分"),
    "recommended_grade": QT_TRANSLATE_NOOP("PackageValues", "建议等级"),
    "rubric_id": QT_TRANSLATE_NOOP("PackageValues", "评价规则"),
    "item_no": QT_TRANSLATE_NOOP("PackageValues", "材料序号"),
    "files": QT_TRANSLATE_NOOP("PackageValues", "文件"),
    "user": QT_TRANSLATE_NOOP("PackageValues", "人员"),
    "leader": QT_TRANSLATE_NOOP("PackageValues", "组长"),
    "reviewer": QT_TRANSLATE_NOOP("PackageValues", "审查人"),
    "outcome": QT_TRANSLATE_NOOP("PackageValues", "审查结论"),
    "findings": QT_TRANSLATE_NOOP("PackageValues", "审查发现"),
    "code": QT_TRANSLATE_NOOP("PackageValues", "指标"),
    "points": QT_TRANSLATE_NOOP("PackageValues", "得分"),
    "not_applicable": QT_TRANSLATE_NOOP("PackageValues", "不适用"),
    "reason": QT_TRANSLATE_NOOP("PackageValues", "理由"),
    "note": QT_TRANSLATE_NOOP("PackageValues", "说明"),
    "sampled": QT_TRANSLATE_NOOP("PackageValues", "抽样数"),
    "nonconforming": QT_TRANSLATE_NOOP("PackageValues", "不合格数"),
    "sha256": QT_TRANSLATE_NOOP("PackageValues", "文件摘要"),
    "filename": QT_TRANSLATE_NOOP("PackageValues", "文件"),
    "text": QT_TRANSLATE_NOOP("PackageValues", "内容"),
    "deadline": QT_TRANSLATE_NOOP("PackageValues", "整改期限"),
    "corrective_action": QT_TRANSLATE_NOOP("PackageValues", "整改措施"),
    "kind": QT_TRANSLATE_NOOP("PackageValues", "类型"),
    "nonconformity": QT_TRANSLATE_NOOP("PackageValues", "关联不符合项"),
    "round": QT_TRANSLATE_NOOP("PackageValues", "轮次"),
    "decision": QT_TRANSLATE_NOOP("PackageValues", "表决"),
    "grade": QT_TRANSLATE_NOOP("PackageValues", "等级"),
    "comment": QT_TRANSLATE_NOOP("PackageValues", "意见"),
    "display_name": QT_TRANSLATE_NOOP("PackageValues", "姓名"),
    "roles": QT_TRANSLATE_NOOP("PackageValues", "角色"),
    "active": QT_TRANSLATE_NOOP("PackageValues", "启用"),
}


@cache
def _shown() -> dict[str, tuple[str, ...]]:
    """The fields shown for each kind of record, in order (the rest is who and when, shown apart)."""
    from ....services.packages import COMPARE

    return {
        **{type_: tuple(f for f in fields if f != "sha256") for type_, fields in COMPARE.items()},
        "account": ("display_name", "roles", "active"),
        "score": ("points", "sampled", "nonconforming", "not_applicable", "reason", "note", "code"),
    }


_CHECKOUT_CASE_FIELDS = ("status", "rubric_id")  # a whole case taken out: what tells it apart
_IN_LABEL = {
    ("score", "code"),
    ("evidence", "code"),
    ("evidence", "filename"),
    ("special", "kind"),
    ("team", "user"),
    ("material", "item_no"),
}
_WHO = ("updated_by", "closed_by", "added_by", "created_by", "raised_by", "reviewer")
_WHEN = ("updated_at", "closed_at", "added_at", "created_at", "raised_at")


def _tr(text: str) -> str:
    return QCoreApplication.translate("PackageValues", text)


def field_name(name: str) -> str:
    return _tr(str(_FIELD_NAMES[name])) if name in _FIELD_NAMES else name


def shown_fields(type_: str, *values: Any) -> tuple[str, ...]:
    """The fields to show for records of `type_` (a case taken out carries its whole row)."""
    fields = _shown().get(type_, ())
    if type_ == "case" and any(isinstance(v, dict) and "case_no" in v for v in values):
        return _CHECKOUT_CASE_FIELDS
    if not fields:
        keys: list[str] = []
        for value in values:
            if isinstance(value, dict):
                keys += [k for k in value if k not in keys and k not in _WHO + _WHEN]
        return tuple(keys)
    return fields


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _yes_no(value: bool) -> str:
    return (
        QCoreApplication.translate("PackageValues", "是")
        if value
        else QCoreApplication.translate("PackageValues", "否")
    )


def field_text(context: UiContext, type_: str, name: str, value: Any) -> str:
    """One field of a package record as the window writes it ("" when empty)."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if name == "status":
        if type_ == "nonconformity":
            return nc_status_label(str(value))
        if type_ == "material":
            return material_status_label(str(value))
        return context.state_label(str(value))
    if name in ("points", "recommended_total"):
        try:
            return fmt_points(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if name in ("recommended_grade", "grade"):
        return context.grade_label(str(value))
    if name == "outcome":
        return outcome_label(str(value))
    if name == "decision":
        return decision_label(str(value))
    if name == "kind" and type_ == "special":
        return special_kind_label(str(value))
    if name == "rubric_id":
        return context.rubric_short(str(value))
    if name == "nonconformity":
        return QCoreApplication.translate("PackageValues", "已关联")
    if name == "roles":
        parts = value if isinstance(value, list | tuple) else str(value).split(",")
        return _listed(context, (context.role_label(str(r)) for r in parts if r))
    if name == "files" and isinstance(value, list | tuple):
        names = [str(f.get("filename", "")) if isinstance(f, dict) else str(f) for f in value]
        return _listed(context, (n for n in names if n))
    if name == "findings" and isinstance(value, list | tuple):
        texts = [str(f.get("text", "")) if isinstance(f, dict) else str(f) for f in value]
        return _one_line(_fields(context, (t for t in texts if t)))
    if name.endswith("_at"):
        return _when(context, value)
    return _one_line(str(value))


def _listed(context: UiContext, items: Iterable[str]) -> str:
    """Names in a row: 甲、乙 / A, B."""
    return (", " if context.lang == "en" else "、").join(items)


def _fields(context: UiContext, items: Iterable[str]) -> str:
    """Parts of a record on one line: 得分 2；说明 … / Points: 2; Note: …."""
    return ("; " if context.lang == "en" else "；").join(items)


def _when(context: UiContext, value: Any) -> str:
    try:
        return context.fmt_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def who_and_when(context: UiContext, value: Any) -> str:
    """Who last touched a record, and when ("leader · 2026-03-02 17:00"); "" when unknown."""
    if not isinstance(value, dict):
        return ""
    who = next((str(value[k]) for k in _WHO if value.get(k)), "")
    when = next((_when(context, value[k]) for k in _WHEN if value.get(k)), "")
    return " · ".join(p for p in (who, when) if p)


def value_summary(context: UiContext, type_: str, value: Any, only: Iterable[str] | None = None) -> str:
    """A record's content on one line: "得分 2.5；说明 现场核实" (fields `only`, else all shown)."""
    if value is None:
        return ""
    if not isinstance(value, dict):
        return _one_line(str(value))
    if only is not None:
        names = tuple(only)
    else:  # the whole record: what its label says already, and "no" answers, go without saying
        names = tuple(f for f in shown_fields(type_, value) if (type_, f) not in _IN_LABEL)
        names = tuple(f for f in names if value.get(f) is not False)
    parts = []
    for name in names:
        text = field_text(context, type_, name, value.get(name))
        if text:
            parts.append(
                f"{field_name(name)}: {text}" if context.lang == "en" else f"{field_name(name)} {text}"
            )
    return _fields(context, parts)


def differing(type_: str, before: Any, after: Any) -> tuple[str, ...]:
    """The shown fields whose values differ between two versions of a record."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return shown_fields(type_, before, after)
    return tuple(f for f in shown_fields(type_, before, after) if before.get(f) != after.get(f))


def change_texts(context: UiContext, change: PackageChange) -> tuple[str, str]:
    """The old and the new value of a change, showing only what differs for an update."""
    if change.action == "create":
        return EMPTY, value_summary(context, change.type, change.after) or EMPTY
    if change.action == "delete":
        return value_summary(context, change.type, change.before) or EMPTY, QCoreApplication.translate(
            "PackageValues", "（删除）"
        )
    fields = differing(change.type, change.before, change.after)
    if not fields:  # only who and when differ
        fields = shown_fields(change.type, change.before, change.after)
    old = value_summary(context, change.type, change.before, fields)
    new = value_summary(context, change.type, change.after, fields)
    return old or EMPTY, new or EMPTY


def action_label(action: str) -> str:
    labels = {
        "create": QCoreApplication.translate("PackageValues", "新增"),
        "update": QCoreApplication.translate("PackageValues", "修改"),
        "delete": QCoreApplication.translate("PackageValues", "删除"),
    }
    return labels.get(action, action)


def _clip(text: str, limit: int = 40) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_label(context: UiContext, type_: str, key: str, *values: Any) -> str:
    """What a record is, in the window's language: "评分 1.1", "不符合项“服务承诺未公示”"."""
    value = next((v for v in values if isinstance(v, dict)), {})
    if type_ == "score":
        return QCoreApplication.translate("PackageValues", "评分 {code}").format(
            code=value.get("code") or key
        )
    if type_ == "nonconformity":
        return QCoreApplication.translate("PackageValues", "不符合项“{text}”").format(
            text=_clip(str(value.get("text", "")), 30)
        )
    if type_ == "evidence":
        what = value.get("filename") or _clip(str(value.get("note", "")), 20)
        return (
            QCoreApplication.translate("PackageValues", "证据 {code} {what}")
            .format(code=value.get("code", ""), what=what)
            .strip()
        )
    if type_ == "special":
        kind = special_kind_label(str(value.get("kind", "")))
        return QCoreApplication.translate("PackageValues", "{kind}“{reason}”").format(
            kind=kind, reason=_clip(str(value.get("reason", "")), 30)
        )
    if type_ == "review":
        return QCoreApplication.translate("PackageValues", "文件审查（{reviewer}）").format(
            reviewer=value.get("reviewer", "")
        )
    if type_ == "material":
        return QCoreApplication.translate("PackageValues", "申请材料第 {n} 项").format(
            n=value.get("item_no", key)
        )
    if type_ == "team":
        return QCoreApplication.translate("PackageValues", "评审组成员 {user}").format(
            user=value.get("user", key)
        )
    if type_ == "vote":
        return QCoreApplication.translate("PackageValues", "{user} 的表决（第 {round} 轮）").format(
            user=value.get("user", ""), round=value.get("round", "")
        )
    if type_ == "account":
        return QCoreApplication.translate("PackageValues", "账户 {name}").format(name=key)
    if type_ == "case":
        if "case_no" in value:
            return QCoreApplication.translate("PackageValues", "案件 {case_no}").format(case_no=key)
        if set(value) == {"status"}:
            return QCoreApplication.translate("PackageValues", "案件状态")
        return QCoreApplication.translate("PackageValues", "评审结论")
    return f"{type_} {key}"


def conflict_reason(context: UiContext, conflict: PackageConflict) -> str:
    """Why a conflict cannot be settled one by one (shown instead of the choice)."""
    if conflict.type == "case" and conflict.id.endswith("/state"):
        office = conflict.office.get("status") if isinstance(conflict.office, dict) else None
        base = conflict.base.get("status") if isinstance(conflict.base, dict) else None
        return QCoreApplication.translate(
            "PackageValues",
            "导出后本库已将案件状态由“{base}”改为“{office}”，现场的评审结果不能再导入。"
            "请先核实案件状态，必要时退回后从现场笔记本重新导出。",
        ).format(base=context.state_label(base), office=context.state_label(office))
    return QCoreApplication.translate("PackageValues", "此冲突不能逐条选择，无法导入。")
