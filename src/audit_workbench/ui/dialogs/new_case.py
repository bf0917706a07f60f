"""A new application (新建申请): the applicant organisation and what it applies for.

The unified social credit code is checked as it is typed (widgets.credit_code), so the clerk sees
a wrong check character before submitting. The dialog only collects values; the case service
validates them again and creates the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.cases import MAX_HEADCOUNT
from ..context import UiContext
from ..widgets.credit_code import CreditCodeChecker


@dataclass(frozen=True)
class NewApplication:
    org_name: str
    credit_code: str
    enterprise_type: str
    headcount: int
    scope: str
    address: str
    rubric_id: str | None  # None: the default rubric of the enterprise type


class NewCaseDialog(QDialog):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("新建申请"))
        self.setMinimumWidth(560)

        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText(self.tr("与营业执照一致的组织全称"))
        self.code_edit = QLineEdit()
        self.code_status = QLabel()
        self.code_checker = CreditCodeChecker(self.code_edit, self.code_status)
        self.type_combo = QComboBox()
        for etype in ("production", "sales"):
            self.type_combo.addItem(context.enterprise_type_label(etype), etype)
        self.headcount_spin = QSpinBox()
        self.headcount_spin.setRange(1, MAX_HEADCOUNT)
        self.headcount_spin.setValue(50)
        self.headcount_spin.setSuffix(self.tr(" 人"))
        self.headcount_spin.setToolTip(self.tr("有效人数，用于计算审查人日"))
        self.scope_edit = QPlainTextEdit()
        self.scope_edit.setPlaceholderText(
            self.tr("例如：家用空调器的售后服务（配送、安装、维修、投诉处理）")
        )
        self.scope_edit.setTabChangesFocus(True)
        self.scope_edit.setFixedHeight(72)
        self.address_edit = QLineEdit()
        self.address_edit.setMaxLength(300)
        self.rubric_combo = QComboBox()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("组织名称"), self.name_edit)
        form.addRow(self.tr("统一社会信用代码"), self.code_edit)
        form.addRow("", self.code_status)
        form.addRow(self.tr("企业类型"), self.type_combo)
        form.addRow(self.tr("评价规则"), self.rubric_combo)
        form.addRow(self.tr("人数"), self.headcount_spin)
        form.addRow(self.tr("认证范围"), self.scope_edit)
        form.addRow(self.tr("地址"), self.address_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("创建"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.code_checker.sig_validity_changed.connect(self._update_ok)
        self.name_edit.textChanged.connect(self._update_ok)
        self.scope_edit.textChanged.connect(self._update_ok)
        self.type_combo.currentIndexChanged.connect(self._on_type_combo_changed)
        self._on_type_combo_changed()
        self._update_ok()

    # -- live checks ------------------------------------------------------------------------------
    def _on_type_combo_changed(self) -> None:
        etype = self.type_combo.currentData()
        current = self.rubric_combo.currentData()
        self.rubric_combo.clear()
        default = self.context.services.rubrics.default_for(etype)
        self.rubric_combo.addItem(
            self.tr("默认：{title}").format(title=default.rubric.title.get(self.context.lang)), None
        )
        for loaded in self.context.services.rubrics.all():
            rubric = loaded.rubric
            if loaded.id == default.id or rubric.enterprise_type not in (None, etype):
                continue
            self.rubric_combo.addItem(rubric.title.get(self.context.lang), loaded.id)
        index = self.rubric_combo.findData(current)
        self.rubric_combo.setCurrentIndex(max(index, 0))

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(
            bool(self.name_edit.text().strip())
            and self.code_checker.is_valid()
            and bool(self.scope_edit.toPlainText().strip())
        )

    def application(self) -> NewApplication:
        return NewApplication(
            org_name=self.name_edit.text().strip(),
            credit_code=self.code_edit.text().strip(),
            enterprise_type=self.type_combo.currentData(),
            headcount=self.headcount_spin.value(),
            scope=self.scope_edit.toPlainText().strip(),
            address=self.address_edit.text().strip(),
            rubric_id=self.rubric_combo.currentData(),
        )

    @classmethod
    def ask(cls, context: UiContext, parent: QWidget | None = None) -> NewApplication | None:
        dialog = cls(context, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.application()
        return None
