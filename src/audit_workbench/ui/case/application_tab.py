"""申请 — the application: the organisation, the 12 materials, and the clerk's decisions on it.

The decisions (submit, accept, reject, withdraw, assign the team) are offered by the case page's
action bar, which calls the methods here; this tab holds the materials' own buttons.

Materials take files from a file dialog or dropped onto their row; an attached file opens in the
desktop's viewer from a temporary copy (the store keeps it by SHA-256 and checks it on read).
Submit, accept, reject, withdraw and the audit team are the clerk's; each button that this user may
not press now is disabled with the policy's reason as its tooltip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action, Role
from ..context import UiContext
from .common import Notice, fmt_points, join_list, material_status_label, write_temp_file
from .dialogs import AcceptDialog, Files, TeamDialog, TextDialog

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


class ApplicationTab(QWidget):
    sig_case_changed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        self._build()

    def _build(self) -> None:
        self.notice = Notice(self)
        org_box = QGroupBox(self.tr("申请组织"), self)
        self.org_form = QFormLayout(org_box)
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
        boxes = QHBoxLayout()
        boxes.addWidget(org_box, 1)
        boxes.addWidget(case_box, 1)

        self.materials_model = MaterialsModel(self.context.lang, self)
        self.materials_view = MaterialsView(self)
        self.materials_view.setObjectName("materials_view")
        self.materials_view.setModel(self.materials_model)
        self.materials_view.setToolTip(self.tr("把文件拖到某一行即可作为该项材料；双击打开文件"))
        head = self.materials_view.horizontalHeader()
        head.setSectionResizeMode(COL_ITEM, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(COL_FILES, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(COL_FILES, 260)
        self.materials_view.sig_files_dropped.connect(self._on_materials_view_files_dropped)
        self.materials_view.doubleClicked.connect(self._on_materials_view_double_clicked)
        self.materials_view.selectionModel().currentRowChanged.connect(lambda *_: self._guard())

        self.attach_button = QPushButton(self.tr("提供文件…"), self)
        self.attach_button.clicked.connect(self._on_attach_button_clicked)
        self.open_button = QPushButton(self.tr("打开文件"), self)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.not_applicable_button = QPushButton(self.tr("标记不适用…"), self)
        self.not_applicable_button.clicked.connect(self._on_not_applicable_button_clicked)
        material_buttons = QHBoxLayout()
        for button in (self.attach_button, self.open_button, self.not_applicable_button):
            material_buttons.addWidget(button)
        material_buttons.addStretch(1)

        materials_title = QLabel(self.tr("申请材料（12 项）"), self)
        font = materials_title.font()
        font.setBold(True)
        materials_title.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(boxes)
        layout.addWidget(materials_title)
        layout.addWidget(self.materials_view, 1)
        layout.addLayout(material_buttons)

    @staticmethod
    def _value_label(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- showing ----------------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        row = self.materials_view.currentIndex().row()
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
        self.open_button.setEnabled(bool(material is not None and material.files))
        self.open_button.setToolTip(
            "" if material is not None and material.files else self.tr("所选材料没有文件")
        )

    # -- materials --------------------------------------------------------------------------------
    def attach_files(self, item_no: int, paths: list[Path]) -> bool:
        result = self.context.run_service(
            self.context.services.cases.set_material_files,
            self.context.actor,
            self.detail.case_no,
            item_no,
            paths,
        )
        if result is None:
            return False
        self.sig_case_changed.emit()
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

    def _on_not_applicable_button_clicked(self) -> None:
        material = self._selected_material()
        if material is None:
            self.notice.show_text(self.tr("请先选择一项材料"), "info")
            return
        name = material.name_en if self.context.lang == "en" else material.name_zh
        reason = TextDialog.ask(
            self,
            self.tr("材料不适用"),
            self.tr("第 {n} 项 {name}：请说明不适用的原因").format(n=material.item_no, name=name),
            material.reason or self._usual_reason(material.item_no),
        )
        if reason is None:
            return
        result = self.context.run_service(
            self.context.services.cases.mark_material_not_applicable,
            self.context.actor,
            self.detail.case_no,
            material.item_no,
            reason,
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
        menu = QMenu(self)
        for file in material.files:
            action = QAction(file.filename, menu)
            action.triggered.connect(lambda _=False, f=file: self.open_file(f))
            menu.addAction(action)
        menu.popup(self.open_button.mapToGlobal(QPoint(0, self.open_button.height())))

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

    def submit(self) -> bool:
        ctx = self.context
        return self._done(ctx.run_service(ctx.services.cases.submit, ctx.actor, self.detail.case_no))

    def accept_application(self) -> bool:
        ctx, detail = self.context, self.detail
        kind = detail.kind if detail.kind in ("surveillance", "renewal") else "initial"
        document_days, onsite_days = ctx.services.audit_time.days(detail.headcount, kind)
        request = AcceptDialog.ask(self, detail.headcount, document_days, onsite_days)
        if request is None:
            return False
        return self._done(
            ctx.run_service(
                ctx.services.cases.accept,
                ctx.actor,
                detail.case_no,
                contract_no=request.contract_no,
                fee=request.fee,
                onsite_days=request.onsite_days,
                document_days=request.document_days,
                override_reason=request.override_reason,
            )
        )

    def reject_application(self) -> bool:
        reason = TextDialog.ask(self, self.tr("不予受理"), self.tr("请说明不予受理的原因"), multiline=True)
        if reason is None:
            return False
        ctx = self.context
        return self._done(ctx.run_service(ctx.services.cases.reject, ctx.actor, self.detail.case_no, reason))

    def withdraw(self) -> bool:
        reason = TextDialog.ask(self, self.tr("撤回申请"), self.tr("请说明撤回的原因"), multiline=True)
        if reason is None:
            return False
        ctx = self.context
        return self._done(
            ctx.run_service(ctx.services.cases.withdraw, ctx.actor, self.detail.case_no, reason)
        )

    def assign_team(self) -> bool:
        ctx, detail = self.context, self.detail
        auditors = [
            (u.name, u.display_name or u.name)
            for u in ctx.services.users.list()
            if u.active and Role.auditor.value in u.roles
        ]
        members = [t.user_name for t in detail.team if not t.is_leader]
        choice = TeamDialog.ask(self, auditors, detail.team_leader, members)
        if choice is None:
            return False
        return self._done(
            ctx.run_service(
                ctx.services.cases.assign_team, ctx.actor, detail.case_no, choice.leader, list(choice.members)
            )
        )
