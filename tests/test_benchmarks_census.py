"""The census behind the start rows' floor: what a start made of PySide6 is made by the floor too.

PySide6 makes a class (with all its enums) when its name is first imported, not when its module is
imported, so a floor that imported the same modules only would leave out library work the window
cannot avoid. These tests run the floor's code in a clean interpreter and look at what it made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.census import floor_code

# Made in a child: the test process's own PySide6 state has many classes made already.
CENSUS = {
    "modules": ["PySide6", "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"],
    "verifications": 0,
    "pyside_types": {"PySide6.QtCore": ["Qt"], "PySide6.QtWidgets": ["QDial", "QStyle"]},
}
MADE = (
    "import json, sys\n"
    "print(json.dumps({m: sorted(k for k, v in vars(sys.modules[m]).items() if isinstance(v, type))"
    " for m in ('PySide6.QtCore', 'PySide6.QtWidgets')}))"
)


def made_by(code: str) -> dict[str, list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\n{MADE}"], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_floor_makes_the_classes_the_census_saw_made() -> None:
    made = made_by(floor_code(CENSUS, None))
    assert "Qt" in made["PySide6.QtCore"]
    assert {"QDial", "QStyle"} <= set(made["PySide6.QtWidgets"])


def test_the_modules_only_floor_imports_the_modules_but_makes_no_class() -> None:
    made = made_by(floor_code(CENSUS, None, pyside_names=False))
    assert "Qt" not in made["PySide6.QtCore"]
    assert not {"QDial", "QStyle"} & set(made["PySide6.QtWidgets"])


def test_a_census_without_pyside_gives_the_floor_it_gave_before() -> None:
    plain = {"modules": ["json", "PySide6.QtCore"], "verifications": 0}
    assert floor_code(plain, None) == floor_code(plain, None, pyside_names=False)
    assert "getattr" not in floor_code(plain, None)
