"""The letter (复函) to a complainant or appellant: what was received, what was found, what follows,
and the right to complain to the regulator. One A4 page in Chinese, set in the CJK font the other
documents use; the date and the texts are passed in, so the same letter gives the same bytes."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from audit_workbench.reports._common import fmt_date
from audit_workbench.reports.fonts import register_cjk_font

INK = HexColor("#222B36")
NAVY = HexColor("#1B355C")

# The sentence every answer to a complaint or appeal carries (CNAS-CC02 §7.13; 认证认可条例).
REGULATOR_RIGHT = (
    "如对本处理结果仍有异议，您可以向本机构所在地的地方市场监督管理部门、国家认证认可监督管理委员会"
    "（CNCA）或中国合格评定国家认可委员会（CNAS）投诉或申诉。"
)


@dataclass(frozen=True)
class LetterDoc:
    """What the letter says (built by the complaints service)."""

    body_name: str
    body_address: str
    kind: str  # "complaint" | "appeal"
    reference: str  # "投诉第 3 号"
    addressee: str
    dated: date
    received_on: date
    subject: str  # what it was about
    text: str  # the complaint's text or the appeal's grounds
    outcome: str  # the outcome, in words
    reason: str  # the resolution or the panel's reasons
    follow_up: str  # what follows from it ("" when nothing)


def _p(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def render_letter(doc: LetterDoc, font_path: str | os.PathLike[str] | None = None) -> bytes:
    font = register_cjk_font(None if font_path is None else os.fspath(font_path)).name
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=19, textColor=INK, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=26, alignment=TA_CENTER, textColor=NAVY)
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=20, textColor=NAVY, spaceBefore=8)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    what = "投诉" if doc.kind == "complaint" else "申诉"
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=f"关于{doc.reference}的处理结果告知书",
        author=doc.body_name,
        creator="Audit Workbench",
        invariant=1,
        lang="zh-CN",
    )
    story = [
        Paragraph(_p(doc.body_name), ParagraphStyle("body_name", parent=title, fontSize=13, leading=20)),
        Paragraph(f"{what}处理结果告知书", title),
        Paragraph(_p(f"编号：{doc.reference}"), right),
        Spacer(1, 6 * mm),
        Paragraph(_p(f"{doc.addressee}："), body),
        Paragraph(
            _p(
                f"　　本机构于 {fmt_date(doc.received_on, 'zh')} 收到您关于“{doc.subject}”的{what}，"
                "现将处理结果告知如下。"
            ),
            body,
        ),
        Paragraph(f"一、{what}内容", head),
        Paragraph(_p(doc.text), body),
        Paragraph("二、处理结果", head),
        Paragraph(_p(doc.outcome), body),
        Paragraph("三、理由", head),
        Paragraph(_p(doc.reason), body),
    ]
    n = 4
    if doc.follow_up:
        story += [Paragraph("四、后续安排", head), Paragraph(_p(doc.follow_up), body)]
        n = 5
    numbers = {4: "四", 5: "五"}
    story += [
        Paragraph(f"{numbers[n]}、您的权利", head),
        Paragraph(_p(REGULATOR_RIGHT), body),
        Spacer(1, 12 * mm),
        Paragraph(_p(doc.body_name), right),
    ]
    if doc.body_address:
        story.append(Paragraph(_p(doc.body_address), right))
    story.append(Paragraph(_p(fmt_date(doc.dated, "zh")), right))
    template.build(story)
    return buffer.getvalue()


__all__ = ["REGULATOR_RIGHT", "LetterDoc", "render_letter"]
