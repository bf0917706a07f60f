"""A busy database in the window: the wait is shown, with a cancel (issue 10, point 7).

Another program in a long write holds the database's write lock. The window opens its services with
a short wait per attempt (`ATTEMPT_SECONDS`: SQLite's busy_timeout, PostgreSQL's lock_timeout), so no
attempt holds the window for longer than that. Every call the window makes on a service area goes
through `patient()` (`UiContext.services` is the wrapped services): a use case refused as
`database_busy` changed nothing, so it is simply tried again —

- until it runs: then it completes as if nothing had happened;
- until the total bound (`UiContext.busy_seconds`, the services' BUSY_SECONDS): then the clear
  `database_busy` refusal, shown as every refusal is;
- until the user presses 取消 in the wait dialog that appears after the first busy attempt: then the
  `busy_cancelled` refusal, "nothing was changed", said once (in the status bar where there is one).

On the GUI thread the wait is an application-modal dialog and the event loop runs between attempts
(the window stays painted, nothing else in it takes a click). A call made while a wait is up (a
timer's) is tried once, never nested in a second wait. On the database worker (ui.workers) the attempts
repeat until the bound; the worker's progress dialog shows the same message, and its 取消 stops them.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from ..core.errors import Refused
from ..services import Services
from ..services.base import BUSY_SECONDS

ATTEMPT_SECONDS = 0.15  # each attempt's own wait for the lock: the longest the window is held at once
PAUSE_MS = 100  # between attempts the event loop runs (paints, the 取消 button)
BUSY = "database_busy"
CANCELLED = "busy_cancelled"


def wait_text() -> str:
    return QCoreApplication.translate("BusyWait", "数据库正忙：另一个程序正在写入，正在等待…")


def cancelled_refusal() -> Refused:
    return Refused(
        CANCELLED,
        "cancelled while the database was busy: nothing was changed",
        "已取消：数据库正忙，未做任何更改",
    )


class BusyWait:
    """The wait on the GUI thread: a busy indicator, the message and 取消 (application-modal)."""

    def __init__(self, parent: QWidget | None) -> None:
        self.cancelled = False
        self.loop: QEventLoop | None = None
        dialog = QProgressDialog(parent)
        dialog.setWindowTitle(QCoreApplication.translate("BusyWait", "数据库正忙"))
        dialog.setLabelText(wait_text())
        dialog.setCancelButtonText(QCoreApplication.translate("BusyWait", "取消"))
        dialog.setRange(0, 0)  # no end known: a busy indicator
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self._on_canceled)
        self.dialog = dialog
        dialog.show()

    def _on_canceled(self) -> None:
        self.cancelled = True
        if self.loop is not None:
            self.loop.quit()

    def was_cancelled(self) -> bool:
        """取消 pressed, Escape, the dialog closed, or its cancel() called."""
        return self.cancelled or self.dialog.wasCanceled()

    def pause(self, msecs: int) -> None:
        """Run the event loop for `msecs` (or until 取消). Never a processEvents() spin: under PySide6
        6.12 each call drops a reference to None (ui.app._wait)."""
        loop = QEventLoop()
        self.loop = loop
        QTimer.singleShot(msecs, loop.quit)
        loop.exec()
        self.loop = None

    def close(self) -> None:
        self.dialog.canceled.disconnect(self._on_canceled)
        self.dialog.close()
        self.dialog.deleteLater()


_waiting: list[BusyWait] = []  # the wait up on the GUI thread (at most one)


def current_wait() -> BusyWait | None:
    """The wait dialog shown now, if any (tests look at it)."""
    return _waiting[-1] if _waiting else None


def _is_busy(exc: Refused) -> bool:
    return exc.code == BUSY


def call_patiently(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    seconds: float,
    parent: QWidget | None = None,
) -> Any:
    """`fn(*args, **kwargs)`, tried again while the database is busy (see the module's docstring)."""
    if threading.current_thread() is not threading.main_thread():
        return _in_background(fn, args, kwargs, seconds)
    if _waiting:  # a timer's call while a wait is up: once, never a second wait inside the first
        return fn(*args, **kwargs)
    deadline = time.monotonic() + seconds
    wait: BusyWait | None = None
    try:
        while True:
            try:
                return fn(*args, **kwargs)
            except Refused as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
            if wait is None:
                wait = BusyWait(parent)
                _waiting.append(wait)
            wait.pause(PAUSE_MS)
            if wait.was_cancelled():
                raise cancelled_refusal()
    finally:
        if wait is not None:
            _waiting.remove(wait)
            wait.close()


def _in_background(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], seconds: float
) -> Any:
    """On the database worker: the same attempts; the task's progress dialog says the database is
    busy and its 取消 stops them."""
    from . import workers

    task = workers.current_task()
    cancel = task.cancel if task is not None else threading.Event()
    deadline = time.monotonic() + seconds
    told = False
    while True:
        try:
            return fn(*args, **kwargs)
        except Refused as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        if not told and task is not None:
            task.sig_busy.emit()
            told = True
        if cancel.wait(PAUSE_MS / 1000):
            raise cancelled_refusal()


class _PatientArea:
    """One service area (cases, audits, …) whose every method is called patiently."""

    def __init__(self, area: object, owner: _PatientServices) -> None:
        self._area = area
        self._owner = owner

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._area, name)
        if not callable(value) or isinstance(value, type):
            return value
        owner = self._owner

        @functools.wraps(value)
        def patiently(*args: Any, **kwargs: Any) -> Any:
            return call_patiently(value, args, kwargs, seconds=owner.seconds(), parent=owner.parent())

        return patiently

    def __repr__(self) -> str:
        return f"patient({self._area!r})"


class _PatientServices:
    """The services as the window sees them: the areas' calls are patient, the rest is forwarded."""

    def __init__(
        self,
        services: Services,
        seconds: Callable[[], float],
        parent: Callable[[], QWidget | None],
    ) -> None:
        self.patient_real = services
        self.seconds = seconds
        self.parent = parent
        self._areas: dict[str, _PatientArea] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.patient_real, name)
        if callable(value) or not type(value).__module__.startswith("audit_workbench.services."):
            return value  # the services' own methods (tx, read, today, close), data, the rubrics
        if name not in self._areas:
            self._areas[name] = _PatientArea(value, self)
        return self._areas[name]


def real(services: Services) -> Services:
    """The services themselves under a patient wrapper (or `services` when unwrapped)."""
    return cast(Services, getattr(services, "patient_real", services))


def patient(
    services: Services,
    *,
    seconds: Callable[[], float] = lambda: BUSY_SECONDS,
    parent: Callable[[], QWidget | None] = QApplication.activeModalWidget,
) -> Services:
    """`services` whose every area call waits patiently for a busy database (the module's docstring).
    Typed as the services: the window uses it as it would use them."""
    return cast(Services, _PatientServices(real(services), seconds, parent))
