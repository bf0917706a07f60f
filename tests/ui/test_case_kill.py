"""Killing the process during scoring loses no score that was shown as saved.

The test starts this file as a script: it opens the case page on a real database, types the points
of one indicator after another into the scoring table (keys, Enter) at a typist's pace, and after
each Enter whose status line says "saved" it prints the code and the points. The test kills it with
SIGKILL after a few of those lines, opens the database again and checks every printed score is there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

# tests/conftest.py's cheap hasher, made here: this file also runs as a script (the killed process)
FAST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)

pytestmark = [pytest.mark.gui, pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")]

PACE_MS = 25  # between keystrokes: fast, but slow enough that the kill lands mid-way


def plan(rubric) -> list[tuple[str, Decimal]]:  # type: ignore[no-untyped-def]
    """What the script types: full marks, and half a point less on every other indicator."""
    return [
        (indicator.code, indicator.max_points - (Decimal("0.5") if n % 2 else 0))
        for n, (_, indicator) in enumerate(rubric.indicators())
    ]


def score_by_keyboard(db: str, case_no: str, user: str, password: str) -> None:
    """The script: runs in its own process until it is killed."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from audit_workbench.services import Services
    from audit_workbench.ui.case.common import fmt_points
    from audit_workbench.ui.context import UiContext
    from audit_workbench.ui.pages.case_page import CasePage

    _app = QApplication([])  # kept alive for the whole run
    services = Services.open(db, hasher=FAST_HASHER)
    page = CasePage(UiContext(services, services.users.login(user, password), "zh"))
    page.resize(1200, 800)
    page.show()
    page.windowHandle().requestActivate()
    while QGuiApplication.focusWindow() is None:
        QTest.qWait(10)  # not a processEvents() spin: each call leaks a reference to None (PySide6 6.12)
    page.show_case(case_no, "scoring")
    while page.case_no != case_no:  # the case is read on the database worker (ui.workers)
        QTest.qWait(10)
    tab = page.scoring_tab
    tree = tab.tree
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    print("ready", flush=True)
    for code, points in plan(rubric):
        tree.go_to(code)
        tree.setFocus()
        text = fmt_points(points)
        QTest.qWait(PACE_MS)
        QTest.keyClick(tree, text[0])
        editor = tree.indexWidget(tree.currentIndex())
        for ch in text[1:]:
            QTest.qWait(PACE_MS)
            QTest.keyClick(editor, ch)
        QTest.qWait(PACE_MS)
        # (no waiting inside the click: Enter closes the editor, and its key release must not
        # be sent to an editor that is already deleted)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        if f"已保存 {code}：{text}" in tab.status_label.text():
            print(f"saved {code} {text}", flush=True)
        else:
            print(f"not saved {code}: {tab.status_label.text()}", flush=True)
    print("done", flush=True)
    time.sleep(120)


@pytest.mark.parametrize("kill_after", [1, 7])
def test_killing_the_process_loses_no_score_shown_as_saved(
    services, team, make_case, db_path: Path, kill_after: int
) -> None:  # type: ignore[no-untyped-def]
    from ..conftest import PASSWORD

    case_no = make_case("onsite_audit")
    process = subprocess.Popen(
        [sys.executable, __file__, str(db_path), case_no, team.leader.name, PASSWORD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"},
    )
    saved: dict[str, Decimal] = {}
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        for line in process.stdout:
            assert time.monotonic() < deadline, "the scoring script is too slow"
            assert not line.startswith("not saved"), line
            if line.startswith("saved "):
                _, code, points = line.split()
                saved[code] = Decimal(points)
                if len(saved) == kill_after:
                    os.kill(process.pid, signal.SIGKILL)
                    break
            assert line.strip() != "done", "the script finished before it was killed"
        # Lines printed before the kill are "shown as saved" too: read what is left in the pipe.
        rest, errors = process.communicate(timeout=30)
        for line in rest.splitlines():
            if line.startswith("saved "):
                _, code, points = line.split()
                saved[code] = Decimal(points)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL, errors
    assert len(saved) >= kill_after

    # A fresh connection, as after a restart: every score the window showed as saved is stored.
    from audit_workbench.services import Services

    reopened = Services.open(db_path, hasher=FAST_HASHER)
    try:
        entries = reopened.cases.get(case_no).entries
        rubric = reopened.rubrics.get(reopened.cases.get(case_no).rubric_id).rubric
    finally:
        reopened.close()
    for code, points in saved.items():
        assert code in entries, f"{code} was shown as saved but is not stored"
        assert entries[code].points == points
    assert len(entries) < len(rubric.indicator_codes), "the kill should land before the end of the scoring"
    expected = dict(plan(rubric))
    assert all(saved[code] == expected[code] for code in saved)


if __name__ == "__main__":
    score_by_keyboard(*sys.argv[1:5])
