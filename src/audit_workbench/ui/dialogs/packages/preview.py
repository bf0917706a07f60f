"""The preview of an import: the package's cases, every change, and each conflict with its choice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...context import UiContext
from ...models.rows import Column, RowTableModel
from ...theme import BAD, BORDER, TEXT_MUTED, WARN
from ...widgets.common import SP, fit_columns, section_title, set_up_table, std_icon

if TYPE_CHECKING:
    # The package service (pydantic wire models, the whole store) is imported when a package is
    # written or read, not when the window starts.
    from ....services.packages import (
        PackageCase,
        PackageChange,
        PackageConflict,
        PackagePreview,
    )

from .records import (
    EMPTY,
    LONG,
    _clip,
    action_label,
    change_texts,
    conflict_reason,
    field_name,
    field_text,
    record_label,
    shown_fields,
    who_and_when,
)


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
