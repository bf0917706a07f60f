"""GUI test fixtures: a UiContext per user, captured message boxes, synchronous background tasks.

Every test here is a GUI test (marked `gui` automatically). Nothing may block on a dialog's
`exec()`: message boxes are captured by the autouse `messages` fixture, dialogs are driven through
their replaceable `ask()` classmethods, and background work runs synchronously.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from audit_workbench.services import Actor, Services
from audit_workbench.ui import i18n, refcount_guard, workers
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


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> CapturedMessages:
    captured = CapturedMessages()

    def warning(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.warnings.append((title, text))

    def information(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.informations.append((title, text))

    def confirm(cls, parent, title, text):  # type: ignore[no-untyped-def]
        captured.questions.append((title, text))
        return captured.confirm_answer

    monkeypatch.setattr(Messages, "warning", classmethod(warning))
    monkeypatch.setattr(Messages, "information", classmethod(information))
    monkeypatch.setattr(Messages, "confirm", classmethod(confirm))
    return captured


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
