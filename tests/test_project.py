"""The project as shipped: the wheel carries its data, the layers keep their contracts, docs stay true."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from audit_workbench.core.policy import policy_markdown

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_rubrics_resources_and_migrations(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next(tmp_path.glob("audit_workbench-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for rubric in ("sbt10401-2006-production", "sbt10401-2006-sales", "gbt27922-2011"):
        assert f"audit_workbench/_data/rubrics/{rubric}.yaml" in names
    assert "audit_workbench/_data/resources/materials.yaml" in names
    assert "audit_workbench/_data/resources/audit-time.yaml" in names
    assert "audit_workbench/_data/resources/common-passwords.txt.gz" in names  # refused as new passwords
    assert "audit_workbench/storage/migrations/env.py" in names
    assert "audit_workbench/storage/migrations/script.py.mako" in names
    assert any(n.startswith("audit_workbench/storage/migrations/versions/0001") for n in names)
    assert "audit_workbench/ui/i18n/audit_workbench_en.qm" in names


@pytest.mark.slow
def test_installed_wheel_runs_from_its_own_data(tmp_path: Path) -> None:
    """A non-editable install finds rubrics and resources inside the package, not in a checkout."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("*.whl"))
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import audit_workbench.core.datafiles as d, sys\n"
        f"assert str(d.rubrics_dir()).startswith({str(target)!r}), d.rubrics_dir()\n"
        "from audit_workbench.cli import main\n"
        "sys.exit(main(['rubric', 'list']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "gbt27922-2011" in result.stdout


def test_layer_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_policy_doc_is_generated_from_the_table() -> None:
    doc = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert policy_markdown() in doc, "docs/policy.md is stale: regenerate it with `audit-workbench policy`"


def test_the_window_suites_named_for_the_server_run_exist() -> None:
    """A renamed window suite must not drop out of the PostgreSQL run unnoticed."""
    from .conftest import SERVER_WINDOW_SUITES

    present = {p.name for p in (ROOT / "tests" / "ui").glob("test_*.py")}
    missing = SERVER_WINDOW_SUITES - present
    assert SERVER_WINDOW_SUITES and not missing, missing
