"""What every page and dialog of the window shares: the services, the logged-in user, the language.

`UiContext` is a plain object (not a QObject, not a singleton): the main window builds one after
login and hands it to each page, and tests build their own. It also owns the two habits every
action in the window follows:

- a disabled action says why: `explain()` asks the policy table (core.policy) with the case's state,
  this user's relation to the case and, for a vote, their standing toward it (declared interests,
  this year's impartiality declaration), and returns the reason in the UI language;
- a refused service call never crashes the window: `run_service()` shows the refusal's message in a
  warning box and returns None. Message boxes go through `Messages`, whose classmethods tests replace
  so that nothing ever blocks on `exec()`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QGridLayout, QMessageBox, QSizePolicy, QSpacerItem, QWidget

from ..core import vocabulary
from ..core.errors import Refused, set_language
from ..core.people import Standing
from ..core.policy import POLICY, Action, CaseRelation, Relation, Role, explain
from ..core.workflow import CaseState
from ..services import Actor, Services
from ..services.base import BUSY_SECONDS
from . import busy

T = TypeVar("T")


# Shorter than the vocabulary's "Sales and service", for narrow table columns.
TITLE_BAR_ALLOWANCE = 140  # the window manager's buttons and margins around a title

SHORT_ENTERPRISE_TYPES = {"production": ("生产型", "Production"), "sales": ("销售服务型", "Sales")}


class Messages:
    """Message boxes of the window. Tests replace these classmethods (monkeypatch) to never block.

    `unattended` (set for `--screenshot` runs) sends the texts to stderr instead and answers every
    question "no", so an unattended run never waits for a click.
    """

    unattended = False

    @classmethod
    def warning(cls, parent: QWidget | None, title: str, text: str) -> None:
        if cls.unattended:
            print(f"audit-workbench: {title}: {text}", file=sys.stderr)
            return
        message_box(parent, QMessageBox.Icon.Warning, title, text).exec()

    @classmethod
    def information(cls, parent: QWidget | None, title: str, text: str) -> None:
        if cls.unattended:
            print(f"audit-workbench: {title}: {text}", file=sys.stderr)
            return
        message_box(parent, QMessageBox.Icon.Information, title, text).exec()

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        if cls.unattended:
            return False
        box = message_box(
            parent,
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """A message box at least as wide as its title bar needs: a window manager cuts a title longer
    than the box ("无法…nch") — and it adds the application's name to it."""
    box = QMessageBox(icon, title, text, buttons, parent)
    widen_for_title(box)
    return box


def widen_for_title(box: QMessageBox) -> None:
    """Make `box` wide enough for its whole title bar (title and the application's name)."""
    app = QApplication.instance()
    title = box.windowTitle()
    shown = f"{title} — {app.applicationDisplayName()}" if isinstance(app, QApplication) else title
    width = QFontMetrics(box.font()).horizontalAdvance(shown) + TITLE_BAR_ALLOWANCE
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        layout.addItem(
            QSpacerItem(width, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding),
            layout.rowCount(),
            0,
            1,
            layout.columnCount(),
        )


def _relation_that_satisfies(rule_relation: Relation) -> CaseRelation:
    """A relation that passes `rule_relation`, to check the role alone when no case is given."""
    if rule_relation is Relation.independent:
        return CaseRelation()
    return CaseRelation(team_member=True, team_leader=True)


class _ReadAhead:
    """A page's first read, started before the page was built: its answer (or refusal) is kept
    until the page asks, then handed to it once."""

    _NOTHING: Any = object()

    def __init__(self) -> None:
        self.result: Any = self._NOTHING
        self.refusal: Refused | None = None
        self.waiting: tuple[Callable[[Any], Any], Callable[[Refused], Any]] | None = None

    def done(self, result: Any) -> None:
        self.result = result
        self._deliver()

    def refused(self, exc: Refused) -> None:
        self.refusal = exc
        self._deliver()

    def then(self, on_loaded: Callable[[Any], Any], on_refused: Callable[[Refused], Any]) -> None:
        self.waiting = (on_loaded, on_refused)
        self._deliver()

    def _deliver(self) -> None:
        if self.waiting is None or (self.result is self._NOTHING and self.refusal is None):
            return
        on_loaded, on_refused = self.waiting
        self.waiting = None
        if self.refusal is not None:
            on_refused(self.refusal)
        else:
            on_loaded(self.result)


class UiContext:
    """The services, the acting user and the language, handed to every page."""

    def __init__(self, services: Services, actor: Actor, lang: str = "zh", window: QWidget | None = None):
        # The single door to the services: every area call waits patiently for a busy database,
        # showing the wait with a cancel (ui.busy), for at most `busy_seconds`.
        self.busy_seconds = BUSY_SECONDS
        self.services = busy.patient(
            services,
            seconds=lambda: self.busy_seconds,
            parent=lambda: QApplication.activeModalWidget() or self.window,
        )
        self.actor = actor
        self.lang = "en" if lang == "en" else "zh"
        self.window = window  # parent of message boxes; the main window sets itself here
        self.last_refusal: Refused | None = None
        self._people: dict[str, str] | None = None
        self._loads: dict[object, int] = {}
        self._ahead: dict[str, _ReadAhead] = {}
        self._rubric_short: dict[str, str] = {}
        set_language(self.lang)

    # -- permissions ------------------------------------------------------------------------------
    def explain(self, action: Action | str, case_detail: Any = None) -> str | None:
        """Why this user may not do `action` (on this case), in the UI language; None when allowed.

        `case_detail` is a services.views.CaseDetail (or anything with `status` and `relation_of`).
        Without it, an action tied to case states is checked for the role only.
        """
        action = Action(action)
        rule = POLICY[action]
        if case_detail is not None:
            state: CaseState | None = CaseState(case_detail.status)
            relation = case_detail.relation_of(self.actor.name)
        elif rule.states is not None:
            state = next(iter(sorted(rule.states)))
            relation = _relation_that_satisfies(rule.relation)
        else:
            state, relation = None, None
        # The person checks (a voter's impartiality) read the store: only once the role, the state
        # and the relation allow the action, and only with a case to be impartial towards.
        person = Standing.unchecked(self.actor.name, self.services.today())
        denial = explain(action, self.actor.roles, state, relation, person=person)
        if denial is None and rule.actor_checks and getattr(case_detail, "case_no", None):
            person = self.services.people.standing_for(self.actor.name, case_detail.case_no)
            denial = explain(action, self.actor.roles, state, relation, person=person)
        if denial is None:
            return None
        return denial.zh if self.lang == "zh" else denial.en

    def can(self, action: Action | str, case_detail: Any = None) -> bool:
        return self.explain(action, case_detail) is None

    def has_role(self, role: Role | str) -> bool:
        return Role(role) in self.actor.roles

    def guard(self, target: Any, action: Action | str, case_detail: Any = None, tip: str = "") -> bool:
        """Enable a QAction or widget when allowed; otherwise disable it with the reason as tooltip."""
        reason = self.explain(action, case_detail)
        target.setEnabled(reason is None)
        target.setToolTip(tip if reason is None else reason)
        if hasattr(target, "setStatusTip"):
            target.setStatusTip(tip if reason is None else reason)
        return reason is None

    # -- service calls ----------------------------------------------------------------------------
    def refusal_text(self, exc: Refused) -> str:
        return exc.message(self.lang)

    def run_service(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a service; a refusal becomes a warning box (in the UI language) and None."""
        try:
            result = fn(*args, **kwargs)
        except Refused as exc:
            self.last_refusal = exc
            if self.said_in_status_bar(exc):
                return None
            parent = QApplication.activeModalWidget() or self.window
            Messages.warning(
                parent, QCoreApplication.translate("UiContext", "无法完成操作"), self.refusal_text(exc)
            )
            return None
        self.last_refusal = None
        return result

    def said_in_status_bar(self, exc: Refused) -> bool:
        """A wait for a busy database the user cancelled is no error: the window's status bar says
        that nothing was changed (a box where there is no status bar)."""
        bar = getattr(self.window, "statusBar", None)
        if exc.code != busy.CANCELLED or bar is None:
            return False
        bar().showMessage(self.refusal_text(exc), 8000)
        return True

    def act(
        self,
        fn: Callable[..., T],
        *args: Any,
        on_done: Callable[[T], Any] | None = None,
        on_refused: Callable[[Refused], Any] | None = None,
        label: str = "",
        parent: QWidget | None = None,
        **kwargs: Any,
    ) -> None:
        """A service call off the GUI thread (the serial database worker, ui.workers), its result
        handed to `on_done` on the GUI thread; a refusal is shown as `run_service` shows it, or
        handed to `on_refused`. Anything else is a bug and reaches the excepthook."""
        from . import workers

        def done(result: Any) -> None:
            self.last_refusal = None
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, Refused):
                raise exc
            self.last_refusal = exc
            if on_refused is not None:
                on_refused(exc)
                return
            if self.said_in_status_bar(exc):
                return
            Messages.warning(
                QApplication.activeModalWidget() or parent or self.window,
                QCoreApplication.translate("UiContext", "无法完成操作"),
                self.refusal_text(exc),
            )

        workers.call(
            fn,
            *args,
            on_done=done,
            on_failed=failed,
            label=label or QCoreApplication.translate("UiContext", "正在处理…"),
            parent=parent or self.window,
            **kwargs,
        )

    def load(
        self,
        owner: object,
        fn: Callable[..., T],
        *args: Any,
        on_loaded: Callable[[T], Any],
        on_refused: Callable[[Refused], Any] | None = None,
        label: str = "",
        ahead: str | None = None,
    ) -> None:
        """A page's read off the GUI thread. When `owner` asks again before the first answer came,
        only the newest answer is shown (a slow read never overwrites a newer one). `ahead`: the
        key of a `read_ahead` of this very call, whose answer the first load takes instead."""
        key = owner if isinstance(owner, str | tuple) else id(owner)
        generation = self._loads.get(key, 0) + 1
        self._loads[key] = generation

        def loaded(result: Any) -> None:
            if self._loads.get(key) == generation:
                on_loaded(result)

        def refused(exc: Refused) -> None:
            if self._loads.get(key) == generation:
                if on_refused is not None:
                    on_refused(exc)
                else:
                    Messages.warning(
                        self.window,
                        QCoreApplication.translate("UiContext", "无法完成操作"),
                        self.refusal_text(exc),
                    )

        early = self._ahead.pop(ahead, None) if ahead is not None else None
        if early is not None:
            early.then(loaded, refused)
            return
        self.act(
            fn,
            *args,
            on_done=loaded,
            on_refused=refused,
            label=label or QCoreApplication.translate("UiContext", "正在读取…"),
        )

    def read_ahead(self, key: str, fn: Callable[..., Any], *args: Any) -> None:
        """Start a start page's first read on the database worker before the page is built: the
        window's build and the read (SQLite works without the GIL) overlap. The page's first
        `load(..., ahead=key)` takes the answer; a refusal reaches it as its own would."""
        early = _ReadAhead()
        self._ahead[key] = early
        self.act(
            fn,
            *args,
            on_done=early.done,
            on_refused=early.refused,
            label=QCoreApplication.translate("UiContext", "正在读取…"),
        )

    # -- labels of ids (one vocabulary in the core: core/vocabulary.py) ----------------------------
    def pick(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "en" else pair[0]

    def label(self, kind: str, value: object) -> str:
        """Any id's label in the UI language (`kind` as in core.vocabulary.VOCABULARY)."""
        return vocabulary.label(kind, value, self.lang)

    def action_label(self, action: Action | str) -> str:
        """The policy's name of an action, as a label ("Assign the audit team", "指派评审组")."""
        return vocabulary.label("action", action, self.lang, capital=True)

    def longest(self, texts: Any) -> str:
        """The widest of some labels, to size a table column for every one of them."""
        return max((str(t) for t in texts), key=len, default="")

    def state_label(self, state: str | None) -> str:
        return vocabulary.label("case_state", state, self.lang)

    def certificate_state_label(self, state: str | None) -> str:
        return vocabulary.label("certificate_state", state, self.lang)

    def role_label(self, role: str) -> str:
        return vocabulary.label("role", role, self.lang)

    def grade_label(self, grade: str | None) -> str:
        """A grade's label ("" for none)."""
        return vocabulary.label("grade", grade, self.lang)

    def enterprise_type_label(self, enterprise_type: str | None) -> str:
        return vocabulary.label("enterprise_type", enterprise_type, self.lang)

    def kind_label(self, kind: str | None) -> str:
        return vocabulary.label("case_kind", kind, self.lang)

    # -- people -----------------------------------------------------------------------------------
    def person(self, login: str | None) -> str:
        """A person as people call them: the display name (the login when there is none)."""
        if not login:
            return ""
        return self.people().get(login, login)

    def person_tip(self, login: str | None) -> str:
        """The tooltip beside a person's name: the login, "登录名：wanggang"."""
        if not login:
            return ""
        return QCoreApplication.translate("UiContext", "登录名：{login}").format(login=login)

    def people(self) -> dict[str, str]:
        """Every user's display name by login (read once per context; `forget_people` after edits)."""
        if self._people is None:
            self._people = {u.name: (u.display_name or u.name) for u in self.services.users.list()}
        return self._people

    def forget_people(self) -> None:
        self._people = None

    def rubric_short(self, rubric_id: str | None) -> str:
        """A short name for tables: "生产型 · SB/T 10401-2006", "GB/T 27922-2011"."""
        if not rubric_id:
            return ""
        if rubric_id not in self._rubric_short:
            try:
                rubric = self.services.rubrics.get(rubric_id).rubric
            except KeyError:
                self._rubric_short[rubric_id] = rubric_id
            else:
                standard = " ".join(rubric.standard.split()[:2])
                if rubric.enterprise_type is not None:
                    kind = self.pick(SHORT_ENTERPRISE_TYPES.get(rubric.enterprise_type.value, ("", "")))
                    standard = f"{kind} · {standard}"
                self._rubric_short[rubric_id] = standard
        return self._rubric_short[rubric_id]

    def rubric_title(self, rubric_id: str | None) -> str:
        if not rubric_id:
            return ""
        try:
            return self.services.rubrics.get(rubric_id).rubric.title.get(self.lang)
        except KeyError:
            return rubric_id

    # -- dates ------------------------------------------------------------------------------------
    def fmt_date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone().date() if value.tzinfo else value.date()
        return value.isoformat()

    def fmt_datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
