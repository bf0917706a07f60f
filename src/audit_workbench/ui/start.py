"""What the window's start loads before PySide6: the services its start page reads with.

Once PySide6 is imported, its `__feature__` import hook reads the source of every module imported
after it (shibokensupport/feature.py, PYSIDE-2029). The dashboard's services bring the CNCA report
models with pydantic, the records checks with cryptography; the case list's bring the rubric models:
more than a hundred modules, about 0.1 s slower when the page imports them after PySide6. The
command line (`audit-workbench gui`, `cli.cmd_gui`) imports them first with `load_services`.

No Qt here: this module is imported before PySide6 is.
"""

from __future__ import annotations

import importlib

# The services a start page reads with (this package's services/NAME.py).
START_PAGE_SERVICES: dict[str, tuple[str, ...]] = {
    "dashboard": ("dashboard",),
    "cases": ("cases", "rubrics"),  # the case list's filter names the installed rubrics
}


def load_services(page: str | None) -> None:
    """Import the services `page` reads with (the dashboard when None). An import that fails is left
    to the page, which imports the module again and reports it there."""
    for name in START_PAGE_SERVICES.get(page or "dashboard", ()):
        try:
            importlib.import_module(f"audit_workbench.services.{name}")
        except ImportError:
            continue
