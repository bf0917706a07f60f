"""End-to-end GUI fixtures: the same captured message boxes and synchronous background tasks as the
widget tests (tests/ui/conftest.py), so nothing here ever blocks on a dialog or a thread."""

from __future__ import annotations

from ..ui.conftest import _chinese_again, _no_blocking_dialogs, messages, sync_tasks, ui_context  # noqa: F401
