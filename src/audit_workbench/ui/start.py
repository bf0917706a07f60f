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
import sys
from collections.abc import Callable
from types import ModuleType

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


# The mark on the check `quicken_feature_hook` installs, so it is installed once.
_QUICK = "_audit_workbench_quick"


def quicken_feature_hook() -> bool:
    """Give PySide6's `__feature__` import hook a cheaper check; True if it was installed now.

    For every module imported after PySide6, the hook asks whether the module's source names PySide6
    (`shibokensupport.feature._mod_uses_pyside`, PYSIDE-2029) with `inspect.getsource`, which reads
    the file through linecache, decodes and splits it: about 0.27 ms a module, 27 ms for the 105
    modules the dashboard's start imports after PySide6, and more for every page and dialog opened
    later. The same question is answered here by searching the file's bytes for b"PySide6" (the
    name is ASCII, and a source file is in an ASCII-compatible encoding); a module that is not a
    `.py` file, or whose file cannot be read, is left to PySide's own check. The answer only decides
    whether a module may switch on a `__feature__` (snake_case, true_property), which this program
    does not use; tests/ui/test_start_services.py checks that both checks agree on every module the
    window loads. If a PySide6 release no longer has the check, nothing is changed."""
    feature = sys.modules.get("shibokensupport.feature")
    original: Callable[[ModuleType], bool] | None = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, _QUICK, False):
        return False
    pyside_check: Callable[[ModuleType], bool] = original

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return pyside_check(module)

    setattr(mod_uses_pyside, _QUICK, True)
    mod_uses_pyside.pyside_check = pyside_check  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True
