"""Change notification on a PostgreSQL server: LISTEN/NOTIFY on the event log.

Every event appended to the log (storage.events.append) sends `NOTIFY audit_workbench_events, '<seq>'`
in its own transaction, so the notification is delivered when — and only if — the change commits.
`EventListener` keeps one connection of its own (not from the pool) in LISTEN on that channel, on a
thread of its own, and calls back with the sequence number of each new event; it reconnects after a
dropped connection. On SQLite there is no server to tell anyone: the window checks the log's last
sequence number instead (services.changes).

The password can be in the URL, in $PGPASSWORD, or in a libpq service or password file: psycopg
reads those itself when the URL has none.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import make_url

from .events import NOTIFY_CHANNEL as CHANNEL

RECONNECT_AFTER_S = 5.0
log = logging.getLogger(__name__)


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (driver part dropped, password kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class EventListener:
    """LISTEN for new events on a PostgreSQL server; `on_event(seq)` runs on the listener's thread."""

    def __init__(self, url: str, on_event: Callable[[int], None], poll_s: float = 1.0) -> None:
        self.url = url
        self.on_event = on_event
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set once LISTEN is in force (tests wait for it)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="audit-workbench-listen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo(self.url), autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.poll_s):
                            try:
                                self.on_event(int(note.payload))
                            except ValueError:
                                continue
                            if self._stop.is_set():
                                break
            except psycopg.Error as exc:  # the server went away: try again, quietly
                self.listening.clear()
                log.info("change notification: %s; reconnecting", exc.__class__.__name__)
                self._stop.wait(RECONNECT_AFTER_S)
