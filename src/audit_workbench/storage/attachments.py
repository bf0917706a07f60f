"""Content-addressed attachment files beside the database, checked against their SHA-256 on read."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ..core.errors import Refused

MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def put_file(self, path: Path) -> tuple[str, int]:
        path = Path(path)
        if not path.is_file():
            raise Refused("bad_file", f"{path} is not a readable file", f"{path} 不是可读取的文件")
        size = path.stat().st_size
        if size == 0:  # a material or evidence file holds something, or it is not one
            raise Refused("empty_file", f"{path.name} is empty (0 bytes)", f"{path.name} 是空文件（0 字节）")
        if size > MAX_ATTACHMENT_BYTES:
            raise Refused("file_too_large", f"{path.name} is larger than 512 MB", f"{path.name} 超过 512 MB")
        return self.put_bytes(path.read_bytes()), size

    def read(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise Refused(
                "attachment_missing",
                f"attachment {sha256[:12]}… is missing from {self.root}",
                f"附件 {sha256[:12]}… 不在 {self.root} 中",
            ) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Refused(
                "attachment_corrupt",
                f"attachment {sha256[:12]}… does not match its checksum",
                f"附件 {sha256[:12]}… 与其校验值不符",
            )
        return data

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()
