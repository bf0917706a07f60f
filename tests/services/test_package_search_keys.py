"""A checkout carries its organisation's search keys (full pinyin and initials), so that the laptop
writes them as the office stored them rather than loading pypinyin's dictionaries (about 55 MB, once
per process) for the name: issue 15's package peak. Keys absent (a package from before) or not fitting
the name are computed on the laptop; keys of the wrong shape are refused like any invalid value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audit_workbench.core.casesearch import pinyin_keys
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.packages import export_package, import_package
from audit_workbench.storage import models as m

from ..conftest import FAST_HASHER, CaseMaker, Clock, Team
from .package_helpers import case_doc, edit_json, edit_manifest, first_login, read_members, write_zip

# the laptop is always a SQLite file; the office runs on SQLite or PostgreSQL


def _keys(db: Path) -> dict[str, tuple[str, str, str]]:
    services = Services.open(db, hasher=FAST_HASHER)
    try:
        with services.read() as session:
            return {
                o.credit_code: (o.name, o.name_pinyin, o.name_initials)
                for o in session.scalars(select(m.Organization))
            }
    finally:
        services.close()


def _no_pypinyin(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str) -> tuple[str, str]:
        raise AssertionError(f"the import computed the keys of {name!r}")

    monkeypatch.setattr(m, "pinyin_keys", refuse)


def _checkout(services: Services, team: Team, make_case: CaseMaker, tmp_path: Path) -> tuple[str, Path]:
    case_no = make_case("onsite_audit")
    out = tmp_path / "checkout.awp"
    export_package(services, team.leader, [case_no], out)
    return case_no, out


def test_the_laptop_writes_the_carried_keys_which_are_pypinyins(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case_no, out = _checkout(services, team, make_case, tmp_path)
    org = services.cases.get(case_no).organization
    doc = json.loads(read_members(out)[f"cases/{case_no}.json"])
    full, initials = pinyin_keys(org.name)
    assert (doc["organization"]["name_pinyin"], doc["organization"]["name_initials"]) == (full, initials)

    _no_pypinyin(monkeypatch)  # the import must not compute them: it writes what the office stored
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop, out, clock=clock)
    monkeypatch.undo()
    assert _keys(laptop) == {org.credit_code: (org.name, full, initials)}
    opened = Services.open(laptop, clock=clock, hasher=FAST_HASHER)
    try:  # and the laptop's case search finds the case by them
        assert [c.case_no for c in opened.cases.list(search=initials[:3])] == [case_no]
        assert [c.case_no for c in opened.cases.list(search=full[2:9])] == [case_no]
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("what", "change"),
    [
        (
            "absent: a package made before the keys travelled",
            lambda o: (o.pop("name_pinyin"), o.pop("name_initials")),
        ),
        ("one of the two absent", lambda o: o.pop("name_initials")),
        ("initials not those of the pinyin", lambda o: o.update(name_initials="zz" + o["name_initials"][2:])),
        (
            "a syllable too many",
            lambda o: o.update(name_pinyin=o["name_pinyin"] + "a", name_initials=o["name_initials"] + "a"),
        ),
        ("the name's digits left out", lambda o: o.update(name_pinyin=o["name_pinyin"].rstrip("0123456789"))),
        ("empty keys for a Chinese name", lambda o: o.update(name_pinyin="", name_initials="")),
    ],
)
def test_keys_absent_or_not_fitting_the_name_are_computed(
    what: str,
    change: Callable[[dict[str, Any]], object],
    services: Services,
    team: Team,
    make_case: CaseMaker,
    tmp_path: Path,
    clock: Clock,
) -> None:
    case_no, out = _checkout(services, team, make_case, tmp_path)
    org = services.cases.get(case_no).organization

    def edit(doc: dict[str, Any]) -> None:
        change(doc["organization"])

    edited = edit_json(read_members(out), f"cases/{case_no}.json", edit)
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop, write_zip(tmp_path / "edited.awp", edited), clock=clock)
    assert _keys(laptop) == {org.credit_code: (org.name, *pinyin_keys(org.name))}, what


def test_keys_that_fit_the_name_are_written_as_carried(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock
) -> None:
    """The limit, said plainly: without pypinyin the laptop cannot tell a wrong reading that fits the
    name (a syllable per character, starting with its initial) from the right one. A checkout is not
    signed, and whoever makes one chooses the organisation's name too; such keys only change what the
    laptop's search finds for that name, and the office's keys are untouched."""
    case_no, out = _checkout(services, team, make_case, tmp_path)
    org = services.cases.get(case_no).organization
    full, initials = pinyin_keys(org.name)
    assert full.startswith("ceshi") and initials.startswith("cs")
    edited = edit_json(
        read_members(out),
        case_doc(read_members(out)),
        lambda d: d["organization"].update(name_pinyin="cisha" + full[5:]),
    )
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop, write_zip(tmp_path / "edited.awp", edited), clock=clock)
    assert _keys(laptop)[org.credit_code] == (org.name, "cisha" + full[5:], initials)


def test_a_renamed_organisation_takes_its_new_keys_on_the_next_checkout(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A later checkout names an organisation the laptop has under another name: the laptop takes
    the new name with the keys carried for it (the second case is of another organisation in the
    office; its package is edited to be of the first, renamed, as a later case of it would be)."""
    first, second = make_case("onsite_audit"), make_case("onsite_audit")
    out1, out2 = tmp_path / "first.awp", tmp_path / "second.awp"
    codes = export_package(services, team.leader, [first], out1).laptop_codes
    export_package(services, team.leader, [second], out2)
    org = services.cases.get(first).organization
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop, out1, clock=clock)
    renamed = "宁波甬江电器集团"
    full, initials = pinyin_keys(renamed)
    assert (full, initials) == ("ningboyongjiangdianqijituan", "nbyjdqjt")

    def of_first(doc: dict[str, Any]) -> None:
        doc["organization"].update(
            credit_code=org.credit_code, name=renamed, name_pinyin=full, name_initials=initials
        )

    members = read_members(out2)
    edited = write_zip(tmp_path / "edited.awp", edit_json(members, case_doc(members), of_first))
    opened = Services.open(laptop, clock=clock, hasher=FAST_HASHER)
    try:
        leader = first_login(opened, "leader", codes)
    finally:
        opened.close()
    _no_pypinyin(monkeypatch)
    import_package(laptop, edited, actor=leader, clock=clock)
    monkeypatch.undo()
    assert _keys(laptop) == {org.credit_code: (renamed, full, initials)}


def test_an_import_refused_for_its_keys_writes_nothing(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock
) -> None:
    case_no, out = _checkout(services, team, make_case, tmp_path)
    edited = edit_json(
        read_members(out), f"cases/{case_no}.json", lambda d: d["organization"].update(name_initials="CS")
    )
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    with pytest.raises(Refused) as info:
        import_package(laptop, write_zip(tmp_path / "edited.awp", edited), clock=clock)
    assert info.value.code == "bad_value" and "name_initials" in info.value.message_en
    assert not laptop.exists(), "a refused import left a database behind"


def test_a_version_2_package_made_before_the_keys_travelled_still_imports(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock
) -> None:
    """Laptops and the office are not updated on the same day: a checkout in format 2 (no keys)
    imports, and its keys are computed."""
    case_no, out = _checkout(services, team, make_case, tmp_path)
    org = services.cases.get(case_no).organization

    def without_keys(doc: dict[str, Any]) -> None:
        doc["organization"].pop("name_pinyin")
        doc["organization"].pop("name_initials")

    members = edit_json(read_members(out), f"cases/{case_no}.json", without_keys)
    assert json.loads(members["manifest.json"])["format_version"] == 3  # what this program writes
    old = edit_manifest(members, lambda m: m.update(format_version=2))
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    import_package(laptop, write_zip(tmp_path / "v2.awp", old), clock=clock)
    assert _keys(laptop) == {org.credit_code: (org.name, *pinyin_keys(org.name))}
