"""Where output files may go: one guard for every door that writes a file the user named.

Every output (a certificate PDF, a report, a score sheet, the register, a public or private key, a
backup, a package, a folder of printed certificates — from the command line or from a window's save
dialog) goes through `OutputGuard`. It refuses two things:

- an existing file, unless the caller says to replace it (`--force`, or a save dialog whose
  "replace?" question the user answered);
- the database itself, its write-ahead log (`-wal`), shared-memory index (`-shm`) and rollback
  journal (`-journal`), and anything in its attachments folder — with or without `force`. Paths are
  compared after resolving symbolic links, and existing files by device and inode too, so a symbolic
  link, a hard link or another spelling of the same path is caught.

Files are written to a fresh temporary name in the target's folder and then moved into place; without
`force` the move is a hard link that fails if the name appeared meanwhile, so a file created between
the check and the write is never replaced either.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Refused
from ..storage.db import Database, sqlite_path

SIDECARS = ("-wal", "-shm", "-journal")


def _identity(path: Path, follow: bool = True) -> tuple[int, int] | None:
    try:
        st = path.stat() if follow else path.lstat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _resolved(path: Path) -> Path:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop: compare as written
        return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def exists_refusal(path: Path) -> Refused:
    return Refused(
        "exists",
        f"{path} already exists; choose another name, or pass --force to replace it",
        f"{path} 已存在；请换一个文件名（命令行可用 --force 覆盖）",
    )


def _protected_refusal(path: Path, what_en: str, what_zh: str) -> Refused:
    return Refused(
        "protected_output",
        f"{path} is {what_en}: an output file never goes there; nothing was written",
        f"{path} 是{what_zh}，不能作为输出文件；未写入任何内容",
    )


@dataclass(frozen=True)
class _Protected:
    path: Path
    what_en: str
    what_zh: str


class OutputGuard:
    """The database's files and folder that no output may touch, and the writes that respect them."""

    def __init__(self, database_file: Path | None, attachments_root: Path) -> None:
        self.files: list[_Protected] = []
        if database_file is not None:
            for base in dict.fromkeys((Path(database_file), _resolved(Path(database_file)))):
                self.files.append(_Protected(base, "the database", "数据库文件"))
                for suffix in SIDECARS:
                    self.files.append(
                        _Protected(
                            Path(str(base) + suffix),
                            f"the database's {suffix[1:]} file",
                            f"数据库的 {suffix[1:]} 文件",
                        )
                    )
        self.attachments_root = Path(attachments_root)

    @classmethod
    def for_database(cls, database: Database) -> OutputGuard:
        return cls(sqlite_path(database.url), database.attachments.root)

    # -- checks -----------------------------------------------------------------------------------
    def _check_protected(self, path: Path) -> None:
        resolved = _resolved(path)
        ids = {i for i in (_identity(path), _identity(path, follow=False)) if i is not None}
        for item in self.files:
            if resolved == _resolved(item.path) or path == item.path:
                raise _protected_refusal(path, item.what_en, item.what_zh)
            protected_id = _identity(item.path)
            if protected_id is not None and protected_id in ids:
                raise _protected_refusal(path, item.what_en, item.what_zh)
        root = _resolved(self.attachments_root)
        if _inside(resolved, root) or _inside(
            Path(os.path.abspath(path)), Path(os.path.abspath(self.attachments_root))
        ):
            raise _protected_refusal(path, "in the database's attachments folder", "数据库的附件文件夹")
        root_id = _identity(self.attachments_root)
        if root_id is not None and root_id in ids:
            raise _protected_refusal(path, "the database's attachments folder", "数据库的附件文件夹")
        # A hard link to a stored attachment: same inode, another name. Only a file with more than one
        # link can be one, so the folder is searched only then.
        try:
            st = path.stat()
        except OSError:
            return
        if st.st_nlink > 1 and root_id is not None and st.st_dev == root_id[0]:
            for folder, _dirs, names in os.walk(self.attachments_root):
                for name in names:
                    if _identity(Path(folder) / name) == (st.st_dev, st.st_ino):
                        raise _protected_refusal(
                            path, "a file of the database's attachments", "数据库的附件文件"
                        )

    def check(self, path: str | os.PathLike[str], *, force: bool) -> Path:
        """The path a file may be written to, or a refusal: never the database, never an existing
        file unless `force`, never a folder or a name in a folder that does not exist."""
        target = Path(os.path.abspath(Path(path).expanduser()))
        self._check_protected(target)
        if target.is_dir():
            raise Refused(
                "is_folder", f"{target} is a folder, not a file name", f"{target} 是文件夹，不是文件名"
            )
        if not target.parent.is_dir():
            raise Refused(
                "no_folder", f"folder {target.parent} does not exist", f"文件夹 {target.parent} 不存在"
            )
        if not force and (target.exists() or target.is_symlink()):
            raise exists_refusal(target)
        return target

    def check_folder(self, folder: str | os.PathLike[str]) -> Path:
        """A folder that files may be written into (it may not exist yet): never the database's files
        or attachments folder, nor a folder inside it."""
        target = Path(os.path.abspath(Path(folder).expanduser()))
        self._check_protected(target)
        if target.exists() and not target.is_dir():
            raise Refused("not_folder", f"{target} is a file, not a folder", f"{target} 是文件，不是文件夹")
        return target

    # -- writes -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def staged(
        self, path: str | os.PathLike[str], *, force: bool, private: bool = False
    ) -> Iterator[StagedFile]:
        """A temporary file beside `path` to write. It is moved into place by `commit()`, or when the
        block ends without an error; on an error it is removed and `path` is untouched. The file gets
        the usual permissions (the umask's), or the owner's alone when `private`."""
        target = self.check(path, force=force)
        staged = StagedFile(self, _new_temporary(target, 0o600 if private else 0o666), target, force)
        try:
            yield staged
            staged.commit()
        finally:
            staged.path.unlink(missing_ok=True)

    def write(self, path: str | os.PathLike[str], data: bytes, *, force: bool, private: bool = False) -> Path:
        """Write `data` to `path` whole (a temporary file moved into place) under the guard's rules."""
        with self.staged(path, force=force, private=private) as staged, staged.path.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return staged.target

    def _commit(self, temporary: Path, target: Path, force: bool) -> None:
        self._check_protected(target)  # again: the name may have become a link meanwhile
        if force:
            os.replace(temporary, target)
            return
        try:
            os.link(temporary, target)  # fails if the name exists: never replaces a file
        except FileExistsError:
            raise exists_refusal(target) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            # A file system without hard links (FAT on a memory stick): check, then move.
            if target.exists() or target.is_symlink():
                raise exists_refusal(target) from None
            os.replace(temporary, target)


def _new_temporary(target: Path, mode: int) -> Path:
    """A new, empty file beside `target` under a name nobody else uses (created exclusively)."""
    for _ in range(100):
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover


@dataclass
class StagedFile:
    """An output being written: `path` is the temporary file, `target` where it goes."""

    guard: OutputGuard
    path: Path
    target: Path
    force: bool
    committed: bool = False

    def commit(self) -> None:
        """Move the file into place now (say, inside the transaction that records it)."""
        if not self.committed:
            self.guard._commit(self.path, self.target, self.force)
            self.committed = True
