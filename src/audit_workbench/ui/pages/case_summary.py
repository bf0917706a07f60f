"""A read-only summary of one case: the stand-in for the case page when that is not installed.

It has the case page's interface (`show_case(case_no, tab)`, `sig_case_changed`), so the main
window opens cases the same way whichever page it has.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.common import PageHeader


class CaseSummaryPage(QWidget):
    sig_case_changed = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.case_no: str | None = None
        self.header = PageHeader(self.tr("案件"))
        self.form_box = QGroupBox(self.tr("案件概况"))
        self.form = QFormLayout(self.form_box)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.form_box)
        layout.addStretch(1)

    def show_case(self, case_no: str, tab: str = "application") -> None:
        detail = self.context.run_service(self.context.services.cases.get, case_no)
        if detail is None:
            return
        self.case_no = case_no
        c = self.context
        self.header.title.setText(f"{detail.case_no}  {detail.organization.name}")
        self.header.set_subtitle(c.state_label(detail.status))
        while self.form.rowCount():
            self.form.removeRow(0)
        team = "、".join(f"{t.display_name}{self.tr('（组长）') if t.is_leader else ''}" for t in detail.team)
        score = detail.recommended_total if detail.recommended_total is not None else detail.score.total
        rows = [
            (self.tr("类型"), c.kind_label(detail.kind)),
            (self.tr("状态"), c.state_label(detail.status)),
            (self.tr("统一社会信用代码"), detail.organization.credit_code),
            (self.tr("企业类型"), c.enterprise_type_label(detail.enterprise_type)),
            (self.tr("评价规则"), c.rubric_title(detail.rubric_id)),
            (self.tr("人数"), str(detail.headcount)),
            (self.tr("认证范围"), detail.scope),
            (self.tr("评审组"), team or "—"),
            (self.tr("得分"), f"{score:.1f}" if score is not None else "—"),
            (self.tr("等级"), c.grade_label(detail.decided_grade or detail.recommended_grade) or "—"),
            (self.tr("证书"), detail.certificate.number if detail.certificate else "—"),
        ]
        for label, value in rows:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, text)
