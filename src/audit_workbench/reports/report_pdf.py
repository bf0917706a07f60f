"""The audit report: the multi-page A4 document the certification committee reads.

Built with reportlab platypus from an ``AuditReportDoc``: a cover block with the organisation and
the result, the audit team and dates, the document review, a category table with a bar chart of
each category's score as a percentage, every indicator with its points and notes, the
nonconformities with their corrective actions and verification, the conclusion, the committee's
decision and votes, and a signature block. Each page carries a running header and "第 n 页 共 m 页".
"""

from __future__ import annotations

import io
import os
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from audit_workbench.reports._common import (
    check_lang,
    fmt_date,
    fmt_one_decimal,
    fmt_percent,
    fmt_points,
    label,
    pick,
)
from audit_workbench.reports.fonts import register_cjk_font
from audit_workbench.reports.models import AuditReportDoc, NonconformityRow

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

NAVY = HexColor("#1B355C")
INK = HexColor("#222B36")
GREY = HexColor("#5E6773")
RULE = HexColor("#B7BFCA")
BAND = HexColor("#E4E9F1")
ZEBRA = HexColor("#F6F8FB")
CATEGORY = HexColor("#D6E0EE")
GOOD = HexColor("#2E7D4F")
WARN = HexColor("#C77A12")
BAD = HexColor("#B3261E")
GOLD = HexColor("#D9A521")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "商品售后服务认证审核报告",
        "other_title": "After-sales Service Certification — Audit Report",
        "header": "审核报告",
        "case": "案件编号",
        "page": "第 {n} 页 共 {m} 页",
        "organization": "受评组织",
        "credit_code": "统一社会信用代码",
        "address": "地址",
        "scope": "认证范围",
        "enterprise_type": "企业类型",
        "rubric": "评分规则",
        "report_date": "报告日期",
        "result": "评价结果",
        "total": "总分",
        "grade": "评定等级",
        "passed": "通过",
        "not_passed": "不通过",
        "s_team": "审核组与日程",
        "leader": "审核组长",
        "members": "审核组成员",
        "doc_review_on": "文件审查日期",
        "onsite": "现场审核日期",
        "s_doc_review": "文件审查",
        "no_findings": "文件审查未提出问题。",
        "s_summary": "评分汇总",
        "code": "编号",
        "category": "单项",
        "max": "满分",
        "applicable": "适用满分",
        "earned": "得分",
        "rate": "得分率",
        "sum": "合计",
        "base": "基本分（得分 ÷ 适用满分 × 100，保留一位小数）",
        "deductions": "特别扣分项",
        "bonus": "特别加分项",
        "items": "项",
        "chart": "各单项得分率",
        "pass_line": "达标线",
        "s_indicators": "指标评分明细",
        "indicator": "指标",
        "points": "得分",
        "notes": "说明",
        "na": "不适用",
        "unscored": "未评分",
        "evidence": "证据",
        "s_nc": "不符合项及整改验证",
        "no_nc": "本次审核未发现不符合项。",
        "nc_description": "不符合描述",
        "nc_indicator": "相关指标",
        "nc_type": "类型",
        "nc_special": "特别扣分项",
        "nc_regular": "一般不符合",
        "nc_action": "整改措施",
        "nc_verification": "验证情况",
        "nc_status": "状态",
        "nc_dates": "提出 / 期限 / 关闭",
        "s_conclusion": "审核结论",
        "recommended": "审核组推荐等级",
        "s_committee": "评审委员会决定",
        "decision": "决定",
        "decided_grade": "批准等级",
        "decided_on": "决定日期",
        "pending": "待评审",
        "votes": "委员意见",
        "member": "委员",
        "vote": "意见",
        "comment": "说明",
        "date": "日期",
        "s_signatures": "签字",
        "sig_leader": "审核组长",
        "sig_committee": "评审委员会主任",
        "sig_body": "认证机构（盖章）",
        "sig_date": "日期",
        "rubric_hash": "评分规则 SHA-256",
        "log_anchor": "事件日志锚点（序号:哈希）",
        "none": "无",
    },
    "en": {
        "title": "After-sales Service Certification — Audit Report",
        "other_title": "商品售后服务认证审核报告",
        "header": "Audit report",
        "case": "Case",
        "page": "Page {n} of {m}",
        "organization": "Organisation",
        "credit_code": "Unified social credit code",
        "address": "Address",
        "scope": "Scope",
        "enterprise_type": "Enterprise type",
        "rubric": "Rubric",
        "report_date": "Report date",
        "result": "Result",
        "total": "Total score",
        "grade": "Grade",
        "passed": "Passed",
        "not_passed": "Not passed",
        "s_team": "Audit team and dates",
        "leader": "Team leader",
        "members": "Team members",
        "doc_review_on": "Document review",
        "onsite": "On-site audit",
        "s_doc_review": "Document review",
        "no_findings": "The document review raised no findings.",
        "s_summary": "Score summary",
        "code": "Code",
        "category": "Category",
        "max": "Max",
        "applicable": "Applicable",
        "earned": "Earned",
        "rate": "Rate",
        "sum": "Total",
        "base": "Base score (earned ÷ applicable × 100, to one decimal)",
        "deductions": "Special deduction items",
        "bonus": "Special bonus item",
        "items": "",
        "chart": "Score rate by category",
        "pass_line": "pass",
        "s_indicators": "Indicator scores",
        "indicator": "Indicator",
        "points": "Points",
        "notes": "Notes",
        "na": "N/A",
        "unscored": "not scored",
        "evidence": "Evidence",
        "s_nc": "Nonconformities, corrective actions and verification",
        "no_nc": "The audit found no nonconformity.",
        "nc_description": "Nonconformity",
        "nc_indicator": "Indicator",
        "nc_type": "Type",
        "nc_special": "Special deduction item",
        "nc_regular": "Regular",
        "nc_action": "Corrective action",
        "nc_verification": "Verification",
        "nc_status": "Status",
        "nc_dates": "Raised / due / closed",
        "s_conclusion": "Conclusion",
        "recommended": "Recommended grade",
        "s_committee": "Certification committee decision",
        "decision": "Decision",
        "decided_grade": "Grade granted",
        "decided_on": "Decided on",
        "pending": "pending",
        "votes": "Votes",
        "member": "Member",
        "vote": "Vote",
        "comment": "Comment",
        "date": "Date",
        "s_signatures": "Signatures",
        "sig_leader": "Audit team leader",
        "sig_committee": "Chair of the committee",
        "sig_body": "Certification body (seal)",
        "sig_date": "Date",
        "rubric_hash": "Rubric SHA-256",
        "log_anchor": "Event log anchor (seq:hash)",
        "none": "none",
    },
}


def render_audit_report(
    doc: AuditReportDoc, lang: str = "zh", font_path: str | os.PathLike[str] | None = None
) -> bytes:
    """The audit report as PDF bytes (A4 portrait, as many pages as it needs)."""
    check_lang(lang)
    font = register_cjk_font(None if font_path is None else os.fspath(font_path))
    builder = _Report(doc, lang, font.name)
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{builder.t['title']} {doc.case_no} — {doc.organization}",
        author=doc.body_name,
        subject=doc.organization,
        creator="Audit Workbench",
        invariant=1,
        lang="en" if lang == "en" else "zh-CN",
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_W,
        PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    header = _RunningHeader(doc, lang, font.name)
    template.build(builder.story(), canvasmaker=header.canvas_class())
    return buffer.getvalue()


class _RunningHeader:
    """Draws the header and the "page n of m" footer once the page count is known."""

    def __init__(self, doc: AuditReportDoc, lang: str, font: str) -> None:
        self.doc, self.lang, self.font = doc, lang, font
        self.t = TEXT[lang]

    def canvas_class(self) -> type[Canvas]:
        painter = self

        class NumberedCanvas(Canvas):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self._pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                total = len(self._pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    painter.draw(self, self._pageNumber, total)
                    super().showPage()
                super().save()

        return NumberedCanvas

    def draw(self, c: Canvas, page: int, total: int) -> None:
        doc, t = self.doc, self.t
        c.saveState()
        top = PAGE_H - 14 * mm
        c.setFont(self.font, 8.5)
        c.setFillColor(NAVY)
        c.drawString(MARGIN_X, top, doc.body_name)
        c.setFillColor(GREY)
        sep = "：" if self.lang == "zh" else ": "
        c.drawRightString(PAGE_W - MARGIN_X, top, f"{t['header']} · {t['case']}{sep}{doc.case_no}")
        c.setStrokeColor(NAVY)
        c.setLineWidth(0.8)
        c.line(MARGIN_X, top - 4, PAGE_W - MARGIN_X, top - 4)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.line(MARGIN_X, 13 * mm, PAGE_W - MARGIN_X, 13 * mm)
        c.setFont(self.font, 8)
        c.setFillColor(GREY)
        c.drawString(MARGIN_X, 9 * mm, doc.organization)
        c.drawRightString(PAGE_W - MARGIN_X, 9 * mm, t["page"].format(n=page, m=total))
        c.restoreState()


class _Report:
    def __init__(self, doc: AuditReportDoc, lang: str, font: str) -> None:
        self.doc, self.lang, self.font = doc, lang, font
        self.t = TEXT[lang]
        wrap = "CJK"
        self.s_title = ParagraphStyle(
            "title",
            fontName=font,
            fontSize=20,
            leading=27,
            textColor=NAVY,
            alignment=TA_CENTER,
            wordWrap=wrap,
            spaceAfter=2,
        )
        self.s_subtitle = ParagraphStyle(
            "subtitle",
            fontName=font,
            fontSize=10.5,
            leading=14,
            textColor=GREY,
            alignment=TA_CENTER,
            wordWrap=wrap,
        )
        self.s_h1 = ParagraphStyle(
            "h1",
            fontName=font,
            fontSize=13,
            leading=18,
            textColor=NAVY,
            wordWrap=wrap,
            spaceBefore=12,
            spaceAfter=6,
        )
        self.s_body = ParagraphStyle(
            "body", fontName=font, fontSize=9.5, leading=14.5, textColor=INK, wordWrap=wrap
        )
        self.s_cell = ParagraphStyle(
            "cell", fontName=font, fontSize=8.8, leading=12, textColor=INK, wordWrap=wrap
        )
        self.s_cell_c = ParagraphStyle("cellc", parent=self.s_cell, alignment=TA_CENTER)
        self.s_cell_r = ParagraphStyle("cellr", parent=self.s_cell, alignment=TA_RIGHT)
        self.s_head = ParagraphStyle("head", parent=self.s_cell, textColor=white, alignment=TA_CENTER)
        self.s_label = ParagraphStyle("label", parent=self.s_cell, textColor=GREY)
        self.s_small = ParagraphStyle("small", parent=self.s_cell, fontSize=7.5, leading=10, textColor=GREY)
        self.s_bullet = ParagraphStyle("bullet", parent=self.s_body, leftIndent=12, bulletIndent=2)
        self.section = 0

    # -- helpers ----------------------------------------------------------------------------------
    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(_escape(text), style or self.s_cell)

    def heading(self, key: str) -> list[Flowable]:
        self.section += 1
        return [CondPageBreak(40 * mm), _SectionHeading(f"{self.section}", self.t[key], self.font)]

    def _kv_table(self, rows: list[tuple[str, Any]], label_w: float | None = None) -> Table:
        label_w = label_w or (34 * mm if self.lang == "zh" else 44 * mm)
        data = [[self.p(k, self.s_label), v if isinstance(v, Flowable) else self.p(str(v))] for k, v in rows]
        table = Table(data, colWidths=[label_w, CONTENT_W - label_w])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def _grid(
        self,
        data: list[list[Any]],
        widths: list[float],
        *,
        header_rows: int = 1,
        extra: list[tuple[Any, ...]] | None = None,
    ) -> Table:
        table = Table(data, colWidths=widths, repeatRows=header_rows)
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.3, RULE),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), NAVY),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    # -- the story --------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        out += self.cover()
        out += self.team()
        out += self.document_review()
        out += self.summary()
        out += self.indicator_details()
        out += self.nonconformities()
        out += self.conclusion()
        out += self.committee()
        out += self.signatures()
        return out

    def cover(self) -> list[Flowable]:
        doc, t, lang = self.doc, self.t, self.lang
        rubric = pick(doc.rubric_title_zh, doc.rubric_title_en, lang) + f" ({doc.rubric_id})"
        facts = [
            (t["organization"], doc.organization),
            (t["credit_code"], doc.credit_code),
            (t["address"], doc.address),
            (t["scope"], doc.scope),
            (t["enterprise_type"], label("enterprise_type", doc.enterprise_type, lang)),
            (t["rubric"], rubric),
            (t["case"], doc.case_no),
            (t["report_date"], fmt_date(doc.report_date, lang)),
        ]
        return [
            Spacer(1, 4 * mm),
            self.p(t["title"], self.s_title),
            self.p(t["other_title"], self.s_subtitle),
            Spacer(1, 7 * mm),
            self._kv_table(facts),
            Spacer(1, 6 * mm),
            self.result_box(),
        ]

    def result_box(self) -> Flowable:
        doc, t, lang = self.doc, self.t, self.lang
        totals = doc.totals
        grade = pick(totals.grade_label_zh, totals.grade_label_en, lang) if totals.passed else t["not_passed"]
        verdict = t["passed"] if totals.passed else t["not_passed"]
        big = ParagraphStyle(
            "big", fontName=self.font, fontSize=24, leading=28, textColor=NAVY, alignment=TA_CENTER
        )
        small = ParagraphStyle("small_c", parent=self.s_label, alignment=TA_CENTER)
        colour = GOOD if totals.passed else BAD
        verdict_style = ParagraphStyle("verdict", parent=big, fontSize=16, leading=28, textColor=colour)
        cells = [
            [self.p(t["total"], small), self.p(t["grade"], small), self.p(t["result"], small)],
            [self.p(fmt_one_decimal(totals.total), big), self.p(grade, big), self.p(verdict, verdict_style)],
        ]
        table = Table(cells, colWidths=[CONTENT_W / 3] * 3)
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1, NAVY),
                    ("BACKGROUND", (0, 0), (-1, -1), HexColor("#F3F6FA")),
                    ("LINEAFTER", (0, 0), (1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, 0), 8),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return table

    def team(self) -> list[Flowable]:
        doc, t, lang = self.doc, self.t, self.lang
        sep = "、" if lang == "zh" else ", "
        onsite = ""
        if doc.audit_start:
            onsite = fmt_date(doc.audit_start, lang)
            if doc.audit_end and doc.audit_end != doc.audit_start:
                onsite += f" — {fmt_date(doc.audit_end, lang)}"
        rows = [
            (t["leader"], doc.team_leader),
            (t["members"], sep.join(doc.team_members) or t["none"]),
            (t["doc_review_on"], fmt_date(doc.document_review_on, lang) or "—"),
            (t["onsite"], onsite or "—"),
        ]
        return [*self.heading("s_team"), self._kv_table(rows)]

    def document_review(self) -> list[Flowable]:
        out = self.heading("s_doc_review")
        if not self.doc.document_review_findings:
            return [*out, self.p(self.t["no_findings"], self.s_body)]
        for finding in self.doc.document_review_findings:
            out.append(Paragraph(_escape(finding), self.s_bullet, bulletText="•"))
            out.append(Spacer(1, 1.5))
        return out

    def summary(self) -> list[Flowable]:
        doc, t, lang = self.doc, self.t, self.lang
        totals = doc.totals
        head = [
            self.p(t[k], self.s_head) for k in ("code", "category", "max", "applicable", "earned", "rate")
        ]
        data: list[list[Any]] = [head]
        for cat in doc.categories:
            data.append(
                [
                    self.p(cat.code, self.s_cell_c),
                    self.p(pick(cat.name_zh, cat.name_en, lang)),
                    self.p(fmt_one_decimal(cat.max_points), self.s_cell_r),
                    self.p(fmt_one_decimal(cat.applicable_max), self.s_cell_r),
                    self.p(fmt_one_decimal(cat.earned), self.s_cell_r),
                    self.p(fmt_percent(cat.percent), self.s_cell_r),
                ]
            )
        bold_r = ParagraphStyle("boldr", parent=self.s_cell_r, textColor=NAVY)
        bold = ParagraphStyle("bold", parent=self.s_cell, textColor=NAVY)
        max_total = sum((c.max_points for c in doc.categories), Decimal(0))
        data.append(
            [
                "",
                self.p(t["sum"], bold),
                self.p(fmt_one_decimal(max_total), bold_r),
                self.p(fmt_one_decimal(totals.applicable_max), bold_r),
                self.p(fmt_one_decimal(totals.earned), bold_r),
                "",
            ]
        )
        n = len(data)
        widths = [14 * mm, CONTENT_W - 14 * mm - 4 * 22 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm]
        extra = [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, n - 1, 2)]
        extra.append(("BACKGROUND", (0, n - 1), (-1, n - 1), BAND))
        category_table = self._grid(data, widths, extra=extra)

        items = t["items"]
        deduction_text = (
            f"−{fmt_points(totals.deductions)}（{totals.deduction_count} {items}）"
            if lang == "zh"
            else f"−{fmt_points(totals.deductions)} ({totals.deduction_count})"
        )
        rows: list[tuple[str, Any]] = [(t["base"], fmt_one_decimal(totals.base))]
        rows.append((t["deductions"], self._with_reasons(deduction_text, totals.deduction_reasons)))
        bonus_text = f"+{fmt_points(totals.bonus)}"
        rows.append(
            (
                t["bonus"],
                self._with_reasons(bonus_text, (totals.bonus_reason,) if totals.bonus_reason else ()),
            )
        )
        grade = pick(totals.grade_label_zh, totals.grade_label_en, lang) if totals.passed else t["not_passed"]
        rows.append(
            (
                t["total"],
                self.p(
                    f"{fmt_one_decimal(totals.total)}　{grade}",
                    ParagraphStyle("tot", parent=self.s_cell, textColor=NAVY, fontSize=10.5),
                ),
            )
        )
        return [
            *self.heading("s_summary"),
            category_table,
            Spacer(1, 4 * mm),
            self._kv_table(rows, label_w=62 * mm),
            Spacer(1, 5 * mm),
            KeepTogether(
                [
                    self.p(t["chart"], ParagraphStyle("ct", parent=self.s_body, textColor=NAVY)),
                    Spacer(1, 2 * mm),
                    self.chart(),
                ]
            ),
        ]

    def _with_reasons(self, head: str, reasons: tuple[str, ...]) -> Flowable | str:
        if not reasons:
            return head
        lines = [_escape(head)] + [
            f"<font color='#5E6773'>{i}. {_escape(r)}</font>" for i, r in enumerate(reasons, 1)
        ]
        return Paragraph("<br/>".join(lines), self.s_cell)

    def chart(self) -> Drawing:
        doc, lang = self.doc, self.lang
        cats = [c for c in doc.categories]
        bar_h = 15
        label_w = 40 * mm if lang == "zh" else 58 * mm
        height = len(cats) * bar_h * 1.5 + 34
        drawing = Drawing(CONTENT_W, height)
        chart = HorizontalBarChart()
        chart.x = label_w
        chart.y = 22
        chart.width = CONTENT_W - label_w - 18 * mm
        chart.height = height - 34
        values = [float(c.percent) if c.percent is not None else 0.0 for c in reversed(cats)]
        chart.data = [values]
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 10
        chart.valueAxis.labels.fontName = self.font
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = HexColor("#E3E7ED")
        chart.valueAxis.gridStrokeWidth = 0.4
        chart.valueAxis.strokeColor = RULE
        chart.categoryAxis.categoryNames = [
            f"{c.code}  {pick(c.name_zh, c.name_en, lang)}" for c in reversed(cats)
        ]
        chart.categoryAxis.labels.fontName = self.font
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.strokeColor = RULE
        chart.categoryAxis.tickLeft = 0
        chart.barWidth = bar_h
        chart.groupSpacing = bar_h * 0.5
        chart.bars.strokeColor = None
        chart.barLabelFormat = "%.1f%%"
        chart.barLabels.fontName = self.font
        chart.barLabels.fontSize = 7.5
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        chart.barLabels.fillColor = INK
        for i, c in enumerate(reversed(cats)):
            chart.bars[(0, i)].fillColor = _rate_colour(c.percent)
        drawing.add(chart)
        # The pass line: 70 % of the points in each category, for orientation (the grade is on the total).
        pass_score = 70.0
        x = chart.x + chart.width * pass_score / 100
        drawing.add(
            Line(
                x,
                chart.y,
                x,
                chart.y + chart.height + 4,
                strokeColor=BAD,
                strokeWidth=0.7,
                strokeDashArray=[3, 2],
            )
        )
        drawing.add(
            String(
                x,
                chart.y + chart.height + 7,
                f"{self.t['pass_line']} 70%",
                fontName=self.font,
                fontSize=7,
                fillColor=BAD,
                textAnchor="middle",
            )
        )
        return drawing

    def indicator_details(self) -> list[Flowable]:
        doc, t, lang = self.doc, self.t, self.lang
        head = [
            self.p(t[k], self.s_head) for k in ("code", "indicator", "max", "points", "evidence", "notes")
        ]
        data: list[list[Any]] = [head]
        extra: list[tuple[Any, ...]] = []
        by_category: dict[str, list[Any]] = {}
        for row in doc.indicators:
            by_category.setdefault(row.code.split(".")[0], []).append(row)
        names = {c.code: pick(c.name_zh, c.name_en, lang) for c in doc.categories}
        grey_c = ParagraphStyle("na", parent=self.s_cell_c, textColor=GREY)
        for code, rows in by_category.items():
            r = len(data)
            data.append(
                [
                    self.p(code, ParagraphStyle("cc", parent=self.s_cell_c, textColor=NAVY)),
                    self.p(names.get(code, ""), ParagraphStyle("cn", parent=self.s_cell, textColor=NAVY)),
                    "",
                    "",
                    "",
                    "",
                ]
            )
            # NOSPLIT: a category's title row never ends a page without its first indicator.
            extra += [
                ("BACKGROUND", (0, r), (-1, r), CATEGORY),
                ("SPAN", (1, r), (-1, r)),
                ("NOSPLIT", (0, r), (-1, r + 1)),
            ]
            for row in rows:
                if row.not_applicable:
                    points: Paragraph = self.p(t["na"], grey_c)
                elif row.points is None:
                    points = self.p(t["unscored"], grey_c)
                else:
                    colour = "#B3261E" if row.points < row.max_points else "#222B36"
                    points = Paragraph(
                        f"<font color='{colour}'>{fmt_one_decimal(row.points)}</font>", self.s_cell_c
                    )
                evidence = self.p(str(row.evidence_count) if row.evidence_count else "—", grey_c)
                data.append(
                    [
                        self.p(row.code, self.s_cell_c),
                        self.p(pick(row.name_zh, row.name_en, lang)),
                        self.p(fmt_one_decimal(row.max_points), self.s_cell_c),
                        points,
                        evidence,
                        self.p(row.note),
                    ]
                )
        name_w, evidence_w = (40 * mm, 14 * mm) if lang == "zh" else (50 * mm, 18 * mm)
        widths = [13 * mm, name_w, 14 * mm, 16 * mm, evidence_w, CONTENT_W - 43 * mm - name_w - evidence_w]
        return [*self.heading("s_indicators"), self._grid(data, widths, extra=extra)]

    def nonconformities(self) -> list[Flowable]:
        out = self.heading("s_nc")
        if not self.doc.nonconformities:
            return [*out, self.p(self.t["no_nc"], self.s_body)]
        for nc in self.doc.nonconformities:
            out.append(KeepTogether([self._nc_card(nc), Spacer(1, 4 * mm)]))
        return out

    def _nc_card(self, nc: NonconformityRow) -> Table:
        t, lang = self.t, self.lang
        kind = t["nc_special"] if nc.special_deduction else t["nc_regular"]
        status = label("nonconformity_status", nc.status, lang)
        dates = " / ".join(fmt_date(d, lang) or "—" for d in (nc.raised_on, nc.due_on, nc.closed_on))
        title_style = ParagraphStyle("nct", parent=self.s_cell, textColor=white)
        parts = [nc.number, kind] + (
            [f"{t['nc_indicator']} {nc.indicator_code}"] if nc.indicator_code else []
        )
        head = "  ·  ".join(parts)
        status_colour = GOOD if nc.status in ("verified", "closed") else WARN
        label_w, status_w = 36 * mm, 34 * mm
        status_style = ParagraphStyle("st", parent=title_style, alignment=TA_RIGHT)
        rows = [
            [self.p(head, title_style), "", self.p(status, status_style)],
            [self.p(t["nc_description"], self.s_label), self.p(nc.description), ""],
            [self.p(t["nc_action"], self.s_label), self.p(nc.corrective_action or "—"), ""],
            [self.p(t["nc_verification"], self.s_label), self.p(nc.verification or "—"), ""],
            [self.p(t["nc_dates"], self.s_label), self.p(dates), ""],
        ]
        table = Table(rows, colWidths=[label_w, CONTENT_W - label_w - status_w, status_w])
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (1, 0)),
                    *[("SPAN", (1, i), (2, i)) for i in range(1, len(rows))],
                    ("BACKGROUND", (0, 0), (-1, 0), NAVY),
                    ("BACKGROUND", (2, 0), (2, 0), status_colour),
                    ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ]
            )
        )
        return table

    def conclusion(self) -> list[Flowable]:
        doc, t = self.doc, self.t
        out = self.heading("s_conclusion")
        out.append(self.p(doc.conclusion or "—", self.s_body))
        if doc.recommended_grade_label:
            out += [Spacer(1, 3 * mm), self._kv_table([(t["recommended"], doc.recommended_grade_label)])]
        return out

    def committee(self) -> list[Flowable]:
        doc, t, lang = self.doc, self.t, self.lang
        out = self.heading("s_committee")
        decision = label("decision", doc.committee_decision, lang) if doc.committee_decision else t["pending"]
        rows = [(t["decision"], decision)]
        if doc.committee_grade_label:
            rows.append((t["decided_grade"], doc.committee_grade_label))
        if doc.committee_decided_on:
            rows.append((t["decided_on"], fmt_date(doc.committee_decided_on, lang)))
        out.append(self._kv_table(rows))
        if doc.committee_votes:
            out += [
                Spacer(1, 4 * mm),
                self.p(t["votes"], ParagraphStyle("vh", parent=self.s_body, textColor=NAVY)),
                Spacer(1, 1.5 * mm),
            ]
            head = [self.p(t[k], self.s_head) for k in ("member", "vote", "comment", "date")]
            data: list[list[Any]] = [head]
            for vote in doc.committee_votes:
                text = label("decision", vote.decision, lang)
                if vote.grade_label:
                    text += f"（{vote.grade_label}）" if lang == "zh" else f" ({vote.grade_label})"
                data.append(
                    [
                        self.p(vote.member),
                        self.p(text),
                        self.p(vote.comment or "—"),
                        self.p(fmt_date(vote.voted_on, lang), self.s_cell_c),
                    ]
                )
            widths = [28 * mm, 36 * mm, CONTENT_W - 96 * mm, 32 * mm]
            out.append(self._grid(data, widths))
        return out

    def signatures(self) -> list[Flowable]:
        t = self.t
        cells = []
        for key in ("sig_leader", "sig_committee", "sig_body"):
            cells.append(
                [
                    self.p(t[key], self.s_label),
                    Spacer(1, 16 * mm),
                    self.p(f"{t['sig_date']}：" if self.lang == "zh" else f"{t['sig_date']}:", self.s_label),
                ]
            )
        grid = Table([[cells[0], cells[1], cells[2]]], colWidths=[CONTENT_W / 3] * 3)
        grid.setStyle(
            TableStyle(
                [
                    ("LINEABOVE", (0, 0), (-1, 0), 0.6, NAVY),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("LINEAFTER", (0, 0), (1, 0), 0.3, RULE),
                ]
            )
        )
        lines = []
        if self.doc.rubric_sha256:
            lines.append(self.p(f"{t['rubric_hash']}: {self.doc.rubric_sha256}", self.s_small))
        if self.doc.log_anchor:
            # the head of the event log when the report was made: `log verify --anchor` proves it later
            lines.append(self.p(f"{t['log_anchor']}: {self.doc.log_anchor}", self.s_small))
        footer = lines or [Spacer(1, 1)]
        return [*self.heading("s_signatures"), KeepTogether([grid, Spacer(1, 6 * mm), *footer])]


class _SectionHeading(Flowable):
    """A numbered section title with a rule under it, kept with what follows."""

    def __init__(self, number: str, text: str, font: str) -> None:
        super().__init__()
        self.number, self.text, self.font = number, text, font
        self.height = 26.0
        self.spaceBefore = 6
        self.spaceAfter = 5
        # An attribute, not a getKeepWithNext() override: platypus clears it once it has grouped us.
        self.keepWithNext = True

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(NAVY)
        c.roundRect(0, 7, 18, 16, 2.5, stroke=0, fill=1)
        c.setFillColor(white)
        c.setFont("Helvetica-Bold", 10)
        c.drawCentredString(9, 11.5, self.number)
        c.setFillColor(NAVY)
        c.setFont(self.font, 13)
        c.drawString(26, 10.5, self.text)
        c.setStrokeColor(NAVY)
        c.setLineWidth(0.6)
        c.line(0, 2, self.width, 2)


def _rate_colour(percent: Decimal | None) -> Color:
    if percent is None:
        return RULE
    if percent >= 90:
        return GOOD
    if percent >= 70:
        return NAVY
    return WARN


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
