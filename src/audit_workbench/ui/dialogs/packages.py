"""Offline audit packages in the window: 文件 › 带到现场笔记本… and 文件 › 带回评审结果….

Take cases to a laptop: `ExportCasesDialog` lists the cases this user may take out (document review
or on-site audit: a clerk any, an auditor those of his audit team; on the laptop an auditor may also
tick the cases concluded there, whose results then go back), `PackageFile.ask_save` names the .awp,
and `services.packages.export_package` writes it in the background with a cancellable progress
dialog. The same entry on the laptop writes the *return* package of the results.

Bring results back: `PackageFile.ask_open` picks an .awp; `inspect_package` validates it against this
database in the background; `PackagePreviewDialog` shows the cases, every change (record, old → new)
and every conflict with this database's value and the package's side by side and a choice for each
(a conflict that cannot be settled one by one is shown with its reason, and blocks the import).
导入 runs `import_package` with those choices in the background, then every page of the window
reloads. A refused package (damaged, hostile, already imported) shows the service's message; the
service guarantees that nothing changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...core.policy import Role
from .. import workers
from ..case.common import (
    decision_label,
    fmt_points,
    material_status_label,
    nc_status_label,
    outcome_label,
    special_kind_label,
)
from ..context import Messages, UiContext
from ..models.rows import Column, RowTableModel
from ..theme import BAD, BORDER, TEXT_MUTED, WARN
from ..widgets.common import SP, fit_columns, section_title, set_up_table, std_icon

if TYPE_CHECKING:
    # The package service (pydantic wire models, the whole store) is imported when a package is
    # written or read, not when the window starts.
    from ...services.packages import (
        ImportResult,
        PackageCase,
        PackageChange,
        PackageConflict,
        PackagePreview,
        PackageSummary,
        ProgressFn,
    )
    from ...services.views import CaseSummary

EXPORT_STATES = ("document_review", "onsite_audit")  # what the office may take out
RESULT_STATES = ("committee_review",)  # concluded on the laptop: only its results go back
EMPTY = "—"
LONG = 80  # characters of a value shown in a table cell (the tooltip has all of it)


# == the files ========================================================================================
class PackageFile:
    """Where to save a package, which package to open. Tests replace these classmethods."""

    @classmethod
    def ask_save(cls, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        filters = QCoreApplication.translate("PackageFile", "审核包 (*.awp)")
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(name) if name else None

    @classmethod
    def ask_open(cls, parent: QWidget | None, title: str) -> Path | None:
        filters = QCoreApplication.translate("PackageFile", "审核包 (*.awp);;所有文件 (*)")
        name, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return Path(name) if name else None


def with_awp_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".awp" else path.with_name(path.name + ".awp")


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
    from ...services.packages import COMPARE

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


# == choosing the cases to take out ===================================================================
def exportable_cases(context: UiContext, include_concluded: bool = False) -> list[CaseSummary]:
    """The cases this user may put into a package, by case number.

    A clerk may take out any case in document review or on-site audit; an auditor those of his own
    audit team. `include_concluded` adds an auditor's cases awaiting the committee (on a laptop: the
    results concluded there, to bring back).
    """
    cases = context.services.cases
    found: dict[str, CaseSummary] = {}
    clerk, auditor = context.has_role(Role.clerk), context.has_role(Role.auditor)
    for status in EXPORT_STATES:
        if clerk:
            found.update((c.case_no, c) for c in cases.list(status=status))
        elif auditor:
            found.update((c.case_no, c) for c in cases.list(status=status, team_member=context.actor.name))
    if include_concluded and auditor:
        for status in RESULT_STATES:
            found.update((c.case_no, c) for c in cases.list(status=status, team_member=context.actor.name))
    return [found[k] for k in sorted(found)]


Index = QModelIndex | QPersistentModelIndex


class CaseChoiceModel(QAbstractTableModel):
    """Cases with a check box each (in the first column)."""

    def __init__(self, context: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._rows: list[CaseSummary] = []
        self._checked: set[str] = set()
        self._headers = (self.tr("案件编号"), self.tr("申请组织"), self.tr("状态"), self.tr("评价规则"))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def _text(self, case: CaseSummary, column: int) -> str:
        if column == 0:
            return case.case_no
        if column == 1:
            return case.organization.name
        if column == 2:
            return self.context.state_label(case.status)
        return self.context.rubric_short(case.rubric_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        case = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(case, index.column())
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return Qt.CheckState.Checked if case.case_no in self._checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value.value if hasattr(value, "value") else int(value)
        case_no = self._rows[index.row()].case_no
        if state == Qt.CheckState.Checked.value:
            self._checked.add(case_no)
        else:
            self._checked.discard(case_no)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    # -- the rows and the ticks ---------------------------------------------------------------------
    def set_rows(self, rows: Sequence[CaseSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._checked &= {c.case_no for c in self._rows}
        self.endResetModel()

    def rows(self) -> tuple[CaseSummary, ...]:
        return tuple(self._rows)

    def checked(self) -> list[str]:
        return [c.case_no for c in self._rows if c.case_no in self._checked]

    def set_checked(self, case_nos: Iterable[str], checked: bool = True) -> None:
        for n, case in enumerate(self._rows):
            if case.case_no in set(case_nos):
                self.setData(
                    self.index(n, 0),
                    Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
                    Qt.ItemDataRole.CheckStateRole,
                )


class ExportCasesDialog(QDialog):
    """带到现场笔记本: tick the cases to put into a package."""

    def __init__(
        self, context: UiContext, preselect: Iterable[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("带到现场笔记本"))
        self.setMinimumSize(720, 460)
        intro = QLabel(
            self.tr(
                "勾选要带到现场笔记本的案件。审核包包含案件资料、评价规则、附件，以及评审组成员的账户"
                "（供离线登录）。在现场笔记本上勾选已评审的案件，即导出评审结果带回办公室。"
            )
        )
        intro.setObjectName("pageSubtitle")
        intro.setWordWrap(True)
        self.model = CaseChoiceModel(context, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        set_up_table(self.view, stretch_column=1, sortable=False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.clicked.connect(self._on_view_clicked)
        self.empty_label = QLabel(
            self.tr(
                "没有可带出的案件：只有处于文件审查或现场评审阶段、且您可以处理的案件才能带到现场笔记本。"
            )
        )
        self.empty_label.setObjectName("pageSubtitle")
        self.empty_label.setWordWrap(True)
        self.concluded_check = QCheckBox(
            self.tr("也显示待评审委员会评审的案件（在现场笔记本上带回评审结果时勾选）")
        )
        self.concluded_check.setVisible(context.has_role(Role.auditor))
        self.concluded_check.toggled.connect(self._load)
        self.all_button = QPushButton(self.tr("全选"))
        self.none_button = QPushButton(self.tr("全不选"))
        # Bound methods, never lambdas holding `self`: PySide would keep the dialog alive for ever.
        self.all_button.clicked.connect(self._on_all_button_clicked)
        self.none_button.clicked.connect(self._on_none_button_clicked)
        self.count_label = QLabel()
        self.count_label.setObjectName("pageSubtitle")
        tools = QHBoxLayout()
        tools.addWidget(self.all_button)
        tools.addWidget(self.none_button)
        tools.addSpacing(8)
        tools.addWidget(self.count_label)
        tools.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("导出…"))
        self.ok_button.setObjectName("primary")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.concluded_check)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.buttons)
        self.model.dataChanged.connect(self._update)
        self.model.modelReset.connect(self._update)
        self._load()
        self.model.set_checked(preselect)
        fit_columns(
            self.view,
            {
                0: self.context.longest(c.case_no for c in self.model.rows()) + "☐☐",
                2: self.context.longest(self.context.state_label(s) for s in EXPORT_STATES + RESULT_STATES),
                3: self.context.longest(self.context.rubric_short(c.rubric_id) for c in self.model.rows()),
            },
        )

    def _load(self) -> None:
        self.model.set_rows(exportable_cases(self.context, self.concluded_check.isChecked()))

    def _on_all_button_clicked(self) -> None:
        self.model.set_checked([c.case_no for c in self.model.rows()])

    def _on_none_button_clicked(self) -> None:
        self.model.set_checked([c.case_no for c in self.model.rows()], checked=False)

    def _on_view_clicked(self, index: QModelIndex) -> None:
        if index.column() != 0:  # a click anywhere on the row ticks it
            first = self.model.index(index.row(), 0)
            ticked = self.model.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
            self.model.setData(
                first,
                Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked,
                Qt.ItemDataRole.CheckStateRole,
            )

    def _update(self, *_args: object) -> None:
        chosen = len(self.model.checked())
        self.count_label.setText(self.tr("已选 {n} 个案件").format(n=chosen))
        self.ok_button.setEnabled(chosen > 0)
        empty = self.model.rowCount() == 0
        self.empty_label.setVisible(empty)
        self.all_button.setEnabled(not empty)
        self.none_button.setEnabled(not empty)

    def chosen(self) -> list[str]:
        return self.model.checked()

    @classmethod
    def ask(
        cls, context: UiContext, preselect: Iterable[str] = (), parent: QWidget | None = None
    ) -> list[str] | None:
        dialog = cls(context, preselect, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            return dialog.chosen()
        return None


# == the preview ======================================================================================
class ConflictCard(QFrame):
    """One conflict: this database's value and the package's side by side, and the choice."""

    def __init__(self, context: UiContext, conflict: PackageConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setObjectName("card")
        title = QLabel(
            record_label(
                context, conflict.type, conflict.key, conflict.package, conflict.office, conflict.base
            )
        )
        title.setObjectName("sectionTitle")
        case = QLabel(self.tr("案件 {case_no}").format(case_no=conflict.case_no))
        case.setObjectName("pageSubtitle")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(case)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnMinimumWidth(0, 80)
        grid.setColumnMinimumWidth(3, 170)
        headers = (self.tr("本库当前值"), self.tr("审核包中的值"), self.tr("导出时"))
        for column, text in enumerate(headers, start=1):
            label = QLabel(text)
            label.setStyleSheet(f"font-weight: 600; color: {TEXT_MUTED if column == 3 else '#33404f'};")
            grid.addWidget(label, 0, column)
        base, office, package = conflict.base, conflict.office, conflict.package
        # Only what was changed on one side or the other (the label names the record); all the
        # fields when the record is missing on one side.
        every = shown_fields(conflict.type, base, office, package)
        fields = [f for f in every if len({repr(_get(v, f)) for v in (base, office, package)}) > 1]
        if not fields or None in (office, package):
            fields = [
                f
                for f in every
                if any(field_text(context, conflict.type, f, _get(v, f)) for v in (base, office, package))
            ]
        row = 1
        self.differing_fields: list[str] = []
        for name in fields:
            differs = _get(office, name) != _get(package, name)
            if differs:
                self.differing_fields.append(name)
            grid.addWidget(self._cell(field_name(name), muted=True), row, 0)
            for column, value in enumerate((office, package, base), start=1):
                if value is None:
                    text = self.tr("（无此记录）") if column < 3 else self.tr("（导出后新增）")
                else:
                    text = field_text(context, conflict.type, name, _get(value, name)) or EMPTY
                grid.addWidget(
                    self._cell(text, strong=differs and column < 3, muted=column == 3), row, column
                )
            row += 1
        touched = [who_and_when(context, v) for v in (office, package, base)]
        if any(touched):
            grid.addWidget(self._cell(self.tr("最后修改"), muted=True), row, 0)
            for column, text in enumerate(touched, start=1):
                grid.addWidget(self._cell(text or EMPTY, muted=True), row, column)

        self.office_radio = QRadioButton(self.tr("保留本库的值"))
        self.package_radio = QRadioButton(self.tr("采用审核包中的值"))
        self.group = QButtonGroup(self)
        self.group.addButton(self.office_radio)
        self.group.addButton(self.package_radio)
        choice = QHBoxLayout()
        choice.setSpacing(18)
        choice.addWidget(self.office_radio)
        choice.addWidget(self.package_radio)
        choice.addStretch(1)
        self.reason_label = QLabel()
        self.reason_label.setObjectName("errorText")
        self.reason_label.setWordWrap(True)
        if not conflict.resolvable:
            self.office_radio.setEnabled(False)
            self.package_radio.setEnabled(False)
            self.reason_label.setText(conflict_reason(context, conflict))
        self.reason_label.setVisible(not conflict.resolvable)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(grid)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.HLine)
        separator.setStyleSheet(f"color: {BORDER};")
        layout.addWidget(separator)
        layout.addLayout(choice)
        layout.addWidget(self.reason_label)

    @staticmethod
    def _cell(text: str, *, strong: bool = False, muted: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if strong:
            label.setStyleSheet(f"font-weight: 600; color: {WARN};")
        elif muted:
            label.setStyleSheet(f"color: {TEXT_MUTED};")
        return label

    def choice(self) -> str | None:
        if self.office_radio.isChecked():
            return "office"
        if self.package_radio.isChecked():
            return "package"
        return None

    def choose(self, side: str) -> None:
        if self.conflict.resolvable:
            (self.package_radio if side == "package" else self.office_radio).setChecked(True)


def _get(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else None


class PackagePreviewDialog(QDialog):
    """What importing a package would do: its cases, the changes, the conflicts and their choices."""

    def __init__(
        self, context: UiContext, preview: PackagePreview, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.preview = preview
        self.path = path
        returning = preview.kind == "return"
        self.setWindowTitle(
            (self.tr("带回评审结果 — {file}") if returning else self.tr("导入带出的案件 — {file}")).format(
                file=path.name
            )
        )
        self.setMinimumSize(880, 600)
        self.resize(1040, 720)

        title = QLabel(self.tr("现场评审结果") if returning else self.tr("带出的案件"))
        title.setObjectName("pageTitle")
        source = QLabel(
            self.tr("{file} · 由 {user} 于 {when} 导出").format(
                file=path.name, user=preview.exported_by, when=context.fmt_datetime(preview.exported_at)
            )
        )
        source.setObjectName("pageSubtitle")
        source.setWordWrap(True)
        self.counts_label = QLabel(
            self.tr("{changes} 项更改 · {unchanged} 项与本库相同 · {conflicts} 个冲突").format(
                changes=len(preview.changes), unchanged=preview.unchanged, conflicts=len(preview.conflicts)
            )
        )
        self.counts_label.setStyleSheet("font-weight: 600;")

        # -- the cases --
        self.cases_model: RowTableModel[PackageCase] = RowTableModel(
            [
                Column(self.tr("案件编号"), lambda c: c.case_no),
                Column(self.tr("申请组织"), lambda c: c.organization, tooltip=lambda c: c.organization),
                Column(self.tr("导出时状态"), lambda c: context.state_label(c.status)),
                Column(self.tr("评价规则"), lambda c: context.rubric_short(c.rubric_id)),
            ],
            preview.cases,
            self,
        )
        self.cases_view = QTableView()
        self.cases_view.setModel(self.cases_model)
        set_up_table(self.cases_view, stretch_column=1, sortable=False)
        fit_columns(
            self.cases_view,
            {
                0: context.longest(c.case_no for c in preview.cases),
                2: context.longest(context.state_label(c.status) for c in preview.cases),
                3: context.longest(context.rubric_short(c.rubric_id) for c in preview.cases),
            },
        )
        rows = min(max(len(preview.cases), 1), 4)
        header_height = self.cases_view.horizontalHeader().sizeHint().height()
        row_height = self.cases_view.verticalHeader().defaultSectionSize()
        self.cases_view.setFixedHeight(header_height + rows * row_height + 4)

        # -- the changes --
        texts: dict[int, tuple[str, str]] = {}

        def olds(change: PackageChange) -> str:
            return _texts(change)[0]

        def news(change: PackageChange) -> str:
            return _texts(change)[1]

        def _texts(change: PackageChange) -> tuple[str, str]:
            if id(change) not in texts:
                texts[id(change)] = change_texts(context, change)
            return texts[id(change)]

        def label(change: PackageChange) -> str:
            return record_label(context, change.type, change.key, change.after, change.before)

        self.changes_model: RowTableModel[PackageChange] = RowTableModel(
            [
                Column(self.tr("案件"), lambda c: c.case_no or EMPTY),
                Column(self.tr("记录"), label, tooltip=label),
                Column(self.tr("变更"), lambda c: action_label(c.action), colour=_action_colour),
                Column(self.tr("原值"), lambda c: _clip(olds(c), LONG), tooltip=olds),
                Column(self.tr("新值"), lambda c: _clip(news(c), LONG), tooltip=news),
            ],
            preview.changes,
            self,
        )
        self.changes_view = QTableView()
        self.changes_view.setModel(self.changes_model)
        set_up_table(self.changes_view, sortable=False)
        fit_columns(
            self.changes_view,
            {
                0: context.longest(c.case_no for c in preview.cases),
                1: context.longest(label(c) for c in preview.changes[:500]),
                2: context.longest(action_label(a) for a in ("create", "update", "delete")),
            },
        )
        self.changes_view.setColumnWidth(1, min(self.changes_view.columnWidth(1), 360))
        header = self.changes_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # old and new share the rest
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        changes_page = QWidget()
        changes_layout = QVBoxLayout(changes_page)
        changes_layout.setContentsMargins(10, 10, 10, 10)
        if preview.changes:
            changes_layout.addWidget(self.changes_view)
        else:
            self.changes_view.hide()
            nothing = QLabel(self.tr("审核包中的内容与本库一致，没有需要更改的记录。"))
            nothing.setObjectName("pageSubtitle")
            changes_layout.addWidget(nothing)
            changes_layout.addStretch(1)

        # -- the conflicts --
        # the ones that block the import first: the user must see them before choosing the rest
        ordered = sorted(preview.conflicts, key=lambda c: c.resolvable)
        self.conflict_cards = [ConflictCard(context, c) for c in ordered]
        conflicts_page = QWidget()
        conflicts_layout = QVBoxLayout(conflicts_page)
        conflicts_layout.setContentsMargins(10, 10, 10, 10)
        conflicts_layout.setSpacing(10)
        intro = QLabel(
            self.tr(
                "以下记录在导出后本库和现场都作了修改。请逐条选择保留本库的值或采用审核包中的值；"
                "所有冲突都选择后才能导入。"
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("pageSubtitle")
        conflicts_layout.addWidget(intro)
        self.all_office_button = QPushButton(self.tr("全部保留本库的值"))
        self.all_package_button = QPushButton(self.tr("全部采用审核包中的值"))
        self.all_office_button.clicked.connect(self._on_all_office_button_clicked)
        self.all_package_button.clicked.connect(self._on_all_package_button_clicked)
        bulk = QHBoxLayout()
        bulk.addWidget(self.all_office_button)
        bulk.addWidget(self.all_package_button)
        bulk.addStretch(1)
        if sum(c.conflict.resolvable for c in self.conflict_cards) > 1:
            conflicts_layout.addLayout(bulk)
        else:
            self.all_office_button.hide()
            self.all_package_button.hide()
        cards = QWidget()
        cards.setObjectName("page")
        cards_layout = QVBoxLayout(cards)
        cards_layout.setContentsMargins(0, 0, 6, 0)
        cards_layout.setSpacing(10)
        for card in self.conflict_cards:
            cards_layout.addWidget(card)
            card.group.buttonToggled.connect(self._update)
        cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cards)
        conflicts_layout.addWidget(scroll, 1)

        self.tabs = QTabWidget()
        if self.conflict_cards:
            self.tabs.addTab(conflicts_page, self.tr("冲突（{n}）").format(n=len(self.conflict_cards)))
            self.tabs.setTabIcon(0, std_icon(SP.SP_MessageBoxWarning))
        self.tabs.addTab(changes_page, self.tr("更改（{n}）").format(n=len(preview.changes)))

        # -- the buttons --
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("导入"))
        self.import_button.setObjectName("primary")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint_label, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(source)
        layout.addSpacing(4)
        layout.addWidget(section_title(self.tr("案件（{n}）").format(n=len(preview.cases))))
        layout.addWidget(self.cases_view)
        layout.addSpacing(4)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._update()

    def _on_all_office_button_clicked(self) -> None:
        for card in self.conflict_cards:
            card.choose("office")

    def _on_all_package_button_clicked(self) -> None:
        for card in self.conflict_cards:
            card.choose("package")

    def _update(self, *_args: object) -> None:
        blocked = [c for c in self.conflict_cards if not c.conflict.resolvable]
        open_ = [c for c in self.conflict_cards if c.conflict.resolvable and c.choice() is None]
        if blocked:
            hint = self.tr("有 {n} 个冲突无法逐条选择，不能导入。").format(n=len(blocked))
        elif open_:
            hint = self.tr("还有 {n} 个冲突未选择。").format(n=len(open_))
        elif self.conflict_cards:
            hint = self.tr("所有冲突都已选择。导入将一次性写入，任何一项被拒绝则不做任何更改。")
        else:
            hint = self.tr("导入将一次性写入，任何一项被拒绝则不做任何更改。")
        self.hint_label.setText(hint)
        self.hint_label.setStyleSheet(f"color: {BAD};" if blocked or open_ else f"color: {TEXT_MUTED};")
        self.import_button.setEnabled(not blocked and not open_)
        self.import_button.setToolTip(hint)

    def resolutions(self) -> dict[str, str]:
        return {c.conflict.id: choice for c in self.conflict_cards if (choice := c.choice()) is not None}

    @classmethod
    def ask(
        cls, context: UiContext, preview: PackagePreview, path: Path, parent: QWidget | None = None
    ) -> dict[str, str] | None:
        """The resolutions chosen ({conflict id: "office" | "package"}) when the user imports, else None."""
        dialog = cls(context, preview, path, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.resolutions()
        return None


def _action_colour(change: PackageChange) -> str | None:
    return {"delete": BAD, "update": WARN}.get(change.action)


# == the window's entries =============================================================================
class PackageActions(QObject):
    """文件 › 带到现场笔记本… and 带回评审结果…, and the work behind them (for one main window)."""

    def __init__(self, window: QMainWindow, menu: QMenu, before: QAction | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.take_action = QAction(std_icon(SP.SP_DriveFDIcon), self.tr("带到现场笔记本(&T)…"), window)
        self.take_action.triggered.connect(self.take_to_laptop)
        self.bring_action = QAction(std_icon(SP.SP_ArrowBack), self.tr("带回评审结果(&B)…"), window)
        self.bring_action.triggered.connect(self.bring_back)
        separator = QAction(window)
        separator.setSeparator(True)
        actions = [self.take_action, self.bring_action, separator]
        if before is not None:
            menu.insertActions(before, actions)
        else:
            menu.addActions(actions)
        self.last_summary: PackageSummary | None = None
        self.last_preview: PackagePreview | None = None
        self.last_result: ImportResult | None = None

    @property
    def context(self) -> UiContext:
        return self.window.context  # type: ignore[attr-defined,no-any-return]

    def show_user(self) -> None:
        """Taking cases out is for clerks and auditors (the service checks each case); bringing a
        package in also for administrators (a new laptop database has only its administrator, who
        brings the cases in before the auditors log in). Others see the entries disabled, with why."""
        context = self.context
        handles_cases = context.has_role(Role.clerk) or context.has_role(Role.auditor)
        entries = (
            (
                self.take_action,
                handles_cases,
                self.tr("将案件导出为审核包（.awp），在现场笔记本上离线评审；在笔记本上则导出评审结果"),
                self.tr("只有受理人员和评审员可以带出案件"),
            ),
            (
                self.bring_action,
                handles_cases or context.has_role(Role.admin),
                self.tr("导入审核包：预览更改和冲突，再一次性导入"),
                self.tr("只有受理人员、评审员和系统管理员可以导入审核包"),
            ),
        )
        for action, allowed, tip, reason in entries:
            action.setEnabled(allowed)
            action.setToolTip(tip if allowed else reason)
            action.setStatusTip(tip if allowed else reason)

    # -- 带到现场笔记本 --------------------------------------------------------------------------------
    def take_to_laptop(self) -> None:
        window = self.window
        context = self.context
        current = getattr(window, "current_case", None)
        case_nos = ExportCasesDialog.ask(context, [current] if current else [], window)
        if not case_nos:
            return
        suggested = f"{case_nos[0]}.awp" if len(case_nos) == 1 else f"{context.services.today():%Y%m%d}.awp"
        path = PackageFile.ask_save(window, self.tr("保存审核包"), suggested)
        if path is None:
            return
        chosen, path = path, with_awp_suffix(path)
        replace = chosen == path  # the dialog asked before replacing that name, not one with .awp added
        services, actor = context.services, context.actor
        from ...services.packages import export_package

        def work(progress: workers.Progress, cancel: threading.Event) -> PackageSummary:
            progress(0, 0)
            return export_package(
                services, actor, case_nos, path, progress=_reporting(progress), cancel=cancel, force=replace
            )

        workers.runner().run(
            work,
            self._exported,
            label=self.tr("正在导出审核包…"),
            parent=window,
            on_failed=self._failure(self.tr("无法导出审核包")),
        )

    def _exported(self, summary: PackageSummary) -> None:
        self.last_summary = summary
        cases = _listed(self.context, summary.cases)
        if summary.kind == "checkout":
            text = self.tr(
                "已将 {n} 个案件（{cases}）写入 {file}，含 {accounts} 个评审组账户和 {attachments} 个附件。\n"
                "请将此文件复制到现场笔记本，在那里通过“文件 › 带回评审结果…”导入。"
            ).format(
                n=len(summary.cases),
                cases=cases,
                file=summary.path,
                accounts=len(summary.accounts),
                attachments=summary.attachments,
            )
        else:
            text = self.tr(
                "已将 {n} 个案件（{cases}）的评审结果写入 {file}。\n"
                "请将此文件带回办公室，通过“文件 › 带回评审结果…”导入。"
            ).format(n=len(summary.cases), cases=cases, file=summary.path)
        Messages.information(self.window, self.tr("审核包已导出"), text)

    # -- 带回评审结果 ----------------------------------------------------------------------------------
    def bring_back(self) -> None:
        path = PackageFile.ask_open(self.window, self.tr("选择审核包"))
        if path is not None:
            self.inspect(path)

    def inspect(self, path: Path) -> None:
        """Check the package against this database in the background, then show the preview."""
        from ...services.packages import inspect_package

        services = self.context.services
        db, rubrics = services.db.url, services.rubrics

        def work(progress: workers.Progress, cancel: threading.Event) -> PackagePreview:
            progress(0, 0)
            return inspect_package(path, db, rubrics=rubrics, progress=_reporting(progress), cancel=cancel)

        workers.runner().run(
            work,
            lambda preview: self._preview(path, preview),
            label=self.tr("正在检查审核包…"),
            parent=self.window,
            on_failed=self._failure(self.tr("无法导入审核包")),
        )

    def _preview(self, path: Path, preview: PackagePreview) -> None:
        self.last_preview = preview
        resolve = PackagePreviewDialog.ask(self.context, preview, path, self.window)
        if resolve is not None:
            self.apply(path, resolve)

    def apply(self, path: Path, resolve: Mapping[str, str]) -> None:
        """Import the package with the chosen resolutions, in the background."""
        from ...services.packages import PackageConflicts, import_package

        context = self.context
        services = context.services
        db, rubrics, actor_name = services.db.url, services.rubrics, context.actor.name
        resolve = dict(resolve)

        def work(progress: workers.Progress, cancel: threading.Event) -> ImportResult:
            progress(0, 0)
            return import_package(
                db,
                path,
                actor_name=actor_name,
                resolve=resolve,
                rubrics=rubrics,
                clock=services.now,
                progress=_reporting(progress),
                cancel=cancel,
            )

        fail = self._failure(self.tr("无法导入审核包"))

        def failed(exc: BaseException) -> None:
            fail(exc)
            if isinstance(exc, PackageConflicts):  # changed here again since the preview: look afresh
                self.inspect(path)

        workers.runner().run(
            work, self._imported, label=self.tr("正在导入审核包…"), parent=self.window, on_failed=failed
        )

    def _imported(self, result: ImportResult) -> None:
        self.last_result = result
        services = self.context.services
        if result.kind == "checkout":
            from ...services.packages import packaged_rubrics

            # rubrics the package brought: known to this window from now on
            services.rubrics = services.rubrics.with_extra(packaged_rubrics(services.db))
        reload_window(self.window)
        cases = _listed(self.context, result.cases)
        if result.kind == "checkout":
            text = self.tr("已导入 {n} 个案件（{cases}）和 {accounts} 个账户，共 {changes} 项记录。").format(
                n=len(result.cases), cases=cases, accounts=len(result.accounts), changes=len(result.changes)
            )
        else:
            text = self.tr(
                "已导入案件 {cases} 的评审结果：{changes} 项更改，{unchanged} 项与本库相同。"
            ).format(cases=cases, changes=len(result.changes), unchanged=result.unchanged)
        if result.resolved:
            text += "\n" + self.tr("{n} 个冲突已按您的选择处理。").format(n=len(result.resolved))
        if result.attachments_added:
            text += "\n" + self.tr("新增 {n} 个附件。").format(n=result.attachments_added)
        Messages.information(self.window, self.tr("审核包已导入"), text)

    # -- failures -------------------------------------------------------------------------------------
    def _failure(self, title: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if isinstance(exc, Refused):
                if exc.code == "cancelled":
                    self.window.statusBar().showMessage(self.tr("已取消，未做任何更改"), 5000)
                    return
                Messages.warning(self.window, title, self.context.refusal_text(exc))
                return
            if isinstance(exc, OSError):
                Messages.warning(self.window, title, str(exc))
                return
            raise exc

        return show


def _reporting(progress: workers.Progress) -> ProgressFn:
    """The runner's progress callback in the shape the package services declare."""

    def report(done: int, total: int) -> None:
        progress(done, total)

    return report


def reload_window(window: QWidget) -> None:
    """Every page of the main window shows the database afresh: the current one now, the others
    when next shown (the window's own stale-page mechanism)."""
    pages: Mapping[str, QWidget] = getattr(window, "pages", {})
    stale: set[str] | None = getattr(window, "stale", None)
    current = getattr(window, "current_key", lambda: "")()
    if stale is not None:
        stale.update(key for key in pages if key != current)
    refresh = getattr(window, "refresh_current", None)
    if refresh is not None:
        refresh()
