"""Opening a surveillance (监督审核) or renewal (再认证) audit of a certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit, QWidget

from ..context import UiContext
from .form import FormDialog, Submit


@dataclass(frozen=True)
class FollowUp:
    kind: str  # surveillance | renewal
    contract_no: str | None


class FollowUpDialog(FormDialog):
    def __init__(
        self,
        context: UiContext,
        number: str,
        kinds: tuple[str, ...],
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(self.tr("开启后续审核 — {number}").format(number=number), parent, submit)
        self.setMinimumWidth(460)
        self.kind_combo = QComboBox()
        for kind in kinds:
            self.kind_combo.addItem(context.kind_label(kind), kind)
        self.contract_edit = QLineEdit()
        self.contract_edit.setPlaceholderText(self.tr("留空则沿用原合同编号"))
        note = QLabel(self.tr("将新建一个已受理的案件，沿用原证书的认证范围；请随后指派评审组。"))
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        self.form.setVerticalSpacing(10)
        self.form.addRow(self.tr("审核类型"), self.kind_combo)
        self.form.addRow(self.tr("合同编号"), self.contract_edit)
        self.outer.addWidget(note)
        self.ok_button.setText(self.tr("开启"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.finish(self.kind_combo)

    def follow_up(self) -> FollowUp:
        return FollowUp(self.kind_combo.currentData(), self.contract_edit.text().strip() or None)

    def value(self) -> FollowUp:
        return self.follow_up()

    @classmethod
    def ask(
        cls,
        context: UiContext,
        number: str,
        kinds: tuple[str, ...],
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> Any:
        return cls(context, number, kinds, parent, submit).run()
