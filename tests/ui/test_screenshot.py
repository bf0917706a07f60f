"""`audit-workbench gui --page … --screenshot x.png` renders a page of a demo database to a PNG and
exits 0, in a separate process (as the docs' screenshots are made). The demo database is built
once for the module (about 15 s: it is written through the services, with fsync)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from audit_workbench.services import Services
from audit_workbench.services.demo import DEMO_PASSWORD, build_demo

from ..conftest import FAST_HASHER

pytestmark = pytest.mark.gui

RUN = "import sys; from audit_workbench.cli import main; sys.exit(main(sys.argv[1:]))"


ONSITE: dict[str, str] = {}  # case_no and team leader of a demo case in the on-site audit


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("gui-demo")
    keys = folder / "keys"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(keys))
        services = Services.open(folder / "demo.sqlite3", hasher=FAST_HASHER)
        try:
            result = build_demo(services)
            for case in result.cases:
                detail = services.cases.get(case.case_no)
                if detail.status == "onsite_audit" and detail.team_leader:
                    ONSITE.update(case_no=case.case_no, leader=detail.team_leader)
        finally:
            services.close()
    yield folder / "demo.sqlite3", keys


def _gui(demo_db: tuple[Path, Path], user: str, *args: str) -> subprocess.CompletedProcess[str]:
    db, keys = demo_db
    env = {
        **os.environ,
        "AUDIT_WORKBENCH_PASSWORD": DEMO_PASSWORD,
        "AUDIT_WORKBENCH_KEYS_DIR": str(keys),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [sys.executable, "-c", RUN, "--db", str(db), "--user", user, "gui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("user", "page", "lang"),
    [("zhangwei", "cases", "zh"), ("zhangwei", "dashboard", "en"), ("admin", "settings", "zh")],
)
def test_screenshot_of_a_page(demo_db, tmp_path, user, page, lang) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / f"{page}-{lang}.png"
    done = _gui(demo_db, user, "--page", page, "--lang", lang, "--screenshot", str(png))
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 10_000
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1366, 768)


def test_screenshot_of_the_scoring_page(demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    png = tmp_path / "scoring.png"
    done = _gui(demo_db, ONSITE["leader"], "--page", f"scoring:{ONSITE['case_no']}", "--screenshot", str(png))
    assert done.returncode == 0, done.stderr
    assert png.stat().st_size > 10_000


def test_a_case_that_does_not_exist_is_refused(demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _gui(demo_db, "zhangwei", "--page", "case:AW1999-99999", "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert "AW1999-99999" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_unknown_page_is_refused(demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _gui(demo_db, "zhangwei", "--page", "nowhere", "--screenshot", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert "nowhere" in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_wrong_password_is_refused(demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db, _keys = demo_db
    env = {**os.environ, "AUDIT_WORKBENCH_PASSWORD": "wrong-password", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN,
            "--db",
            str(db),
            "--user",
            "zhangwei",
            "gui",
            "--screenshot",
            str(tmp_path / "x.png"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "用户名或密码错误" in done.stderr  # in the language of the window


# Run the window as `audit-workbench gui` does, then say in which order the modules were loaded
# (sys.modules keeps the order of first import).
ORDER = (
    "import json, sys; from audit_workbench.cli import main; code = main(sys.argv[1:]); "
    "print('MODULES', json.dumps(list(sys.modules))); sys.exit(code)"
)


@pytest.mark.parametrize(("page", "service"), [("dashboard", "dashboard"), ("cases", "cases")])
def test_the_start_page_services_load_before_pyside6(demo_db, tmp_path, page, service) -> None:  # type: ignore[no-untyped-def]
    """PySide6's import hook reads the source of every module loaded after it (ui.start): the
    window's start page services, and the libraries they bring, are loaded first. The dashboard
    needs no pydantic at all (no rubric, no CNCA template); the case list's filter needs the rubric
    models."""
    db, keys = demo_db
    env = {
        **os.environ,
        "AUDIT_WORKBENCH_PASSWORD": DEMO_PASSWORD,
        "AUDIT_WORKBENCH_KEYS_DIR": str(keys),
        "QT_QPA_PLATFORM": "offscreen",
    }
    png = tmp_path / "page.png"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            ORDER,
            "--db",
            str(db),
            "--user",
            "zhangwei",
            "gui",
            "--page",
            page,
            "--screenshot",
            str(png),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = next(row for row in done.stdout.splitlines() if row.startswith("MODULES "))
    order = json.loads(line.removeprefix("MODULES "))
    assert order.index(f"audit_workbench.services.{service}") < order.index("PySide6.QtCore")
    if page == "dashboard":
        assert "pydantic" not in order
    else:
        assert order.index("pydantic") < order.index("PySide6.QtCore")
    assert png.stat().st_size > 10_000
