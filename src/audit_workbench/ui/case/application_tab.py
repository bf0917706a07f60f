"""申请 — the application: the organisation, the 12 materials, and the clerk's decisions on it.

The decisions (submit, accept, reject, withdraw, assign the team) are offered by the case page's
action bar, which calls the methods here; this tab holds the organisation form and the materials'
own buttons.

While the case is a draft, a clerk edits the organisation in place (name, unified social credit
code checked as it is typed, address, headcount, scope) and saves it with one service call that
carries the case version the form was loaded from: if someone else changed the case meanwhile the
save is refused as a conflict and the form reloads (keeping what was typed when the organisation
itself was not changed by the other edit). Anyone else, or later, sees the same details read-only.

Materials take files from a file dialog or dropped onto their row — each adds to the files the item
already has; a file is removed from the row's context menu or the 移除文件 button. An attached file
opens in the desktop's viewer from a temporary copy (the store keeps it by SHA-256 and checks it on
read). Each button that this user may not press now is disabled with the policy's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...core.policy import Action
from ...services.cases import MAX_HEADCOUNT
from ..context import Messages, UiContext
from ..guards import Unsaved, settle
from ..widgets.common import ElidedTextDelegate, scrolling
from ..widgets.credit_code import CreditCodeChecker
from .common import Notice, fmt_points, join_list, material_status_label, write_temp_file
from .dialogs import AcceptDialog, AcceptRequest, Files, TeamDialog, TextDialog

_Index = QModelIndex | QPersistentModelIndex
COL_ITEM, COL_NAME, COL_STATUS, COL_FILES = range(4)
STATUS_COLOURS = {"missing": "#b3261e", "provided": "#1d6b34", "not_applicable": "#6b7380"}


class MaterialsModel(QAbstractTableModel):
    """The 12 application materials of a case: item, name, status, files (from `MaterialView`s)."""

    def __init__(self, lang: str = "zh", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._materials: tuple[Any, ...] = ()
        self._headers = (self.tr("序号"), self.tr("材料"), self.tr("状态"), self.tr("文件"))

    def set_materials(self, materials: tuple[Any, ...]) -> None:
        self.beginResetModel()
        self._materials = tuple(materials)
        self.endResetModel()

    def material_at(self, row: int) -> Any:
        return self._materials[row] if 0 <= row < len(self._materials) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._materials)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._materials)):
            return None
        material = self._materials[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_ITEM:
                return str(material.item_no)
            if column == COL_NAME:
                return material.name_en if self.lang == "en" else material.name_zh
            if column == COL_STATUS:
                return material_status_label(material.status)
            if column == COL_FILES:
                if material.status == "not_applicable":
                    return material.reason or ""
                return join_list(self.lang, (f.filename for f in material.files))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_NAME:
                return material.name_en if self.lang == "en" else material.name_zh
            if column in (COL_STATUS, COL_FILES) and material.status == "not_applicable":
                return self.tr("不适用：{reason}").format(reason=material.reason or "")
            if column == COL_FILES and material.files:
                return "\n".join(f.filename for f in material.files)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return QColor(STATUS_COLOURS.get(material.status, "#2b2f36"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_ITEM:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole + 1:
            return material.item_no
        return None


class MaterialsView(QTableView):
    """The materials table; files dropped on a row are attached to that item."""

    sig_files_dropped = Signal(int, list)  # item number, paths

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()

    def _item_at(self, pos: QPoint) -> int | None:
        index = self.indexAt(pos)
        model = self.model()
        if not index.isValid() or not isinstance(model, MaterialsModel):
            return None
        return model.material_at(index.row()).item_no

    def setAcceptDrops(self, on: bool) -> None:
        # Drops land on the viewport: it must accept them too, or Qt never delivers them.
        super().setAcceptDrops(on)
        self.viewport().setAcceptDrops(on)

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.acceptDrops():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.acceptDrops() and self._item_at(event.position().toPoint()):
            self.selectRow(self.indexAt(event.position().toPoint()).row())
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: Any) -> None:
        item = self._item_at(event.position().toPoint())
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if item is None or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.sig_files_dropped.emit(item, paths)


@dataclass(frozen=True)
class OrganizationValues:
    """What the organisation form holds: the fields `cases.update_application` takes."""

    org_name: str
    credit_code: str
    address: str
    headcount: int
    scope: str

    @classmethod
    def of(cls, detail: Any) -> OrganizationValues:
        org = detail.organization
        return cls(org.name, org.credit_code, org.address or "", detail.headcount, detail.scope)


class ApplicationTab(QWidget):
    sig_case_changed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        # The values and case version the organisation form was filled from: the save sends this
        # version, and a reload compares these values to decide whether typed edits may stay.
        self._form_base: OrganizationValues | None = None
        self._form_version: int | None = None
        self._build()

    def _build(self) -> None:
        self.notice = Notice(self)
        org_box = QGroupBox(self.tr("申请组织"), self)
        self.org_box = org_box
        org_layout = QVBoxLayout(org_box)
        self.org_view = QWidget(org_box)
        self.org_form = QFormLayout(self.org_view)
        self.org_form.setContentsMargins(0, 0, 0, 0)
        self.org_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("name", self.tr("组织名称")),
            ("credit_code", self.tr("统一社会信用代码")),
            ("address", self.tr("地址")),
            ("enterprise_type", self.tr("企业类型")),
            ("headcount", self.tr("人数")),
            ("scope", self.tr("认证范围")),
        ):
            self.fields[key] = self._value_label(org_box)
            self.org_form.addRow(label, self.fields[key])
        self.org_editor = self._build_org_editor(org_box)
        org_layout.addWidget(self.org_view)
        org_layout.addWidget(self.org_editor)
        self.org_editor.hide()

        case_box = QGroupBox(self.tr("案件与合同"), self)
        case_form = QFormLayout(case_box)
        case_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in (
            ("kind", self.tr("认证类型")),
            ("rubric", self.tr("评价规则")),
            ("contract", self.tr("合同编号")),
            ("fee", self.tr("认证费用")),
            ("days", self.tr("审查人日")),
            ("team", self.tr("评审组")),
        ):
            self.fields[key] = self._value_label(case_box)
            case_form.addRow(label, self.fields[key])
        # The organisation and the contract on the left, the materials beside them: at the draft
        # stage a clerk works on both, and all twelve materials fit on screen at once.
        boxes_widget = QWidget(self)
        boxes = QVBoxLayout(boxes_widget)
        boxes.setContentsMargins(0, 0, 4, 0)
        boxes.addWidget(org_box)
        boxes.addWidget(case_box)
        boxes.addStretch(1)
        # on a short screen the forms scroll rather than squash (1366×768)
        self.boxes_area = scrolling(boxes_widget, self)

        self.materials_model = MaterialsModel(self.context.lang, self)
        self.materials_view = MaterialsView(self)
        self.materials_view.setObjectName("materials_view")
        self.materials_view.setModel(self.materials_model)
        self.materials_view.setItemDelegate(ElidedTextDelegate(self.materials_view))
        self.materials_view.setToolTip(
            self.tr("把文件拖到某一行即可添加到该项材料（可多个）；双击打开文件；右键可移除文件")
        )
        self.materials_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.materials_view.customContextMenuRequested.connect(self._on_materials_view_context_menu)
        head = self.materials_view.horizontalHeader()
        head.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(COL_FILES, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(COL_FILES, 210)
        self.materials_view.sig_files_dropped.connect(self._on_materials_view_files_dropped)
        self.materials_view.doubleClicked.connect(self._on_materials_view_double_clicked)
        self.materials_view.selectionModel().currentRowChanged.connect(lambda *_: self._guard())

        self.attach_button = QPushButton(self.tr("添加文件…"), self)
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.open_button = QPushButton(self.tr("打开文件"), self)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.remove_file_button = QPushButton(self.tr("移除文件…"), self)
        self.remove_file_button.clicked.connect(self._on_remove_file_button_clicked)
        self.not_applicable_button = QPushButton(self.tr("标记不适用…"), self)
        self.not_applicable_button.clicked.connect(self._on_not_applicable_button_clicked)
        material_buttons = QHBoxLayout()
        for button in (
            self.attach_button,
            self.open_button,
            self.remove_file_button,
            self.not_applicable_button,
        ):
            material_buttons.addWidget(button)
        material_buttons.addStretch(1)

        materials_title = QLabel(self.tr("申请材料（12 项）"), self)
        font = materials_title.font()
        font.setBold(True)
        materials_title.setFont(font)
        materials = QVBoxLayout()
        materials.addWidget(materials_title)
        materials.addWidget(self.materials_view, 1)
        materials.addLayout(material_buttons)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addWidget(self.boxes_area, 5)
        columns.addLayout(materials, 9)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(columns, 1)

    def _build_org_editor(self, parent: QWidget) -> QWidget:
        """The organisation as a form a clerk edits while the case is a draft."""
        editor = QWidget(parent)
        editor.setObjectName("organization_editor")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        self.name_edit = QLineEdit(editor)
        self.name_edit.setObjectName("org_name_edit")
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText(self.tr("与营业执照一致的组织全称"))
        self.code_edit = QLineEdit(editor)
        self.code_edit.setObjectName("credit_code_edit")
        self.code_status = QLabel(editor)
        self.code_checker = CreditCodeChecker(self.code_edit, self.code_status)
        self.address_edit = QLineEdit(editor)
        self.address_edit.setMaxLength(300)
        self.type_label = QLabel(editor)
        self.type_label.setToolTip(self.tr("企业类型决定评价规则，创建后不能修改"))
        self.headcount_spin = QSpinBox(editor)
        self.headcount_spin.setRange(1, MAX_HEADCOUNT)
        self.headcount_spin.setSuffix(self.tr(" 人"))
        self.headcount_spin.setToolTip(self.tr("有效人数，用于计算审查人日"))
        self.headcount_spin.setMaximumWidth(160)
        self.scope_edit = QPlainTextEdit(editor)
        self.scope_edit.setTabChangesFocus(True)
        self.scope_edit.setFixedHeight(58)
        code_column = QVBoxLayout()
        code_column.setSpacing(2)
        code_column.addWidget(self.code_edit)
        code_column.addWidget(self.code_status)
        form.addRow(self.tr("组织名称"), self.name_edit)
        form.addRow(self.tr("统一社会信用代码"), code_column)
        form.addRow(self.tr("地址"), self.address_edit)
        form.addRow(self.tr("企业类型"), self.type_label)
        form.addRow(self.tr("人数"), self.headcount_spin)
        form.addRow(self.tr("认证范围"), self.scope_edit)

        self.save_org_button = QPushButton(self.tr("保存申请信息"), editor)
        self.save_org_button.setObjectName("primary")
        self.save_org_button.clicked.connect(self.save_organization)
        self.revert_org_button = QPushButton(self.tr("放弃修改"), editor)
        self.revert_org_button.clicked.connect(self._on_revert_org_button_clicked)
        self.org_state_label = QLabel(editor)
        self.org_state_label.setObjectName("pageSubtitle")
        buttons = QHBoxLayout()
        buttons.addWidget(self.org_state_label, 1)
        buttons.addWidget(self.revert_org_button)
        buttons.addWidget(self.save_org_button)
        save = QAction(editor)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.triggered.connect(self._on_save_shortcut)
        editor.addAction(save)

        layout = QVBoxLayout(editor)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(form)
        layout.addLayout(buttons)
        for edit in (self.name_edit, self.code_edit, self.address_edit):
            edit.textChanged.connect(self._update_org_buttons)
        self.scope_edit.textChanged.connect(self._update_org_buttons)
        self.headcount_spin.valueChanged.connect(self._update_org_buttons)
        return editor

    @staticmethod
    def _value_label(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- showing ----------------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        row = self.materials_view.currentIndex().row()
        same_case = self.detail is not None and self.detail.case_no == detail.case_no
        self.detail = detail
        ctx = self.context
        org = detail.organization
        self.fields["name"].setText(org.name)
        self.fields["credit_code"].setText(org.credit_code)
        self.fields["address"].setText(org.address or "—")
        self.fields["enterprise_type"].setText(ctx.enterprise_type_label(detail.enterprise_type))
        self.fields["headcount"].setText(str(detail.headcount))
        self.fields["scope"].setText(detail.scope)
        self.fields["kind"].setText(ctx.kind_label(detail.kind))
        self.fields["rubric"].setText(ctx.rubric_title(detail.rubric_id))
        self.fields["rubric"].setToolTip(detail.rubric_id)
        self.fields["contract"].setText(detail.contract_no or "—")
        self.fields["fee"].setText(
            self.tr("{fee} 元").format(fee=fmt_points(detail.fee)) if detail.fee is not None else "—"
        )
        if detail.onsite_days is not None:
            days = self.tr("文件审查 {doc} 人日，现场审查 {site} 人日").format(
                doc=fmt_points(detail.document_days), site=fmt_points(detail.onsite_days)
            )
            if detail.days_override_reason:
                days += self.tr("（已调整：{reason}）").format(reason=detail.days_override_reason)
            self.fields["days"].setText(days)
        else:
            self.fields["days"].setText("—")
        team = [
            (self.tr("{name}（组长）") if t.is_leader else "{name}").format(
                name=t.display_name or t.user_name
            )
            for t in detail.team
        ]
        self.fields["team"].setText(join_list(ctx.lang, team) or "—")
        self.materials_model.set_materials(detail.materials)
        if row >= 0:
            self.materials_view.selectRow(row)
        missing = sum(1 for m in detail.materials if m.status == "missing")
        if detail.status == "draft" and missing:
            self.notice.show_text(
                self.tr("还有 {n} 项材料既未提供也未标记不适用，完成后才能提交。").format(n=missing),
                "warning",
            )
        else:
            self.notice.clear()
        self._fill_org_editor(detail, same_case)  # after the notice: it may warn of someone's edit
        self._guard()

    def _selected_material(self) -> Any:
        return self.materials_model.material_at(self.materials_view.currentIndex().row())

    def _guard(self) -> None:
        if self.detail is None:
            return
        ctx, detail = self.context, self.detail
        editable = ctx.guard(self.attach_button, Action.edit_application, detail)
        ctx.guard(self.not_applicable_button, Action.edit_application, detail)
        self.materials_view.setAcceptDrops(editable)
        material = self._selected_material()
        has_files = bool(material is not None and material.files)
        self.open_button.setEnabled(has_files)
        self.open_button.setToolTip("" if has_files else self.tr("所选材料没有文件"))
        if ctx.guard(self.remove_file_button, Action.edit_application, detail) and not has_files:
            self.remove_file_button.setEnabled(False)
            self.remove_file_button.setToolTip(self.tr("所选材料没有文件"))

    # -- the organisation form --------------------------------------------------------------------
    def form_values(self) -> OrganizationValues:
        return OrganizationValues(
            self.name_edit.text().strip(),
            self.code_edit.text().strip(),
            self.address_edit.text().strip(),
            self.headcount_spin.value(),
            self.scope_edit.toPlainText().strip(),
        )

    def form_dirty(self) -> bool:
        return self._form_base is not None and self.form_values() != self._form_base

    def _fill_org_editor(self, detail: Any, same_case: bool) -> None:
        editable = self.context.can(Action.edit_application, detail)
        self.org_view.setVisible(not editable)
        self.org_editor.setVisible(editable)
        self.type_label.setText(self.context.enterprise_type_label(detail.enterprise_type))
        base = OrganizationValues.of(detail)
        if editable and same_case and self.form_dirty():
            if base == self._form_base:
                # Only other parts of the case moved (a material, say): keep what is being typed.
                self._form_version = detail.version
                self._update_org_buttons()
                return
            self.notice.show_text(self.tr("申请组织信息已被他人修改，已载入最新内容。"), "warning")
        self._form_base = base
        self._form_version = detail.version
        editors = (self.name_edit, self.code_edit, self.address_edit, self.headcount_spin, self.scope_edit)
        for widget in editors:
            widget.blockSignals(True)
        self.name_edit.setText(base.org_name)
        self.code_edit.setText(base.credit_code)
        self.address_edit.setText(base.address)
        self.headcount_spin.setValue(base.headcount)
        self.scope_edit.setPlainText(base.scope)
        for widget in editors:
            widget.blockSignals(False)
        self.code_edit.setModified(False)
        self.code_checker.recheck()
        self._update_org_buttons()

    def _form_problem(self) -> str:
        values = self.form_values()
        if not values.org_name:
            return self.tr("组织名称不能为空")
        if not self.code_checker.is_valid():
            return self.code_checker.problem() or self.tr("请输入统一社会信用代码")
        if not values.scope:
            return self.tr("认证范围不能为空")
        return ""

    def _update_org_buttons(self) -> None:
        dirty = self.form_dirty()
        problem = self._form_problem() if dirty else ""
        self.save_org_button.setEnabled(dirty and not problem)
        self.save_org_button.setToolTip(
            problem or (self.tr("保存 (Ctrl+S)") if dirty else self.tr("没有未保存的修改"))
        )
        self.revert_org_button.setEnabled(dirty)
        self._say_org(
            problem or (self.tr("有未保存的修改") if dirty else ""),
            "errorText" if problem else "pageSubtitle",
        )

    def _say_org(self, text: str, style: str) -> None:
        self.org_state_label.setText(text)
        self.org_state_label.setObjectName(style)
        self.org_state_label.style().unpolish(self.org_state_label)
        self.org_state_label.style().polish(self.org_state_label)

    def _on_save_shortcut(self) -> None:
        if self.save_org_button.isEnabled():
            self.save_organization()

    def _on_revert_org_button_clicked(self) -> None:
        if self.detail is not None:
            self._form_base = None
            self._fill_org_editor(self.detail, same_case=False)

    def save_organization(self) -> bool:
        """Save the organisation form (one service call, checked against the version loaded)."""
        ctx, detail = self.context, self.detail
        if detail is None or not self.form_dirty():
            return False
        values = self.form_values()
        try:
            ctx.services.cases.update_application(
                ctx.actor,
                detail.case_no,
                org_name=values.org_name,
                credit_code=values.credit_code,
                headcount=values.headcount,
                scope=values.scope,
                address=values.address,
                expected_version=self._form_version,
            )
        except Refused as exc:
            if exc.code != "conflict":
                ctx.run_service(_raise, exc)  # the refusal, in a warning box
                return False
            self.sig_case_changed.emit()  # reload: the form shows what is stored now
            if self.form_dirty():
                self.notice.show_text(
                    self.tr("案件已被他人修改，已重新载入；您填写的内容仍在，请检查后再保存。"), "warning"
                )
            else:
                self.notice.show_text(self.tr("申请组织信息已被他人修改，已载入最新内容。"), "warning")
            return False
        self._form_base = None  # the reload fills the form with what was stored
        self.sig_case_changed.emit()
        self._say_org(self.tr("✓ 已保存"), "okText")
        return True

    # -- materials --------------------------------------------------------------------------------
    def attach_files(self, item_no: int, paths: list[Path]) -> None:
        """Add files to a material (the files it already has stay), on the database worker."""
        ctx = self.context
        ctx.act(
            ctx.services.cases.add_material_files,
            ctx.actor,
            self.detail.case_no,
            item_no,
            paths,
            on_done=lambda _detail: self.sig_case_changed.emit(),
            label=self.tr("正在添加 {n} 个文件…").format(n=len(paths)),
            parent=self,
        )

    def remove_file(self, item_no: int, file: Any) -> bool:
        """Detach one file from a material, after asking."""
        if not Messages.confirm(
            self,
            self.tr("移除文件"),
            self.tr("从第 {n} 项材料中移除文件“{name}”？").format(n=item_no, name=file.filename),
        ):
            return False
        ctx = self.context
        ctx.act(
            ctx.services.cases.remove_material_file,
            ctx.actor,
            self.detail.case_no,
            item_no,
            file.sha256,
            on_done=lambda _detail: self.sig_case_changed.emit(),
            parent=self,
        )
        return True

    def _on_attach_button_clicked(self) -> None:
        material = self._selected_material()
        if material is None:
            self.notice.show_text(self.tr("请先选择一项材料"), "info")
            return
        paths = Files.open_files(self, self.tr("第 {n} 项材料的文件").format(n=material.item_no))
        if paths:
            self.attach_files(material.item_no, paths)

    def _on_materials_view_files_dropped(self, item_no: int, paths: list[Path]) -> None:
        reason = self.context.explain(Action.edit_application, self.detail)
        if reason:
            self.notice.show_text(reason, "info")
            return
        self.attach_files(item_no, paths)

    def _on_remove_file_button_clicked(self) -> None:
        material = self._selected_material()
        if material is None or not material.files:
            return
        if len(material.files) == 1:
            self.remove_file(material.item_no, material.files[0])
            return
        button = self.remove_file_button
        _popup(self.removal_menu(material, self), button.mapToGlobal(QPoint(0, button.height())))

    def removal_menu(self, material: Any, parent: QWidget) -> QMenu:
        """A menu of the material's files; choosing one removes it."""
        menu = QMenu(self.tr("移除文件"), parent)
        for file in material.files:
            action = QAction(file.filename, menu)
            action.triggered.connect(lambda _=False, f=file: self.remove_file(material.item_no, f))
            menu.addAction(action)
        return menu

    def open_menu(self, material: Any, parent: QWidget) -> QMenu:
        """A menu of the material's files; choosing one opens it."""
        menu = QMenu(self.tr("打开文件"), parent)
        for file in material.files:
            action = QAction(file.filename, menu)
            action.triggered.connect(lambda _=False, f=file: self.open_file(f))
            menu.addAction(action)
        return menu

    def context_menu(self, material: Any) -> QMenu:
        """The right-click menu of a material row: add, open, remove files; not applicable."""
        ctx, detail = self.context, self.detail
        reason = ctx.explain(Action.edit_application, detail)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        add = menu.addAction(self.tr("添加文件…"))
        add.triggered.connect(self._on_attach_button_clicked)
        if material.files:
            menu.addMenu(self.open_menu(material, menu))
            remove = menu.addMenu(self.removal_menu(material, menu))
        else:
            remove = menu.addAction(self.tr("移除文件"))
            remove.setEnabled(False)
            remove.setToolTip(self.tr("所选材料没有文件"))
        not_applicable = menu.addAction(self.tr("标记不适用…"))
        not_applicable.triggered.connect(self._on_not_applicable_button_clicked)
        for action in (add, remove, not_applicable):
            if reason:
                action.setEnabled(False)
                action.setToolTip(reason)
        return menu

    def _on_materials_view_context_menu(self, pos: QPoint) -> None:
        index = self.materials_view.indexAt(pos)
        material = self.materials_model.material_at(index.row()) if index.isValid() else None
        if material is None or self.detail is None:
            return
        self.materials_view.selectRow(index.row())
        _popup(self.context_menu(material), self.materials_view.viewport().mapToGlobal(pos))

    def _on_not_applicable_button_clicked(self) -> None:
        material = self._selected_material()
        if material is None:
            self.notice.show_text(self.tr("请先选择一项材料"), "info")
            return
        name = material.name_en if self.context.lang == "en" else material.name_zh
        ctx, case_no, item_no = self.context, self.detail.case_no, material.item_no
        result = TextDialog.ask(
            self,
            self.tr("材料不适用"),
            self.tr("第 {n} 项 {name}：请说明不适用的原因").format(n=material.item_no, name=name),
            material.reason or self._usual_reason(material.item_no),
            submit=lambda reason: ctx.services.cases.mark_material_not_applicable(
                ctx.actor, case_no, item_no, reason
            ),
        )
        if result is not None:
            self.sig_case_changed.emit()

    def _usual_reason(self, item_no: int) -> str:
        item = self.context.services.materials.item(item_no)
        return (item.usually_na_en if self.context.lang == "en" else item.usually_na_zh) or ""

    def _on_materials_view_double_clicked(self, index: QModelIndex) -> None:
        self._open_material(self.materials_model.material_at(index.row()))

    def _on_open_button_clicked(self) -> None:
        self._open_material(self._selected_material())

    def _open_material(self, material: Any) -> None:
        if material is None or not material.files:
            return
        if len(material.files) == 1:
            self.open_file(material.files[0])
            return
        _popup(
            self.open_menu(material, self), self.open_button.mapToGlobal(QPoint(0, self.open_button.height()))
        )

    def open_file(self, file: Any) -> Path | None:
        data = self.context.run_service(self.context.services.cases.read_attachment, file.sha256)
        if data is None:
            return None
        path = write_temp_file(file.filename, data)
        Files.open_url(path)
        return path

    # -- the clerk's decisions --------------------------------------------------------------------
    def _done(self, result: Any) -> bool:
        if result is None:
            return False
        self.sig_case_changed.emit()
        return True

    def submit(self) -> None:
        """Submit the application, after one question naming what follows."""
        ctx, detail = self.context, self.detail
        # the organisation as typed goes with the application, or the question is asked first
        if self.form_dirty() and not settle(self, [self], self.tr("提交申请")):
            return
        missing = [m.item_no for m in detail.materials if m.status == "missing"]
        if not missing and not Messages.confirm(
            self,
            self.tr("提交申请"),
            self.tr(
                "提交案件 {case_no}（{org}）的申请？\n提交后申请资料和材料不能再修改，案件转受理人员受理。"
            ).format(case_no=detail.case_no, org=detail.organization.name),
        ):
            return
        ctx.act(
            ctx.services.cases.submit,
            ctx.actor,
            detail.case_no,
            on_done=self._done,
            label=self.tr("正在提交申请…"),
            parent=self,
        )

    def accept_application(self) -> None:
        ctx, detail = self.context, self.detail
        kind = detail.kind if detail.kind in ("surveillance", "renewal") else "initial"
        document_days, onsite_days = ctx.services.audit_time.days(detail.headcount, kind)
        case_no = detail.case_no

        def accept(request: AcceptRequest) -> Any:
            return ctx.services.cases.accept(
                ctx.actor,
                case_no,
                contract_no=request.contract_no,
                fee=request.fee,
                onsite_days=request.onsite_days,
                document_days=request.document_days,
                override_reason=request.override_reason,
            )

        self._done(AcceptDialog.ask(self, detail.headcount, document_days, onsite_days, submit=accept))

    def reject_application(self) -> None:
        ctx, case_no = self.context, self.detail.case_no
        self._done(
            TextDialog.ask(
                self,
                self.tr("不予受理"),
                self.tr("不予受理案件 {case_no}：案件将就此结束，不能恢复。\n请说明不予受理的原因：").format(
                    case_no=case_no
                ),
                multiline=True,
                submit=lambda reason: ctx.services.cases.reject(ctx.actor, case_no, reason),
                ok_text=self.tr("不予受理"),
            )
        )

    def withdraw(self) -> None:
        ctx, case_no = self.context, self.detail.case_no
        self._done(
            TextDialog.ask(
                self,
                self.tr("撤回申请"),
                self.tr("撤回案件 {case_no}：案件将就此结束，不能恢复。\n请说明撤回的原因：").format(
                    case_no=case_no
                ),
                multiline=True,
                submit=lambda reason: ctx.services.cases.withdraw(ctx.actor, case_no, reason),
                ok_text=self.tr("撤回案件"),
            )
        )

    def assign_team(self) -> None:
        ctx, detail = self.context, self.detail
        candidates = ctx.run_service(ctx.services.people.team_candidates, ctx.actor, detail.case_no)
        if candidates is None:
            return
        members = [t.user_name for t in detail.team if not t.is_leader]
        case_no = detail.case_no
        self._done(
            TeamDialog.ask(
                self,
                candidates,
                detail.team_leader,
                members,
                ctx.lang,
                submit=lambda choice: ctx.services.cases.assign_team(
                    ctx.actor, case_no, choice.leader, list(choice.members)
                ),
            )
        )

    # -- unsaved work -----------------------------------------------------------------------------
    def unsaved_work(self) -> list[Unsaved]:
        """The organisation form typed and not saved."""
        if self.detail is None or not self.form_dirty():
            return []
        return [
            Unsaved(
                self.tr("{case_no} 的申请组织信息").format(case_no=self.detail.case_no),
                self.save_organization,
                self._on_revert_org_button_clicked,
            )
        ]


def _raise(exc: Refused) -> None:
    raise exc


def _popup(menu: QMenu, at: QPoint) -> None:
    """Show a menu made for this one click; it is deleted when it closes."""
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.popup(at)
