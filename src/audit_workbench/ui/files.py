"""File choosers that remember where the user was and take several files at once.

Each purpose ("attachments" for application materials, "evidence", "documents" for saved PDFs and
sheets, "sheets" for score sheets read back, "exports", "packages", "backups") remembers its own last
folder (ui.preferences), so attaching ten materials from one folder is one dialog with ten files
chosen, not ten trips through the folder tree. The dialog is Qt's own where the desktop offers none,
in the window's language (Qt's catalogue is loaded by ui.i18n).

Pages and dialogs call these classmethods; tests replace them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from . import preferences

KEY = "folders/{purpose}"


def last_folder(purpose: str) -> str:
    value = preferences.store().value(KEY.format(purpose=purpose), "")
    folder = str(value or "")
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def remember_folder(purpose: str, chosen: Path) -> None:
    folder = chosen if chosen.is_dir() else chosen.parent
    store = preferences.store()
    store.setValue(KEY.format(purpose=purpose), str(folder))
    store.sync()


class FileDialogs:
    """The window's file choosers (replaceable in tests)."""

    @classmethod
    def open_files(
        cls, parent: QWidget | None, title: str, filters: str = "", purpose: str = "attachments"
    ) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(parent, title, last_folder(purpose), filters)
        paths = [Path(n) for n in names]
        if paths:
            remember_folder(purpose, paths[0])
        return paths

    @classmethod
    def open_file(
        cls, parent: QWidget | None, title: str, filters: str = "", purpose: str = "sheets"
    ) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, last_folder(purpose), filters)
        if not name:
            return None
        remember_folder(purpose, Path(name))
        return Path(name)

    @classmethod
    def save_file(
        cls, parent: QWidget | None, title: str, suggested: str, filters: str = "", purpose: str = "documents"
    ) -> Path | None:
        start = str(Path(last_folder(purpose)) / suggested)
        name, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
        if not name:
            return None
        remember_folder(purpose, Path(name))
        return Path(name)

    @classmethod
    def folder(cls, parent: QWidget | None, title: str, purpose: str = "exports") -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, last_folder(purpose))
        if not name:
            return None
        remember_folder(purpose, Path(name))
        return Path(name)
