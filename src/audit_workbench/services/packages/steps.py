"""Progress and cancellation of a package export or import."""

from __future__ import annotations

from typing import Protocol

from ...core.errors import Refused


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


# == results =========================================================================================


class _Progress:
    def __init__(self, progress: ProgressFn | None, cancel: CancelToken | None) -> None:
        self.progress = progress
        self.cancel = cancel
        self.total = 0
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Refused("cancelled", "cancelled: nothing was changed", "已取消：未做任何更改")

    def add(self, n: int) -> None:
        self.total += n

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))
        self.check()

    def finish(self) -> None:
        """Report completion (after the commit: too late to cancel)."""
        self.done = self.total = max(self.total, self.done)
        if self.progress is not None:
            self.progress(self.done, self.total)
