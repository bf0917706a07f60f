"""The services a start page reads with are loaded before PySide6 (ui.start), and only those: the
modules a page does not need (the rubric models and the scoring engine on the dashboard) load when
first used. Each check runs in a fresh interpreter, where nothing was imported before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from audit_workbench.ui.start import START_PAGE_SERVICES


def _loaded_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{code}\nprint(json.dumps(list(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("page", sorted(START_PAGE_SERVICES))
def test_each_start_page_names_real_services_and_no_qt(page: str) -> None:
    loaded = _loaded_after(f"from audit_workbench.ui.start import load_services\nload_services({page!r})")
    for name in START_PAGE_SERVICES[page]:
        assert f"audit_workbench.services.{name}" in loaded
    assert not [m for m in loaded if m.startswith("PySide6")]


def test_a_page_without_services_loads_none() -> None:
    loaded = _loaded_after(
        "from audit_workbench.ui.start import load_services\nload_services('case:AW2026-00001')"
    )
    assert not [m for m in loaded if m.startswith("audit_workbench.services")]


def test_the_cnca_files_models_are_found_in_core_cnca_on_first_use() -> None:
    from audit_workbench.core import cnca, cnca_files

    assert cnca.Template is cnca_files.Template
    assert cnca.load_codes is cnca_files.load_codes
    with pytest.raises(AttributeError, match="no_such_name"):
        cnca.no_such_name  # noqa: B018


def test_the_dashboard_start_leaves_the_rubric_models_and_the_scoring_engine_unloaded() -> None:
    loaded = _loaded_after("from audit_workbench.ui.start import load_services\nload_services('dashboard')")
    assert "audit_workbench.services.dashboard" in loaded
    assert "audit_workbench.core.rubric" not in loaded
    assert "audit_workbench.core.scoring" not in loaded
    assert "audit_workbench.core.cnca_files" not in loaded  # the CNCA template's models
    assert "pydantic" not in loaded


def test_the_rubrics_still_load_when_a_case_needs_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What was made lazy still works: the registry and the records replay import it on use."""
    from audit_workbench.services import Services

    services = Services.open(tmp_path / "store.sqlite3")
    try:
        assert "sbt10401-2006-production" in services.rubrics.ids()
    finally:
        services.close()


# The window's start as far as its first page: the application, both start pages, a dialog module.
_WINDOW_IMPORTS = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import audit_workbench.ui.app
import audit_workbench.ui.pages.dashboard, audit_workbench.ui.pages.cases, audit_workbench.ui.dialogs.backup
feature = sys.modules["shibokensupport.feature"]
check = feature._mod_uses_pyside
"""


def _run(code: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{_WINDOW_IMPORTS}\n{code}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_the_window_installs_the_quick_pyside_check_once() -> None:
    result = _run(
        "from audit_workbench.ui.start import quicken_feature_hook\n"
        "print(json.dumps({'quick': getattr(check, '_audit_workbench_quick', False),"
        " 'again': quicken_feature_hook(), 'same': feature._mod_uses_pyside is check}))"
    )
    assert result == {"quick": True, "again": False, "same": True}


def test_the_quick_check_answers_as_pyside_does_for_every_module_the_window_loads() -> None:
    """The answer decides whether a module may switch on a PySide `__feature__`: the quick check must
    give PySide's own answer for each module, those that name PySide6 (the window's) and the rest."""
    result = _run(
        "answers = {}\n"
        "for name, module in list(sys.modules.items()):\n"
        "    answers[name] = [check(module), check.pyside_check(module)]\n"
        "print(json.dumps(answers))"
    )
    differ = {name: pair for name, pair in result.items() if pair[0] != pair[1]}
    assert differ == {}
    assert len(result) > 400
    assert result["audit_workbench.ui.main_window"] == [True, True]
    assert result["audit_workbench.services.cases"] == [False, False]
    assert result["sqlalchemy.orm"] == [False, False]


def test_a_module_whose_file_cannot_be_read_is_left_to_pysides_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    gone = tmp_path / "gone.py"
    result = _run(
        "import types\n"
        f"m = types.ModuleType('gone'); m.__file__ = {str(gone)!r}\n"
        "b = types.ModuleType('builtin_like')\n"
        "print(json.dumps([check(m), check(b), check(sys)]))"
    )
    assert result == [False, False, False]
