"""Run as a child process: start a window, wait for the first paint of its table, print the times, exit.

    python -m benchmarks.gui_probe bare                     a bare PySide6 window with an empty QTableView
    python -m benchmarks.gui_probe stack                    the same after importing sqlalchemy, pydantic
                                                            and yaml and checking one argon2 password hash
                                                            ($AWB_PROBE_HASH): the floor for our stack
    python -m benchmarks.gui_probe app --db … --user …      the workbench at its case list

Prints one JSON line: `painted` is the `time.monotonic()` when the table's viewport finished its first
paint (the clock is system-wide, so the parent subtracts its own spawn time), and marks along the way.
Exits with os._exit right away: tearing Qt down is not part of starting.
"""

from __future__ import annotations

import json
import os
import sys
import time

MARKS: dict[str, float] = {"probe_started": time.monotonic()}
TIMEOUT_S = 120.0


def _report_and_exit(code: int = 0, error: str | None = None) -> None:
    out = {"marks": MARKS}
    if error:
        out["error"] = error
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    os._exit(code)


def _watch_first_paint(viewport) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint and "paint_event" not in MARKS:
                MARKS["paint_event"] = time.monotonic()
                # Fires once this paint has been handled: the rows are on the (offscreen) screen.
                QTimer.singleShot(0, self._painted)
            return False

        def _painted(self) -> None:
            MARKS["painted"] = time.monotonic()
            _report_and_exit()

    watcher = FirstPaint(viewport)
    viewport.installEventFilter(watcher)
    QTimer.singleShot(int(TIMEOUT_S * 1000), lambda: _report_and_exit(3, "no paint within the time limit"))


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    MARKS["imported"] = time.monotonic()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    view = QTableView()
    window.setCentralWidget(view)
    window.resize(1440, 900)
    MARKS["window_built"] = time.monotonic()
    _watch_first_paint(view.viewport())
    window.show()
    app.exec()


def stack() -> None:
    import pydantic  # noqa: F401
    import sqlalchemy.orm  # noqa: F401
    import yaml  # noqa: F401
    from argon2 import PasswordHasher

    PasswordHasher().verify(os.environ["AWB_PROBE_HASH"], os.environ["AUDIT_WORKBENCH_PASSWORD"])
    MARKS["stack_ready"] = time.monotonic()
    bare()


def workbench(argv: list[str]) -> None:
    # In the order `audit-workbench gui` imports them: the application first (it loads PySide6 itself).
    from audit_workbench.ui.app import build_app

    # isort: split
    from PySide6.QtWidgets import QApplication

    MARKS["imported"] = time.monotonic()
    window = build_app(argv, exec=False)
    MARKS["window_built"] = time.monotonic()
    if isinstance(window, int):
        _report_and_exit(4, f"build_app returned {window} instead of a window")
    page = window.pages.get("cases")  # type: ignore[union-attr]
    if page is None:
        _report_and_exit(5, "the main window has no case list page")
    MARKS["rows_loaded"] = float(page.model.rowCount())
    _watch_first_paint(page.view.viewport())
    window.show()  # type: ignore[union-attr]
    app = QApplication.instance()
    assert app is not None
    app.exec()


def main() -> None:
    mode, rest = sys.argv[1], sys.argv[2:]
    try:
        if mode == "bare":
            bare()
        elif mode == "stack":
            stack()
        else:
            workbench(rest)
    except BaseException as exc:  # report, never hang the parent
        _report_and_exit(6, f"{exc.__class__.__name__}: {exc}")


if __name__ == "__main__":
    main()
