"""Tools for the package tests: read a package's members, forge altered packages, list folders."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit_workbench.core.creditcode import complete
from audit_workbench.services import Actor, Services
from audit_workbench.storage.db import sqlite_path, to_url

from ..conftest import FAST_HASHER, PASSWORD, dump, qualify

Members = dict[str, bytes]


def read_members(path: Path) -> Members:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def manifest_of(members: Members) -> dict[str, Any]:
    return json.loads(members["manifest.json"])


def relist(members: Members) -> Members:
    """Recompute the manifest's member list (sizes and hashes) so only the deliberate change remains."""
    manifest = manifest_of(members)
    manifest["members"] = [
        {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in members.items()
        if name not in ("manifest.json", "signature.json")
    ]
    return {**members, "manifest.json": json.dumps(manifest).encode()}


def edit_json(members: Members, name: str, change: Callable[[Any], Any]) -> Members:
    """Change one JSON member (the function edits in place or returns a new value) and relist."""
    data = json.loads(members[name])
    result = change(data)
    data = data if result is None else result
    return relist({**members, name: json.dumps(data, ensure_ascii=False).encode()})


def edit_manifest(members: Members, change: Callable[[dict[str, Any]], Any]) -> Members:
    data = manifest_of(members)
    change(data)
    return {**members, "manifest.json": json.dumps(data).encode()}


def case_doc(members: Members) -> str:
    return next(name for name in members if name.startswith("cases/"))


def records(doc: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in doc["records"] if r["type"] == type_]


def attachment_names(members: Members) -> list[str]:
    return sorted(n for n in members if n.startswith("attachments/"))


def write_zip(
    path: Path,
    members: Members,
    *,
    modes: dict[str, int] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write members as given (names are not checked: this is how hostile packages are made)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 2, 9, 0, 0))
            info.compress_type = compression
            info.create_system = 3
            info.external_attr = (modes or {}).get(name, stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path


def files_under(folder: Path) -> list[str]:
    """Every file and folder below `folder`, relative, sorted ([] when it does not exist)."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def attachments_folder(db: Path) -> Path:
    path = sqlite_path(to_url(db))
    assert path is not None
    return path.with_name(path.name + ".attachments")


def state(db: Path) -> tuple[list[str], list[str]]:
    """The database's rows and its attachment folder: equal before and after means unchanged."""
    return dump(db), files_under(attachments_folder(db))


def build_office_case(services: Services, folder: Path) -> tuple[str, Actor]:
    """A small office (admin, clerk, two auditors; made on the first call) and one case on site with
    a score, an open nonconformity and a piece of evidence; for fixtures wider than one test."""
    if not services.users.count():
        services.users.create_first_admin("admin", PASSWORD)
        admin = services.users.login("admin", PASSWORD)
        for name, roles in {"clerk": ["clerk"], "leader": ["auditor"], "member": ["auditor"]}.items():
            services.users.add(admin, name, PASSWORD, roles)
        for name in ("leader", "member"):  # qualified, with this year's impartiality declaration
            qualify(services, admin, name)
            services.impartiality.sign(services.users.login(name, PASSWORD))
    clerk = services.users.login("clerk", PASSWORD)
    leader = services.users.login("leader", PASSWORD)
    licence = folder / "营业执照.pdf"
    licence.write_bytes(b"%PDF-1.4 sample licence")
    case_no = services.cases.create(
        clerk,
        org_name="测试电器有限公司",
        credit_code=complete("91110108MA00001X1"),
        enterprise_type="production",
        headcount=120,
        scope="家用电器的售后服务",
    ).case_no
    for item in range(1, 13):
        services.cases.set_material_files(clerk, case_no, item, [licence])
    services.cases.submit(clerk, case_no)
    services.cases.accept(clerk, case_no, contract_no="HT-1", fee="30000")
    services.cases.assign_team(clerk, case_no, "leader", ["member"])
    services.cases.record_review(leader, case_no, outcome="pass", note="体系文件齐全")
    services.audits.set_points(leader, case_no, "1.1", "2")
    services.audits.raise_nonconformity(leader, case_no, "1.2", "服务承诺未在营业场所公示")
    services.audits.add_evidence(leader, case_no, "1.1", "服务管理制度", licence)
    return case_no, leader


# -- the laptop's team: one-time codes, laptop passwords, signing keys ------------------------------

LAPTOP_PASSWORD = "on-site laptop 2026"  # what every member sets at the first login in these tests


def first_login(laptop: Services, name: str, codes: dict[str, str]) -> Actor:
    """A member's first login on the laptop: the one-time code, and the laptop password set."""
    return laptop.users.login(name, codes[name], new_password=LAPTOP_PASSWORD)


def member_key(laptop_db: Path, name: str, checkout: str | None = None) -> tuple[Any, str, str]:
    """The member's signing key on a laptop (after the first login): (private key, public key,
    checkout id), as someone who knows the laptop password can open it."""
    from audit_workbench.core import memberkeys

    con = sqlite3.connect(laptop_db)
    try:
        (raw,) = con.execute("SELECT value FROM settings WHERE key = 'laptop:keys'").fetchone()
    finally:
        con.close()
    keys = json.loads(raw)[name]
    checkout = checkout or next(iter(keys))
    entry = keys[checkout]
    key = memberkeys.unwrap(entry["wrapped"], LAPTOP_PASSWORD, memberkeys.context(checkout, name))
    return key, entry["public_key"], checkout


def resign(members: Members, signer: str, key: Any, public: str, checkout: str) -> Members:
    """Relist the members and sign the manifest again (what a laptop owner who knows the laptop
    password can always do: the office must still refuse what the rules refuse)."""
    from audit_workbench.core import memberkeys
    from audit_workbench.services.packages.trust import SIGNED_PREFIX

    listed = relist({n: d for n, d in members.items() if n != "signature.json"})
    signature = memberkeys.sign(key, SIGNED_PREFIX + listed["manifest.json"])
    doc = {
        "signatures": [{"checkout": checkout, "signer": signer, "public_key": public, "signature": signature}]
    }
    return {**listed, "signature.json": json.dumps(doc).encode()}


def login(db: Path, name: str, clock: Any = None) -> Actor:
    """An actor logged in to the database at `db` (office password)."""
    services = Services.open(db, clock=clock, hasher=FAST_HASHER)
    try:
        return services.users.login(name, PASSWORD)
    finally:
        services.close()
