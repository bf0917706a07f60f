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
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..core.errors import Refused, set_language
from ..core.people import Standing
from ..core.policy import ACTION_LABELS, POLICY, ROLE_LABELS, Action, CaseRelation, Relation, Role, explain
from ..core.rubric import Grade
from ..core.workflow import CERTIFICATE_STATE_LABELS, STATE_LABELS, CaseState, CertificateState
from ..services import Actor, Services

T = TypeVar("T")


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
        QMessageBox.warning(parent, title, text)

    @classmethod
    def information(cls, parent: QWidget | None, title: str, text: str) -> None:
        if cls.unattended:
            print(f"audit-workbench: {title}: {text}", file=sys.stderr)
            return
        QMessageBox.information(parent, title, text)

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        if cls.unattended:
            return False
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def _relation_that_satisfies(rule_relation: Relation) -> CaseRelation:
    """A relation that passes `rule_relation`, to check the role alone when no case is given."""
    if rule_relation is Relation.independent:
        return CaseRelation()
    return CaseRelation(team_member=True, team_leader=True)


class UiContext:
    """The services, the acting user and the language, handed to every page."""

    def __init__(self, services: Services, actor: Actor, lang: str = "zh", window: QWidget | None = None):
        self.services = services
        self.actor = actor
        self.lang = "en" if lang == "en" else "zh"
        self.window = window  # parent of message boxes; the main window sets itself here
        self.last_refusal: Refused | None = None
        self._grade_labels: dict[str, str] = {}
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
            parent = QApplication.activeModalWidget() or self.window
            Messages.warning(
                parent, QCoreApplication.translate("UiContext", "无法完成操作"), self.refusal_text(exc)
            )
            return None
        self.last_refusal = None
        return result

    # -- labels of ids (the core keeps them in both languages) ------------------------------------
    def pick(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.lang == "en" else pair[0]

    def action_label(self, action: Action | str) -> str:
        """The policy's name of an action, as a label ("Assign the audit team", "指派评审组")."""
        text = self.pick(ACTION_LABELS[Action(action)])
        return text[:1].upper() + text[1:]

    def longest(self, texts: Any) -> str:
        """The widest of some labels, to size a table column for every one of them."""
        return max((str(t) for t in texts), key=len, default="")

    def state_label(self, state: str | None) -> str:
        if not state:
            return ""
        try:
            return self.pick(STATE_LABELS[CaseState(state)])
        except ValueError:
            return state

    def certificate_state_label(self, state: str | None) -> str:
        if not state:
            return ""
        try:
            return self.pick(CERTIFICATE_STATE_LABELS[CertificateState(state)])
        except ValueError:
            return state

    def role_label(self, role: str) -> str:
        try:
            return self.pick(ROLE_LABELS[Role(role)])
        except ValueError:
            return role

    def grade_label(self, grade: str | None) -> str:
        if not grade:
            return ""
        if grade not in self._grade_labels:
            self._grade_labels[grade] = self._find_grade_label(grade)
        return self._grade_labels[grade]

    def _find_grade_label(self, grade: str) -> str:
        try:
            Grade(grade)
        except ValueError:
            return grade
        for loaded in self.services.rubrics.all():
            try:
                return loaded.rubric.grade_band(grade).label.get(self.lang)
            except KeyError:
                continue
        return grade

    def enterprise_type_label(self, enterprise_type: str | None) -> str:
        labels = {"production": ("生产型", "Production"), "sales": ("销售服务型", "Sales and service")}
        pair = labels.get(enterprise_type or "")
        return self.pick(pair) if pair else (enterprise_type or "")

    def kind_label(self, kind: str | None) -> str:
        labels = {
            "initial": ("初次认证", "Initial"),
            "surveillance": ("监督审核", "Surveillance"),
            "renewal": ("再认证", "Renewal"),
        }
        pair = labels.get(kind or "")
        return self.pick(pair) if pair else (kind or "")

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
