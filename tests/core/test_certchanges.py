"""The kinds of certificate change (变更类别) as data, and which one a change is recorded under."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_workbench.core.certchanges import load_change_kinds
from audit_workbench.core.datafiles import resources_dir

KINDS = load_change_kinds(resources_dir() / "certificate-changes.yaml")


def test_the_shipped_file_has_cnca_s_codes() -> None:
    assert KINDS.get("0101").zh == "组织更名" and KINDS.get("0102").zh == "地址变更"
    assert KINDS.reissue_code == "0104" and KINDS.reissue_zh == "证书信息变更换证"
    organisation = {k.code for k in KINDS.for_organization()}
    assert {
        "0101",
        "0102",
        "0110",
    } <= organisation and "0197" not in organisation  # a status change is not one


@pytest.mark.parametrize(
    ("changed", "code"),
    [(["name"], "0101"), (["name", "address"], "0101"), (["address"], "0102")],
)
def test_default_kind(changed: list[str], code: str) -> None:
    assert KINDS.default_for(changed).code == code


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "k.yaml"
    bad.write_text(
        "reissue_reason: {code: '0104', zh: x, en: x}\n"
        "kinds:\n  - {code: '0101', zh: a, en: a, fields: [name]}\n  - {code: '0101', zh: b, en: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="appears twice"):
        load_change_kinds(bad)
    bad.write_text(
        "reissue_reason: {code: '0104', zh: x, en: x}\nkinds:\n  - {code: '0101', zh: a, en: a, fields: [scope]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown field"):
        load_change_kinds(bad)
