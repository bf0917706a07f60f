"""What the window remembers between runs on this computer: its geometry, the last folders chosen.

Kept in an INI file in the user configuration folder (`window.ini` beside the signing-key folder's
parent), never in the database: it belongs to the person at this screen, not to the records.
`AUDIT_WORKBENCH_UI_STATE` names another file (tests point it into a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir
from PySide6.QtCore import QSettings

ENV = "AUDIT_WORKBENCH_UI_STATE"


def path() -> Path:
    chosen = os.environ.get(ENV)
    if chosen:
        return Path(chosen)
    return Path(user_config_dir("audit-workbench", appauthor=False)) / "window.ini"


def store() -> QSettings:
    location = path()
    location.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(location), QSettings.Format.IniFormat)
