"""A killed import (SIGKILL while its files are staged) changes no database, and the staging folder
it leaves beside the database is removed at the next start of the program."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from audit_workbench.services import Services
from audit_workbench.services.packages import export_package, import_package
from audit_workbench.storage.staging import staging_root

from ..conftest import FAST_HASHER, PASSWORD, Clock
from .package_helpers import (
    LAPTOP_PASSWORD,
    build_office_case,
    files_under,
    first_login,
    read_members,
    state,
)

pytestmark = [pytest.mark.sqlite_only, pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]

# The child imports and kills itself once every member is read (its files staged), before it writes.
CHILD = """
import os, signal, sys
from pathlib import Path
from audit_workbench.services import Services
from audit_workbench.services.packages import import_package
from argon2 import PasswordHasher, profiles
FAST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
target, package, members, user, password = sys.argv[1:6]
actor = None
if user:
    services = Services.open(target, hasher=FAST_HASHER)
    actor = services.users.login(user, password)
    services.close()
def progress(done, total):
    if done >= int(members):
        os.kill(os.getpid(), signal.SIGKILL)
import_package(target, Path(package), actor=actor, progress=progress)
"""


def _killed_import(target: Path, package: Path, user: str = "", password: str = "") -> None:
    members = len(read_members(package))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(target), str(package), str(members), user, password],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]


def test_a_killed_import_leaves_no_trace_after_the_next_start(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    office_path = tmp_path / "office" / "workbench.sqlite3"
    office = Services.open(office_path, clock=clock, hasher=FAST_HASHER)
    try:
        case_no, leader = build_office_case(office, tmp_path)
        checkout = tmp_path / "checkout.awp"
        codes = export_package(office, leader, [case_no], checkout).laptop_codes
    finally:
        office.close()

    # the first import into a new laptop database, killed: the staged files stay beside it ...
    laptop_path = tmp_path / "laptop" / "workbench.sqlite3"
    _killed_import(laptop_path, checkout)
    staged = files_under(staging_root(laptop_path))
    assert any(name.endswith(".lock") for name in staged) and len(staged) > 2, staged
    # ... until the next start; the empty database it made takes the checkout as a new one would
    Services.open(laptop_path, hasher=FAST_HASHER).close()
    assert not staging_root(laptop_path).exists()
    assert import_package(laptop_path, checkout, clock=clock).cases == (case_no,)

    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        me = first_login(laptop, "leader", codes)
        photo = tmp_path / "photo.jpg"
        photo.write_bytes(os.urandom(256 * 1024))
        laptop.audits.add_evidence(me, case_no, "2.1", "服务台照片", photo)
        back = tmp_path / "results.awp"
        export_package(laptop, me, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()

    # a return killed in the office: the database and its attachments as they were
    copy = tmp_path / "copy" / office_path.name
    copy.parent.mkdir()
    shutil.copy(office_path, copy)
    shutil.copytree(
        office_path.with_name(office_path.name + ".attachments"), copy.with_name(copy.name + ".attachments")
    )
    before = state(copy)
    _killed_import(copy, back, "leader", PASSWORD)
    assert state(copy) == before
    assert files_under(staging_root(copy)) != []
    office = Services.open(copy, clock=clock, hasher=FAST_HASHER)  # the next start
    try:
        assert not staging_root(copy).exists()
        leader = office.users.login("leader", PASSWORD)
        result = import_package(copy, back, actor=leader, clock=clock)
        assert result.attachments_added == 1
        assert office.log.verify().ok
    finally:
        office.close()
