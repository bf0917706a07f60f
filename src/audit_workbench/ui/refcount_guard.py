"""A guard against PySide6 6.12's reference-count bug on None, True and False (CPython 3.11).

Under PySide6 6.12 many bindings give back one reference too few: every call of a Qt method that
returns nothing (`setEnabled`, `setText`, `processEvents`, …) drops a reference to None, and some
paths do the same to True or False. Each loss is harmless alone, but a window works through hundreds
of such calls per click (reloading a case costs about 270), so after a few hours — or at interpreter
exit, when the remaining owners let go — the count reaches zero and CPython aborts with
"none_dealloc" / "bool_dealloc: deallocating True or False".

These three objects are statically allocated and are never freed, so the cure is to give them a
reference count no session can use up: `guard()` adds 2**40 to each, once, before Qt starts. From
CPython 3.12 on they are immortal (their count is never changed) and `guard()` does nothing.
"""

from __future__ import annotations

import ctypes
import sys

PAD = 1 << 40


def needed() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def guard() -> bool:
    """Pad the reference counts of None, True and False (once); True when padded."""
    if not needed():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object; the GIL is held, so no other
        # thread changes it in between.
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < PAD:
            count.value += PAD
    return True
