"""The detail records (storage/detail_models.py) are mapped when first named, not at start: a start
page never maps them (the window declares them on its worker once the page has painted), yet every
door that needs them finds them — a new database gets every table, a case opens at its scoring tab,
and threads that name them at once all see them configured. Each check runs in a fresh interpreter,
where nothing was imported before."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from audit_workbench.storage import models as m

DETAIL_MODULE = "audit_workbench.storage.detail_models"


def _run(code: str, *args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def every_table() -> set[str]:
    m.load_detail_models()
    return set(m.Base.metadata.tables)


def test_importing_the_models_maps_no_detail_record_until_one_is_named() -> None:
    seen = _run(
        "import json, sys\n"
        "from audit_workbench.storage import models as m\n"
        f"before = {DETAIL_MODULE!r} in sys.modules\n"
        "tables_before = len(m.Base.metadata.tables)\n"
        "from audit_workbench.storage.models import CommitteeVote\n"
        "print(json.dumps({'before': before, 'tables_before': tables_before,\n"
        "    'after': sorted(m.Base.metadata.tables), 'vote_user': str(CommitteeVote.user),\n"
        "    'configured': all(x.configured for x in m.Base.registry.mappers)}))\n"
    )
    assert seen["before"] is False
    assert seen["tables_before"] == len(every_table()) - len(m.DETAIL_MODELS)
    assert set(seen["after"]) == every_table()
    assert seen["vote_user"] == "CommitteeVote.user" and seen["configured"] is True
    with pytest.raises(AttributeError, match="no_such_model"):
        m.no_such_model  # noqa: B018


def test_a_new_database_has_every_table_though_no_detail_record_was_named(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    seen = _run(
        "import json, sys\n"
        "from audit_workbench.storage.db import open_database\n"
        "db = open_database(sys.argv[1])\n"
        "db.engine.dispose()\n"
        f"print(json.dumps({{'loaded': {DETAIL_MODULE!r} in sys.modules}}))\n",
        str(path),
    )
    assert seen["loaded"] is True  # creating it named them
    with sqlite3.connect(path) as connection:
        tables = {
            name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert every_table() <= tables
    assert {"materials", "indicator_scores", "committee_votes", "certificate_changes"} <= tables


def test_threads_naming_them_at_once_all_see_them_configured() -> None:
    """Eight threads at a barrier: half compile statements on the start models (which configures
    mappers), half name detail models for the first time (which declares them). No thread sees a
    detail model half declared or a mapper failing to configure."""
    seen = _run(
        "import json, threading\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.dialects import sqlite\n"
        "from audit_workbench.storage import models as m\n"
        "names = sorted(m.DETAIL_MODELS)\n"
        "barrier = threading.Barrier(8)\n"
        "errors, compiled = [], []\n"
        "def work(i):\n"
        "    try:\n"
        "        barrier.wait()\n"
        "        for k in range(40):\n"
        "            if i % 2:\n"
        "                entity = getattr(m, names[(i + k) % len(names)])\n"
        "            else:\n"
        "                entity = m.Case\n"
        "            compiled.append(str(select(entity).compile(dialect=sqlite.dialect())))\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "print(json.dumps({'errors': errors, 'compiled': len(compiled),\n"
        "    'mappers': len(m.Base.registry.mappers),\n"
        "    'configured': all(x.configured for x in m.Base.registry.mappers)}))\n"
    )
    assert seen["errors"] == []
    assert seen["compiled"] == 8 * 40
    assert seen["mappers"] == len(every_table()) and seen["configured"] is True


_WINDOW = """
import json, os, sys, time
from audit_workbench.ui.app import build_app
from PySide6.QtWidgets import QApplication

db, user, page, case_no = sys.argv[1:5]
window = build_app(["--db", db, "--user", user, "gui", "--page", page], exec=False)
app = QApplication.instance()
shown = window.pages[page]
ready = (lambda: shown.dashboard is not None) if page == "dashboard" else (lambda: shown.model.rowCount() > 0)
deadline = time.monotonic() + 60
while not ready() and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
at_start = "audit_workbench.storage.detail_models" in sys.modules
# the opening sweep runs on the database worker once the page has painted; then the detail models
idle = time.monotonic() + 20
while "audit_workbench.storage.detail_models" not in sys.modules and time.monotonic() < idle:
    app.processEvents()
    time.sleep(0.01)
after_idle = "audit_workbench.storage.detail_models" in sys.modules
window.open_case(case_no, "scoring")
case_page = window.pages["case"]
while time.monotonic() < deadline and case_page.scoring_tab.model.rowCount() == 0:
    app.processEvents()
    time.sleep(0.01)
print(json.dumps({"ready": ready(), "detail_at_start": at_start, "detail_after_idle": after_idle,
    "scoring_rows": case_page.scoring_tab.model.rowCount(),
    "detail_after_opening": "audit_workbench.storage.detail_models" in sys.modules}))
sys.stdout.flush()
os._exit(0)
"""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("page", ["dashboard", "cases"])
def test_a_start_page_maps_no_detail_record_until_it_has_painted_and_a_case_opens_scored(  # type: ignore[no-untyped-def]
    page: str, services, team, make_case, db_path, monkeypatch
) -> None:
    from ..conftest import PASSWORD

    make_case("certified")
    case_no = make_case("onsite_audit")
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)
    seen = _run(_WINDOW, str(db_path), team.clerk.name, page, case_no)
    assert seen["ready"] is True
    assert seen["detail_at_start"] is False
    assert seen["detail_after_idle"] is True  # declared on the worker after the first paint
    assert seen["scoring_rows"] == 8  # the rubric's categories, with what indicator_scores holds
    assert seen["detail_after_opening"] is True


def test_the_names_models_serves_are_exactly_the_detail_models_declared() -> None:
    """`models.DETAIL_MODELS` (what `models.__getattr__` serves) lists every class of
    `detail_models`, and no class of `models` itself: a new detail model missing from it would be
    unreachable as `models.Name`."""
    detail = m.load_detail_models()
    declared = {
        mapper.class_.__name__
        for mapper in m.Base.registry.mappers
        if mapper.class_.__module__ == detail.__name__
    }
    assert declared == m.DETAIL_MODELS
    assert all(getattr(m, name) is getattr(detail, name) for name in declared)
