"""Taking a SQLite database away from everyone: for replacing it (restore) without losing a write.

How SQLite shows that a database is open, in WAL mode (which this program always uses): every
connection that has read the database holds a shared POSIX lock on the database file's SHARED byte
range (from `PENDING_BYTE + 2`, 510 bytes) for as long as it stays open, idle or not, and on the
`-shm` file's "DMS" byte. So a write lock on that range succeeds only when no connection — in any
process, this one included — has the database open, and while it is held nobody can start reading.

`quiesced(path)` therefore: refuses when a lock shows a connection; checkpoints the WAL into the
database file with a connection of its own (TRUNCATE: every committed page is in the file and the
WAL is empty), closes it, then takes the write lock and holds it for the block — which moves the
file away. A write acknowledged by a process that has since died is still in the WAL: the checkpoint
puts it in the file, so nothing acknowledged is lost.

On Linux the locks are open-file-description locks (`F_OFD_SETLK`), which do not vanish when this
process closes another descriptor of the file; elsewhere POSIX `lockf`, with no other descriptor of
the file open meanwhile. Without `fcntl` (Windows) there is no check: the operating system refuses to
move a file that is open.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

PENDING_BYTE = 0x40000000
LOCK_START = PENDING_BYTE  # PENDING, RESERVED, then the SHARED range
LOCK_LENGTH = 2 + 510
SHM_DMS = 128  # the -shm file's "dead man switch" byte: shared by every open connection


class DatabaseInUse(Exception):
    """Another connection has the database open."""


def _ofd_supported() -> bool:
    return fcntl is not None and sys.platform.startswith("linux") and hasattr(fcntl, "F_OFD_SETLK")


def _try_lock(fd: int, start: int, length: int) -> bool:
    """Take a write lock on [start, start+length) without waiting; False when someone holds it."""
    assert fcntl is not None
    if _ofd_supported():
        flock = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
        try:
            fcntl.fcntl(fd, fcntl.F_OFD_SETLK, flock)
        except OSError:
            return False
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, os.SEEK_SET)
    except OSError:
        return False
    return True


def _unlock(fd: int, start: int, length: int) -> None:
    assert fcntl is not None
    if _ofd_supported():
        flock = struct.pack("hhqqi4x", fcntl.F_UNLCK, os.SEEK_SET, start, length, 0)
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, flock)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start, os.SEEK_SET)


def in_use(path: Path) -> bool:
    """Whether any connection (in any process) has the SQLite database at `path` open."""
    if fcntl is None:  # pragma: no cover - Windows
        return False
    path = Path(path)
    for file, start, length in ((path, LOCK_START, LOCK_LENGTH), (Path(str(path) + "-shm"), SHM_DMS, 1)):
        try:
            fd = os.open(file, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            if not _try_lock(fd, start, length):
                return True
            _unlock(fd, start, length)
        finally:
            os.close(fd)
    return False


def checkpoint(path: Path) -> None:
    """Fold the WAL into the database file (TRUNCATE) with a connection of our own, then close it."""
    con = sqlite3.connect(path, isolation_level=None, timeout=1)
    try:
        busy, _log, _done = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise DatabaseInUse(str(path))
    finally:
        con.close()


@contextlib.contextmanager
def quiesced(path: Path) -> Iterator[None]:
    """Hold the database at `path` so nobody can open it, with every committed write in the file
    itself and no WAL; DatabaseInUse when another connection has it open."""
    path = Path(path)
    if in_use(path):
        raise DatabaseInUse(str(path))
    checkpoint(path)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(path, os.O_RDWR)
    try:
        if not _try_lock(fd, LOCK_START, LOCK_LENGTH):
            raise DatabaseInUse(str(path))
        try:
            wal = Path(str(path) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise DatabaseInUse(str(path))  # opened, written and still open in between
            yield
        finally:
            _unlock(fd, LOCK_START, LOCK_LENGTH)
    finally:
        os.close(fd)
