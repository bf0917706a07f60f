"""The cycle collector paused while the program starts (core.startup)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from audit_workbench.core import startup


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    yield
    startup._paused = False
    gc.unfreeze()
    gc.enable()


def test_the_start_pauses_the_collector_and_its_end_freezes_what_it_made() -> None:
    startup.pause_collector()
    assert not gc.isenabled() and startup.collector_paused()
    made_at_start = [[] for _ in range(1000)]  # long-lived start-up state
    startup.resume_collector()
    assert gc.isenabled() and not startup.collector_paused()
    assert gc.get_freeze_count() >= len(made_at_start)


def test_resume_does_nothing_unless_the_start_paused() -> None:
    startup.resume_collector()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()  # someone else's choice is theirs: never re-enabled here
    startup.pause_collector()
    startup.resume_collector()
    assert not gc.isenabled() and gc.get_freeze_count() == 0
