"""The benchmarks run end to end on tiny data sets and report a numeric ratio for every row.

Not a speed test: it only keeps `python -m benchmarks` working as the code under it changes. The data
sets are cached under the temp folder (keyed by schema and password-hash mode), so after the first
run only the measuring is left.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks import datasets
from benchmarks.rows import ALL

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_every_row_has_a_ratio(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--sizes",
            "40,80",
            "--repeat",
            "1",
            "--batch",
            "4",
            "--package-mb",
            "1",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["key"]: row for row in result["rows"]}
    expected = [key for key in ALL if key not in ("growth", "cli", "gui_start")] + [
        *(f"growth_{op}" for op in ("list", "search", "score_edit", "open_case")),
        *(f"cli_{command}" for command in ("rubric_list", "case_list", "case_show", "score_set")),
        "gui_dashboard",
        "gui_cases",
    ]
    assert sorted(rows) == sorted(expected)
    for key, row in rows.items():
        assert row["error"] is None, f"{key}: {row['error']}"
        assert isinstance(row["ratio"], float) and math.isfinite(row["ratio"]) and row["ratio"] > 0, key
        assert isinstance(row["met"], bool), key
    # the fair baselines: each CLI floor imports what its command imported, and checks a password
    # where the command did; the certificate's QR with the product's mask; fresh keystrokes
    assert rows["cli_score_set"]["details"]["argon2_verifications"] == 1
    assert all(rows[f"cli_{c}"]["details"]["modules_in_floor"] > 50 for c in ("rubric_list", "case_list"))
    # and beside each start row, the same floor done as the program does it (its own work is the rest)
    for key in ("cli_case_list", "cli_score_set", "gui_dashboard", "gui_cases"):
        assert rows[key]["details"]["tuned_floor_s"] > 0, key
    # the GUI probe starts as `audit-workbench gui` does: the page's services, then PySide6
    assert rows["gui_dashboard"]["details"]["services_before_pyside"] is True
    assert rows["gui_cases"]["details"]["services_before_pyside"] is True
    # each start split into the same three phases as its floor, and what it spends beyond the floor
    for key in ("gui_dashboard", "gui_cases"):
        details = rows[key]["details"]
        ours, floor = details["ours_phases_median_s"], details["floor_phases_median_s"]
        assert list(ours) == list(floor) == list(details["beyond_the_floor_by_phase_s"]), key
        assert all(v > 0 for v in (*ours.values(), *floor.values())), key
        assert details["beyond_the_floor_by_phase_s"] == {k: ours[k] - floor[k] for k in ours}, key
        # the floor makes the PySide6 classes the start made (the Qt namespace among them); the floor
        # of the modules alone, as measured until 2026-12-06, is kept beside it
        assert details["floor_pyside_classes"] > 50, key
        assert details["floor_modules_only_s"] > 0 and details["ratio_to_floor_modules_only"] > 0, key
    assert rows["certificate_pdf"]["details"]["qr_mask_both"] == 4
    keystrokes = rows["search"]["details"]["per_keystroke"]
    assert len({k["term"] for k in keystrokes}) == len(keystrokes) > 20
    assert rows["package"]["details"]["baseline_peak_measured_by"]
    assert result["machine"]["nproc"] >= 1
    assert result["machine"]["uptime"]
    assert "what" in proc.stdout and "ratio" in proc.stdout  # the table was printed
    # the seed is the demo without its surveillance audits, plus its own follow-ups: the bulk's
    # template for a surveillance audit, and no copied certificate carries a surveillance it never had
    with sqlite3.connect(datasets.seed_path()) as seed:
        kinds = dict(seed.execute("SELECT kind, count(*) FROM cases GROUP BY kind").fetchall())
    assert kinds["surveillance"] == 1 and kinds["renewal"] == 1, kinds
