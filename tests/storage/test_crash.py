"""Crash safety: kill scoring processes with SIGKILL at random moments, then check that the file is
intact, the event log verifies, and every score whose save was acknowledged is stored."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from audit_workbench.services import Services

from ..conftest import PASSWORD, CaseMaker

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

KILLS = 20
WRITER = Path(__file__).with_name("crash_writer.py")


def test_sigkill_during_scoring_loses_no_acknowledged_score(
    services: Services, make_case: CaseMaker, db_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    rng = random.Random(27922)
    acknowledged: dict[str, tuple[int, Decimal]] = {}
    total_acks = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(db_path), case_no, PASSWORD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        # Start-up (imports, login) takes ~0.6 s on a quiet machine and several seconds under load:
        # wait for the first acknowledged score, then kill at a random moment of the writing.
        assert proc.stdout is not None
        first = proc.stdout.readline()
        time.sleep(rng.uniform(0.0, 1.2))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        out = first + out
        assert proc.returncode == -signal.SIGKILL, err
        for line in out.splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue  # the last line may be cut mid-write by the kill
            code, version, points = parts[0], int(parts[1]), Decimal(parts[2])
            total_acks += 1
            if version >= acknowledged.get(code, (0, Decimal(0)))[0]:
                acknowledged[code] = (version, points)
    assert total_acks > KILLS, "the writers never got to write: the test proves nothing"

    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert services.log.verify().ok
    detail = services.cases.get(case_no)
    lost = []
    for code, (version, points) in acknowledged.items():
        stored_version = detail.entry_versions.get(code, 0)
        # a later write may have committed just before the kill, unacknowledged: never an older one
        if stored_version < version or (stored_version == version and detail.entries[code].points != points):
            lost.append((code, version, points, stored_version))
    assert lost == [], f"acknowledged scores lost: {lost}"
    print(
        f"crash test: {KILLS} SIGKILLs, {total_acks} acknowledged saves, {len(acknowledged)} indicators, 0 lost"
    )
