"""The password check started before the program has loaded what it needs to log in.

A command or the window that logs in with `--user` and the password in $AUDIT_WORKBENCH_PASSWORD
knows both before it imports SQLAlchemy, the models and the services (about 0.3 s). The argon2
check of that password takes about 0.1 s of wall time and runs in C without the GIL: started here,
on a thread, it is done on the second core by the time the login asks for it, instead of after.

Nothing is decided here. `start` reads the user's stored hash with the standard library (a
read-only SQLite connection; a server database, a missing file, an unknown user: nothing is
started) and verifies the password against it. The login (`services.users`) reads the user row
as it always did, and only where the hash it read and the password it was given are exactly the
ones checked here does it take the answer (`take`), once, instead of verifying again: argon2's
verification depends on nothing but the two. A row changed in between (a new password, the user
deactivated, locked) is read by the login as before and decides as before.

Imports nothing heavy: this runs before the rest of the program is loaded.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .location import sqlite_file

if TYPE_CHECKING:
    from argon2 import PasswordHasher


class _Check:
    def __init__(self, password_hash: str, password: str, hasher: PasswordHasher) -> None:
        self.password_hash = password_hash
        self.password = password
        self.verified: bool | None = None  # None: the check raised (an unreadable hash and the like)
        self._thread = threading.Thread(target=self._run, args=(hasher,), name="prelogin", daemon=True)
        self._thread.start()

    def _run(self, hasher: PasswordHasher) -> None:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            self.verified = bool(hasher.verify(self.password_hash, self.password))
        except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
            self.verified = False
        except Exception:  # left to the login, which verifies again and reports it
            self.verified = None

    def running(self) -> bool:
        return self._thread.is_alive()

    def answer(self) -> bool | None:
        self._thread.join()
        return self.verified


_lock = threading.Lock()
_pending: _Check | None = None


def stored_hash(db: str | Path | None, name: str) -> str | None:
    """The password hash of the active user `name` in the SQLite database `db` (None: the default
    file), read without writing anything; None where there is no such file, user or table, or the
    database is a server."""
    path = sqlite_file(db)
    if path is None or not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT password_hash FROM users WHERE name = ? AND active", (name,)).fetchone()
    except sqlite3.Error:  # not ours, locked, an older layout: the login will say
        return None
    finally:
        con.close()
    return row[0] if row and isinstance(row[0], str) else None


def start(db: str | Path | None, name: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """Begin checking `password` for user `name` of `db` on a thread. True if a check was started."""
    global _pending
    password_hash = stored_hash(db, name)
    if password_hash is None:
        return False
    if hasher is None:
        from argon2 import PasswordHasher

        hasher = PasswordHasher()  # verification reads its parameters from the hash, not the hasher
    with _lock:
        _pending = _Check(password_hash, password, hasher)
    return True


def take(password_hash: str, password: str) -> bool | None:
    """The answer of the check started for exactly this hash and password (waiting for it), once;
    None when no such check was started or it could not answer: the caller verifies itself."""
    global _pending
    with _lock:
        check = _pending
        if check is None or check.password_hash != password_hash or check.password != password:
            return None
        _pending = None
    return check.answer()


def answered() -> bool:
    """Whether a check started here has its answer already: the login will not wait for argon2,
    so there is no wait to do other work in (Services.prepare_in_background)."""
    with _lock:
        check = _pending
    return check is not None and not check.running()


def forget() -> None:
    """Drop a check not taken (its thread runs out on its own)."""
    global _pending
    with _lock:
        _pending = None
