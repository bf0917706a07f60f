"""`python -m benchmarks [--sizes 1000,10000,100000] [--repeat N] [--json out.json]`

Builds (or reuses) the data sets, measures every row of issue 6's table against its baseline in this
one run, prints the table and writes the figures as JSON. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from . import datasets
from .measure import Row
from .rows import ALL, Bench, Settings, run_row

LIBRARIES = (
    "SQLAlchemy",
    "alembic",
    "pydantic",
    "PySide6-Essentials",
    "reportlab",
    "openpyxl",
    "PyYAML",
    "segno",
)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    memory = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            memory = int(next(line.split()[1] for line in fh if line.startswith("MemTotal")))
    except (OSError, StopIteration):
        pass
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "libraries": versions,
        "load_average": os.getloadavg(),
        "uptime": _uptime(),
    }


def _uptime() -> str:
    """`uptime`'s line (the load averages beside the figures: a busy machine shows in them)."""
    import subprocess

    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    header = ("what", "baseline", "base", "ours", "ratio", "target", "met?")
    lines = []
    for r in rows:
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        met = "yes" if r.met else ("no" if r.met is not None else r.error or "—")
        lines.append((r.what, r.baseline, _fmt_time(r.baseline_s), _fmt_time(r.ours_s), ratio, r.target, met))
    widths = [max(len(str(x[i])) for x in [header, *lines]) for i in range(len(header) - 1)]
    out = []
    for line in [header, *lines]:
        cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)]
        out.append("  ".join(cells) + "  " + str(line[-1]))
        if line is header:
            out.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(out)


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    p.add_argument(
        "--sizes", default="1000,10000,100000", help="case counts of the data sets (comma-separated)"
    )
    p.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is taken)")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument("--batch", type=int, default=1000, help="certificates in the batch row")
    p.add_argument("--package-mb", type=int, default=200, help="megabytes of attachments in the package row")
    p.add_argument("--only", help=f"comma-separated rows to run (of {', '.join(ALL)})")
    p.add_argument("--build-only", action="store_true", help="build the data sets and stop")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    if only and only - set(ALL):
        print(f"unknown rows: {', '.join(sorted(only - set(ALL)))}", file=sys.stderr)
        return 2
    datasets.use_cache_keys()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    load_before = _uptime()
    settings = Settings(sizes, max(1, args.repeat), args.batch, args.package_mb, only)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="awb-bench-", dir=datasets.cache_root()) as work:
        bench = Bench(settings, Path(work), log=log)
        for size in sizes:
            bench.path(size)
        if args.build_only:
            return 0
        rows: list[Row] = []
        try:
            for key in ALL:
                if only and key not in only:
                    continue
                t0 = time.monotonic()
                log(f"measuring {key} …")
                new = run_row(bench, key)
                for row in new:
                    log(
                        f"  {row.key}: ratio {row.ratio if row.ratio is None else round(row.ratio, 2)}"
                        f"{' — ' + row.error if row.error else ''} ({time.monotonic() - t0:.0f} s)"
                    )
                rows.extend(new)
        finally:
            bench.close()
    elapsed = time.monotonic() - started
    print(table(rows))
    print(f"\nsizes {', '.join(f'{s:,}' for s in sizes)}; repeat {settings.repeat}; {elapsed:.0f} s in all")
    print(f"before: {load_before}\nafter:  {_uptime()}")
    if args.json:
        result = {
            "command": "python -m benchmarks " + " ".join(sys.argv[1:] if argv is None else argv),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "uptime_before": load_before,
            "sizes": sizes,
            "repeat": settings.repeat,
            "elapsed_s": elapsed,
            "rows": [r.as_dict() for r in rows],
        }
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
