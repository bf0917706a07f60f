"""Starting the window: the database, the login, the language, the main window — and screenshots.

`run_gui(args)` is what `audit-workbench gui` calls. `build_app(argv, exec=False)` does the same
from an argument list and, without `exec`, returns the main window instead of running the event
loop, so tests build the whole application without blocking (Anki's `_run(argv, exec=False)`).

Order of start-up: open the database (offer to create it when it does not exist), pick the
language (`--lang`, else the `language` setting), log in (`--user` with the password in
$AUDIT_WORKBENCH_PASSWORD skips the dialog), then show the main window at `--page`. With
`--screenshot FILE.png` the window is rendered to the file once it has been painted (through the
output guard: an existing file only with `--force`), and the process exits 0.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The services (SQLAlchemy, pydantic, PyYAML) are imported before PySide6 on purpose: once PySide6 is
# loaded, its `__feature__` import hook reads the source of every module imported after it
# (shibokensupport/feature.py, PYSIDE-2029), which makes the same imports about 0.2 s slower. For the
# modules that must come after it (the window's own), the check is made cheaper right after PySide6
# is loaded (ui.start.quicken_feature_hook).
from ..core.errors import Refused, set_language
from ..core.startup import resume_collector
from ..services import Actor, Services
from ..services.base import database_exists, database_location

# isort: split
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QEventLoop, QIODevice, QTimer
from PySide6.QtWidgets import QApplication

from .start import START_PAGE_SERVICES, quicken_feature_hook

quicken_feature_hook()  # before the window's own modules are imported (ui.start says why)

# isort: split
from . import busy, i18n, refcount_guard, theme, workers  # noqa: E402
from .context import Messages, UiContext  # noqa: E402
from .main_window import MainWindow, UnknownPage  # noqa: E402

if TYPE_CHECKING:
    from .dialogs.database import NewDatabase

PASSWORD_ENV = "AUDIT_WORKBENCH_PASSWORD"
SCREENSHOT_SIZE = (1366, 768)  # the common laptop: what the docs show is what one sees there
EXPOSE_TIMEOUT_S = 10.0
SCREENSHOT_TIMEOUT_S = 120


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The GUI's own options (the same as `audit-workbench [--db …] [--user …] gui …`)."""
    parser = argparse.ArgumentParser(prog="audit-workbench gui")
    parser.add_argument("--db")
    parser.add_argument("--user")
    parser.add_argument("--lang", choices=["zh", "en"])
    parser.add_argument("--page", default="dashboard")
    parser.add_argument("--screenshot")
    parser.add_argument("--force", action="store_true")
    args, rest = parser.parse_known_args([a for a in argv if a != "gui"])
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return args


def application() -> QApplication:
    refcount_guard.guard()  # before any Qt call: PySide6 6.12 drops references to None/True/False
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Audit Workbench")
        app.setApplicationDisplayName("Audit Workbench")  # named in the UI language once installed
        app.setOrganizationName("audit-workbench")
        theme.apply(app)
    assert isinstance(app, QApplication)
    return app


def run_gui(args: argparse.Namespace) -> int:
    result = _run(args, exec=True)
    assert isinstance(result, int)
    return result


def build_app(argv: Sequence[str], exec: bool = False) -> MainWindow | int:
    """The window for `argv`; with exec=True run it and return the exit code."""
    return _run(parse_args(argv), exec=exec)


def _run(args: argparse.Namespace, exec: bool) -> MainWindow | int:
    if not getattr(args, "screenshot", None):
        return _start(args, exec)
    # Unattended: never hang a docs build or a test run; dump the stacks and exit instead.
    faulthandler.dump_traceback_later(SCREENSHOT_TIMEOUT_S, exit=True)
    try:
        return _start(args, exec)
    finally:
        faulthandler.cancel_dump_traceback_later()


def _start(args: argparse.Namespace, exec: bool) -> MainWindow | int:
    app = application()
    if getattr(args, "screenshot", None):
        Messages.unattended = True  # no message box may wait for a click
    db = getattr(args, "db", None)
    lang_arg = getattr(args, "lang", None) or os.environ.get("AUDIT_WORKBENCH_LANG")
    screenshot = getattr(args, "screenshot", None)
    if lang_arg:
        i18n.install(lang_arg, app)

    # the password hasher: the command line's choice when it started the window (tests: a cheap one)
    opened = _open_services(db, unattended=bool(screenshot), hasher=getattr(args, "hasher", None))
    if opened is None:
        return 0
    # each attempt waits briefly for another program's write; the window waits patiently (ui.busy)
    services = busy.patient(opened)
    if screenshot:
        try:  # the picture is an output file like any other: never the database, never a file unasked
            folder = services.outputs.check_folder(Path(screenshot).parent)
            folder.mkdir(parents=True, exist_ok=True)
            services.outputs.check(screenshot, force=bool(getattr(args, "force", False)))
        except Refused:
            services.close()
            raise
    # read once: the language, the body's name for the login and the window's title
    settings = services.settings.all()
    lang = i18n.normalize(lang_arg or str(settings["language"]))
    i18n.install(lang, app)
    set_language(lang)

    services.prepare_in_background(START_PAGE_SERVICES.get(getattr(args, "page", None) or "dashboard", ()))
    try:
        actor = _log_in(services, getattr(args, "user", None), lang, str(settings["body_name"]))
    except Refused:
        services.close()
        raise
    if actor is None:
        services.close()
        return 0
    context = UiContext(services, actor, lang)
    MainWindow.read_ahead(context, getattr(args, "page", None) or "dashboard")
    try:
        # Only the start page is built (and its data read) before the first paint.
        window = MainWindow(
            context,
            database_location(db),
            start_page=getattr(args, "page", None) or "dashboard",
            settings=settings,
        )
    except Refused:
        services.close()
        raise
    except UnknownPage as exc:
        services.close()
        raise Refused(
            "bad_page",
            f"unknown page {exc}; use dashboard, cases, register, settings or case/scoring/committee/certificate:CASE_NO",
            f"未知页面 {exc}",
        ) from None
    app.aboutToQuit.connect(services.close)
    if screenshot:
        return _screenshot(app, window, Path(screenshot), services, bool(getattr(args, "force", False)))
    window.show()
    if not screenshot:
        # after the first paint: a backlog of overdue certificates never delays the window
        # tied to the window: a window closed (or deleted) before it comes due sweeps nothing with
        # services that may be closed by then
        QTimer.singleShot(SWEEP_AFTER_MS, window, lambda: _sweep_if_open(window, services))
        QTimer.singleShot(SWEEP_AFTER_MS, resume_collector)  # paused by `audit-workbench` (core.startup)
    if not exec:
        return window
    code = app.exec()
    services.close()
    return code


# -- start-up steps ----------------------------------------------------------------------------------


def _open_services(db: str | None, unattended: bool, hasher: Any = None) -> Services | None:
    """The services over `db`; a database that is missing, or empty (no user: a first start that
    stopped half-way), is created only when the user says so in the dialog."""
    from ..services.setup import is_empty, missing_database

    exists = database_exists(db)
    if exists and not is_empty(db):
        return Services.open(db, hasher=hasher, busy_seconds=busy.ATTEMPT_SECONDS)
    location = database_location(db)
    if unattended:
        raise missing_database(db)
    from .dialogs.database import CreateDatabaseDialog

    while True:
        choice = (
            CreateDatabaseDialog.ask(location, empty=True) if exists else CreateDatabaseDialog.ask(location)
        )
        if choice is None:
            return None
        try:
            _create_database(db, choice)
        except Refused as exc:  # a name or password the rules refuse: say why, ask again
            Messages.warning(None, QCoreApplication.translate("App", "无法创建数据库"), exc.message())
            continue
        return Services.open(db, hasher=hasher, busy_seconds=busy.ATTEMPT_SECONDS)


def _create_database(db: str | None, choice: NewDatabase) -> None:
    """Build the new database whole (services.setup) — nothing is left behind if it fails."""
    from ..services import setup

    if choice.package is not None:
        _laptop_from_package(db, choice.package)
        return
    if not choice.demo:
        setup.create_with_admin(db, choice.admin_name, choice.admin_password)
        return
    loop = QEventLoop()
    failure: list[BaseException] = []

    def build(progress: workers.Progress, cancel: threading.Event) -> None:
        progress(0, 0)
        setup.create_demo(db)

    def failed(exc: BaseException) -> None:
        failure.append(exc)
        loop.quit()

    task = workers.runner().run(
        build,
        lambda _: loop.quit(),
        label=QCoreApplication.translate("App", "正在创建示例数据…"),
        on_failed=failed,
    )
    if not task.done:
        loop.exec()
    if failure:
        raise failure[0]


def _laptop_from_package(db: str | None, package: Path) -> None:
    """A new laptop database made by importing the office's checkout (it has no user to ask yet)."""
    from ..services.packages import import_package

    loop = QEventLoop()
    failure: list[BaseException] = []

    def work(progress: workers.Progress, cancel: threading.Event) -> None:
        progress(0, 0)
        import_package(database_location(db), package)

    def failed(exc: BaseException) -> None:
        failure.append(exc)
        loop.quit()

    task = workers.runner().run(
        work,
        lambda _: loop.quit(),
        label=QCoreApplication.translate("App", "正在导入审核包…"),
        on_failed=failed,
    )
    if not task.done:
        loop.exec()
    if failure:
        raise failure[0]


SWEEP_AFTER_MS = 400  # the sweep at opening starts once the first page has painted


def _sweep(services: Services, stop: Callable[[], bool] | None = None) -> bool:
    """The surveillance clock at the window's opening (as `register sweep`, by the system user):
    expired certificates marked, unresolved suspensions past their end withdrawn, overdue
    surveillances suspended. What it cannot do now (another program holds the database, or the
    window closed) waits for the next opening or `register sweep`. True if anything was changed."""
    from ..services.views import sweep_pending

    with services.read() as session:
        if not sweep_pending(session, services.today()):
            return False  # nothing to do: the certificate machinery stays unloaded until it is needed
    try:
        return bool(services.certificates.sweep(stop=stop).actions)
    except Refused:
        return False


def _sweep_if_open(window: MainWindow, services: Services) -> None:
    """The opening sweep, unless the window was closed before it came due."""
    if window.isVisible():
        _sweep_in_background(window, services)


def _sweep_in_background(window: MainWindow, services: Services) -> None:
    """The opening sweep on the window's database worker (batches of short transactions, so people
    can work meanwhile); the page on show is read again when it changed something. Then, on the same
    worker, the models no start page needed, so the first case opened does not wait for them."""

    def work(progress: workers.Progress, cancel: threading.Event) -> bool:
        changed = _sweep(services, stop=cancel.is_set)
        services.prepare_detail_models()
        return changed

    def done(changed: bool) -> None:
        if changed and window.isVisible():
            window.refresh_current()

    workers.runner().run(
        work,
        done,
        label=QCoreApplication.translate("app", "正在更新证书状态…"),
        parent=window,
        show_progress=False,
    )


def _log_in(services: Services, user: str | None, lang: str, body: str) -> Actor | None:
    password = os.environ.get(PASSWORD_ENV)
    if user and password is not None:
        # a refusal ends the start with exit code 2; a laptop's first login with a one-time code sets
        # the laptop password from $AUDIT_WORKBENCH_NEW_PASSWORD
        return services.users.login(
            user, password, new_password=os.environ.get("AUDIT_WORKBENCH_NEW_PASSWORD")
        )
    from .dialogs.login import LoginDialog

    return LoginDialog.ask(services, lang, user or "", body)


def _screenshot(app: QApplication, window: MainWindow, path: Path, services: Services, force: bool) -> int:
    """Show the window, wait until it is exposed and painted, save `window.grab()` as PNG."""
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    window.raise_()
    deadline = time.monotonic() + EXPOSE_TIMEOUT_S
    handle = window.windowHandle()
    while time.monotonic() < deadline and not (handle is not None and handle.isExposed()):
        _wait(50)
        handle = window.windowHandle()
    # Background work (a certificate preview being rendered) must finish before the picture is taken.
    while workers.runner().busy and time.monotonic() < deadline:
        _wait(50)
    # Then time for layouts, lazy fetches, the first paint of charts and QPdfView's asynchronous
    # page rendering.
    _wait(500)
    window.repaint()
    app.processEvents()
    image = window.grab()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = not image.isNull() and image.save(buffer, "PNG")
    buffer.close()
    window.close()
    try:
        if ok:
            services.outputs.write(path, bytes(data.data()), force=force)
    finally:
        services.close()
    if not ok:
        print(f"audit-workbench: could not write the screenshot {path}", file=sys.stderr)
        return 1
    return 0


def _wait(msecs: int) -> None:
    """Run the event loop for `msecs`. Never spin processEvents() in a tight loop instead: each call
    under PySide6 6.12 / CPython 3.11 drops a reference to None, and a few hundred thousand calls
    crash the interpreter ("none_dealloc")."""
    loop = QEventLoop()
    QTimer.singleShot(msecs, loop.quit)
    loop.exec()
