"""What the package operations return: summaries, previews, changes and conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...core.errors import Refused


@dataclass(frozen=True)
class PackageSummary:
    """What `export_package` wrote."""

    path: Path
    package_id: str
    kind: str  # checkout | return
    cases: tuple[str, ...]
    accounts: tuple[str, ...]
    attachments: int
    members: int
    size: int  # bytes of the .awp file
    exported_at: datetime
    laptop_codes: dict[str, str] = field(default_factory=dict)  # a checkout: member -> one-time code


@dataclass(frozen=True)
class PackageCase:
    case_no: str
    organization: str
    status: str
    rubric_id: str
    rubric_sha256: str


@dataclass(frozen=True)
class PackageChange:
    """One record an import creates, updates or deletes; values as plain JSON (for display)."""

    case_no: str
    type: str  # case | material | team | review | score | evidence | nonconformity | special | vote | account
    key: str
    label: str
    action: str  # create | update | delete
    before: Any
    after: Any


@dataclass(frozen=True)
class PackageConflict:
    """A record both sides changed: the office's current value and the package's, side by side."""

    id: str  # pass back in `resolve` to choose a side
    case_no: str
    type: str
    key: str
    label: str
    base: Any  # the value at checkout (None: created on the laptop)
    office: Any
    package: Any
    resolvable: bool = True


@dataclass(frozen=True)
class PackagePreview:
    package_id: str
    kind: str
    format_version: int
    exported_at: datetime
    exported_by: str
    source_database: str
    origin_database: str
    app_version: str
    cases: tuple[PackageCase, ...]
    accounts: tuple[str, ...]
    members: int
    attachments: int
    size: int  # bytes, expanded
    target_checked: bool  # False: no target database was given (or it does not exist yet)
    changes: tuple[PackageChange, ...]
    unchanged: int  # records the package carries that the target already holds as they are
    conflicts: tuple[PackageConflict, ...]


@dataclass(frozen=True)
class ImportResult:
    package_id: str
    kind: str
    database_created: bool
    cases: tuple[str, ...]
    changes: tuple[PackageChange, ...]
    unchanged: int
    accounts: tuple[str, ...]
    attachments_added: int
    resolved: tuple[str, ...]  # conflict ids settled by `resolve`


class PackageConflicts(Refused):
    """Records changed on both sides: nothing was imported; `conflicts` lists each with both values."""

    def __init__(self, conflicts: Iterable[PackageConflict]) -> None:
        self.conflicts = tuple(conflicts)
        names = "; ".join(f"{c.case_no} {c.label}" for c in self.conflicts[:8])
        more = f" and {len(self.conflicts) - 8} more" if len(self.conflicts) > 8 else ""
        super().__init__(
            "package_conflict",
            f"{len(self.conflicts)} record(s) were changed here since the package was exported "
            f"({names}{more}); nothing was imported",
            f"自导出以来本库中有 {len(self.conflicts)} 条记录已被修改（{names}{more}），未导入任何内容",
        )


# == the package's JSON models =======================================================================
