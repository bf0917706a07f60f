"""Long work off the GUI thread (exports, imports, batch printing, packages).

The work itself is a plain function that knows nothing of Qt (Orange's and calibre's habit):

    def export_register(progress, cancel) -> bytes:
        for n, row in enumerate(rows):
            if cancel.is_set(): raise Cancelled
            progress(n, len(rows))        # also raises Cancelled once the user cancelled
        return data

`TaskRunner.run()` runs it on one background thread (all background work is serialised, like
Anki's task manager, so two jobs never write the database at once), and calls `on_done(result)` or
`on_failed(exception)` back on the GUI thread (`on_cancelled()`, if given, when the user cancelled).
A progress dialog with a Cancel button appears only when the work takes longer than 600 ms, so
quick jobs never flash a dialog.

The window's database work goes through the same serial runner (`call()`): a page load or an
action on the office server waits on the network, never on the GUI thread, and two database calls of
the window never run at once (calibre's and Anki's single database thread).

Tests swap in `SynchronousTaskRunner` (Picard's fake thread pool): the same calls, run at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

Progress = Callable[[int, int], None]
Work = Callable[[Progress, threading.Event], Any]

SHOW_PROGRESS_AFTER_MS = 600


class Cancelled(Exception):
    """Raised inside the work function when the user cancelled; not an error."""


def _progress_for(cancel: threading.Event, report: Callable[[int, int], None]) -> Progress:
    def progress(done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled
        report(done, total)

    return progress


class Task(QObject):
    """One piece of background work. Its signals arrive on the GUI thread (queued connections)."""

    sig_progressed = Signal(int, int)
    sig_finished = Signal(object)  # the result
    sig_failed = Signal(object)  # the exception (Cancelled when the user cancelled)
    sig_busy = Signal()  # the database is busy: the work waits for it (ui.busy), the dialog says so

    def __init__(self, fn: Work, label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.label = label
        self.cancel = threading.Event()
        self.done = False
        self.progress_dialog: _DelayedProgress | None = None

    def request_cancel(self) -> None:
        self.cancel.set()

    def execute(self) -> None:
        """Run the work in the calling thread and emit the outcome."""
        _current.task = self
        try:
            result = self.fn(_progress_for(self.cancel, self.sig_progressed.emit), self.cancel)
            if self.cancel.is_set():
                raise Cancelled
        except Exception as exc:  # delivered to the GUI thread, shown there
            outcome, value = self.sig_failed, exc
        else:
            outcome, value = self.sig_finished, result
        finally:
            _current.task = None
        # the application may be gone (it quit while this ran): then there is no one to tell
        with contextlib.suppress(RuntimeError):
            outcome.emit(value)


_current = threading.local()


def current_task() -> Task | None:
    """The task this thread is running (None outside a task): a busy database's wait (ui.busy)
    tells it, and stops when it is cancelled."""
    return getattr(_current, "task", None)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task.execute()


class TaskRunner:
    """Runs tasks on one background thread with a delayed, cancellable progress dialog."""

    def __init__(self) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._running: set[Task] = set()

    def run(
        self,
        fn: Work,
        on_done: Callable[[Any], None],
        *,
        label: str,
        parent: QWidget | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        show_progress: bool = True,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Task:
        task = Task(fn, label)
        self._running.add(task)
        dialog = _DelayedProgress(task, parent) if show_progress else None
        task.progress_dialog = dialog

        def finished(result: Any) -> None:
            self._finish(task, dialog)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._finish(task, dialog)
            if isinstance(exc, Cancelled):
                if on_cancelled is not None:
                    on_cancelled()
                return
            (on_failed or _default_failure(parent))(exc)

        task.sig_finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        task.sig_failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        self._start(task)
        return task

    def _start(self, task: Task) -> None:
        self.pool.start(_Runnable(task))

    def _finish(self, task: Task, dialog: _DelayedProgress | None) -> None:
        task.done = True
        self._running.discard(task)
        if dialog is not None:
            dialog.close_for_good()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the background thread to be idle (at shutdown)."""
        return self.pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)


class SynchronousTaskRunner(TaskRunner):
    """For tests: the same interface, the work runs at once in the calling thread, no dialog."""

    def __init__(self) -> None:
        self._running = set()

    def run(
        self,
        fn: Work,
        on_done: Callable[[Any], None],
        *,
        label: str,
        parent: QWidget | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        show_progress: bool = True,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Task:
        task = Task(fn, label)
        try:
            result = fn(_progress_for(task.cancel, lambda done, total: None), task.cancel)
        except Cancelled:
            task.done = True
            if on_cancelled is not None:
                on_cancelled()
            return task
        except Exception as exc:
            task.done = True
            (on_failed or _default_failure(parent))(exc)
            return task
        task.done = True
        on_done(result)
        return task

    def wait(self, msecs: int = -1) -> bool:
        return True


def _default_failure(parent: QWidget | None) -> Callable[[BaseException], None]:
    """A refusal is shown as a warning; anything else is a bug and goes to the excepthook."""

    def show(exc: BaseException) -> None:
        from ..core.errors import Refused
        from .context import Messages

        if isinstance(exc, Refused):
            Messages.warning(parent, QCoreApplication.translate("TaskRunner", "无法完成操作"), exc.message())
            return
        raise exc

    return show


class _DelayedProgress:
    """A progress dialog that shows only after SHOW_PROGRESS_AFTER_MS and cancels the task."""

    def __init__(self, task: Task, parent: QWidget | None) -> None:
        self.task = task
        self.parent = parent
        self.dialog: QProgressDialog | None = None
        self.last = (0, 0)
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._show)
        self.timer.start(SHOW_PROGRESS_AFTER_MS)
        task.sig_progressed.connect(self._on_task_progressed, Qt.ConnectionType.QueuedConnection)
        task.sig_busy.connect(self._on_task_busy, Qt.ConnectionType.QueuedConnection)
        self.busy = False

    def _on_task_busy(self) -> None:
        """The database is busy: say so now, with the 取消 that stops the wait."""
        self.busy = True
        if self.dialog is not None:
            self.dialog.setLabelText(self._label())
        else:
            self.timer.stop()
            self._show()

    def _label(self) -> str:
        from .busy import wait_text

        return wait_text() if self.busy else self.task.label

    def _show(self) -> None:
        if self.task.done:
            return
        dialog = QProgressDialog(self.parent)
        dialog.setWindowTitle(self.task.label)
        dialog.setLabelText(self._label())
        dialog.setCancelButtonText(QCoreApplication.translate("TaskRunner", "取消"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(360)
        dialog.canceled.connect(self.task.request_cancel)
        self.dialog = dialog
        self._on_task_progressed(*self.last)
        dialog.show()

    def _on_task_progressed(self, done: int, total: int) -> None:
        self.last = (done, total)
        if self.dialog is None:
            return
        if total <= 0:
            self.dialog.setRange(0, 0)  # busy indicator
        else:
            self.dialog.setRange(0, total)
            self.dialog.setValue(min(done, total))

    def close_for_good(self) -> None:
        self.timer.stop()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


def call(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None],
    label: str,
    parent: QWidget | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    show_progress: bool = True,
    **kwargs: Any,
) -> Task:
    """`fn(*args, **kwargs)` — a service call — on the serial worker; `on_done(result)` back on the
    GUI thread. A refusal goes to `on_failed` (by default a warning box); the progress dialog shows
    only when the call takes longer than SHOW_PROGRESS_AFTER_MS."""

    def work(progress: Progress, cancel: threading.Event) -> Any:
        return fn(*args, **kwargs)

    return runner().run(
        work, on_done, label=label, parent=parent, on_failed=on_failed, show_progress=show_progress
    )


_runner: TaskRunner | None = None


def runner() -> TaskRunner:
    """The window's task runner (made on first use). Tests call `use_runner(SynchronousTaskRunner())`."""
    global _runner
    if _runner is None:
        _runner = TaskRunner()
    return _runner


def use_runner(new: TaskRunner | None) -> None:
    global _runner
    _runner = new
