"""The kinds of certificate change (变更类别) a re-issue is recorded and reported under, as data.

`resources/certificate-changes.yaml` lists CNCA's change codes (组织更名 0101, 地址变更 0102, …) and
which of the organisation's particulars each may change; a body corrects the file, not the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

# The organisation's particulars a certificate prints, so that changing them re-issues it.
CERTIFIED_FIELDS = ("name", "address")


@dataclass(frozen=True)
class ChangeKind:
    code: str
    zh: str
    en: str
    fields: tuple[str, ...]  # the organisation particulars this kind may change; () for other kinds

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class ChangeKinds:
    kinds: tuple[ChangeKind, ...]
    reissue_code: str  # 换证原因 of a re-issue after a change
    reissue_zh: str
    reissue_en: str
    grade_change: str = "0199"  # the kind a new grade at surveillance is recorded under

    def get(self, code: str) -> ChangeKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise KeyError(code)

    def for_organization(self) -> tuple[ChangeKind, ...]:
        """The kinds an organisation change may be recorded under."""
        return tuple(k for k in self.kinds if k.fields)

    def default_for(self, changed: Iterable[str]) -> ChangeKind:
        """The kind a change of these particulars is recorded under when none is named: the rename
        when the name changes (with or without the address), the address change when only the
        address does; else the first kind that may change them all."""
        changed = set(changed)
        wanted = ("name",) if "name" in changed else ("address",) if "address" in changed else None
        kinds = self.for_organization()
        for kind in kinds:
            if kind.fields == wanted:
                return kind
        return next((k for k in kinds if changed <= set(k.fields)), kinds[0])


def load_change_kinds(path: Path) -> ChangeKinds:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    kinds = []
    seen: set[str] = set()
    for n, entry in enumerate(raw["kinds"]):
        code = str(entry["code"])
        if code in seen:
            raise ValueError(f"{path}: kinds[{n}].code {code!r} appears twice")
        seen.add(code)
        fields = tuple(str(f) for f in entry.get("fields") or ())
        unknown = sorted(set(fields) - set(CERTIFIED_FIELDS))
        if unknown:
            raise ValueError(f"{path}: kinds[{n}].fields: unknown field(s) {', '.join(unknown)}")
        kinds.append(ChangeKind(code, str(entry["zh"]), str(entry["en"]), fields))
    if not any(k.fields for k in kinds):
        raise ValueError(f"{path}: no kind may change the organisation's name or address")
    reissue = raw["reissue_reason"]
    grade_change = str(raw.get("grade_change", "0199"))
    if grade_change not in seen:
        raise ValueError(f"{path}: grade_change {grade_change!r} is not one of the kinds")
    return ChangeKinds(
        tuple(kinds), str(reissue["code"]), str(reissue["zh"]), str(reissue["en"]), grade_change
    )
