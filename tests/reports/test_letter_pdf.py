"""The letter to a complainant or appellant read back: the outcome, the reasons, the regulator."""

from __future__ import annotations

import dataclasses
from datetime import date

from audit_workbench.reports.letter_pdf import LetterDoc, render_letter

from .pdf_tools import text_of
from .test_certificate_pdf import assert_cjk_font_embedded

DOC = LetterDoc(
    body_name="示例服务认证中心",
    body_address="北京市海淀区示例路 1 号",
    kind="appeal",
    reference="申诉第 2 号",
    addressee="测试电器有限公司",
    dated=date(2026, 4, 20),
    received_on=date(2026, 3, 10),
    subject="案件 AW-2026-0001 的不予认证决定",
    text="评审组未考虑我方提交的整改证据",
    outcome="申诉成立（由未参与原评审和认证决定的人员组成的申诉评议组决定）。",
    reason="整改证据有效，应重新评定",
    follow_up="本机构已将该认证决定退回评审委员会重新审查，审查结果将另行书面告知。",
)


def test_the_letter_says_outcome_reasons_follow_up_and_the_regulator() -> None:
    pdf = render_letter(DOC)
    text = text_of(pdf).replace("\n", "")
    for part in (
        "申诉处理结果告知书",
        "测试电器有限公司",
        "2026年3月10日",
        "申诉成立",
        "整改证据有效",
        "重新审查",
        "国家认证认可监督管理委员会",
        "2026年4月20日",
    ):
        assert part in text, part
    assert_cjk_font_embedded(pdf)
    assert render_letter(DOC) == pdf  # the same letter, the same bytes


def test_a_complaint_letter_without_follow_up_numbers_its_sections() -> None:
    doc = dataclasses.replace(DOC, kind="complaint", reference="投诉第 1 号", follow_up="")
    text = text_of(render_letter(doc)).replace("\n", "")
    assert "投诉处理结果告知书" in text and "四、您的权利" in text and "后续安排" not in text
