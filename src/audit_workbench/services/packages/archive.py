"""The `.awp` zip archive: its member names, limits against hostile archives, the manifest, writing."""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...core.errors import Refused
from ...storage.attachments import MAX_ATTACHMENT_BYTES, AttachmentStore
from .steps import _Progress
from .wire import Manifest, _dumps, _parse_json

FORMAT = "audit-workbench-package"
FORMAT_VERSION = 3  # 2: team.json with sealed member keys instead of accounts; signed returns
# 3: a checkout's organisations carry their search keys (name_pinyin, name_initials), so a laptop
# need not load pypinyin's 55 MB of dictionaries to write them. Version 2 packages still import (they
# carry no keys: the laptop computes them); a program that reads only 2 refuses a 3 with "update the
# program" instead of a puzzling "extra inputs" on the new fields.
READABLE_VERSIONS = (2, 3)
MANIFEST = "manifest.json"
TEAM_MEMBER = "team.json"
SIGNATURE = "signature.json"  # (return) signs the manifest's bytes, so it cannot be listed in them

# Limits against hostile archives (module attributes, so tests can lower them).
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = MAX_ATTACHMENT_BYTES  # one attachment
MAX_JSON_BYTES = 64 * 1024 * 1024  # the manifest, a case, the accounts, a rubric
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # everything, expanded
CHUNK = 1024 * 1024


_MEMBER_NAME = re.compile(
    r"^(manifest\.json|team\.json|signature\.json|cases/[A-Za-z0-9][A-Za-z0-9._-]{0,31}\.json"
    r"|rubrics/[a-z0-9][a-z0-9.-]{0,55}\.yaml|attachments/[0-9a-f]{64})$"
)


@dataclass
class _ExportPlan:
    kind: str
    manifest: dict[str, Any]
    documents: dict[str, bytes]  # member name -> bytes (cases, rubrics, team)
    attachments: dict[str, int]  # sha256 -> size
    accounts: tuple[str, ...]
    returns: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    sign: Callable[[bytes], bytes] | None = None  # a return: signature.json for the manifest's bytes
    laptop_codes: dict[str, str] = field(default_factory=dict)  # a checkout: member -> one-time code
    checkout: dict[str, Any] = field(default_factory=dict)  # a checkout: what the office keeps of it


@dataclass(frozen=True)
class _Archive:
    """An archive read and checked member by member (its values are not validated yet)."""

    manifest: Manifest
    manifest_bytes: bytes
    contents: dict[str, bytes]  # JSON and rubric members by name
    signature: bytes | None  # signature.json
    attachments: dict[str, int]  # sha256 -> size
    expanded: int


def _zip_info(name: str, when: datetime) -> zipfile.ZipInfo:
    stamp = when.astimezone(UTC)
    info = zipfile.ZipInfo(name, date_time=(max(stamp.year, 1980), *stamp.timetuple()[1:6]))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _write_zip(path: Path, plan: _ExportPlan, store: AttachmentStore, steps: _Progress) -> int:
    when = datetime.fromisoformat(plan.manifest["exported_at"])
    entries = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for name, data in plan.documents.items():
            zf.writestr(_zip_info(name, when), data)
            entries.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
            steps.step()
        for sha, size in plan.attachments.items():
            source = store.path_for(sha)
            name = f"attachments/{sha}"
            digest = hashlib.sha256()
            written = 0
            try:
                with (
                    open(source, "rb") as src,
                    zf.open(_zip_info(name, when), "w", force_zip64=size >= 2**31) as dst,
                ):
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
                        written += len(chunk)
                        steps.check()
            except FileNotFoundError:
                raise Refused(
                    "attachment_missing",
                    f"attachment {sha[:12]}… is missing from {store.root}",
                    f"附件 {sha[:12]}… 不在 {store.root} 中",
                ) from None
            if digest.hexdigest() != sha or written != size:
                raise Refused(
                    "attachment_corrupt",
                    f"attachment {sha[:12]}… does not match its checksum",
                    f"附件 {sha[:12]}… 与其校验值不符",
                )
            entries.append({"path": name, "sha256": sha, "size": size})
            steps.step()
        manifest = _dumps({**plan.manifest, "members": entries})
        zf.writestr(_zip_info(MANIFEST, when), manifest)
        if plan.sign is not None:
            zf.writestr(_zip_info(SIGNATURE, when), plan.sign(manifest))
    return len(entries) + 1 + (plan.sign is not None)


# == reading and validating a package ================================================================


def _corrupt(detail: str) -> Refused:
    return Refused(
        "package_corrupt",
        f"the package is damaged or not an audit package ({detail})",
        f"审核包已损坏或不是审核包（{detail}）",
    )


def _too_large(detail: str) -> Refused:
    return Refused(
        "package_too_large",
        f"the package expands beyond a safe size ({detail}); it was not opened",
        f"审核包解压后超出安全大小（{detail}），已拒绝",
    )


def _check_member_name(info: zipfile.ZipInfo) -> None:
    name = info.orig_filename
    if "\x00" in name or "\\" in name:
        raise Refused(
            "package_unsafe_path",
            f"member {name!r} has a backslash or NUL in its name",
            f"成员 {name!r} 名称中含有非法字符",
        )
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise Refused(
            "package_absolute_path",
            f"member {name!r} has an absolute path",
            f"成员 {name!r} 使用了绝对路径",
        )
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts) or "" in parts[:-1]:
        raise Refused(
            "package_unsafe_path",
            f"member {name!r} points outside the package",
            f"成员 {name!r} 指向审核包以外",
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise Refused("package_link", f"member {name!r} is a symbolic link", f"成员 {name!r} 是符号链接")
    if info.is_dir() or stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        raise Refused(
            "package_bad_member", f"member {name!r} is not a plain file", f"成员 {name!r} 不是普通文件"
        )
    if info.flag_bits & 0x1:
        raise Refused("package_bad_member", f"member {name!r} is encrypted", f"成员 {name!r} 已加密")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Refused(
            "package_bad_member",
            f"member {name!r} uses an unsupported compression",
            f"成员 {name!r} 的压缩方式不受支持",
        )
    if not _MEMBER_NAME.fullmatch(name):
        raise Refused(
            "package_bad_member",
            f"member {name!r} does not belong in an audit package",
            f"成员 {name!r} 不属于审核包",
        )


def _read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limit: int,
    steps: _Progress,
    sink: Callable[[bytes], object] | None = None,
) -> tuple[str, int, bytes]:
    """Stream one member, never past `limit` bytes; return its SHA-256, size and (if no sink) bytes."""
    digest = hashlib.sha256()
    size = 0
    parts: list[bytes] = []
    try:
        with zf.open(info) as src:
            while True:
                chunk = src.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit or size > info.file_size:
                    raise _too_large(f"{info.filename} expands past {min(limit, info.file_size)} bytes")
                digest.update(chunk)
                if sink is None:
                    parts.append(chunk)
                else:
                    sink(chunk)
                steps.check()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _corrupt(f"{info.filename}: {exc}") from None
    except NotImplementedError as exc:  # a zip feature zipfile cannot read, e.g. patched data (flag bit 5)
        raise Refused(
            "package_bad_member",
            f"member {info.filename!r} cannot be read: {exc}",
            f"成员 {info.filename!r} 无法读取：{exc}",
        ) from None
    return digest.hexdigest(), size, b"".join(parts)


def _read_archive(path: Path, staging: Path | None, steps: _Progress) -> _Archive:
    """Read and check every member of the archive: the manifest, the JSON members' bytes, the
    attachments (staged when `staging` is given) by SHA-256 with their sizes, the expanded size."""
    path = Path(path)
    if not path.is_file():
        raise Refused("package_missing", f"{path} is not a file", f"{path} 不是文件")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _corrupt(str(exc)) from None
    with zf:
        try:
            infos = zf.infolist()
        except (zipfile.BadZipFile, ValueError) as exc:  # pragma: no cover - ZipFile read it already
            raise _corrupt(str(exc)) from None
        if len(infos) > MAX_MEMBERS:
            raise _too_large(f"{len(infos)} members")
        by_name: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            _check_member_name(info)
            if info.filename in by_name:
                raise Refused(
                    "package_bad_member",
                    f"member {info.filename!r} appears twice",
                    f"成员 {info.filename!r} 重复出现",
                )
            by_name[info.filename] = info
            cap = MAX_MEMBER_BYTES if info.filename.startswith("attachments/") else MAX_JSON_BYTES
            if info.file_size > cap:
                raise _too_large(f"{info.filename} declares {info.file_size} bytes")
            declared += info.file_size
        if declared > MAX_TOTAL_BYTES:
            raise _too_large(f"{declared} bytes in all")
        if MANIFEST not in by_name:
            raise Refused("package_manifest", "the package has no manifest.json", "审核包缺少 manifest.json")
        steps.add(len(by_name))
        _, _, raw = _read_member(zf, by_name[MANIFEST], MAX_JSON_BYTES, steps)
        manifest = _parse_manifest(raw)
        steps.step()
        listed = {e.path: e for e in manifest.members}
        if len(listed) != len(manifest.members) or MANIFEST in listed or SIGNATURE in listed:
            raise Refused("package_manifest", "the manifest lists a member twice", "清单重复列出成员")
        signature = None
        if SIGNATURE in by_name:
            _, _, signature = _read_member(zf, by_name[SIGNATURE], MAX_JSON_BYTES, steps)
            steps.step()
        unlisted = sorted(set(by_name) - set(listed) - {MANIFEST, SIGNATURE})
        if unlisted:
            raise Refused(
                "package_unlisted_member",
                f"member(s) not in the manifest: {', '.join(unlisted[:5])}",
                f"清单中未列出的成员：{', '.join(unlisted[:5])}",
            )
        missing = sorted(set(listed) - set(by_name))
        if missing:
            raise Refused(
                "package_missing_member",
                f"member(s) listed in the manifest but missing: {', '.join(missing[:5])}",
                f"清单列出但缺失的成员：{', '.join(missing[:5])}",
            )
        contents: dict[str, bytes] = {}
        attachments: dict[str, int] = {}
        expanded = 0
        for name, entry in listed.items():
            info = by_name[name]
            if info.file_size != entry.size:
                raise _size_mismatch(name, entry.size, info.file_size)
            is_file = name.startswith("attachments/")
            if is_file and name != f"attachments/{entry.sha256}":
                raise _hash_mismatch(name)
            if is_file and staging is not None:
                target = staging / entry.sha256
                with open(target, "wb") as fh:
                    digest, size, _ = _read_member(zf, info, MAX_MEMBER_BYTES, steps, fh.write)
            elif is_file:
                digest, size, _ = _read_member(zf, info, MAX_MEMBER_BYTES, steps, lambda _chunk: None)
            else:
                digest, size, data = _read_member(zf, info, MAX_JSON_BYTES, steps)
                contents[name] = data
            expanded += size
            if expanded > MAX_TOTAL_BYTES:
                raise _too_large(f"more than {MAX_TOTAL_BYTES} bytes in all")
            if size != entry.size:
                raise _size_mismatch(name, entry.size, size)
            if digest != entry.sha256:
                raise _hash_mismatch(name)
            if is_file:
                attachments[entry.sha256] = size
            steps.step()
    return _Archive(manifest, raw, contents, signature, attachments, expanded)


def _size_mismatch(name: str, listed: int, actual: int) -> Refused:
    return Refused(
        "package_size_mismatch",
        f"{name} is {actual} bytes but the manifest says {listed}",
        f"{name} 的大小为 {actual} 字节，清单记载为 {listed} 字节",
    )


def _hash_mismatch(name: str) -> Refused:
    return Refused(
        "package_hash_mismatch",
        f"{name} does not match its SHA-256 in the manifest (altered or damaged)",
        f"{name} 与清单中的 SHA-256 不符（被修改或损坏）",
    )


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(
            "package_manifest", f"manifest.json is not valid JSON ({exc})", "manifest.json 不是有效的 JSON"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise Refused(
            "package_manifest",
            "manifest.json is not an audit package manifest",
            "manifest.json 不是审核包清单",
        )
    version = data.get("format_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise Refused(
            "package_version",
            f"package format version {version!r} is not supported (this program reads format versions "
            f"{readable}, whole numbers); update the program or export the package again",
            f"不支持的审核包格式版本 {version!r}（本程序读取版本 {readable}）",
        )
    return _parse_json(Manifest, raw, MANIFEST, "package_manifest")  # type: ignore[no-any-return]
