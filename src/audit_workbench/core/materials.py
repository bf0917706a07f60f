"""The 12-item application materials checklist (需要提交资料清单), as data from resources/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class MaterialItem:
    no: int
    zh: str
    en: str
    usually_na_zh: str | None = None
    usually_na_en: str | None = None

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class MaterialsChecklist:
    items: tuple[MaterialItem, ...]

    def item(self, no: int) -> MaterialItem:
        for item in self.items:
            if item.no == no:
                return item
        raise KeyError(no)

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(i.no for i in self.items)


def load_materials(path: Path) -> MaterialsChecklist:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = []
    for entry in raw["items"]:
        na = entry.get("usually_na") or {}
        items.append(MaterialItem(int(entry["item"]), entry["zh"], entry["en"], na.get("zh"), na.get("en")))
    numbers = [i.no for i in items]
    if numbers != list(range(1, len(items) + 1)):
        raise ValueError(f"{path}: items must be numbered 1..{len(items)} in order")
    return MaterialsChecklist(tuple(items))
