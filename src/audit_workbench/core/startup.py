"""Python's cycle collector during the program's start.

Starting, the program makes some hundred thousand long-lived objects (SQLAlchemy's mappers and
compiled statements, the services, the window's widgets) and almost no garbage; the collector,
triggered by the count of new objects, walks the growing heap again and again meanwhile (about 50
collections, some 0.05 s of a window's start). So `audit-workbench` pauses it as it starts and
resumes it once the start is over — after the login for a command, after the first paint for the
window — freezing what the start made (gc.freeze: kept for good, never walked again), as Python's
documentation of gc.freeze describes for long-lived start-up state. Collection then runs as usual
over what the work makes.

Only the program's entry (`cli.run`) pauses; in-process callers (the tests) never do, and
`resume` does nothing unless this module paused.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def collector_paused() -> bool:
    return _paused
