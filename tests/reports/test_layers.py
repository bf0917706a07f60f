"""The reports layer imports no Qt, no SQL and nothing of services or storage; certsig only the stdlib and cryptography."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import audit_workbench

PACKAGE = Path(audit_workbench.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_reports_modules_import_only_core_and_document_libraries() -> None:
    allowed_third_party = {"reportlab", "openpyxl", "segno", "cryptography", "pypdfium2", "zxingcpp"}
    files = sorted((PACKAGE / "reports").glob("*.py"))
    assert len(files) >= 8
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "audit_workbench":
                assert name.startswith(("audit_workbench.core", "audit_workbench.reports")), (path.name, name)
            else:
                assert top in allowed_third_party or top in sys.stdlib_module_names, (path.name, name)


def test_certsig_imports_only_stdlib_and_cryptography() -> None:
    for name in _imports(PACKAGE / "core" / "certsig.py"):
        top = name.split(".")[0]
        assert top == "cryptography" or top in sys.stdlib_module_names or top == "__future__", name


def test_importing_every_renderer_loads_no_qt_and_no_sqlalchemy() -> None:
    code = (
        "import sys\n"
        "import audit_workbench.reports.batch, audit_workbench.reports.certificate_pdf\n"
        "import audit_workbench.reports.report_pdf, audit_workbench.reports.score_sheet\n"
        "import audit_workbench.reports.register, audit_workbench.reports.fonts, audit_workbench.reports.models\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'alembic')\n"
        "             or m.startswith(('audit_workbench.services', 'audit_workbench.storage', 'audit_workbench.ui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == ""
