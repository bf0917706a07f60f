"""Nothing typed is ever lost: the guard every page and tab puts in front of its unsaved work.

Every editor of the window is either saved as you go (scores, scoring notes) or guarded: a widget
that holds work not yet saved reports it from `unsaved_work()` as `Unsaved` items, each saying what
it is, how to save it (None when there is nothing to save it with — a vote not yet cast is a
decision, not a draft) and how to drop it. Before the window leaves a page, opens another case,
switches or logs out the user, or closes, it calls `settle()` over the widgets it is about to leave,
which asks once — save / discard / cancel — naming what would be lost. Cancel keeps everything where
it was, typed text included.

A page of another engineer adopts the guard by giving its widget an `unsaved_work()` method; the main
window asks every built page for it (`holders_of`). Tests answer through `UnsavedDialog.ask`, which
they replace (tests/ui/conftest.py), so nothing blocks on `exec()`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

Choice = Literal["save", "discard", "cancel"]


@dataclass(frozen=True)
class Unsaved:
    """One piece of unsaved work: what it is (in the UI language), how to save it, how to drop it."""

    what: str
    save: Callable[[], bool] | None  # True when saved; None: it cannot be saved, only kept or dropped
    discard: Callable[[], None]


class UnsavedDialog:
    """The save / discard / cancel question. Tests replace `ask` (never blocking on exec())."""

    unattended = False  # --screenshot runs: never wait for a click, keep the work (cancel)

    @classmethod
    def ask(cls, parent: QWidget | None, items: list[Unsaved], going: str) -> Choice:
        if cls.unattended:
            print(f"audit-workbench: unsaved work kept: {', '.join(i.what for i in items)}", file=sys.stderr)
            return "cancel"
        savable = any(item.save is not None for item in items)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(QCoreApplication.translate("UnsavedDialog", "尚未保存的修改"))
        lines = "\n".join(f"· {item.what}" for item in items)
        if savable:
            text = QCoreApplication.translate(
                "UnsavedDialog", "以下内容尚未保存：\n{items}\n\n{going}之前要保存吗？"
            )
        else:
            text = QCoreApplication.translate(
                "UnsavedDialog", "以下内容尚未提交：\n{items}\n\n{going}将丢弃这些内容。"
            )
        box.setText(text.format(items=lines, going=going))
        save = (
            box.addButton(
                QCoreApplication.translate("UnsavedDialog", "保存"), QMessageBox.ButtonRole.AcceptRole
            )
            if savable
            else None
        )
        discard = box.addButton(
            QCoreApplication.translate("UnsavedDialog", "不保存"), QMessageBox.ButtonRole.DestructiveRole
        )
        cancel = box.addButton(
            QCoreApplication.translate("UnsavedDialog", "取消"), QMessageBox.ButtonRole.RejectRole
        )
        box.setDefaultButton(save or cancel)
        from .context import widen_for_title

        widen_for_title(box)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if save is not None and clicked is save:
            return "save"
        if clicked is discard:
            return "discard"
        return "cancel"


def unsaved_of(holders: Iterable[Any]) -> list[Unsaved]:
    """The unsaved work of widgets that have an `unsaved_work()` method (others have none)."""
    items: list[Unsaved] = []
    for holder in holders:
        report = getattr(holder, "unsaved_work", None)
        if callable(report):
            items.extend(report())
    return items


def settle(parent: QWidget | None, holders: Iterable[Any], going: str) -> bool:
    """Ask about the unsaved work of `holders` before `going` ("关闭窗口", "打开另一个案件"…); save or
    drop it as the user says. True when the caller may go on; False (cancel, or a save that was
    refused) keeps everything as it is."""
    items = unsaved_of(holders)
    if not items:
        return True
    choice = UnsavedDialog.ask(parent, items, going)
    if choice == "cancel":
        return False
    if choice == "save":
        for item in items:
            if item.save is not None and not item.save():
                return False  # the refusal was shown; the work stays on screen
            if item.save is None:
                item.discard()
        return True
    for item in items:
        item.discard()
    return True
