"""The main window: a navigation side bar and the pages, built for one logged-in user.

Pages: 工作台 (dashboard), 案件 (case list), 证书登记册 (certificate register), 人员与公正性 (people,
their qualifications and declared interests; everyone signs their own impartiality declaration
there), 系统设置 (settings and users, administrators only), and the case page when a case is opened. The window opens at its
start page (the dashboard unless `--page` says otherwise), and only that page is built before the
first paint: every page is built (and its module imported) on first use. When a case changes, the
other pages are marked stale and reload when next shown (Anki's habit of refreshing only what is on
screen).

文件 › 切换用户 (Ctrl+L) logs another person in on the same window — the office PC or the site
laptop passed from the clerk to an auditor: every page is rebuilt for the new user's roles, and the
window stays where it was (the same case at the same tab), so the next person carries on.
文件 › 注销 ends the session (the login comes back; cancelling it closes the window), and
文件 › 修改我的密码 changes the user's own password.

Nothing typed is lost (ui.guards): leaving a page, opening another case, switching or logging out
the user and closing the window first settle the unsaved work of the pages — save, discard or cancel.

The window opens within the available screen (1366×768 laptops included) and remembers its geometry
(ui.preferences). 帮助 › 键盘操作 (F1) lists every key.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTime, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.policy import Action, explain
from ..services import Actor
from . import preferences, workers
from .case.common import join_list
from .changes import ChangeWatcher
from .context import Messages, UiContext
from .guards import settle, unsaved_of
from .widgets.common import SP, std_icon

PAGES = ("dashboard", "cases", "register", "people", "complaints", "settings")
PREFERRED_SIZE = (1440, 900)
MINIMUM_SIZE = (960, 600)  # the pages lay out down to this; 1366×768 laptops have room to spare
FRAME_ALLOWANCE = (16, 48)  # the window manager's frame and title bar around the window
GEOMETRY_KEY = "main_window/geometry"
BUSY_CHECK_MS = 200
CHANGE_MESSAGE_MS = 8000
CASE_TABS = {"case": "", "scoring": "scoring", "committee": "committee", "certificate": "certificate"}


def case_page_class() -> type[QWidget]:
    """The case page if it is installed, else the read-only summary (imported lazily: it is big)."""
    if importlib.util.find_spec("audit_workbench.ui.pages.case_page") is not None:
        from .pages.case_page import CasePage

        return CasePage
    from .pages.case_summary import CaseSummaryPage

    return CaseSummaryPage


class UnknownPage(ValueError):
    pass


class MainWindow(QMainWindow):
    @staticmethod
    def read_ahead(context: UiContext, start_page: str) -> None:
        """Before the window is built: read where the event log stands (the change watcher starts
        there, ui.changes), then start the start page's first read if it has a slow one (the
        dashboard's summary, about 0.1 s at 100,000 cases), so the build and the read overlap. The
        read is started before the page's module is imported: the service is loaded already
        (ui.start), and the read is what the first paint waits for."""
        context.read_ahead("changes", context.services.changes.latest)  # the window's change watcher
        if start_page == "dashboard":
            from ..services.dashboard import DashboardService

            context.read_ahead("dashboard", DashboardService(context.services).summary, context.actor)

    def __init__(
        self,
        context: UiContext,
        database_label: str = "",
        parent: QWidget | None = None,
        *,
        start_page: str = "dashboard",
        settings: dict[str, Any] | None = None,
    ) -> None:
        """The window showing `start_page` (a name for `show_page`); only that page is built.
        `settings`: the settings as the start has just read them (read here when not given).

        Raises what `show_page` raises for a start page that is no page or not this user's."""
        super().__init__(parent)
        self.context = context
        context.window = self
        self.database_label = database_label
        self.pages: dict[str, QWidget] = {}
        self.stale: set[str] = set()
        self.current_case: str | None = None
        self._logging_out = False
        self._closing_after_logout = False
        if settings is None:
            settings = context.services.settings.all()
        body = str(
            settings["body_name_en"]
            if context.lang == "en" and settings["body_name_en"]
            else settings["body_name"]
        )
        self.body_name = body
        # the window manager adds the application's name (ui.i18n sets it in the UI language)
        self.setWindowTitle(body)
        self.setWindowIcon(std_icon(SP.SP_FileDialogDetailedView))
        self.setMinimumSize(QSize(*MINIMUM_SIZE))
        self.place_on_screen()

        # -- side bar ---------------------------------------------------------------------------
        brand = QLabel(self.tr("售后服务认证工作台"))
        brand.setObjectName("brand")
        brand_sub = QLabel(body)
        brand_sub.setObjectName("brandSub")
        brand_sub.setWordWrap(True)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(18, 18))
        self.navigation.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav_items: dict[str, QListWidgetItem] = {}
        entries = [
            ("dashboard", self.tr("工作台"), SP.SP_ComputerIcon, "Ctrl+1"),
            ("cases", self.tr("案件"), SP.SP_FileDialogDetailedView, "Ctrl+2"),
            ("case", self.tr("当前案件"), SP.SP_FileIcon, "Ctrl+3"),
            ("register", self.tr("证书登记册"), SP.SP_DialogApplyButton, "Ctrl+4"),
            ("people", self.tr("人员与公正性"), SP.SP_DirHomeIcon, "Ctrl+6"),
            ("complaints", self.tr("投诉与申诉"), SP.SP_MessageBoxQuestion, "Ctrl+7"),
            ("settings", self.tr("系统设置"), SP.SP_FileDialogInfoView, "Ctrl+5"),
        ]
        for key, text, icon, shortcut in entries:
            item = QListWidgetItem(std_icon(icon), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{text} ({shortcut})")
            self.navigation.addItem(item)
            self.nav_items[key] = item
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, k=key: self._on_navigation_shortcut(k))
            self.addAction(action)
        self.nav_items["case"].setHidden(True)
        self.navigation.currentItemChanged.connect(self._on_navigation_current_item_changed)
        self.user_card = QLabel()
        self.user_card.setObjectName("userCard")
        self.user_card.setWordWrap(True)
        side = QWidget()
        side.setObjectName("sidebar")
        side.setStyleSheet("QWidget#sidebar { background: #1b2b44; }")
        side.setFixedWidth(200 if context.lang == "zh" else 220)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(brand)
        side_layout.addWidget(brand_sub)
        side_layout.addWidget(self.navigation, 1)
        side_layout.addWidget(self.user_card)

        self.stack = QStackedWidget()
        central = QWidget()
        central_layout = QHBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(side)
        central_layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        # -- menus and status bar ---------------------------------------------------------------
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        refresh = file_menu.addAction(std_icon(SP.SP_BrowserReload), self.tr("刷新(&R)"))
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh_current)
        self.switch_user_action = file_menu.addAction(self.tr("切换用户(&U)…"))
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+L"))
        self.switch_user_action.triggered.connect(self.switch_user)
        self.log_out_action = file_menu.addAction(self.tr("注销(&O)"))
        self.log_out_action.triggered.connect(self.log_out)
        self.password_action = file_menu.addAction(self.tr("修改我的密码(&P)…"))
        self.password_action.triggered.connect(self.change_my_password)
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("退出(&Q)"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        keys = help_menu.addAction(self.tr("键盘操作(&K)"))
        keys.setShortcut(QKeySequence.StandardKey.HelpContents)
        keys.triggered.connect(self.show_keyboard_help)
        about = help_menu.addAction(self.tr("关于(&A)"))
        about.triggered.connect(self._on_about_triggered)
        # 文件 › 带到现场笔记本… / 带回评审结果… / 备份数据库… (admins), and the admin's backup reminder.
        from .dialogs.backup import BackupActions
        from .dialogs.packages import PackageActions

        self.package_actions = PackageActions(self, file_menu, before=quit_action)
        self.backup_actions = BackupActions(self, file_menu, before=quit_action)

        # the database worker's busy line in the status bar (only after SHOW_PROGRESS_AFTER_MS)
        self.busy_label = QLabel(self.tr("正在读取数据…"))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        for widget in (self.busy_label, self.busy_bar):
            widget.hide()
            self.statusBar().addPermanentWidget(widget)
        self._busy_since: float | None = None
        self.busy_timer = QTimer(self)
        self.busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self.busy_timer.start(BUSY_CHECK_MS)

        # someone else's changes: the pages that show them refresh (ui.changes). The watcher starts
        # from the newest event as read on the database worker before the start page's first read
        # (`read_ahead` asks for it first), so no change after what the page shows is missed.
        self.watcher = ChangeWatcher(context.services, self)
        self.watcher.sig_changed.connect(self._on_watcher_changed)
        context.load(
            self.watcher,
            context.services.changes.latest,
            on_loaded=self.watcher.start,
            on_refused=lambda _refused: self.watcher.start(),
            ahead="changes",
        )

        self._show_user()
        self.show_page(start_page)

    def _show_user(self) -> None:
        """What depends on who is logged in, outside the pages: the user card, the status bar, and
        which navigation entries exist at all."""
        context = self.context
        # Administrators' pages are not shown to others at all (not merely disabled).
        self.nav_items["settings"].setHidden(not context.can(Action.manage_settings))
        sep = "、" if context.lang == "zh" else ", "
        roles = sep.join(context.role_label(r) for r in sorted(context.actor.roles))
        self.user_card.setText(f"{context.actor.display_name}\n{roles}")
        self.statusBar().showMessage(
            self.tr("已登录：{user} · 数据库：{db}").format(
                user=context.actor.display_name, db=self.database_label
            )
        )
        self.package_actions.show_user()
        self.backup_actions.show_user()  # the backup reminder, for administrators

    # -- the screen --------------------------------------------------------------------------------
    def place_on_screen(self) -> None:
        """The size and place remembered from the last run, or a size that fits the available screen
        (never larger than it: a 1366×768 laptop shows the whole window)."""
        stored = preferences.store().value(GEOMETRY_KEY)
        if isinstance(stored, QByteArray) and not stored.isEmpty() and self.restoreGeometry(stored):
            self._fit_into_screen()
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1440, 900)
        width = min(PREFERRED_SIZE[0], available.width() - FRAME_ALLOWANCE[0])
        height = min(PREFERRED_SIZE[1], available.height() - FRAME_ALLOWANCE[1])
        self.resize(max(width, MINIMUM_SIZE[0]), max(height, MINIMUM_SIZE[1]))
        frame = self.frameGeometry()
        frame.moveCenter(available.center())
        self.move(max(frame.left(), available.left()), max(frame.top(), available.top()))

    def _fit_into_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        width = min(self.width(), available.width() - FRAME_ALLOWANCE[0])
        height = min(self.height(), available.height() - FRAME_ALLOWANCE[1])
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, MINIMUM_SIZE[0]), max(height, MINIMUM_SIZE[1]))
        if not available.intersects(self.frameGeometry()):
            self.move(available.topLeft())

    def remember_geometry(self) -> None:
        store = preferences.store()
        store.setValue(GEOMETRY_KEY, self.saveGeometry())
        store.sync()

    # -- unsaved work -----------------------------------------------------------------------------
    def settle(self, going: str, keys: Iterable[str] | None = None) -> bool:
        """Ask about the unsaved work of the pages (`keys`, or all built ones) before `going`."""
        chosen = self.pages if keys is None else {k: self.pages[k] for k in keys if k in self.pages}
        return settle(self, list(chosen.values()), going)

    # -- users ------------------------------------------------------------------------------------
    def switch_user(self) -> bool:
        """Ask for another login (文件 › 切换用户); on success rebuild the window for that user."""
        from .dialogs.login import LoginDialog

        if not self.settle(self.tr("切换用户")):
            return False
        actor = LoginDialog.ask(self.context.services, self.context.lang, "", self.body_name, self)
        if actor is None:
            return False
        self.set_actor(actor)
        return True

    def log_out(self) -> bool:
        """End this user's session: the pages go, the login comes back; cancelling it closes the window."""
        from .dialogs.login import LoginDialog

        if not self.settle(self.tr("注销")):
            return False
        self._logging_out = True
        self._drop_pages()
        self.user_card.setText("")
        self.statusBar().showMessage(self.tr("已注销 · 数据库：{db}").format(db=self.database_label))
        actor = LoginDialog.ask(self.context.services, self.context.lang, "", self.body_name, self)
        self._logging_out = False
        if actor is None:
            self._closing_after_logout = True
            self.close()
            return False
        self.current_case = None
        self.nav_items["case"].setHidden(True)
        self.set_actor(actor)
        return True

    def change_my_password(self) -> bool:
        from .dialogs.users import ChangeOwnPasswordDialog

        ctx = self.context
        done = ChangeOwnPasswordDialog.ask(ctx, self)
        if done:
            Messages.information(self, self.tr("修改密码"), self.tr("密码已修改，下次登录请使用新密码。"))
        return bool(done)

    def show_keyboard_help(self) -> None:
        from .dialogs.keyboard import KeyboardHelpDialog

        KeyboardHelpDialog.show_for(self)

    def _drop_pages(self) -> None:
        for widget in self.pages.values():
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.pages.clear()
        self.stale.clear()

    def set_actor(self, actor: Actor) -> None:
        """Show the window to `actor`: a new context, every page rebuilt for its roles, the same place."""
        runner = workers.runner()
        runner.wait(5000)  # a preview still rendering for the previous user finishes first
        key, case_no = self.current_key(), self.current_case
        tab = getattr(self.pages.get("case"), "current_tab", lambda: "application")()
        self.context = UiContext(self.context.services, actor, self.context.lang, self)
        self._drop_pages()
        self._show_user()
        if case_no:
            self.page("case").show_case(case_no, tab)  # type: ignore[attr-defined]
        if key == "case" or (key in PAGES and not self.nav_items[key].isHidden()):
            self._select_nav(key)
        else:
            self._select_nav("dashboard")

    # -- pages ------------------------------------------------------------------------------------
    def _factories(self) -> dict[str, Callable[[], QWidget]]:
        def register() -> QWidget:
            from .pages.register import RegisterPage

            page = RegisterPage(self.context, self.stack)
            page.sig_case_requested.connect(self.open_case)
            page.sig_case_created.connect(self._on_case_changed)
            return page

        def settings() -> QWidget:
            from .pages.settings import SettingsPage

            return SettingsPage(self.context, self.stack)

        def people() -> QWidget:
            from .pages.people import PeoplePage

            return PeoplePage(self.context, self.stack)

        def complaints() -> QWidget:
            from .pages.complaints import ComplaintsPage

            return ComplaintsPage(self.context, self.stack)

        def dashboard() -> QWidget:
            from .pages.dashboard import DashboardPage

            page = DashboardPage(self.context, self.stack)
            page.sig_case_requested.connect(self.open_case)
            page.sig_certificate_requested.connect(self.open_certificate)
            page.sig_complaints_requested.connect(lambda: self.show_page("complaints"))
            return page

        def cases() -> QWidget:
            from .pages.cases import CaseListPage

            page = CaseListPage(self.context, self.stack)
            page.sig_case_requested.connect(self.open_case)
            page.sig_case_created.connect(self._on_case_changed)
            return page

        def case() -> QWidget:
            page = case_page_class()(self.context, self.stack)
            page.sig_case_changed.connect(self._on_case_changed)  # type: ignore[attr-defined]
            return page

        return {
            "dashboard": dashboard,
            "cases": cases,
            "register": register,
            "settings": settings,
            "people": people,
            "complaints": complaints,
            "case": case,
        }

    def page(self, key: str) -> QWidget:
        """The page widget, built on first use. The factories build each page inside the stack from
        the start: a finished page moved into the window afterwards has its whole tree restyled
        under the application's style sheet (about 10 ms for the dashboard, measured)."""
        if key not in self.pages:
            widget = self._factories()[key]()
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, spec: str) -> None:
        """Go to a page: dashboard, cases, register, people, complaints, settings, or case/scoring/committee/certificate:CASE_NO.

        Raises UnknownPage for a name that is no page, and Refused (core.errors) for a case that
        does not exist or a page this user may not see, so that `--page` fails loudly.
        """
        if ":" in spec:
            kind, _, case_no = spec.partition(":")
            if kind not in CASE_TABS or not case_no.strip():
                raise UnknownPage(spec)
            self.context.services.cases.get(case_no.strip())  # NotFound (a refusal) when there is none
            self.open_case(case_no.strip(), CASE_TABS[kind])
            return
        if spec not in PAGES:
            raise UnknownPage(spec)
        if spec == "settings" and self.nav_items["settings"].isHidden():
            denial = explain(Action.manage_settings, self.context.actor.roles)
            assert denial is not None
            raise denial.refused()
        self._select_nav(spec)

    def _select_nav(self, key: str) -> None:
        item = self.nav_items[key]
        if self.navigation.currentItem() is item:
            self._show(key)
        else:
            self.navigation.setCurrentItem(item)

    def _on_navigation_current_item_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        leaving = previous.data(Qt.ItemDataRole.UserRole) if previous is not None else ""
        going = current.data(Qt.ItemDataRole.UserRole)
        if (
            leaving
            and leaving != going
            and not self._logging_out
            and not self.settle(self.tr("离开“{page}”").format(page=previous.text()), [leaving])
        ):
            # cancelled: stay on the page, with what was typed in it
            self.navigation.blockSignals(True)
            self.navigation.setCurrentItem(previous)
            self.navigation.blockSignals(False)
            return
        self._show(going)

    def _on_navigation_shortcut(self, key: str) -> None:
        if not self.nav_items[key].isHidden():
            self._select_nav(key)

    def _show(self, key: str) -> None:
        widget = self.page(key)
        if key in self.stale:
            self.stale.discard(key)
            refresh = getattr(widget, "refresh", None)
            if refresh is not None:
                refresh()
        self.stack.setCurrentWidget(widget)

    def current_key(self) -> str:
        widget = self.stack.currentWidget()
        return next((k for k, w in self.pages.items() if w is widget), "")

    def refresh_current(self) -> None:
        key = self.current_key()
        widget = self.pages.get(key)
        if key == "case" and self.current_case:
            widget.show_case(self.current_case, getattr(widget, "current_tab", lambda: "application")())  # type: ignore[union-attr]
        elif widget is not None and hasattr(widget, "refresh"):
            widget.refresh()

    # -- cases and certificates -------------------------------------------------------------------
    def open_case(self, case_no: str, tab: str = "") -> None:
        if (
            self.current_case is not None
            and case_no != self.current_case
            and not self.settle(self.tr("打开案件 {case_no}").format(case_no=case_no), ["case"])
        ):
            return
        page = self.page("case")
        if tab:
            page.show_case(case_no, tab)  # type: ignore[attr-defined]
        else:
            page.show_case(case_no)  # type: ignore[attr-defined]
        self.current_case = case_no
        item = self.nav_items["case"]
        item.setText(case_no)
        item.setToolTip(self.tr("当前案件 {case_no} (Ctrl+3)").format(case_no=case_no))
        item.setHidden(False)
        self._select_nav("case")

    def open_certificate(self, number: str) -> None:
        self._select_nav("register")
        self.page("register").select(number)  # type: ignore[attr-defined]

    def _on_case_changed(self, case_no: str) -> None:
        """A case changed (on the case page, or a new one was created): other pages reload when shown."""
        for key in ("dashboard", "register"):
            if key in self.pages:
                self.stale.add(key)
        cases = self.pages.get("cases")
        if cases is not None:
            self.stale.add("cases")  # a change may move the case in or out of the current filter

    # -- someone else's changes --------------------------------------------------------------------
    def _on_watcher_changed(self, changes: Any) -> None:
        """Refresh what shows what someone else changed: the open case says who and reloads (keeping
        what is being typed); the visible list refreshes now, the others when next shown."""
        me = self.context.actor.name
        others = [c for c in changes.changes if c.user_name != me]
        if not others and changes.complete:
            return
        if any(c.entity == "user" for c in others):
            self.context.forget_people()
        cases = {c.case_no for c in others if c.case_no}
        page = self.pages.get("case")
        case_no = getattr(page, "case_no", None)
        if page is not None and case_no and (case_no in cases or not changes.complete):
            page.changed_elsewhere([c for c in others if c.case_no == case_no])  # type: ignore[attr-defined]
        current = self.current_key()
        for key in ("dashboard", "cases", "register", "people", "settings"):
            widget = self.pages.get(key)
            if widget is None or not self._concerns(key, others, changes.complete):
                continue
            if key == current and unsaved_of([widget]):
                # what is being typed there is not reloaded away: the page refreshes when next shown
                self.stale.add(key)
            elif key == current:
                handler = getattr(widget, "changed_elsewhere", None)
                if handler is not None:
                    handler(others, changes.complete)
                elif hasattr(widget, "refresh"):
                    widget.refresh()
            else:
                self.stale.add(key)
        names = sorted({self.context.person(c.user_name) for c in others})
        if names:
            self.statusBar().showMessage(
                self.tr("{who} 刚做了修改，已刷新（{time}）").format(
                    who=join_list(self.context.lang, names), time=QTime.currentTime().toString("HH:mm")
                ),
                CHANGE_MESSAGE_MS,
            )

    @staticmethod
    def _concerns(key: str, changes: list[Any], complete: bool) -> bool:
        if not complete:
            return True
        about_cases = {"case", "score", "nonconformity", "certificate"}
        if key in ("settings", "people"):
            return any(c.entity not in about_cases for c in changes)
        return any(c.case_no or c.certificate for c in changes)

    def _on_busy_timer_timeout(self) -> None:
        """Show the database worker's busy line once it has been busy for SHOW_PROGRESS_AFTER_MS."""
        busy = workers.runner().busy
        now = time.monotonic()
        if busy and self._busy_since is None:
            self._busy_since = now
        elif not busy:
            self._busy_since = None
        show = (
            self._busy_since is not None and (now - self._busy_since) * 1000 >= workers.SHOW_PROGRESS_AFTER_MS
        )
        self.busy_label.setVisible(show)
        self.busy_bar.setVisible(show)

    # -- the rest ---------------------------------------------------------------------------------
    def _on_about_triggered(self) -> None:
        from .. import __version__

        Messages.information(
            self,
            self.tr("关于"),
            self.tr("售后服务认证工作台 {version}\nGB/T 27922《商品售后服务评价体系》认证业务管理").format(
                version=__version__
            ),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_after_logout and not self.settle(self.tr("关闭窗口")):
            event.ignore()
            return
        self._closing_after_logout = False
        self.remember_geometry()
        self.watcher.stop()
        self.busy_timer.stop()
        runner = workers.runner()
        if runner.busy and not Messages.confirm(
            self, self.tr("退出"), self.tr("后台任务尚未完成，仍要退出吗？")
        ):
            event.ignore()
            return
        for task in list(getattr(runner, "_running", ())):
            task.request_cancel()
        runner.wait(5000)
        event.accept()
