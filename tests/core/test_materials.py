"""The 12 application materials (需要提交资料清单) a clerk checks before `submit`."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_workbench.core.datafiles import resources_dir
from audit_workbench.core.materials import load_materials

MATERIALS_FILE = Path(__file__).resolve().parents[2] / "resources" / "materials.yaml"
CHECKLIST = load_materials(MATERIALS_FILE)


def test_the_app_finds_the_shipped_checklist():
    assert (resources_dir() / "materials.yaml").resolve() == MATERIALS_FILE.resolve()


def test_twelve_items_numbered_1_to_12():
    assert CHECKLIST.numbers == tuple(range(1, 13))
    assert len(CHECKLIST.items) == 12


def test_every_item_has_a_chinese_and_an_english_name():
    for item in CHECKLIST.items:
        assert item.zh.strip() and item.en.strip()
        assert item.name("zh") == item.zh
        assert item.name("en") == item.en


def test_key_items_of_the_procedure():
    assert "营业执照" in CHECKLIST.item(1).zh
    assert "组织机构代码" in CHECKLIST.item(2).zh
    assert "售后服务" in CHECKLIST.item(12).zh


def test_item_2_is_usually_replaced_by_the_unified_social_credit_code():
    # Since the three-in-one licence (三证合一) the organisation code certificate no longer exists.
    item = CHECKLIST.item(2)
    assert item.usually_na_zh is not None and "统一社会信用代码" in item.usually_na_zh
    assert item.usually_na_en is not None and "unified social credit code" in item.usually_na_en.lower()


def test_unknown_item_number_is_refused():
    with pytest.raises(KeyError):
        CHECKLIST.item(13)
    with pytest.raises(KeyError):
        CHECKLIST.item(0)


def test_a_checklist_with_a_gap_in_the_numbers_is_refused(tmp_path: Path):
    text = MATERIALS_FILE.read_text(encoding="utf-8").replace("  - item: 7\n", "  - item: 8\n", 1)
    bad = tmp_path / "materials.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"numbered 1\.\.12"):
        load_materials(bad)
