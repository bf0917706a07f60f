"""A new application (新建申请): the applicant organisation and what it applies for.

The unified social credit code is checked as it is typed (widgets.credit_code), so the clerk sees
a wrong check character before submitting. A valid code that is on record shows that organisation —
its recorded name and address, its cases and certificates — and asks: apply for this organisation
(a differing name, address or contact is then proposed as a change, never applied), or correct the
code; the dialog cannot be accepted until one is chosen. The dialog hands its values to the case service (its
`submit`); a refusal is shown in the dialog, which stays open with everything typed (ui.dialogs.form).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...services.cases import MAX_HEADCOUNT
from ...services.organizations import OrganizationDetail
from ..case.common import join_list
from ..context import UiContext
from ..widgets.credit_code import CreditCodeChecker
from .form import FormDialog, Submit


@dataclass(frozen=True)
class NewApplication:
    org_name: str
    credit_code: str
    enterprise_type: str
    headcount: int
    scope: str
    address: str
    rubric_id: str | None  # None: the default rubric of the enterprise type
    contact: str = ""
    # The credit code is on record and the clerk chose to apply for that organisation.
    existing_organization: bool = False


class NewCaseDialog(FormDialog):
    FIELDS_BY_CODE = {  # noqa: RUF012
        "bad_credit_code": "code_edit",
        "bad_headcount": "headcount_spin",
        "too_long": "name_edit",
        "missing_value": "name_edit",
    }

    def __init__(
        self, context: UiContext, parent: QWidget | None = None, submit: Submit | None = None
    ) -> None:
        super().__init__(self.tr("新建申请"), parent, submit)
        self.context = context
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
        self.contact_edit = QLineEdit()
        self.contact_edit.setMaxLength(200)
        self.contact_edit.setPlaceholderText(self.tr("联系人及电话"))
        self.rubric_combo = QComboBox()

        # The organisation on record under the code typed, and the clerk's choice about it.
        self.existing: OrganizationDetail | None = None
        self.existing_box = QGroupBox(self.tr("该统一社会信用代码已登记"))
        self.existing_label = QLabel()
        self.existing_label.setWordWrap(True)
        self.existing_label.setTextFormat(Qt.TextFormat.PlainText)
        self.apply_radio = QRadioButton(self.tr("为该组织申请"))
        self.correct_radio = QRadioButton(self.tr("更正统一社会信用代码"))
        self.choice_group = QButtonGroup(self)
        self.choice_group.addButton(self.apply_radio)
        self.choice_group.addButton(self.correct_radio)
        self.difference_label = QLabel()
        self.difference_label.setWordWrap(True)
        self.difference_label.setTextFormat(Qt.TextFormat.PlainText)
        existing_layout = QVBoxLayout(self.existing_box)
        existing_layout.addWidget(self.existing_label)
        existing_layout.addWidget(self.apply_radio)
        existing_layout.addWidget(self.correct_radio)
        existing_layout.addWidget(self.difference_label)
        self.existing_box.setVisible(False)

        form = self.form
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
        form.addRow(self.tr("联系人"), self.contact_edit)

        self.ok_button.setText(self.tr("创建"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.outer.setContentsMargins(20, 18, 20, 14)
        self.outer.addWidget(self.existing_box)

        self.code_edit.textChanged.connect(self._on_code_edit_text_changed)
        self.apply_radio.toggled.connect(self._on_apply_radio_toggled)
        self.correct_radio.toggled.connect(self._on_correct_radio_toggled)
        self.name_edit.textChanged.connect(self._show_differences)
        self.address_edit.textChanged.connect(self._show_differences)
        self.contact_edit.textChanged.connect(self._show_differences)
        self.type_combo.currentIndexChanged.connect(self._on_type_combo_changed)
        self._on_type_combo_changed()
        self.finish(self.name_edit)

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

    def _on_code_edit_text_changed(self, text: str) -> None:
        found = self.context.services.organizations.find(text) if self.code_checker.is_valid() else None
        if (found is None) == (self.existing is None) and (
            found is None or self.existing is None or found.credit_code == self.existing.credit_code
        ):
            return
        self.existing = found
        self.choice_group.setExclusive(False)  # so neither choice is taken until the clerk takes one
        self.apply_radio.setChecked(False)
        self.correct_radio.setChecked(False)
        self.choice_group.setExclusive(True)
        self.existing_box.setVisible(found is not None)
        if found is not None:
            self.existing_label.setText(self._describe(found))
        self._show_differences()

    def _describe(self, org: OrganizationDetail) -> str:
        c = self.context
        lines = [
            self.tr("登记名称：{name}").format(name=org.name),
            self.tr("地址：{address}").format(address=org.address or "—"),
            self.tr("联系人：{contact}").format(contact=org.contact or "—"),
        ]
        cases = join_list(
            c.lang,
            (
                self.tr("{case_no}（{status}）").format(case_no=x.case_no, status=c.state_label(x.status))
                for x in org.cases
            ),
        )
        lines.append(self.tr("案件：{cases}").format(cases=cases or self.tr("无")))
        certificates = join_list(
            c.lang,
            (
                self.tr("{number}（{status}，{grade}）").format(
                    number=x.number, status=c.certificate_state_label(x.status), grade=c.grade_label(x.grade)
                )
                for x in org.certificates
            ),
        )
        lines.append(self.tr("证书：{certificates}").format(certificates=certificates or self.tr("无")))
        if org.pending:
            lines.append(self.tr("待处理的变更提议：{n} 项").format(n=len(org.pending)))
        return "\n".join(lines)

    def _differences(self) -> list[str]:
        org = self.existing
        if org is None:
            return []
        typed = (
            (self.tr("名称"), self.name_edit.text().strip(), org.name),
            (self.tr("地址"), self.address_edit.text().strip(), org.address),
            (self.tr("联系人"), self.contact_edit.text().strip(), org.contact),
        )
        return [
            self.tr("{field}“{typed}”（登记为“{recorded}”）").format(field=f, typed=t, recorded=r or "—")
            for f, t, r in typed
            if t and t != r
        ]

    def _show_differences(self) -> None:
        differences = self._differences()
        if self.existing is None or not differences:
            self.difference_label.setText("")
            return
        self.difference_label.setText(
            self.tr(
                "与登记不同：{differences}。为该组织申请时，这些内容只作为变更提议记录，不会修改登记信息；"
                "组织更名或地址变更须经组织信息变更办理。"
            ).format(differences="；".join(differences))
        )

    def _on_apply_radio_toggled(self, checked: bool) -> None:
        if checked and self.existing is not None and not self.name_edit.text().strip():
            self.name_edit.setText(self.existing.name)

    def _on_correct_radio_toggled(self, checked: bool) -> None:
        if checked:
            self.code_edit.setFocus()
            self.code_edit.selectAll()

    def problem(self) -> tuple[str, QWidget | None] | None:
        """What is missing, said in the dialog (OK is never greyed out without a word why)."""
        if not self.name_edit.text().strip():
            return self.tr("请填写组织名称"), self.name_edit
        if not self.code_checker.is_valid():
            return self.code_checker.problem() or self.tr("请输入统一社会信用代码"), self.code_edit
        if not self.scope_edit.toPlainText().strip():
            return self.tr("请填写认证范围"), self.scope_edit
        if self.existing is not None and not self.apply_radio.isChecked():
            return self.tr(
                "该统一社会信用代码已登记：请选择为该组织申请，或更正统一社会信用代码"
            ), self.apply_radio
        return None

    def value(self) -> NewApplication:
        return self.application()

    def application(self) -> NewApplication:
        return NewApplication(
            org_name=self.name_edit.text().strip(),
            credit_code=self.code_edit.text().strip(),
            enterprise_type=self.type_combo.currentData(),
            headcount=self.headcount_spin.value(),
            scope=self.scope_edit.toPlainText().strip(),
            address=self.address_edit.text().strip(),
            rubric_id=self.rubric_combo.currentData(),
            contact=self.contact_edit.text().strip(),
            existing_organization=self.existing is not None and self.apply_radio.isChecked(),
        )

    @classmethod
    def ask(cls, context: UiContext, parent: QWidget | None = None, submit: Submit | None = None) -> Any:
        return cls(context, parent, submit).run()
