"""Run as a child process: export one case as an audit package and import it into a new laptop database.

    python -m benchmarks.package_probe OFFICE_DB CASE_NO CLERK OUT.awp LAPTOP_DB

Prints one JSON line with the two times and the peak memory the round took above what the process
held before it started (Linux: the peak-RSS counter is reset through /proc/self/clear_refs first).
A child process, so that neither the parent's heap nor an earlier round blurs the peak.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def main() -> None:
    office, case_no, clerk_name, out, laptop = sys.argv[1:6]
    from audit_workbench.services import Services
    from audit_workbench.services.packages import export_package, import_package

    from .datasets import DEMO_PASSWORD

    services = Services.open(office)
    clerk = services.users.login(clerk_name, DEMO_PASSWORD)
    reset = _reset_peak()
    before = _status_kb("VmRSS")
    start = time.perf_counter()
    summary = export_package(services, clerk, [case_no], Path(out))
    exported = time.perf_counter()
    import_package(laptop, Path(out))
    imported = time.perf_counter()
    peak = _status_kb("VmHWM")
    services.close()
    print(
        json.dumps(
            {
                "export_s": exported - start,
                "import_s": imported - exported,
                "rss_before_mb": before / 1024,
                "peak_mb": peak / 1024,
                "peak_extra_mb": (peak - before) / 1024,
                "peak_reset": reset,
                "package_bytes": summary.size,
            }
        )
    )


if __name__ == "__main__":
    main()
