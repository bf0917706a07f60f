#!/usr/bin/env python3
"""Update the window's English translation: extract, (optionally) merge, compile.

    python scripts/update_translations.py                 # lupdate + lrelease
    python scripts/update_translations.py --merge en.json # also fill translations from a JSON file
    python scripts/update_translations.py --check         # fail if a string has no English yet

1. `pyside6-lupdate` reads every .py file under src/audit_workbench/ui/ (strings written in
   Simplified Chinese with self.tr() / QCoreApplication.translate() / QT_TRANSLATE_NOOP) and updates
   resources/i18n/audit_workbench_en.ts, keeping the translations already there.
2. `--merge FILE.json` fills translations from {"context": {"source": "translation"}} or
   {"source": "translation"} (for every context) — handy when translating many strings at once.
3. `pyside6-lrelease` compiles the .ts into src/audit_workbench/ui/i18n/audit_workbench_en.qm,
   which ships in the wheel beside the module that loads it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "src" / "audit_workbench" / "ui"
TS = ROOT / "resources" / "i18n" / "audit_workbench_en.ts"
QM = UI / "i18n" / "audit_workbench_en.qm"


def tool(name: str) -> str:
    """The PySide6 tool next to this Python (a venv) or on PATH."""
    local = Path(sys.executable).with_name(name)
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 into this environment")
    return found


def sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if "__pycache__" not in p.parts)


def lupdate() -> None:
    TS.parent.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in sources()]
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *files,
            "-source-language",
            "zh_CN",
            "-target-language",
            "en_GB",
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(TS.relative_to(ROOT)),
        ],
        cwd=ROOT,
        check=True,
    )


def _messages(tree: ET.ElementTree):  # type: ignore[no-untyped-def]
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def merge(path: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    tree = ET.parse(TS)
    filled = 0
    for context, message in _messages(tree):
        source = message.findtext("source") or ""
        by_context = data.get(context)
        english = by_context.get(source) if isinstance(by_context, dict) else None
        english = english or data.get(source)  # a context's own entry wins over the shared one
        if not isinstance(english, str) or not english:
            continue
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        translation.text = english
        translation.attrib.pop("type", None)  # no longer "unfinished"
        filled += 1
    _write(tree)
    return filled


def _write(tree: ET.ElementTree) -> None:
    body = ET.tostring(tree.getroot(), encoding="unicode")
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def unfinished() -> list[tuple[str, str]]:
    tree = ET.parse(TS)
    missing = []
    for context, message in _messages(tree):
        translation = message.find("translation")
        if (
            translation is None
            or translation.get("type") == "unfinished"
            or not (translation.text or "").strip()
        ):
            missing.append((context, message.findtext("source") or ""))
    return missing


def lrelease() -> None:
    QM.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--merge", type=Path, metavar="FILE.json", help="fill translations from a JSON file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a string has no English yet")
    parser.add_argument("--no-release", action="store_true", help="do not compile the .qm")
    args = parser.parse_args(argv)
    lupdate()
    if args.merge:
        print(f"filled {merge(args.merge)} translations from {args.merge}")
    missing = unfinished()
    for context, source in missing:
        print(f"untranslated: {context}: {source!r}")
    if not args.no_release:
        lrelease()
    if args.check and missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
