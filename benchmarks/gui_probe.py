"""Run as a child process: start a window, wait for the first paint of its table, print the times, exit.

    python -m benchmarks.gui_probe bare                     a bare PySide6 window with an empty QTableView
    python -m benchmarks.gui_probe stack                    the same after importing sqlalchemy, pydantic
                                                            and yaml and checking one argon2 password hash
                                                            ($AWB_PROBE_HASH): issue 6's floor
    python -m benchmarks.gui_probe floor FILE.py            the bare window after running FILE.py: the
                                                            floor of a census (benchmarks.census)
    python -m benchmarks.gui_probe app --db … --user … --page dashboard|cases
                                                            the workbench at that page: painted when
                                                            its first table has been painted
    python -m benchmarks.gui_probe open --db … --user … CASE…
                                                            the workbench at its case list, then each
                                                            case opened at its scoring tab in turn

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
ON_PAINTED: list = []  # type: ignore[type-arg]  # run once painted, before the report (benchmarks.census)
ROWS: list = [lambda: 0]  # type: ignore[type-arg]  # how many rows the watched table shows


def _report_and_exit(code: int = 0, error: str | None = None) -> None:
    out = {"marks": MARKS}
    if error:
        out["error"] = error
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    os._exit(code)


def _watch_first_paint(viewport, ready=lambda: True) -> None:  # type: ignore[no-untyped-def]
    """Report at the end of the first paint of `viewport` once `ready()` holds: a page that reads its
    rows on the worker paints an empty table first, and that paint is not the page a user sees
    (it is kept as the mark `empty_paint`)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]
            if event.type() != QEvent.Type.Paint or "paint_event" in MARKS:
                return False
            if not ready():
                MARKS.setdefault("empty_paint", time.monotonic())
            else:
                MARKS["paint_event"] = time.monotonic()
                # Fires once this paint has been handled: the rows are on the (offscreen) screen.
                QTimer.singleShot(0, self._painted)
            return False

        def _painted(self) -> None:
            MARKS["painted"] = time.monotonic()
            MARKS["rows_painted"] = float(ROWS[0]())
            for callback in ON_PAINTED:
                callback()
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


def floor(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        code = fh.read()
    exec(compile(code, path, "exec"), {"__name__": "__floor__"})
    MARKS["stack_ready"] = time.monotonic()
    bare()


def _build(argv: list[str]):  # type: ignore[no-untyped-def]
    # As `audit-workbench --user NAME gui` starts: the command line begins the password check, loads
    # the start page's services, then imports the application (which loads PySide6 itself).
    from audit_workbench.cli import start_password_check
    from audit_workbench.core.startup import pause_collector

    pause_collector()  # as cli.run

    def option(name: str) -> str | None:
        return argv[argv.index(name) + 1] if name in argv else None

    start_password_check(option("--db"), option("--user"))
    from audit_workbench.ui.start import load_services

    load_services(option("--page"))  # as cli.cmd_gui: the start page's services before PySide6
    from audit_workbench.ui.app import build_app

    MARKS["imported"] = time.monotonic()
    window = build_app(argv, exec=False)
    MARKS["window_built"] = time.monotonic()
    if isinstance(window, int):
        _report_and_exit(4, f"build_app returned {window} instead of a window")
    return window


def workbench(argv: list[str]) -> None:
    page_name = argv[argv.index("--page") + 1] if "--page" in argv else "dashboard"
    window = _build(argv)  # loads PySide6 after the services, as `audit-workbench` does (ui.app)
    from PySide6.QtWidgets import QApplication

    page = window.pages.get(page_name)
    if page is None:
        _report_and_exit(5, f"the main window has no {page_name} page")
    # Painted means painted with its rows: both pages read them on the database worker after the
    # window is built, so the first paint of their table is empty and does not count.
    if page_name == "cases":
        model = page.model
        MARKS["rows_loaded"] = float(model.rowCount())
        ROWS[:] = [model.rowCount]
        _watch_first_paint(page.view.viewport(), ready=lambda: model.rowCount() > 0)
    elif page_name == "dashboard":
        MARKS["rows_loaded"] = float(page.queue_model.rowCount())
        ROWS[:] = [page.queue_model.rowCount]
        _watch_first_paint(page.queue_view.viewport(), ready=lambda: page.dashboard is not None)
    else:
        _report_and_exit(5, f"no table to watch on the {page_name} page")
    window.show()
    app = QApplication.instance()
    assert app is not None
    app.exec()


def open_cases(argv: list[str]) -> None:
    """Open each case (the arguments after the options) at its scoring tab, one after the other,
    each timed from the call to the end of the paint of its scoring table."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    split = argv.index("--cases")
    window = _build([*argv[:split], "--page", "cases"])
    cases = argv[split + 1 :]
    app = QApplication.instance()
    assert app is not None
    window.show()
    times: list[float] = []
    state = {"start": 0.0, "painted": False}

    class Paint(QObject):
        def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint and not state["painted"] and state["start"]:
                state["painted"] = True
                QTimer.singleShot(0, done)
            return False

    watcher = Paint()

    def done() -> None:
        times.append(time.monotonic() - state["start"])
        QTimer.singleShot(50, step)

    def step() -> None:
        if len(times) == len(cases):
            MARKS["opens"] = times  # type: ignore[assignment]
            MARKS["painted"] = time.monotonic()
            _report_and_exit()
        case_no = cases[len(times)]
        state["painted"] = False
        state["start"] = time.monotonic()
        window.open_case(case_no, "scoring")
        viewport = window.pages["case"].scoring_tab.tree.viewport()
        viewport.installEventFilter(watcher)
        viewport.update()

    QTimer.singleShot(200, step)
    QTimer.singleShot(int(TIMEOUT_S * 1000), lambda: _report_and_exit(3, "no paint within the time limit"))
    app.exec()


def main() -> None:
    mode, rest = sys.argv[1], sys.argv[2:]
    try:
        if mode == "bare":
            bare()
        elif mode == "stack":
            stack()
        elif mode == "floor":
            floor(rest[0])
        elif mode == "open":
            open_cases(rest)
        else:
            workbench(rest)
    except BaseException as exc:  # report, never hang the parent
        _report_and_exit(6, f"{exc.__class__.__name__}: {exc}")


if __name__ == "__main__":
    main()
