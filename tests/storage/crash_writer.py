"""A scoring process that the crash test kills with SIGKILL at random moments.

After each score edit returns (the service committed it), it prints `code version points` and
flushes: that line is the acknowledgement "shown as saved" that the test holds us to.
"""

from __future__ import annotations

import sys

from audit_workbench.services import Services


def main(db: str, case_no: str, password: str) -> None:
    services = Services.open(db)
    leader = services.users.login("leader", password)
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    codes = [i.code for _, i in rubric.indicators()]
    n = 0
    while True:
        indicator = rubric.indicator(codes[n % len(codes)])
        points = indicator.max_points if n % 3 else indicator.max_points / 2 // 1
        change = services.audits.set_points(leader, case_no, indicator.code, points, note=f"第{n}次")
        print(change.code, change.version, change.entry.points if change.entry else None, flush=True)
        n += 1


if __name__ == "__main__":
    main(*sys.argv[1:4])
