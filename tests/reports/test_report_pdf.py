"""The audit report PDF read back: every section, the numbers, page numbering, font, determinism."""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from audit_workbench.reports.models import NonconformityRow
from audit_workbench.reports.report_pdf import render_audit_report

from .pdf_tools import text_of
from .report_samples import ORGANIZATION, audit_report_doc
from .test_certificate_pdf import assert_cjk_font_embedded


@pytest.fixture(scope="module")
def doc(loaded_rubric):
    return audit_report_doc(loaded_rubric)


@pytest.fixture(scope="module")
def pdf_zh(doc):
    return render_audit_report(doc)


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def test_a4_portrait_pages_with_running_header_and_page_n_of_m(pdf_zh, doc) -> None:
    reader = PdfReader(io.BytesIO(pdf_zh))
    pages = _pages(pdf_zh)
    assert len(pages) >= 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    for n, text in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in text
        assert doc.body_name in text and doc.case_no in text


def test_every_section_is_there(pdf_zh, doc) -> None:
    text = text_of(pdf_zh)
    for expected in (
        "商品售后服务认证审核报告",
        ORGANIZATION,
        doc.credit_code,
        "生产型",
        "审核组与日程",
        "张伟",
        "李敏、陈晓东",
        "2025年1月15日 — 2025年1月17日",
        "文件审查",
        "售后服务手册",
        "评分汇总",
        "各单项得分率",
        "指标评分明细",
        "不符合项及整改验证",
        "NC-01",
        "修订派工规则",
        "复查 2025 年 2 月维修记录",
        "已验证",
        "审核结论",
        "评审委员会决定",
        "降级批准（三星级）",
        "签字",
        "审核组长",
        doc.rubric_sha256,
    ):
        assert expected in text, expected


def test_numbers_match_the_model(pdf_zh, doc) -> None:
    text = text_of(pdf_zh)
    totals = doc.totals
    assert f"{totals.total}" in text and "四星级" in text
    # The base score (93.846… exactly) is shown to one decimal, as the app and the sheet show it,
    # and the total is that base − 1 deduction + 1 bonus.
    assert f"小数）\n{totals.base}\n" in text and totals.base == Decimal("93.8") == totals.total
    assert "93.85" not in text
    for category in doc.categories:
        assert f"{category.percent:.1f}%" in text.replace(" ", "") or f"{category.percent:.1f}" in text
    assert "不适用" in text and "企业不从事产品设计" in text  # the N/A indicator with its reason
    for row in doc.indicators:
        assert row.code in text


def test_chart_is_drawn_with_labels(pdf_zh, doc) -> None:
    text = text_of(pdf_zh)
    assert "达标线 70%" in text
    labels = re.findall(r"(\d+\.\d)%", text)
    assert len(labels) >= 2 * len(doc.categories)  # table column and bar labels


def test_english_report(doc) -> None:
    pdf = render_audit_report(doc, "en")
    text = text_of(pdf)
    for expected in (
        "After-sales Service Certification — Audit Report",
        "Score summary",
        "Indicator scores",
        "Four-star",
        "Approve a lower grade",
        "Production",
        "15 January 2025",
    ):
        assert expected in text, expected
    pages = _pages(pdf)
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_font_is_embedded(pdf_zh, cjk_font) -> None:
    if not cjk_font.embedded:
        pytest.skip(f"no CJK TrueType font on this machine ({cjk_font.describe()}): nothing to embed")
    assert_cjk_font_embedded(pdf_zh)


def test_same_input_same_bytes(doc, pdf_zh) -> None:
    assert render_audit_report(doc) == pdf_zh


def test_not_passed_pending_and_empty_sections(doc) -> None:
    totals = dataclasses.replace(doc.totals, passed=False, grade_label_zh="", grade_label_en="")
    bare = dataclasses.replace(
        doc,
        totals=totals,
        nonconformities=(),
        document_review_findings=(),
        committee_decision="",
        committee_votes=(),
        committee_grade_label="",
        committee_decided_on=None,
        recommended_grade_label="",
    )
    text = text_of(render_audit_report(bare))
    assert (
        "不通过" in text
        and "待评审" in text
        and "本次审核未发现不符合项" in text
        and "文件审查未提出问题" in text
    )


def test_many_nonconformities_and_long_notes_flow_over_pages(doc) -> None:
    long_note = "现场抽查发现服务记录填写不完整，" * 30
    ncs = tuple(
        NonconformityRow(
            number=f"NC-{i:02d}", description=long_note, corrective_action="整改" * 50, status="open"
        )
        for i in range(1, 16)
    )
    indicators = tuple(dataclasses.replace(r, note=long_note) for r in doc.indicators)
    pdf = render_audit_report(dataclasses.replace(doc, nonconformities=ncs, indicators=indicators))
    pages = _pages(pdf)
    assert len(pages) > 8
    text = "".join(pages)
    assert "NC-15" in text and "待整改" in text
    assert f"第 {len(pages)} 页 共 {len(pages)} 页" in pages[-1]


def test_markup_characters_in_text_are_printed_literally(doc) -> None:
    odd = dataclasses.replace(doc, conclusion="得分 <90 & >80：<b>不是标签</b>")
    assert "得分 <90 & >80：<b>不是标签</b>" in text_of(render_audit_report(odd))
