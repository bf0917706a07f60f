"""Where the shipped data files (rubrics, resources) live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    # A source checkout or an editable install: the folders sit at the repository root.
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"data folder {name!r} not found beside {_PACKAGE}")


def rubrics_dir() -> Path:
    return _find("rubrics")


def resources_dir() -> Path:
    return _find("resources")
