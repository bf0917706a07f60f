"""Timing helpers and the result row: medians of interleaved runs, processes timed from spawn to exit."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent


@dataclass
class Row:
    """One line of the table: ours against a baseline measured in the same run."""

    key: str
    what: str
    baseline: str
    target: str
    # "max": ratio ≤ limit is met; "min": ratio ≥ limit is met.
    sense: str
    limit: float
    baseline_s: float | None = None
    ours_s: float | None = None
    ratio: float | None = None
    met: bool | None = None
    unit: str = "s"
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def settle(self, extra_ok: bool = True) -> Row:
        if self.ratio is not None:
            ok = self.ratio <= self.limit if self.sense == "max" else self.ratio >= self.limit
            self.met = bool(ok and extra_ok)
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def clock() -> float:
    return time.perf_counter()


def timed(fn: Callable[[], object]) -> float:
    """Seconds for one call; the garbage collector runs as it would in the app (no forced collection)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(
    baseline: Callable[[], object], ours: Callable[[], object], repeat: int, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Run both alternately (baseline first, then ours first) so drift on a shared machine hits both."""
    for _ in range(warmup):
        baseline()
        ours()
    base: list[float] = []
    mine: list[float] = []
    for n in range(repeat):
        if n % 2 == 0:
            base.append(timed(baseline))
            mine.append(timed(ours))
        else:
            mine.append(timed(ours))
            base.append(timed(baseline))
    return base, mine


def run_process(argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    """Wall time of a process from spawn to exit; raises if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}"
        )
    return elapsed


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
