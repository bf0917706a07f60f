"""Opening a surveillance (监督审核) or renewal (再认证) audit of a certificate."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..context import UiContext


@dataclass(frozen=True)
class FollowUp:
    kind: str  # surveillance | renewal
    contract_no: str | None


class FollowUpDialog(QDialog):
    def __init__(
        self, context: UiContext, number: str, kinds: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("开启后续审核 — {number}").format(number=number))
        self.setMinimumWidth(460)
        self.kind_combo = QComboBox()
        for kind in kinds:
            self.kind_combo.addItem(context.kind_label(kind), kind)
        self.contract_edit = QLineEdit()
        self.contract_edit.setPlaceholderText(self.tr("留空则沿用原合同编号"))
        note = QLabel(self.tr("将新建一个已受理的案件，沿用原证书的认证范围；请随后指派评审组。"))
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        form.addRow(self.tr("审核类型"), self.kind_combo)
        form.addRow(self.tr("合同编号"), self.contract_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("开启"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def follow_up(self) -> FollowUp:
        return FollowUp(self.kind_combo.currentData(), self.contract_edit.text().strip() or None)

    @classmethod
    def ask(
        cls, context: UiContext, number: str, kinds: tuple[str, ...], parent: QWidget | None = None
    ) -> FollowUp | None:
        dialog = cls(context, number, kinds, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.follow_up()
        return None
