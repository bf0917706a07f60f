"""GUI test fixtures: a UiContext per user, captured message boxes, synchronous background tasks.

Every test here is a GUI test (marked `gui` automatically). Nothing may block on a dialog's
`exec()`: message boxes are captured by the autouse `messages` fixture, dialogs are driven through
their replaceable `ask()` classmethods, and background work runs synchronously.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services import Actor, Services
from audit_workbench.ui import guards, i18n, refcount_guard, workers
from audit_workbench.ui.context import Messages, UiContext

# PySide6 6.12 drops a reference to None (or True/False) in many calls; a test session makes
# hundreds of thousands of them and would abort at exit. The application pads the counts at start
# (ui/refcount_guard.py); the tests build widgets without it, so pad them here.
refcount_guard.guard()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


@dataclass
class CapturedMessages:
    """What the window would have shown in message boxes; `confirm_answer` answers questions."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    informations: list[tuple[str, str]] = field(default_factory=list)
    questions: list[tuple[str, str]] = field(default_factory=list)
    confirm_answer: bool = True
    # The save / discard / cancel question (ui.guards): what it named, and the answer it gets.
    unsaved: list[tuple[list[str], str]] = field(default_factory=list)
    unsaved_answer: str = "discard"
    # What dialogs showed inline (a refusal of their submit: the dialog stayed open).
    dialog_problems: list[str] = field(default_factory=list)
    # Certificates shown before an issue (number, PDF bytes); answered with `confirm_answer`.
    previews: list[tuple[str, bytes]] = field(default_factory=list)


_captured: list[CapturedMessages] = []  # the running test's, for the fake dialogs below


def dialog_answer(value: Any) -> Any:
    """A dialog's `ask` replaced: the user typed `value` and pressed OK (None: pressed Cancel).

    As the real dialog does, the value goes to the dialog's `submit` (the service call) and `ask`
    returns what it returned; a refusal is what the dialog would show inline — recorded in
    `messages.dialog_problems` — and the user then cancels (None)."""

    def ask(cls, *args, submit=None, **kwargs):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if submit is None:
            return value
        try:
            result = submit(value)
        except Refused as exc:
            if _captured:
                _captured[-1].dialog_problems.append(exc.message())
            return None
        return True if result is None else result

    return classmethod(ask)


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[CapturedMessages]:
    captured = CapturedMessages()

    def warning(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.warnings.append((title, text))

    def information(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.informations.append((title, text))

    def confirm(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.questions.append((title, text))
        return captured.confirm_answer

    def unsaved(cls, parent, items, going):  # type: ignore[no-untyped-def]
        captured.unsaved.append(([i.what for i in items], going))
        return captured.unsaved_answer

    monkeypatch.setattr(guards.UnsavedDialog, "ask", classmethod(unsaved))

    def preview(cls, parent, context, view, pdf):  # type: ignore[no-untyped-def]
        captured.previews.append((view.number, pdf))
        return captured.confirm_answer

    from audit_workbench.ui.case.certificate_tab import IssuePreviewDialog

    monkeypatch.setattr(IssuePreviewDialog, "ask", classmethod(preview))
    monkeypatch.setattr(Messages, "warning", classmethod(warning))
    monkeypatch.setattr(Messages, "information", classmethod(information))
    monkeypatch.setattr(Messages, "confirm", classmethod(confirm))
    _captured.append(captured)
    yield captured
    _captured.remove(captured)


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog that would wait for a click fails the test at once instead of hanging it: tests
    answer dialogs through their `ask()` (or replace a class's `exec`, as tests/e2e does)."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    def blocked(dialog, *args):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{type(dialog).__name__}.exec() would block the test: replace its ask()")

    monkeypatch.setattr(QDialog, "exec", blocked)
    monkeypatch.setattr(QMessageBox, "exec", blocked)


@pytest.fixture(autouse=True)
def sync_tasks() -> Iterator[workers.SynchronousTaskRunner]:
    runner = workers.SynchronousTaskRunner()
    workers.use_runner(runner)
    yield runner
    workers.use_runner(None)


@pytest.fixture(autouse=True)
def _chinese_again() -> Iterator[None]:
    """A test that switches the window to English must not leave the next test in English."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None and i18n.current() != "zh":
        i18n.install("zh", app)


ContextMaker = Callable[..., UiContext]


@pytest.fixture
def ui_context(services: Services) -> ContextMaker:
    """`ui_context(team.clerk)` or `ui_context(team.clerk, lang="en")`."""

    def make(actor: Actor, lang: str = "zh") -> UiContext:
        return UiContext(services, actor, lang)

    return make
