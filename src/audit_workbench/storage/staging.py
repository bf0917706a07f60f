"""Staging folders beside the database, for files on their way in (the attachments of a package).

An import stages its files in `<database>.staging/<pid>-<random>/` — on the same disk as the
attachment store they move into, never in the system's temporary folder, where a killed import once
left gigabytes behind. The folder holds a lock file locked for as long as the import runs; a folder
whose lock nobody holds was left by a process that was killed, and `sweep` (at every start of the
program, and before every import) removes it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .db import _attachments_root, sqlite_path, to_url

LOCK = ".lock"
ORPHAN_GRACE_S = 60.0  # a folder with no lock file yet may be a moment old: another import starting


def staging_root(db: str | Path | None) -> Path:
    """Where the database at `db` stages incoming files: beside its file (SQLite) or its attachments."""
    url = to_url(db)
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + ".staging")
    attachments = _attachments_root(url)
    return attachments.with_name(attachments.name + ".staging")


def _try_lock(handle: IO[bytes]) -> bool:
    """Take the lock of an open lock file without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def staging_area(root: Path) -> Iterator[Path]:
    """A new staging folder under `root`, locked while in use, removed (with `root` when it is left
    empty) on the way out whatever happens."""
    made_root = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    handle = open(folder / LOCK, "wb")  # noqa: SIM115 - held open (and locked) until the end
    try:
        _try_lock(handle)
        yield folder
    finally:
        handle.close()
        shutil.rmtree(folder, ignore_errors=True)
        if made_root:
            with contextlib.suppress(OSError):
                root.rmdir()


def sweep(root: Path) -> list[Path]:
    """Remove the staging folders under `root` that no running process holds; return them."""
    if not root.is_dir():
        return []
    removed = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        lock = folder / LOCK
        try:
            handle = open(lock, "rb+")  # noqa: SIM115
        except FileNotFoundError:
            try:
                young = time.time() - folder.stat().st_mtime < ORPHAN_GRACE_S
            except FileNotFoundError:
                continue
            if young:
                continue
        except OSError:
            continue
        else:
            with handle:
                if not _try_lock(handle):
                    continue  # a running import's
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    with contextlib.suppress(OSError):
        root.rmdir()  # only when nothing is left
    return removed
