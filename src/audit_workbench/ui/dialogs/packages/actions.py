"""文件 › 带到现场笔记本… and 带回评审结果…: the window's entries and the work behind them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMenu,
    QWidget,
)

from ....core.errors import Refused
from ....core.policy import Action
from ... import workers
from ...context import Messages, UiContext
from ...widgets.common import SP, std_icon

if TYPE_CHECKING:
    # The package service (pydantic wire models, the whole store) is imported when a package is
    # written or read, not when the window starts.
    from ....services.packages import (
        ImportResult,
        PackagePreview,
        PackageSummary,
        ProgressFn,
    )

# The dialogs and their records are imported when an entry is used (not with the window's menu).


# == the files ========================================================================================
class PackageFile:
    """Where to save a package, which package to open. Tests replace these classmethods."""

    @classmethod
    def ask_save(cls, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        filters = QCoreApplication.translate("PackageFile", "审核包 (*.awp)")
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(name) if name else None

    @classmethod
    def ask_open(cls, parent: QWidget | None, title: str) -> Path | None:
        filters = QCoreApplication.translate("PackageFile", "审核包 (*.awp);;所有文件 (*)")
        name, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return Path(name) if name else None


def with_awp_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".awp" else path.with_name(path.name + ".awp")


# == the window's entries =============================================================================
class PackageActions(QObject):
    """文件 › 带到现场笔记本… and 带回评审结果…, and the work behind them (for one main window)."""

    def __init__(self, window: QMainWindow, menu: QMenu, before: QAction | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.take_action = QAction(std_icon(SP.SP_DriveFDIcon), self.tr("带到现场笔记本(&T)…"), window)
        self.take_action.triggered.connect(self.take_to_laptop)
        self.bring_action = QAction(std_icon(SP.SP_ArrowBack), self.tr("带回评审结果(&B)…"), window)
        self.bring_action.triggered.connect(self.bring_back)
        separator = QAction(window)
        separator.setSeparator(True)
        actions = [self.take_action, self.bring_action, separator]
        if before is not None:
            menu.insertActions(before, actions)
        else:
            menu.addActions(actions)
        self.last_summary: PackageSummary | None = None
        self.last_preview: PackagePreview | None = None
        self.last_result: ImportResult | None = None

    @property
    def context(self) -> UiContext:
        return self.window.context  # type: ignore[attr-defined,no-any-return]

    def show_user(self) -> None:
        """The policy table's package actions, for this user's roles (the service checks each case):
        a clerk or an auditor takes cases out (`export_checkout`), an auditor of the team exports the
        results on the laptop and brings them in (`export_return`, `import_return`,
        `import_checkout`). Others see the entries disabled, with the table's reason."""
        context = self.context
        entries = (
            (
                self.take_action,
                (Action.export_checkout, Action.export_return),
                self.tr("将案件导出为审核包（.awp），在现场笔记本上离线评审；在笔记本上则导出评审结果"),
            ),
            (
                self.bring_action,
                (Action.import_return, Action.import_checkout),
                self.tr("导入审核包：预览更改和冲突，再一次性导入"),
            ),
        )
        for action, allowed_by, tip in entries:
            reasons = [context.explain(a) for a in allowed_by]
            allowed = any(r is None for r in reasons)
            reason = tip if allowed else str(reasons[0])
            action.setEnabled(allowed)
            action.setToolTip(reason)
            action.setStatusTip(reason)

    # -- 带到现场笔记本 --------------------------------------------------------------------------------
    def take_to_laptop(self) -> None:
        window = self.window
        context = self.context
        current = getattr(window, "current_case", None)
        from .choose import ExportCasesDialog

        case_nos = ExportCasesDialog.ask(context, [current] if current else [], window)
        if not case_nos:
            return
        suggested = f"{case_nos[0]}.awp" if len(case_nos) == 1 else f"{context.services.today():%Y%m%d}.awp"
        path = PackageFile.ask_save(window, self.tr("保存审核包"), suggested)
        if path is None:
            return
        chosen, path = path, with_awp_suffix(path)
        replace = chosen == path  # the dialog asked before replacing that name, not one with .awp added
        self.export(case_nos, path, force=replace)

    def export(
        self, case_nos: list[str], path: Path, signing_password: str | None = None, *, force: bool = False
    ) -> None:
        """Write the package in the background. On a laptop the results are signed: the first try
        finds out, and the member's laptop password is asked for then."""
        context = self.context
        services, actor = context.services, context.actor
        from ....services.packages import export_package

        def work(progress: workers.Progress, cancel: threading.Event) -> PackageSummary:
            progress(0, 0)
            return export_package(
                services,
                actor,
                case_nos,
                path,
                signing_password=signing_password,
                progress=_reporting(progress),
                cancel=cancel,
                force=force,
            )

        fail = self._failure(self.tr("无法导出审核包"))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, Refused) and exc.code == "signing_password_required":
                from .laptop import LaptopPasswordDialog

                password = LaptopPasswordDialog.ask_signing(actor.name, self.window)
                if password is not None:
                    self.export(case_nos, path, password, force=force)
                return
            fail(exc)

        workers.runner().run(
            work, self._exported, label=self.tr("正在导出审核包…"), parent=self.window, on_failed=failed
        )

    def _exported(self, summary: PackageSummary) -> None:
        from .laptop import LaptopCodesDialog
        from .records import _listed

        self.last_summary = summary
        cases = _listed(self.context, summary.cases)
        if summary.kind == "checkout":
            LaptopCodesDialog.present(summary.laptop_codes, self.window)  # shown this once only
            text = self.tr(
                "已将 {n} 个案件（{cases}）写入 {file}，含 {accounts} 位评审组成员的签名密钥和 {attachments} 个附件。\n"
                "请将此文件复制到现场笔记本，在那里通过“文件 › 带回评审结果…”导入；成员以一次性代码首次登录。"
            ).format(
                n=len(summary.cases),
                cases=cases,
                file=summary.path,
                accounts=len(summary.accounts),
                attachments=summary.attachments,
            )
        else:
            text = self.tr(
                "已将 {n} 个案件（{cases}）的评审结果写入 {file}。\n"
                "请将此文件带回办公室，通过“文件 › 带回评审结果…”导入。"
            ).format(n=len(summary.cases), cases=cases, file=summary.path)
        Messages.information(self.window, self.tr("审核包已导出"), text)

    # -- 带回评审结果 ----------------------------------------------------------------------------------
    def bring_back(self) -> None:
        path = PackageFile.ask_open(self.window, self.tr("选择审核包"))
        if path is not None:
            self.inspect(path)

    def inspect(self, path: Path) -> None:
        """Check the package against this database in the background, then show the preview."""
        from ....services.packages import inspect_package

        services = self.context.services
        db, rubrics = services.db.url, services.rubrics

        def work(progress: workers.Progress, cancel: threading.Event) -> PackagePreview:
            progress(0, 0)
            return inspect_package(path, db, rubrics=rubrics, progress=_reporting(progress), cancel=cancel)

        workers.runner().run(
            work,
            lambda preview: self._preview(path, preview),
            label=self.tr("正在检查审核包…"),
            parent=self.window,
            on_failed=self._failure(self.tr("无法导入审核包")),
        )

    def _preview(self, path: Path, preview: PackagePreview) -> None:
        self.last_preview = preview
        from .preview import PackagePreviewDialog

        resolve = PackagePreviewDialog.ask(self.context, preview, path, self.window)
        if resolve is not None:
            self.apply(path, resolve)

    def apply(self, path: Path, resolve: Mapping[str, str]) -> None:
        """Import the package with the chosen resolutions, in the background."""
        from ....services.packages import PackageConflicts, import_package

        context = self.context
        services = context.services
        db, rubrics, actor = services.db.url, services.rubrics, context.actor
        resolve = dict(resolve)

        def work(progress: workers.Progress, cancel: threading.Event) -> ImportResult:
            progress(0, 0)
            return import_package(
                db,
                path,
                actor=actor,
                resolve=resolve,
                rubrics=rubrics,
                clock=services.now,
                progress=_reporting(progress),
                cancel=cancel,
            )

        fail = self._failure(self.tr("无法导入审核包"))

        def failed(exc: BaseException) -> None:
            fail(exc)
            if isinstance(exc, PackageConflicts):  # changed here again since the preview: look afresh
                self.inspect(path)

        workers.runner().run(
            work, self._imported, label=self.tr("正在导入审核包…"), parent=self.window, on_failed=failed
        )

    def _imported(self, result: ImportResult) -> None:
        self.last_result = result
        services = self.context.services
        if result.kind == "checkout":
            from ....services.packages import packaged_rubrics

            # rubrics the package brought: known to this window from now on
            services.rubrics = services.rubrics.with_extra(packaged_rubrics(services.db))
        reload_window(self.window)
        from .records import _listed

        cases = _listed(self.context, result.cases)
        if result.kind == "checkout":
            text = self.tr("已导入 {n} 个案件（{cases}）和 {accounts} 个账户，共 {changes} 项记录。").format(
                n=len(result.cases), cases=cases, accounts=len(result.accounts), changes=len(result.changes)
            )
        else:
            text = self.tr(
                "已导入案件 {cases} 的评审结果：{changes} 项更改，{unchanged} 项与本库相同。"
            ).format(cases=cases, changes=len(result.changes), unchanged=result.unchanged)
        if result.resolved:
            text += "\n" + self.tr("{n} 个冲突已按您的选择处理。").format(n=len(result.resolved))
        if result.attachments_added:
            text += "\n" + self.tr("新增 {n} 个附件。").format(n=result.attachments_added)
        Messages.information(self.window, self.tr("审核包已导入"), text)

    # -- failures -------------------------------------------------------------------------------------
    def _failure(self, title: str) -> Callable[[BaseException], None]:
        def show(exc: BaseException) -> None:
            if isinstance(exc, Refused):
                if exc.code == "cancelled":
                    self.window.statusBar().showMessage(self.tr("已取消，未做任何更改"), 5000)
                    return
                Messages.warning(self.window, title, self.context.refusal_text(exc))
                return
            if isinstance(exc, OSError):
                Messages.warning(self.window, title, str(exc))
                return
            raise exc

        return show


def _reporting(progress: workers.Progress) -> ProgressFn:
    """The runner's progress callback in the shape the package services declare."""

    def report(done: int, total: int) -> None:
        progress(done, total)

    return report


def reload_window(window: QWidget) -> None:
    """Every page of the main window shows the database afresh: the current one now, the others
    when next shown (the window's own stale-page mechanism)."""
    pages: Mapping[str, QWidget] = getattr(window, "pages", {})
    stale: set[str] | None = getattr(window, "stale", None)
    current = getattr(window, "current_key", lambda: "")()
    if stale is not None:
        stale.update(key for key in pages if key != current)
    refresh = getattr(window, "refresh_current", None)
    if refresh is not None:
        refresh()
