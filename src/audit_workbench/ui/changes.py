"""The window learns that someone else changed what it shows (services.changes).

`ChangeWatcher` follows the event log for one window: on a PostgreSQL server each commit is pushed
to it (LISTEN/NOTIFY on a thread of the listener's own, handed to the GUI thread by a queued signal),
with a slow check as a fallback; on SQLite it asks for the log's last sequence number every
`POLL_MS` (one read of a primary key). Either way the events after the last one seen are read on
the window's database worker (ui.workers) and `sig_changed` hands them to the window, which
refreshes the pages that show what changed (the main window decides; pages only refresh).

Edits are still checked against the versions they were read at: a page that has not refreshed yet
can never overwrite anyone's work — it is refused as a conflict, as before.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from . import workers

POLL_MS = 1500  # SQLite: how often to ask (the log's last number is one indexed read)
FALLBACK_MS = 15000  # a server: ask anyway now and then, in case a notification was lost


class ChangeWatcher(QObject):
    """Follows the event log of one database for one window."""

    sig_changed = Signal(object)  # services.changes.Changes, with at least one change
    _sig_pushed = Signal(int)  # from the listener thread: an event was committed

    def __init__(self, services: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.last = 0
        self._checking = False
        self._again = False
        self._listener: Any = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self._sig_pushed.connect(self._on_pushed, Qt.ConnectionType.QueuedConnection)

    def start(self, latest: int | None = None) -> None:
        """Begin from the event `latest` (the window reads it on its database worker before the
        pages' first reads, so what they show was read after it), or from the newest event now."""
        self.last = self.services.changes.latest() if latest is None else latest
        if self.services.changes.pushed:
            self._listener = self.services.changes.listen(self._sig_pushed.emit)
            self.timer.start(FALLBACK_MS)
        else:
            self.timer.start(POLL_MS)

    def stop(self) -> None:
        self.timer.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    @property
    def listening(self) -> Any:
        """The server listener's readiness (a threading.Event), None on SQLite."""
        return getattr(self._listener, "listening", None)

    def _on_pushed(self, seq: int) -> None:
        if seq > self.last:
            self.check()

    def check(self) -> None:
        """Read what changed since the last event seen (on the database worker)."""
        if self._checking:
            self._again = True  # one more look when this one is done
            return
        self._checking = True
        since = self.last

        def done(changes: Any) -> None:
            self._checking = False
            if changes.latest > self.last:
                self.last = changes.latest
            if changes.changes or not changes.complete:
                self.sig_changed.emit(changes)
            if self._again:
                self._again = False
                self.check()

        def failed(exc: BaseException) -> None:  # the server is away: the next tick tries again
            self._checking = False

        workers.call(
            self.services.changes.since,
            since,
            on_done=done,
            on_failed=failed,
            label="changes",
            show_progress=False,
        )
