"""The reason codes of a certificate's suspension (暂停原因) and withdrawal (撤销原因), as data.

`resources/certificate-status-reasons.yaml` lists them, and which codes the surveillance clock
records; a body corrects the file, not the code. The file is checked when it is loaded: codes of
two to eight digits, none twice in a list, both labels, the clock's codes in their lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KINDS = ("suspend", "withdraw")
_CODE = re.compile(r"^\d{2,8}$")


@dataclass(frozen=True)
class StatusReason:
    code: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class StatusReasons:
    suspend: tuple[StatusReason, ...]
    withdraw: tuple[StatusReason, ...]
    sweep_suspend: str  # the code of a suspension for overdue surveillance
    sweep_withdraw: str  # the code of a withdrawal after a suspension ended unresolved

    def of(self, kind: str) -> tuple[StatusReason, ...]:
        return self.suspend if kind == "suspend" else self.withdraw

    def find(self, kind: str, code: str) -> StatusReason | None:
        return next((r for r in self.of(kind) if r.code == code), None)


def _reasons(path: Path, raw: dict[str, Any], kind: str) -> tuple[StatusReason, ...]:
    entries = raw.get(kind)
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: {kind}: a list of reasons is needed")
    seen: set[str] = set()
    reasons = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: {kind}[{n}]: code, zh and en are needed")
        code = str(entry.get("code", ""))
        if not _CODE.match(code):
            raise ValueError(f"{path}: {kind}[{n}].code {code!r} is not a code of 2 to 8 digits")
        if code in seen:
            raise ValueError(f"{path}: {kind}[{n}].code {code!r} appears twice")
        seen.add(code)
        zh, en = str(entry.get("zh") or "").strip(), str(entry.get("en") or "").strip()
        if not zh or not en:
            raise ValueError(f"{path}: {kind}[{n}]: both zh and en labels are needed")
        reasons.append(StatusReason(code, zh, en))
    return tuple(reasons)


def load_status_reasons(path: Path) -> StatusReasons:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a mapping with suspend, withdraw and sweep is needed")
    suspend, withdraw = _reasons(path, raw, "suspend"), _reasons(path, raw, "withdraw")
    sweep = raw.get("sweep") or {}
    codes = {}
    for kind, reasons in (("suspend", suspend), ("withdraw", withdraw)):
        code = str(sweep.get(kind, "")) if isinstance(sweep, dict) else ""
        if code not in {r.code for r in reasons}:
            raise ValueError(f"{path}: sweep.{kind} {code!r} is not one of the {kind} codes")
        codes[kind] = code
    return StatusReasons(suspend, withdraw, codes["suspend"], codes["withdraw"])
