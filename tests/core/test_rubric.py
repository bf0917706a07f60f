"""The shipped rubric files, the registry, and every way a hand-edited rubric file must be refused.

Expected values come from ../shared/reference/gbt27922-rubrics.md and DESIGN.md ("Scoring"), written
out here by hand — never read back from the code under test.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from audit_workbench.core.rubric import (
    DEFAULT_RUBRIC,
    EnterpriseType,
    Grade,
    RubricError,
    RubricRegistry,
    load_rubric,
    parse_rubric,
)

REPO = Path(__file__).resolve().parents[2]
RUBRICS = REPO / "rubrics"
RUBRIC_FILES = sorted(RUBRICS.glob("*.yaml"))
PRODUCTION_FILE = RUBRICS / "sbt10401-2006-production.yaml"

# -- the reference tables (gbt27922-rubrics.md), code -> (Chinese name, points) ---------------------
PRODUCTION = {
    "1": ("服务文化", {"1.1": ("服务理念", 2.5), "1.2": ("服务承诺", 2.5), "1.3": ("服务策略", 2.5), "1.4": ("服务目标", 2.5)}),
    "2": ("服务制度", {"2.1": ("服务规范", 2.5), "2.2": ("服务流程", 2.5), "2.3": ("服务监督与奖惩", 2.5), "2.4": ("服务制度管理", 2.5)}),
    "3": ("服务体系", {"3.1": ("组织管理", 2.5), "3.2": ("服务网点", 2.5), "3.3": ("人员配置", 2.5), "3.4": ("业务培训", 2.5), "3.5": ("服务投入", 2.5)}),
    "4": ("配送安装", {"4.1": ("商品包装", 5), "4.2": ("配送服务", 6), "4.3": ("安装调试", 6)}),
    "5": ("维修服务", {"5.1": ("维修保障", 6), "5.2": ("维修设施", 6), "5.3": ("技术支持", 6)}),
    "6": ("客户投诉", {"6.1": ("投诉渠道", 5), "6.2": ("投诉记录", 5), "6.3": ("投诉处理", 5)}),
    "7": ("客户管理", {"7.1": ("沟通渠道", 5), "7.2": ("客户关系", 5)}),
    "8": ("服务改进", {"8.1": ("产品改进", 2.5), "8.2": ("服务改进", 2.5), "8.3": ("管理改进", 2.5)}),
}  # fmt: skip
SALES = {
    "1": ("服务文化", {"1.1": ("服务理念", 3), "1.2": ("服务承诺", 3), "1.3": ("服务策略", 3), "1.4": ("服务目标", 3)}),
    "2": ("服务制度", {"2.1": ("服务规范", 3), "2.2": ("服务流程", 3), "2.3": ("服务监督与奖惩", 3), "2.4": ("服务制度管理", 3)}),
    "3": ("服务体系", {"3.1": ("组织管理", 3), "3.2": ("人员配置", 4), "3.3": ("业务培训", 3)}),
    "4": ("产品保证", {"4.1": ("质量保证", 7), "4.2": ("产品退换货", 7), "4.3": ("维修网点设置", 7)}),
    "5": ("配送安装", {"5.1": ("配送服务", 7), "5.2": ("安装调试", 7)}),
    "6": ("客户投诉", {"6.1": ("投诉渠道", 5), "6.2": ("投诉记录", 5), "6.3": ("投诉处理", 5)}),
    "7": ("客户管理", {"7.1": ("沟通渠道", 5), "7.2": ("客户关系", 5)}),
    "8": ("服务改进", {"8.1": ("服务改进", 3), "8.2": ("管理改进", 3)}),
}  # fmt: skip
GBT = {
    "1": ("售后服务体系", {"1.1": ("组织架构", 6), "1.2": ("人员配置", 9), "1.3": ("资源配置", 8), "1.4": ("规范要求", 5),
                           "1.5": ("监督", 4), "1.6": ("改进", 4), "1.7": ("服务文化", 4)}),
    "2": ("商品服务", {"2.1": ("商品信息", 5), "2.2": ("技术支持", 6), "2.3": ("配送", 6), "2.4": ("维修", 7),
                       "2.5": ("质量保证", 7), "2.6": ("废弃商品回收", 4)}),
    "3": ("顾客服务", {"3.1": ("顾客关系", 12), "3.2": ("投诉处理", 13)}),
}  # fmt: skip
REFERENCE = {
    "sbt10401-2006-production": PRODUCTION,
    "sbt10401-2006-sales": SALES,
    "gbt27922-2011": GBT,
}
# (categories, indicators) as DESIGN.md and the reference state them.
COUNTS = {"sbt10401-2006-production": (8, 27), "sbt10401-2006-sales": (8, 23), "gbt27922-2011": (3, 15)}
# Category totals as printed in the reference's "total" column (not summed here from the indicators).
CATEGORY_TOTALS = {
    "sbt10401-2006-production": {"1": 10, "2": 10, "3": 12.5, "4": 17, "5": 18, "6": 15, "7": 10, "8": 7.5},
    "sbt10401-2006-sales": {"1": 12, "2": 12, "3": 10, "4": 21, "5": 14, "6": 15, "7": 10, "8": 6},
    "gbt27922-2011": {"1": 40, "2": 35, "3": 25},
}
# GB/T 27922-2011's public weighting: service system 40 / goods 35 / customer 25.
GROUPS = {
    "sbt10401-2006-production": ({"1", "2", "3", "8"}, {"4", "5"}, {"6", "7"}),
    "sbt10401-2006-sales": ({"1", "2", "3", "8"}, {"4", "5"}, {"6", "7"}),
    "gbt27922-2011": ({"1"}, {"2"}, {"3"}),
}


def D(value: float | int | str) -> Decimal:
    return Decimal(str(value))


# -- every shipped file ---------------------------------------------------------------------------
def test_the_three_rubrics_of_the_design_are_shipped():
    assert {p.stem for p in RUBRIC_FILES} >= set(REFERENCE)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_loads_with_its_stem_as_id(path: Path):
    loaded = load_rubric(path)
    assert loaded.id == path.stem
    assert loaded.rubric.id == path.stem
    # The audit records this hash; it must be the SHA-256 of the file's bytes.
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_sums_to_100_points(path: Path):
    rubric = load_rubric(path).rubric
    total = sum((i.max_points for _, i in rubric.indicators()), Decimal(0))
    assert total == Decimal(100)
    assert rubric.max_points == Decimal(100)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_has_points_in_half_steps_and_unique_codes(path: Path):
    rubric = load_rubric(path).rubric
    codes = [i.code for _, i in rubric.indicators()]
    assert len(codes) == len(set(codes))
    for category, indicator in rubric.indicators():
        assert indicator.max_points > 0
        assert (indicator.max_points * 2) == (indicator.max_points * 2).to_integral_value()
        assert indicator.code.startswith(category.code + ".")
        for text in (indicator.name, indicator.guidance, indicator.evidence):
            assert text.zh.strip() and text.en.strip()


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_states_its_points_basis(path: Path):
    rubric = load_rubric(path).rubric
    assert rubric.points_basis.zh.strip() and rubric.points_basis.en.strip()


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_has_grade_thresholds_95_90_80_70_in_order(path: Path):
    rubric = load_rubric(path).rubric
    assert [(b.grade, b.min_score) for b in rubric.grades] == [
        (Grade.five_star, D(95)),
        (Grade.four_star, D(90)),
        (Grade.three_star, D(80)),
        (Grade.qualified, D(70)),
    ]
    assert [b.label.zh for b in rubric.grades] == ["五星级", "四星级", "三星级", "达标级"]
    assert rubric.pass_score == D(70)


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=lambda p: p.name)
def test_every_rubric_file_has_the_special_item_rules_of_the_standard(path: Path):
    # GB/T 27922 §6: 1 point per special deduction, +1 for at most one special bonus, 5 deductions fail.
    rubric = load_rubric(path).rubric
    assert rubric.special_deduction_points == D(1)
    assert rubric.special_bonus_points == D(1)
    assert rubric.max_special_bonus == 1
    assert rubric.fail_at_special_deductions == 5


# -- the three reference rubrics in detail ----------------------------------------------------------
@pytest.mark.parametrize("rubric_id", sorted(REFERENCE))
def test_category_and_indicator_counts(rubric_id: str):
    rubric = load_rubric(RUBRICS / f"{rubric_id}.yaml").rubric
    n_categories, n_indicators = COUNTS[rubric_id]
    assert len(rubric.categories) == n_categories
    assert len(rubric.indicator_codes) == n_indicators


@pytest.mark.parametrize("rubric_id", sorted(REFERENCE))
def test_category_totals_match_the_reference(rubric_id: str):
    rubric = load_rubric(RUBRICS / f"{rubric_id}.yaml").rubric
    totals = {c.code: c.max_points for c in rubric.categories}
    assert totals == {code: D(v) for code, v in CATEGORY_TOTALS[rubric_id].items()}


@pytest.mark.parametrize("rubric_id", sorted(REFERENCE))
def test_the_40_35_25_weighting_of_gbt27922(rubric_id: str):
    rubric = load_rubric(RUBRICS / f"{rubric_id}.yaml").rubric
    totals = {c.code: c.max_points for c in rubric.categories}
    system, goods, customer = GROUPS[rubric_id]
    assert sum(totals[c] for c in system) == 40
    assert sum(totals[c] for c in goods) == 35
    assert sum(totals[c] for c in customer) == 25


@pytest.mark.parametrize("rubric_id", sorted(REFERENCE))
def test_every_indicator_code_name_and_points_match_the_reference(rubric_id: str):
    rubric = load_rubric(RUBRICS / f"{rubric_id}.yaml").rubric
    shipped = {
        c.code: (c.name.zh, {i.code: (i.name.zh, i.max_points) for i in c.indicators})
        for c in rubric.categories
    }
    expected = {
        code: (name, {ic: (iname, D(pts)) for ic, (iname, pts) in indicators.items()})
        for code, (name, indicators) in REFERENCE[rubric_id].items()
    }
    assert shipped == expected


def test_enterprise_types_of_the_shipped_rubrics():
    assert load_rubric(PRODUCTION_FILE).rubric.enterprise_type is EnterpriseType.production
    assert load_rubric(RUBRICS / "sbt10401-2006-sales.yaml").rubric.enterprise_type is EnterpriseType.sales
    # GB/T 27922-2011 scores both enterprise types on one rubric.
    assert load_rubric(RUBRICS / "gbt27922-2011.yaml").rubric.enterprise_type is None


def test_default_rubric_per_enterprise_type():
    registry = RubricRegistry(RUBRICS)
    assert registry.default_for(EnterpriseType.production).id == "sbt10401-2006-production"
    assert registry.default_for("sales").id == "sbt10401-2006-sales"
    assert set(DEFAULT_RUBRIC) == set(EnterpriseType)
    # The third rubric is available to choose but is nobody's default.
    assert "gbt27922-2011" in registry
    assert "gbt27922-2011" not in {registry.default_for(t).id for t in EnterpriseType}


def test_registry_holds_every_file_once():
    registry = RubricRegistry(RUBRICS)
    assert sorted(registry.ids()) == sorted(p.stem for p in RUBRIC_FILES)
    with pytest.raises(KeyError):
        registry.get("no-such-rubric")


def test_rubric_lookups():
    rubric = load_rubric(PRODUCTION_FILE).rubric
    assert rubric.indicator("4.2").max_points == D(6)
    assert rubric.category_of("4.2").code == "4"
    assert rubric.grade_band("three_star").min_score == D(80)
    with pytest.raises(KeyError):
        rubric.indicator("9.9")


# -- refusals of a hand-edited file -----------------------------------------------------------------
def _base() -> dict:
    return yaml.safe_load(PRODUCTION_FILE.read_text(encoding="utf-8"))


def _write(folder: Path, data: object, stem: str = "sbt10401-2006-production") -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    return str(info.value)


def _ind(data: dict, c: int, i: int) -> dict:
    return data["categories"][c]["indicators"][i]


def test_an_unedited_round_trip_copy_still_loads(tmp_path: Path):
    # Guards the refusal tests below: the copy itself is fine, only the edit makes it fail.
    loaded = load_rubric(_write(tmp_path, _base()))
    assert loaded.id == "sbt10401-2006-production"


def _dup_code(d):
    _ind(d, 0, 1)["code"] = "1.1"


def _sum_not_100(d):
    _ind(d, 0, 1)["max_points"] = 2  # 2.5 -> 2: the file now sums to 99.5


def _negative(d):
    _ind(d, 0, 1)["max_points"] = -2.5


def _zero(d):
    _ind(d, 0, 1)["max_points"] = 0


def _missing(d):
    del _ind(d, 0, 1)["max_points"]


def _unknown_key(d):
    _ind(d, 0, 1)["weight"] = 2


def _unknown_top_key(d):
    d["pass_mark"] = 60


def _thresholds_swapped(d):
    d["grades"][1]["min_score"], d["grades"][2]["min_score"] = 80, 90


def _thresholds_reversed(d):
    d["grades"].reverse()


def _not_half_step(d):
    _ind(d, 0, 1)["max_points"] = 2.3


def _not_half_step_sum_kept(d):
    # 2.25 + 2.75 = 5: the sum is still 100, only the 0.5 step is broken.
    _ind(d, 0, 0)["max_points"] = 2.25
    _ind(d, 0, 1)["max_points"] = 2.75


def _code_not_under_category(d):
    _ind(d, 0, 1)["code"] = "2.9"


def _points_not_a_number(d):
    _ind(d, 0, 1)["max_points"] = "two and a half"


def _schema_version(d):
    d["schema_version"] = 2


REFUSALS = [
    # (edit, place named in the message, words of the problem)
    (_dup_code, "categories[0].indicators[1].code", ["duplicate", "'1.1'", "categories[0].indicators[0]"]),
    (_sum_not_100, None, ["sum", "99.5", "100"]),
    (_negative, "categories[0].indicators[1].max_points", ["> 0"]),
    (_zero, "categories[0].indicators[1].max_points", ["> 0"]),
    (_missing, "categories[0].indicators[1].max_points", ["missing"]),
    (_unknown_key, "categories[0].indicators[1].weight", ["unknown key"]),
    (_unknown_top_key, "pass_mark", ["unknown key"]),
    (_thresholds_swapped, "grades[2].min_score", ["thresholds", "90", "80"]),
    (_thresholds_reversed, "grades[1].min_score", ["thresholds"]),
    (_not_half_step, "categories[0].indicators[1].max_points", ["multiple of 0.5"]),
    (_not_half_step_sum_kept, "categories[0].indicators[0].max_points", ["multiple of 0.5"]),
    (_code_not_under_category, "categories[0]", ["indicators[1].code", "'2.9'", "category code '1'"]),
    (_points_not_a_number, "categories[0].indicators[1].max_points", ["decimal"]),
    (_schema_version, "schema_version", ["not supported"]),
]


@pytest.mark.parametrize(("edit", "place", "words"), REFUSALS, ids=lambda v: getattr(v, "__name__", None))
def test_an_edited_rubric_is_refused_with_file_place_and_problem(tmp_path: Path, edit, place, words):
    data = _base()
    edit(data)
    message = _refusal(_write(tmp_path, data))
    assert "sbt10401-2006-production.yaml" in message
    if place is not None:
        assert place in message
    for word in words:
        assert word in message


def test_id_not_equal_to_file_stem_is_refused(tmp_path: Path):
    message = _refusal(_write(tmp_path, _base(), stem="my-body-2025"))
    assert "my-body-2025.yaml" in message
    assert "id" in message
    assert "'sbt10401-2006-production'" in message and "'my-body-2025'" in message


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("categories: [unclosed\n  - : :\n", encoding="utf-8")
    message = _refusal(path)
    assert "broken.yaml" in message
    assert "not a readable YAML file" in message


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: 售后".encode("gbk"))
    message = _refusal(path)
    assert "gbk.yaml" in message
    assert "not a readable YAML file" in message


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a sentence\n", "", "42\n"])
def test_a_file_without_a_mapping_at_the_top_is_refused(tmp_path: Path, text: str):
    path = tmp_path / "flat.yaml"
    path.write_text(text, encoding="utf-8")
    message = _refusal(path)
    assert "flat.yaml" in message
    assert "mapping" in message


def test_a_missing_file_is_refused_not_crashed(tmp_path: Path):
    message = _refusal(tmp_path / "absent.yaml")
    assert "absent.yaml" in message


def test_parse_rubric_names_the_given_file():
    data = _base()
    _sum_not_100(data)
    with pytest.raises(RubricError) as info:
        parse_rubric(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "upload.yaml")
    assert str(info.value).startswith("upload.yaml")


def test_a_registry_with_one_bad_file_refuses_to_start(tmp_path: Path):
    # A body must not start scoring with a silently skipped rubric.
    shutil.copy(PRODUCTION_FILE, tmp_path / PRODUCTION_FILE.name)
    bad = copy.deepcopy(_base())
    bad["id"] = "bad"
    _sum_not_100(bad)
    _write(tmp_path, bad, stem="bad")
    with pytest.raises(RubricError) as info:
        RubricRegistry(tmp_path)
    assert "bad.yaml" in str(info.value)


def test_a_new_valid_file_is_picked_up_by_the_registry(tmp_path: Path):
    # "A new revision is a new file, never new code."
    data = _base()
    data["id"] = "body-own-2025"
    _write(tmp_path, data, stem="body-own-2025")
    assert RubricRegistry(tmp_path).ids() == ("body-own-2025",)


def test_the_certificate_names_the_standard_each_rubric_was_scored_on() -> None:
    """认证依据: SB/T 10401-2006 for the two 8-category rubrics, GB/T 27922-2011 for its own."""
    from audit_workbench.core.rubric import installed_registry

    registry = installed_registry()
    bases = {r.id: r.rubric.basis() for r in registry.all()}
    assert bases["sbt10401-2006-production"].zh == "SB/T 10401-2006 商品售后服务评价体系"
    assert bases["sbt10401-2006-sales"].zh == "SB/T 10401-2006 商品售后服务评价体系"
    assert bases["gbt27922-2011"].zh == "GB/T 27922-2011 商品售后服务评价体系"
    assert bases["gbt27922-2011"].en.startswith("GB/T 27922-2011 ")
    # a body's own rubric may say it outright; a standard not known is named by its designation
    rubric = registry.get("gbt27922-2011").rubric
    other = rubric.model_copy(update={"standard": "T/CAS 123—2024 某团体标准"})
    assert other.basis().zh == "T/CAS 123-2024"
    from audit_workbench.core.rubric import Text

    named = rubric.model_copy(update={"certification_basis": Text(zh="本机构认证规则", en="Our rule")})
    assert named.basis().zh == "本机构认证规则"
