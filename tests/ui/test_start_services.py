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
