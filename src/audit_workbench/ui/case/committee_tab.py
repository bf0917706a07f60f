"""评审委员会 — what the committee reads before it votes, and the vote.

A read-only summary of the concluded audit: the recommended total and grade, the category scores as
a bar chart, every indicator with its note, the nonconformities and how they were closed, and the
document review findings. Members who reviewed or audited the case see all of it but the vote is
disabled with the policy's reason (impartiality, ISO/IEC 17065).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import vocabulary
from ...core.policy import Action
from ...core.rubric import grade_rank
from ...core.scoring import format_score
from ..context import Messages, UiContext
from ..guards import Unsaved
from ..widgets.charts import BarChart
from ..widgets.common import scrolling
from .common import (
    Notice,
    Row,
    RowsModel,
    RowSpacingDelegate,
    decision_label,
    header_width,
    join_list,
    nc_numbers,
    nc_status_label,
    outcome_label,
)
from .scoring_model import (
    COL_CODE,
    COL_EVIDENCE,
    COL_MAX,
    COL_NA,
    COL_NAME,
    COL_NOTE,
    COL_POINTS,
    ScoringModel,
)


class CommitteeTab(QWidget):
    sig_case_changed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        self._build()

    def _build(self) -> None:
        self.notice = Notice(self)

        summary_box = QGroupBox(self.tr("评审组建议"), self)
        summary = QFormLayout(summary_box)
        self.recommended_label = QLabel(summary_box)
        self.recommended_label.setObjectName("recommended")
        font = self.recommended_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.recommended_label.setFont(font)
        self.score_facts_label = QLabel(summary_box)
        self.score_facts_label.setWordWrap(True)
        self.conclusion_label = QLabel(summary_box)
        self.conclusion_label.setWordWrap(True)
        self.conclusion_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.team_label = QLabel(summary_box)
        self.team_label.setWordWrap(True)
        summary.addRow(self.tr("推荐"), self.recommended_label)
        summary.addRow(self.tr("得分"), self.score_facts_label)
        summary.addRow(self.tr("评审结论"), self.conclusion_label)
        summary.addRow(self.tr("评审组"), self.team_label)

        self.chart = BarChart()
        self.chart.setMinimumHeight(260)  # every category's name beside its bar
        self.chart_view = QWidget(self)
        self.chart_view.setObjectName("category_chart")
        chart_layout = QVBoxLayout(self.chart_view)
        chart_layout.setContentsMargins(4, 4, 4, 4)
        chart_title = QLabel(self.tr("各类别得分率（%）"), self.chart_view)
        chart_title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        chart_layout.addWidget(chart_title)
        chart_layout.addWidget(self.chart, 1)

        vote_box = QGroupBox(self.tr("表决"), self)
        self.vote_box = vote_box
        decision = self.context.label  # the decisions' words are the core's (core/vocabulary.py)
        self.approve_radio = QRadioButton(decision("decision", "approve"), vote_box)
        self.lower_radio = QRadioButton(decision("decision", "lower"), vote_box)
        self.return_radio = QRadioButton(decision("decision", "return"), vote_box)
        self.reject_radio = QRadioButton(decision("decision", "reject"), vote_box)
        self.decision_group = QButtonGroup(self)
        for radio, key in (
            (self.approve_radio, "approve"),
            (self.lower_radio, "lower"),
            (self.return_radio, "return"),
            (self.reject_radio, "reject"),
        ):
            radio.setProperty("decision", key)
            self.decision_group.addButton(radio)
        self.approve_radio.setChecked(True)
        self.grade_combo = QComboBox(vote_box)
        self.grade_combo.setEnabled(False)
        self.lower_radio.toggled.connect(
            lambda on: self.grade_combo.setEnabled(on and self.vote_button.isEnabled())
        )
        self.comment_edit = QPlainTextEdit(vote_box)
        self.comment_edit.setObjectName("vote_comment")
        self.comment_edit.setPlaceholderText(self.tr("表决意见"))
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setFixedHeight(60)
        self.vote_button = QPushButton(self.tr("提交表决"), vote_box)
        self.vote_button.setObjectName("primary")
        self.vote_button.clicked.connect(self.vote)
        self.votes_label = QLabel(vote_box)
        self.votes_label.setWordWrap(True)
        # The vote is a strip across the foot of the tab: decision | comment | round and button,
        # so the summary and chart above keep their height on a laptop screen.
        decisions = QGridLayout()
        decisions.addWidget(self.approve_radio, 0, 0)
        lower = QHBoxLayout()
        lower.addWidget(self.lower_radio)
        lower.addWidget(self.grade_combo)
        lower.addStretch(1)
        decisions.addLayout(lower, 0, 1)
        decisions.addWidget(self.return_radio, 1, 0)
        decisions.addWidget(self.reject_radio, 1, 1)
        send = QVBoxLayout()
        send.addWidget(self.votes_label)
        send.addWidget(self.vote_button, 0, Qt.AlignmentFlag.AlignRight)
        self.votes_label.setMinimumWidth(200)
        self.votes_label.setMaximumWidth(280)
        vote_layout = QHBoxLayout(vote_box)
        vote_layout.addLayout(decisions)
        vote_layout.addWidget(self.comment_edit, 1)
        vote_layout.addLayout(send)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(summary_box)
        left_layout.addWidget(self.chart_view, 1)

        self.indicator_model = ScoringModel(self.context.lang, self)
        self.indicator_view = QTreeView(self)
        self.indicator_view.setObjectName("committee_indicators")
        self.indicator_view.setModel(self.indicator_model)
        self.indicator_view.setRootIsDecorated(False)
        self.indicator_view.setItemsExpandable(False)
        self.indicator_view.setUniformRowHeights(True)
        self.indicator_view.setAlternatingRowColors(True)
        self.indicator_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.indicator_view.setItemDelegate(RowSpacingDelegate(self.indicator_view))
        self.indicator_view.setColumnHidden(COL_EVIDENCE, False)
        head = self.indicator_view.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (COL_CODE, 56),
            (COL_MAX, 48),
            (COL_POINTS, 64),
            (COL_NA, 60),
            (COL_NOTE, 220),
            (COL_EVIDENCE, 44),
        ):
            head.resizeSection(column, header_width(head, column, width))

        self.nc_model = RowsModel(
            [
                self.tr("编号"),
                self.tr("指标"),
                self.tr("不符合事实"),
                self.tr("期限"),
                self.tr("状态"),
                self.tr("纠正措施及验证"),
                self.tr("关闭人"),
            ],
            self,
        )
        self.nc_view = QTableView(self)
        self.nc_view.setObjectName("committee_nonconformities")
        self.nc_view.setModel(self.nc_model)
        self.nc_view.setItemDelegate(RowSpacingDelegate(self.nc_view))
        self.nc_view.verticalHeader().hide()
        self.nc_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.nc_view.setWordWrap(True)
        nc_head = self.nc_view.horizontalHeader()
        nc_head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        nc_head.setStretchLastSection(False)
        for column in (0, 1, 3, 4, 6):
            nc_head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        nc_head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        nc_head.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

        self.findings_tree = QTreeWidget(self)
        self.findings_tree.setObjectName("committee_findings")
        self.findings_tree.setHeaderLabels([self.tr("审查 / 类别"), self.tr("发现")])
        self.findings_tree.setColumnWidth(0, 220)
        self.findings_tree.setItemDelegate(RowSpacingDelegate(self.findings_tree))
        self.findings_tree.setWordWrap(True)

        self.details = QTabWidget(self)
        self.details.addTab(self.indicator_view, self.tr("指标评分"))
        self.details.addTab(self.nc_view, self.tr("不符合项"))
        self.details.addTab(self.findings_tree, self.tr("文件审查发现"))

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        # on a short screen the summary and the chart scroll rather than squash (1366×768)
        splitter.addWidget(scrolling(left, self))
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([500, 780])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        layout.addWidget(vote_box)

    # -- showing ----------------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        self.detail = detail
        ctx = self.context
        loaded = ctx.services.rubrics.get(detail.rubric_id)
        rubric = loaded.rubric
        counts: dict[str, int] = {}
        for evidence in detail.evidence:
            counts[evidence.code] = counts.get(evidence.code, 0) + 1
        self.indicator_model.set_case(rubric, detail.entries, detail.entry_versions, detail.score, counts)
        self.indicator_view.expandAll()

        score = detail.score
        if detail.recommended_total is not None:
            grade = vocabulary.grade_label(detail.recommended_grade, ctx.lang)
            self.recommended_label.setText(
                self.tr("{total} 分 · {grade}").format(
                    total=format_score(detail.recommended_total), grade=grade
                )
            )
        else:
            self.recommended_label.setText(self.tr("评审组尚未形成结论"))
        facts = [
            self.tr("基础分 {base}").format(base=format_score(score.base)),
            self.tr("特别扣分 {n} 项").format(n=score.special_deductions),
            self.tr("特别加分 {n} 项").format(n=score.bonus),
        ]
        na = sum(1 for e in detail.entries.values() if e.not_applicable)
        if na:
            facts.append(self.tr("不适用 {n} 项").format(n=na))
        if detail.decided_grade:
            facts.append(self.tr("决定等级：{grade}").format(grade=ctx.grade_label(detail.decided_grade)))
        self.score_facts_label.setText(" · ".join(facts))
        self.conclusion_label.setText(detail.conclusion_summary or "—")
        self.team_label.setText(
            join_list(
                ctx.lang,
                (
                    (self.tr("{name}（组长）") if t.is_leader else "{name}").format(
                        name=t.display_name or t.user_name
                    )
                    for t in detail.team
                ),
            )
            or "—"
        )
        self._fill_chart(score)
        self._fill_nonconformities()
        self._fill_findings(rubric)
        self._fill_vote(rubric)

    def _fill_chart(self, score: Any) -> None:
        """Each category's score rate, top to bottom in the rubric's order, on a scale of 0 to 100."""
        self.chart.set_data(
            [
                (f"{category.code} {category.name.get(self.context.lang)}", float(category.percent))
                for category in score.categories
            ],
            "#4a86d0",
            maximum=100.0,
            format=lambda value: f"{value:.1f}",
        )

    def chart_values(self) -> dict[str, float]:
        """The bar values by category label (for tests and accessibility)."""
        return dict(self.chart.bars)

    def _fill_nonconformities(self) -> None:
        rows = []
        numbers = nc_numbers(self.detail)
        for nc in self.detail.nonconformities:
            action = nc.corrective_action or ""
            if nc.closed_at is not None:
                action += self.tr("（{date} 验证关闭）").format(date=self.context.fmt_date(nc.closed_at))
            rows.append(
                Row(
                    nc.id,
                    (
                        numbers[nc.id],
                        nc.code or (self.tr("特别扣分") if nc.special else ""),
                        nc.text,
                        self.context.fmt_date(nc.deadline),
                        nc_status_label(nc.status, nc.overdue),
                        action,
                        self.detail.person(nc.closed_by),
                    ),
                    tooltip=f"{nc.text}\n{action}".strip(),
                    tint="#b3261e" if nc.status == "open" else None,
                )
            )
        self.nc_model.set_rows(rows)
        title = self.tr("不符合项")
        self.details.setTabText(1, f"{title} ({len(rows)})" if rows else title)

    def _fill_findings(self, rubric: Any) -> None:
        names = {c.code: c.name.get(self.context.lang) for c in rubric.categories}
        self.findings_tree.clear()
        for review in self.detail.reviews:
            top = QTreeWidgetItem(
                [
                    f"{self.context.fmt_datetime(review.created_at)} {self.detail.person(review.reviewer)}",
                    f"{outcome_label(review.outcome)}：{review.note}",
                ]
            )
            top.setToolTip(1, review.note)
            for category, text in review.findings:
                label = f"{category} {names.get(category, '')}" if category else self.tr("综合")
                child = QTreeWidgetItem([label, text])
                child.setToolTip(1, text)
                top.addChild(child)
            self.findings_tree.addTopLevelItem(top)
            top.setExpanded(True)

    def _fill_vote(self, rubric: Any) -> None:
        ctx, detail = self.context, self.detail
        self.grade_combo.clear()
        for band in rubric.grades:
            if grade_rank(band.grade) < grade_rank(detail.recommended_grade):
                self.grade_combo.addItem(band.label.get(ctx.lang), band.grade.value)
        allowed = ctx.guard(self.vote_button, Action.vote, detail)
        reason = ctx.explain(Action.vote, detail)
        already = next((v for v in detail.votes if v.user_name == ctx.actor.name), None)
        for widget in (
            self.approve_radio,
            self.lower_radio,
            self.return_radio,
            self.reject_radio,
            self.comment_edit,
        ):
            widget.setEnabled(allowed and already is None)
            widget.setToolTip(reason or "")
        self.grade_combo.setEnabled(allowed and already is None and self.lower_radio.isChecked())
        self.grade_combo.setToolTip(reason or "")
        if already is not None and allowed:
            self.vote_button.setEnabled(False)
            self.vote_button.setToolTip(self.tr("您已对本案表决"))
        votes = [
            self.tr("{user}：{decision}").format(
                user=detail.person(v.user_name),
                decision=decision_label(v.decision)
                + (f"（{ctx.grade_label(v.grade)}）" if v.decision == "lower" else ""),
            )
            for v in detail.votes
        ]
        round_text = self.tr("第 {n} 轮表决").format(n=detail.committee_round)
        separator = "; " if ctx.lang == "en" else "；"
        colon = ": " if ctx.lang == "en" else "："
        self.votes_label.setText(
            round_text + (colon + separator.join(votes) if votes else self.tr("：尚无表决"))
        )
        if detail.status == "committee_review" and reason:
            self.notice.show_text(self.tr("只读：{reason}").format(reason=reason), "warning")
        elif detail.status == "committee_review" and already is not None:
            self.notice.show_text(
                self.tr("您已表决：{decision}").format(decision=decision_label(already.decision)), "info"
            )
        elif detail.status != "committee_review":
            self.notice.show_text(
                self.tr("案件处于“{state}”状态，本页为只读。").format(state=ctx.state_label(detail.status)),
                "info",
            )
        else:
            self.notice.clear()

    # -- voting -----------------------------------------------------------------------------------
    def set_decision(self, decision: str, grade: str | None = None) -> None:
        for radio in self.decision_group.buttons():
            if radio.property("decision") == decision:
                radio.setChecked(True)
        if grade is not None:
            self.grade_combo.setCurrentIndex(self.grade_combo.findData(grade))

    def decision(self) -> str:
        checked = self.decision_group.checkedButton()
        return str(checked.property("decision")) if checked else "approve"

    def vote(self) -> None:
        """Cast the vote, after one question naming the decision and what follows."""
        ctx, detail = self.context, self.detail
        decision = self.decision()
        grade = self.grade_combo.currentData() if decision == "lower" else None
        comment = self.comment_edit.toPlainText()
        if not comment.strip():
            self.notice.show_text(self.tr("请填写表决意见"), "error")
            self.comment_edit.setFocus()
            return
        chosen = ctx.label("decision", decision)
        if grade:
            chosen += f"（{ctx.grade_label(grade)}）" if ctx.lang == "zh" else f" ({ctx.grade_label(grade)})"
        votes_in = len(detail.votes) + 1
        quorum = int(ctx.services.settings.get("committee_quorum"))
        if votes_in >= quorum:
            follows = self.tr("这是第 {n} 票，达到法定票数 {quorum}：提交后即作出评审委员会决定。").format(
                n=votes_in, quorum=quorum
            )
        else:
            follows = self.tr("这是第 {n} 票，法定票数为 {quorum}。").format(n=votes_in, quorum=quorum)
        if not Messages.confirm(
            self,
            self.tr("提交表决"),
            self.tr("对案件 {case_no}（{org}）表决：{decision}。\n{follows}\n表决提交后不能更改。").format(
                case_no=detail.case_no, org=detail.organization.name, decision=chosen, follows=follows
            ),
        ):
            return
        case_no = detail.case_no

        def voted(_result: Any) -> None:
            self.comment_edit.clear()
            self.sig_case_changed.emit()

        ctx.act(
            ctx.services.committee.vote,
            ctx.actor,
            case_no,
            decision,
            comment,
            grade=grade,
            on_done=voted,
            label=self.tr("正在提交表决…"),
            parent=self,
        )

    def unsaved_work(self) -> list[Unsaved]:
        """A vote comment typed and not cast (a vote is a decision, not a draft: it is not saved)."""
        if (
            self.detail is None
            or not self.comment_edit.toPlainText().strip()
            or self.comment_edit.isReadOnly()
        ):
            return []
        if not self.vote_button.isEnabled():
            return []
        return [
            Unsaved(
                self.tr("{case_no} 尚未提交的表决意见").format(case_no=self.detail.case_no),
                None,
                self.comment_edit.clear,
            )
        ]
