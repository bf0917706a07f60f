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
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.policy import Action, explain
from ..services import Actor
from . import workers
from .context import Messages, UiContext
from .widgets.common import SP, std_icon

PAGES = ("dashboard", "cases", "register", "people", "settings")
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
    def __init__(
        self,
        context: UiContext,
        database_label: str = "",
        parent: QWidget | None = None,
        *,
        start_page: str = "dashboard",
    ) -> None:
        """The window showing `start_page` (a name for `show_page`); only that page is built.

        Raises what `show_page` raises for a start page that is no page or not this user's."""
        super().__init__(parent)
        self.context = context
        context.window = self
        self.database_label = database_label
        self.pages: dict[str, QWidget] = {}
        self.stale: set[str] = set()
        self.current_case: str | None = None
        settings = context.services.settings.all()
        body = str(
            settings["body_name_en"]
            if context.lang == "en" and settings["body_name_en"]
            else settings["body_name"]
        )
        self.body_name = body
        self.setWindowTitle(self.tr("售后服务认证工作台 — {body}").format(body=body))
        self.setWindowIcon(std_icon(SP.SP_FileDialogDetailedView))
        self.resize(1440, 900)
        self.setMinimumSize(QSize(1100, 700))

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
        file_menu.addSeparator()
        quit_action = file_menu.addAction(self.tr("退出(&Q)"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        about = help_menu.addAction(self.tr("关于(&A)"))
        about.triggered.connect(self._on_about_triggered)
        # 文件 › 带到现场笔记本… / 带回评审结果… / 备份数据库… (admins), and the admin's backup reminder.
        from .dialogs.backup import BackupActions
        from .dialogs.packages import PackageActions

        self.package_actions = PackageActions(self, file_menu, before=quit_action)
        self.backup_actions = BackupActions(self, file_menu, before=quit_action)

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

    # -- users ------------------------------------------------------------------------------------
    def switch_user(self) -> bool:
        """Ask for another login (文件 › 切换用户); on success rebuild the window for that user."""
        from .dialogs.login import LoginDialog

        actor = LoginDialog.ask(self.context.services, self.context.lang, "", self.body_name, self)
        if actor is None:
            return False
        self.set_actor(actor)
        return True

    def set_actor(self, actor: Actor) -> None:
        """Show the window to `actor`: a new context, every page rebuilt for its roles, the same place."""
        runner = workers.runner()
        runner.wait(5000)  # a preview still rendering for the previous user finishes first
        key, case_no = self.current_key(), self.current_case
        tab = getattr(self.pages.get("case"), "current_tab", lambda: "application")()
        self.context = UiContext(self.context.services, actor, self.context.lang, self)
        for widget in self.pages.values():
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.pages.clear()
        self.stale.clear()
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

            page = RegisterPage(self.context)
            page.sig_case_requested.connect(self.open_case)
            page.sig_case_created.connect(self._on_case_changed)
            return page

        def settings() -> QWidget:
            from .pages.settings import SettingsPage

            return SettingsPage(self.context)

        def people() -> QWidget:
            from .pages.people import PeoplePage

            return PeoplePage(self.context)

        def dashboard() -> QWidget:
            from .pages.dashboard import DashboardPage

            page = DashboardPage(self.context)
            page.sig_case_requested.connect(self.open_case)
            page.sig_certificate_requested.connect(self.open_certificate)
            return page

        def cases() -> QWidget:
            from .pages.cases import CaseListPage

            page = CaseListPage(self.context)
            page.sig_case_requested.connect(self.open_case)
            page.sig_case_created.connect(self._on_case_changed)
            return page

        def case() -> QWidget:
            page = case_page_class()(self.context)
            page.sig_case_changed.connect(self._on_case_changed)  # type: ignore[attr-defined]
            return page

        return {
            "dashboard": dashboard,
            "cases": cases,
            "register": register,
            "settings": settings,
            "people": people,
            "case": case,
        }

    def page(self, key: str) -> QWidget:
        """The page widget, built on first use."""
        if key not in self.pages:
            widget = self._factories()[key]()
            self.pages[key] = widget
            self.stack.addWidget(widget)
        return self.pages[key]

    def show_page(self, spec: str) -> None:
        """Go to a page: dashboard, cases, register, people, settings, or case/scoring/committee/certificate:CASE_NO.

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

    def _on_navigation_current_item_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self._show(current.data(Qt.ItemDataRole.UserRole))

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
