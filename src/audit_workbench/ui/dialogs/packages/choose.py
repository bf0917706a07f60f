"""带到现场笔记本: the cases this user may put into a package, with a check box each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ....core.policy import Role
from ...context import UiContext
from ...widgets.common import fit_columns, set_up_table

if TYPE_CHECKING:
    # The package service (pydantic wire models, the whole store) is imported when a package is
    # written or read, not when the window starts.
    from ....services.views import CaseSummary

from .records import EXPORT_STATES, RESULT_STATES


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
