"""Report models as a service would fill them, for the renderer tests and for looking at the output."""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from audit_workbench.core import certsig
from audit_workbench.core.rubric import LoadedRubric, load_rubric
from audit_workbench.reports.models import (
    AuditReportDoc,
    CategoryRow,
    CertificateDoc,
    CommitteeVoteRow,
    IndicatorRow,
    NonconformityRow,
    RegisterRow,
    ReportIndicatorRow,
    ScoreSheetDoc,
    ScoreTotals,
)

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ROOT / "rubrics" / "sbt10401-2006-production.yaml"
ORGANIZATION = "杭州示例电器股份有限公司"
BODY = "华信服务认证有限公司"


def production_rubric() -> LoadedRubric:
    return load_rubric(PRODUCTION)


def seal_png(size: int = 240) -> bytes:
    """A red ring with a star, standing in for a body's seal (transparent background)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 30, 30, 210)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=max(4, size // 30))
    cx = cy = size / 2
    points = []
    for i in range(10):
        r = size * 0.16 if i % 2 == 0 else size * 0.065
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def certificate_doc(
    key, *, grade: str = "five_star", stars: int = 5, seal: bool = True, **overrides
) -> CertificateDoc:
    labels = {
        "five_star": ("五星级", "Five-star"),
        "four_star": ("四星级", "Four-star"),
        "three_star": ("三星级", "Three-star"),
        "qualified": ("达标级", "Qualified"),
    }
    claims = certsig.CertificateClaims(
        number=overrides.get("number", "AWB-2025-0007"),
        organization=overrides.get("organization", ORGANIZATION),
        credit_code="91330100MA2B3C4D5E",
        grade=grade,
        issued_on=date(2025, 3, 14),
        expires_on=date(2028, 3, 13),
        rubric_id="sbt10401-2006-production",
        body_name=BODY,
    )
    fields = dict(
        body_name=BODY,
        body_address="北京市朝阳区示例路 88 号 认证大厦 12 层",
        number=claims.number,
        organization=claims.organization,
        credit_code=claims.credit_code,
        address="浙江省杭州市滨江区江南大道 1234 号示例科技园 5 号楼",
        scope="家用电器（空调器、洗衣机、电冰箱）的销售、配送、安装、维修及客户服务",
        grade=grade,
        grade_label_zh=labels[grade][0],
        grade_label_en=labels[grade][1],
        stars=stars,
        issued_on=claims.issued_on,
        expires_on=claims.expires_on,
        rubric_id=claims.rubric_id,
        qr_payload=certsig.sign_certificate(key, claims),
        body_name_en="Huaxin Service Certification Co., Ltd.",
        organization_en="Hangzhou Example Electric Appliance Co., Ltd.",
        address_en="Building 5, Example Science Park, 1234 Jiangnan Avenue, Binjiang District, Hangzhou, Zhejiang",
        scope_en=(
            "Sales, delivery, installation, repair and customer service of household appliances "
            "(air conditioners, washing machines, refrigerators)"
        ),
        body_address_en="12/F Certification Tower, 88 Example Road, Chaoyang District, Beijing",
        seal_image=seal_png() if seal else None,
        signatory="王立新",
    )
    fields.update({k: v for k, v in overrides.items() if k in CertificateDoc.__dataclass_fields__})
    return CertificateDoc(**fields)


def _points_for(code: str, maximum: Decimal) -> Decimal:
    # A realistic spread: most full marks, some half points lost.
    lose = {
        "1.3": Decimal("0.5"),
        "2.2": Decimal(1),
        "3.2": Decimal("0.5"),
        "4.2": Decimal(1),
        "5.1": Decimal("1.5"),
        "6.3": Decimal(1),
        "7.2": Decimal("0.5"),
    }
    return maximum - lose.get(code, Decimal(0))


def score_rows(loaded: LoadedRubric, unscored: tuple[str, ...] = ("8.3",)) -> tuple[IndicatorRow, ...]:
    rows = []
    for _, indicator in loaded.rubric.indicators():
        if indicator.code == "8.1":
            rows.append(
                IndicatorRow(
                    code="8.1", not_applicable=True, reason="企业不从事产品设计，产品由集团研发中心负责"
                )
            )
        elif indicator.code in unscored:
            rows.append(IndicatorRow(code=indicator.code, points=None, note="待现场核实"))
        else:
            rows.append(
                IndicatorRow(
                    code=indicator.code,
                    points=_points_for(indicator.code, indicator.max_points),
                    note="抽查维修记录 20 份，2 份未按承诺时限上门" if indicator.code == "5.1" else "",
                    evidence_count=2,
                )
            )
    return tuple(rows)


NONCONFORMITIES = (
    NonconformityRow(
        number="NC-01",
        indicator_code="5.1",
        description="抽查 20 份维修记录，有 2 份超过承诺的 24 小时上门时限，且未记录原因。",
        corrective_action="修订派工规则，超时工单自动升级至服务经理；对相关网点进行培训。",
        verification="复查 2025 年 2 月维修记录 30 份，均按时上门。验证人：李敏",
        status="verified",
        raised_on=date(2025, 1, 16),
        due_on=date(2025, 2, 15),
        closed_on=date(2025, 2, 20),
    ),
    NonconformityRow(
        number="NC-02",
        indicator_code="",
        special_deduction=True,
        description="部分网点公示的收费标准与企业服务手册不一致。",
        corrective_action="统一更新所有网点收费公示。",
        verification="抽查 5 个网点照片，已统一。",
        status="closed",
        raised_on=date(2025, 1, 17),
        closed_on=date(2025, 2, 18),
    ),
)


def score_sheet_doc(loaded: LoadedRubric | None = None, **overrides) -> ScoreSheetDoc:
    loaded = loaded or production_rubric()
    fields = dict(
        case_no="AWB-C-2025-0012",
        organization=ORGANIZATION,
        rubric=loaded.rubric,
        rubric_id=loaded.id,
        rubric_sha256=loaded.sha256,
        rows=score_rows(loaded),
        exported_at=datetime(2025, 1, 17, 9, 30, 0),
        exported_by="张伟（组长）",
        special_deductions=("部分网点公示的收费标准与服务手册不一致",),
        bonus_reason="建立行业首个售后服务满意度实时公示平台",
        nonconformities=NONCONFORMITIES,
        body_name=BODY,
    )
    fields.update(overrides)
    return ScoreSheetDoc(**fields)


def expected_totals(loaded: LoadedRubric, rows, deductions: int, bonus: bool) -> tuple[Decimal, str | None]:
    """The total and grade id by the rules in DESIGN.md, computed independently of the sheet."""
    rubric = loaded.rubric
    by_code = {r.code: r for r in rows}
    earned = Decimal(0)
    applicable = Decimal(0)
    for _, indicator in rubric.indicators():
        row = by_code.get(indicator.code)
        if row is not None and row.not_applicable:
            continue
        applicable += indicator.max_points
        if row is not None and row.points is not None:
            earned += row.points
    base = earned / applicable * 100 if applicable else Decimal(0)
    total = (
        base - deductions * rubric.special_deduction_points + (rubric.special_bonus_points if bonus else 0)
    )
    total = min(max(total, Decimal(0)), rubric.max_points).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if deductions >= rubric.fail_at_special_deductions:
        return total, None
    for band in rubric.grades:
        if total >= band.min_score:
            return total, band.grade.value
    return total, None


def audit_report_doc(loaded: LoadedRubric | None = None, **overrides) -> AuditReportDoc:
    loaded = loaded or production_rubric()
    rubric = loaded.rubric
    rows = {r.code: r for r in score_rows(loaded, unscored=())}
    categories = []
    indicators = []
    for category in rubric.categories:
        applicable = Decimal(0)
        earned = Decimal(0)
        for indicator in category.indicators:
            row = rows[indicator.code]
            if not row.not_applicable:
                applicable += indicator.max_points
                earned += row.points or 0
            indicators.append(
                ReportIndicatorRow(
                    code=indicator.code,
                    name_zh=indicator.name.zh,
                    name_en=indicator.name.en,
                    max_points=indicator.max_points,
                    points=row.points,
                    not_applicable=row.not_applicable,
                    note=row.reason if row.not_applicable else row.note,
                    evidence_count=row.evidence_count,
                )
            )
        categories.append(
            CategoryRow(
                category.code, category.name.zh, category.name.en, category.max_points, applicable, earned
            )
        )
    earned = sum((c.earned for c in categories), Decimal(0))
    applicable = sum((c.applicable_max for c in categories), Decimal(0))
    # As core.scoring gives it: the exact base rounded half-up to 0.1 once (93.846… → 93.8).
    base = (earned / applicable * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    total, grade = expected_totals(loaded, tuple(rows.values()), 1, True)
    band = rubric.grade_band(grade) if grade else None
    totals = ScoreTotals(
        earned=earned,
        applicable_max=applicable,
        base=base,
        deductions=Decimal(1),
        bonus=Decimal(1),
        total=total,
        passed=grade is not None,
        grade_label_zh=band.label.zh if band else "",
        grade_label_en=band.label.en if band else "",
        deduction_count=1,
        deduction_reasons=("部分网点公示的收费标准与服务手册不一致",),
        bonus_reason="建立行业首个售后服务满意度实时公示平台",
    )
    fields = dict(
        body_name=BODY,
        case_no="AWB-C-2025-0012",
        organization=ORGANIZATION,
        credit_code="91330100MA2B3C4D5E",
        address="浙江省杭州市滨江区江南大道 1234 号示例科技园 5 号楼",
        scope="家用电器（空调器、洗衣机、电冰箱）的销售、配送、安装、维修及客户服务",
        enterprise_type="production",
        rubric_id=loaded.id,
        rubric_title_zh=rubric.title.zh,
        rubric_title_en=rubric.title.en,
        rubric_sha256=loaded.sha256,
        team_leader="张伟",
        team_members=("李敏", "陈晓东"),
        report_date=date(2025, 2, 24),
        audit_start=date(2025, 1, 15),
        audit_end=date(2025, 1, 17),
        document_review_on=date(2025, 1, 6),
        document_review_findings=(
            "《售后服务手册》（第 3 版）覆盖服务理念、承诺、规范、流程和监督考核，内容完整。",
            "服务网点清单列明 42 个自建网点和 118 个委托网点，委托协议均在有效期内。",
            "建议补充废旧商品回收的操作细则（已在现场审核前补充）。",
        ),
        categories=tuple(categories),
        indicators=tuple(indicators),
        totals=totals,
        nonconformities=NONCONFORMITIES,
        conclusion=(
            "经文件审查和现场审核，该企业建立了较完善的售后服务体系，服务承诺明确并能兑现，"
            "投诉处理及时有效。发现的 2 项不符合已完成整改并经验证关闭。"
            "审核组建议评定为四星级。"
        ),
        recommended_grade_label="四星级",
        committee_decision="approve",
        committee_grade_label="四星级",
        committee_decided_on=date(2025, 2, 24),
        committee_votes=(
            CommitteeVoteRow("刘芳", "approve", "同意审核组意见。", date(2025, 2, 24)),
            CommitteeVoteRow("赵强", "approve", "", date(2025, 2, 24)),
            CommitteeVoteRow(
                "孙丽", "lower", "维修及时率数据样本偏少。", date(2025, 2, 24), grade_label="三星级"
            ),
        ),
    )
    fields.update(overrides)
    return AuditReportDoc(**fields)


def register_rows() -> tuple[RegisterRow, ...]:
    return (
        RegisterRow(
            "AWB-2025-0007",
            ORGANIZATION,
            "91330100MA2B3C4D5E",
            "五星级",
            "家用电器的销售、配送、安装、维修及客户服务",
            date(2025, 3, 14),
            date(2028, 3, 13),
            "valid",
            date(2026, 3, 13),
        ),
        RegisterRow(
            "AWB-2024-0031",
            "上海示例物流有限公司",
            "91310000MA1K2L3M4N",
            "三星级",
            "城市配送服务",
            date(2024, 6, 1),
            date(2027, 5, 31),
            "suspended",
            None,
        ),
        RegisterRow(
            "AWB-2022-0002",
            'Acme, "Quoted" Ltd.\nline 2',
            "91110000123456789X",
            "达标级",
            "售后服务",
            date(2022, 1, 5),
            date(2025, 1, 4),
            "expired",
            None,
        ),
    )
