"""Background work: results and failures come back on the GUI thread, the progress dialog appears
only after a delay and its Cancel stops the work; the synchronous runner used by the other tests."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QPushButton

from audit_workbench.core.errors import Refused
from audit_workbench.ui import workers

pytestmark = pytest.mark.gui


@pytest.fixture
def runner():  # type: ignore[no-untyped-def]
    real = workers.TaskRunner()
    yield real
    for task in list(real._running):
        task.request_cancel()
    real.wait(5000)


def test_result_arrives_on_the_gui_thread(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    seen = []
    gui = QThread.currentThread()

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        progress(1, 2)
        return QThread.currentThread() is not gui, 42

    runner.run(work, lambda result: seen.append((result, QThread.currentThread() is gui)), label="t")
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [((True, 42), True)]  # ran off the GUI thread, delivered on it
    assert not runner.busy


def test_failure_goes_to_on_failed(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    failures = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        raise ValueError("broken file")

    runner.run(work, lambda _: None, label="t", on_failed=failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], ValueError)


def test_a_refusal_without_on_failed_is_shown(qtbot, runner, messages) -> None:  # type: ignore[no-untyped-def]
    def work(progress, cancel):  # type: ignore[no-untyped-def]
        raise Refused("x", "no", "不行")

    runner.run(work, lambda _: None, label="t")
    qtbot.waitUntil(lambda: bool(messages.warnings))


def test_progress_dialog_appears_late_and_cancels(qtbot, runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(workers, "SHOW_PROGRESS_AFTER_MS", 10)
    started = threading.Event()
    results = []

    def work(progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        n = 0
        while True:  # until cancelled: progress() raises Cancelled then
            n += 1
            progress(n % 100, 100)
            cancel.wait(0.005)

    task = runner.run(work, results.append, label="导出")
    assert task.progress_dialog is not None
    assert task.progress_dialog.dialog is None  # not at once
    qtbot.waitUntil(
        lambda: task.progress_dialog.dialog is not None and task.progress_dialog.dialog.isVisible()
    )
    (cancel_button,) = task.progress_dialog.dialog.findChildren(QPushButton)
    cancel_button.click()
    qtbot.waitUntil(lambda: task.done)
    assert task.cancel.is_set()
    assert results == []  # a cancelled task delivers nothing


def test_quick_work_never_shows_the_dialog(qtbot, runner) -> None:  # type: ignore[no-untyped-def]
    results = []
    task = runner.run(lambda progress, cancel: "ok", results.append, label="t")
    qtbot.waitUntil(lambda: results == ["ok"])
    assert task.progress_dialog is not None and task.progress_dialog.dialog is None


def test_synchronous_runner() -> None:
    runner = workers.SynchronousTaskRunner()
    results, failures = [], []
    runner.run(lambda p, c: 7, results.append, label="t")
    runner.run(lambda p, c: 1 / 0, results.append, label="t", on_failed=failures.append)
    assert results == [7]
    assert isinstance(failures[0], ZeroDivisionError)
