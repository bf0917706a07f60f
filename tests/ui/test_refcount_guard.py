"""The guard against PySide6 6.12's lost references to None, True and False (ui/refcount_guard.py)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QPushButton

from audit_workbench.ui import app, refcount_guard

pytestmark = pytest.mark.gui


@pytest.mark.skipif(not refcount_guard.needed(), reason="None, True and False are immortal here")
def test_the_singletons_cannot_run_out_of_references(qtbot) -> None:  # type: ignore[no-untyped-def]
    app.application()  # the window's start pads the counts (the test session already has)
    counts = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(c > refcount_guard.PAD for c in counts)
    refcount_guard.guard()  # once only: a second call adds nothing
    again = [sys.getrefcount(x) for x in (None, True, False)]
    assert all(abs(a - c) < 1000 for a, c in zip(again, counts, strict=True))

    button = QPushButton("x")
    qtbot.addWidget(button)
    for _ in range(20_000):  # far more than None's own count in a small process
        button.setEnabled(True)
    assert sys.getrefcount(None) > refcount_guard.PAD
