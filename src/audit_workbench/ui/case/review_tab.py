"""文件审查 — the document review of the applicant's service-system documents.

Findings are written per rubric category (one finding a line), plus general findings; the outcome is
pass (the case goes on site) or revise (it stays here for the applicant to revise). Every recorded
review stays in the history below.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action
from ..context import UiContext
from ..guards import Unsaved
from .common import Notice, RowSpacingDelegate, outcome_label

GENERAL = ""  # the key of findings not tied to one category


class ReviewTab(QWidget):
    sig_case_changed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        self._drafts: dict[str, str] = {}
        self._current_key: str | None = None
        self._build()

    def _build(self) -> None:
        self.notice = Notice(self)
        form_box = QGroupBox(self.tr("记录文件审查"), self)
        self.category_list = QListWidget(form_box)
        self.category_list.setObjectName("review_categories")
        self.category_list.setMaximumWidth(260)
        self.category_list.setItemDelegate(RowSpacingDelegate(self.category_list))
        self.category_list.currentItemChanged.connect(self._on_category_list_current_changed)
        self.findings_edit = QPlainTextEdit(form_box)
        self.findings_edit.setObjectName("review_findings")
        self.findings_edit.setPlaceholderText(self.tr("本类别的审查发现，每行一条"))
        self.findings_edit.setTabChangesFocus(True)
        self.findings_edit.textChanged.connect(self._on_findings_edit_text_changed)
        self.category_caption = QLabel(form_box)
        font = self.category_caption.font()
        font.setBold(True)
        self.category_caption.setFont(font)
        findings_side = QVBoxLayout()
        findings_side.addWidget(self.category_caption)
        findings_side.addWidget(self.findings_edit, 1)
        findings_row = QHBoxLayout()
        findings_row.addWidget(self.category_list)
        findings_row.addLayout(findings_side, 1)

        self.pass_radio = QRadioButton(self.tr("通过（转现场评审）"), form_box)
        self.revise_radio = QRadioButton(self.tr("需修改（申请方修改后再审）"), form_box)
        self.outcome_group = QButtonGroup(self)
        self.outcome_group.addButton(self.pass_radio)
        self.outcome_group.addButton(self.revise_radio)
        self.pass_radio.setChecked(True)
        self.note_edit = QLineEdit(form_box)
        self.note_edit.setObjectName("review_note")
        self.note_edit.setPlaceholderText(self.tr("审查意见"))
        self.record_button = QPushButton(self.tr("记录审查结论"), form_box)
        self.record_button.clicked.connect(self.record_review)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(QLabel(self.tr("结论："), form_box))
        outcome_row.addWidget(self.pass_radio)
        outcome_row.addWidget(self.revise_radio)
        outcome_row.addStretch(1)
        note_row = QHBoxLayout()
        note_row.addWidget(QLabel(self.tr("意见："), form_box))
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.record_button)
        form_layout = QVBoxLayout(form_box)
        form_layout.addLayout(findings_row, 1)
        form_layout.addLayout(outcome_row)
        form_layout.addLayout(note_row)

        history_box = QGroupBox(self.tr("审查记录"), self)
        self.history_tree = QTreeWidget(history_box)
        self.history_tree.setObjectName("review_history")
        self.history_tree.setHeaderLabels(
            [self.tr("时间 / 类别"), self.tr("审查员 / 发现"), self.tr("结论"), self.tr("意见")]
        )
        self.history_tree.setItemDelegate(RowSpacingDelegate(self.history_tree))
        head = self.history_tree.header()
        head.setStretchLastSection(False)
        head.resizeSection(0, 190)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.resizeSection(2, 90)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history_tree)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(form_box)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    # -- showing ----------------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        same_case = self.detail is not None and self.detail.case_no == detail.case_no
        self.detail = detail
        if not same_case:
            self._drafts.clear()
        rubric = self.context.services.rubrics.get(detail.rubric_id).rubric
        self.category_list.blockSignals(True)
        self.category_list.clear()
        for category in rubric.categories:
            item = QListWidgetItem(f"{category.code}  {category.name.get(self.context.lang)}")
            item.setData(Qt.ItemDataRole.UserRole, category.code)
            self.category_list.addItem(item)
        general = QListWidgetItem(self.tr("综合（不针对类别）"))
        general.setData(Qt.ItemDataRole.UserRole, GENERAL)
        self.category_list.addItem(general)
        self.category_list.blockSignals(False)
        self._current_key = None
        self.category_list.setCurrentRow(0)
        self._mark_categories()
        self._fill_history(rubric)
        reason = self.context.explain(Action.record_review, detail)
        self.context.guard(self.record_button, Action.record_review, detail)
        for widget in (self.findings_edit, self.note_edit):
            widget.setReadOnly(reason is not None)
        if reason and detail.status == "document_review":
            self.notice.show_text(self.tr("只读：{reason}").format(reason=reason), "info")
        elif reason:
            self.notice.show_text(
                self.tr("案件处于“{state}”状态，文件审查记录为只读。").format(
                    state=self.context.state_label(detail.status)
                ),
                "info",
            )
        else:
            self.notice.clear()

    def _fill_history(self, rubric: Any) -> None:
        names = {c.code: c.name.get(self.context.lang) for c in rubric.categories}
        self.history_tree.clear()
        for review in reversed(self.detail.reviews):
            top = QTreeWidgetItem(
                [
                    self.context.fmt_datetime(review.created_at),
                    self.detail.person(review.reviewer),
                    outcome_label(review.outcome),
                    review.note,
                ]
            )
            top.setToolTip(3, review.note)
            top.setToolTip(1, self.context.person_tip(review.reviewer))
            for category, text in review.findings:
                label = f"{category} {names.get(category, '')}" if category else self.tr("综合")
                child = QTreeWidgetItem([label, text, "", ""])
                child.setToolTip(0, label)
                child.setToolTip(1, text)
                top.addChild(child)
            self.history_tree.addTopLevelItem(top)
            top.setExpanded(True)
        if not self.detail.reviews:
            self.history_tree.addTopLevelItem(QTreeWidgetItem([self.tr("尚无审查记录"), "", "", ""]))

    def _mark_categories(self) -> None:
        for row in range(self.category_list.count()):
            item = self.category_list.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            font = item.font()
            font.setBold(bool(self._drafts.get(key, "").strip()))
            item.setFont(font)

    def _on_category_list_current_changed(self, current: QListWidgetItem | None, previous: Any) -> None:
        if current is None:
            return
        self._current_key = current.data(Qt.ItemDataRole.UserRole)
        self.category_caption.setText(current.text())
        self.findings_edit.blockSignals(True)
        self.findings_edit.setPlainText(self._drafts.get(self._current_key or GENERAL, ""))
        self.findings_edit.blockSignals(False)

    def _on_findings_edit_text_changed(self) -> None:
        if self._current_key is not None:
            self._drafts[self._current_key] = self.findings_edit.toPlainText()
            self._mark_categories()

    # -- recording --------------------------------------------------------------------------------
    def set_findings(self, key: str, text: str) -> None:
        """Write the findings of one category (key "" for general ones), as typing them would."""
        for row in range(self.category_list.count()):
            if self.category_list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.category_list.setCurrentRow(row)
                self.findings_edit.setPlainText(text)
                return
        raise KeyError(key)

    def findings(self) -> list[tuple[str | None, str]]:
        out: list[tuple[str | None, str]] = []
        for row in range(self.category_list.count()):
            key = self.category_list.item(row).data(Qt.ItemDataRole.UserRole)
            for line in self._drafts.get(key, "").splitlines():
                if line.strip():
                    out.append((key or None, line.strip()))
        return out

    def record_review(self) -> None:
        ctx = self.context
        outcome = "pass" if self.pass_radio.isChecked() else "revise"

        def recorded(_result: Any) -> None:
            self._drafts.clear()
            self.note_edit.clear()
            self.sig_case_changed.emit()

        ctx.act(
            ctx.services.cases.record_review,
            ctx.actor,
            self.detail.case_no,
            outcome=outcome,
            note=self.note_edit.text(),
            findings=self.findings(),
            on_done=recorded,
            label=self.tr("正在记录文件审查…"),
            parent=self,
        )

    def unsaved_work(self) -> list[Unsaved]:
        """Findings and an opinion typed and not recorded (recording is the review's conclusion,
        so they are kept on this page while the window is open, and asked about before they go)."""
        typed = any(text.strip() for text in self._drafts.values()) or bool(self.note_edit.text().strip())
        if self.detail is None or not typed or self.note_edit.isReadOnly():
            return []

        def discard() -> None:
            self._drafts.clear()
            self.note_edit.clear()
            self.findings_edit.blockSignals(True)
            self.findings_edit.clear()
            self.findings_edit.blockSignals(False)
            self._mark_categories()

        return [
            Unsaved(
                self.tr("{case_no} 尚未记录的文件审查发现").format(case_no=self.detail.case_no), None, discard
            )
        ]
