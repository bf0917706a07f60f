"""Score edits as undoable commands (one `QUndoCommand` per user intent, Orange's habit).

The first application of an edit is made by the scoring tab before the command is pushed (so a
refused edit never reaches the stack); after that, `redo` writes the entry the edit produced and
`undo` writes back the entry it replaced, each as ONE `audits.restore` call (one event in the log)
with the version last seen, so an undo never overwrites someone else's later edit: it is refused
as a conflict instead.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ...core.errors import Refused
from ...core.scoring import IndicatorEntry
from ...services import Actor, Services
from .scoring_model import ScoringModel


class ScoreWriter:
    """Writes a whole indicator entry back through the services and shows the result in the model."""

    def __init__(self, services: Services, actor: Actor, case_no: str, model: ScoringModel) -> None:
        self.services = services
        self.actor = actor
        self.case_no = case_no
        self.model = model
        # The version of each entry as this user last wrote it. Undo and redo expect it, so an entry
        # someone else changed since (and a reload brought in) is refused, not overwritten.
        self._written: dict[str, int] = {}

    def write(self, code: str, target: IndicatorEntry | None):  # type: ignore[no-untyped-def]
        """Make the stored entry of `code` equal `target` (None: no entry) in one edit — one event
        in the log, whatever the entry holds (points, not applicable, a sample, only a note).
        Returns the ScoreChange."""
        version = self._written.get(code, self.model.version(code))
        change = self.services.audits.restore(
            self.actor, self.case_no, code, target, expected_version=version
        )
        self.show(change)
        return change

    def show(self, change) -> None:  # type: ignore[no-untyped-def]
        """Show a stored change in the table and remember the version it left."""
        self._written[change.code] = change.version or 0
        self.model.apply_change(change.code, change.entry, change.version, change.score)


class ScoreEdit(QUndoCommand):
    """One edit of one indicator: points, not applicable, a sample, a note, or clearing it."""

    def __init__(
        self,
        writer: ScoreWriter,
        code: str,
        before: IndicatorEntry | None,
        after: IndicatorEntry | None,
        text: str,
        on_refused: Callable[[Refused], None],
        on_written: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(text)
        self.writer = writer
        self.code = code
        self.before = before
        self.after = after
        self.on_refused = on_refused
        self.on_written = on_written
        self._applied = True  # the tab made the first write before pushing

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)

    def _write(self, target: IndicatorEntry | None) -> None:
        try:
            self.writer.write(self.code, target)
        except Refused as exc:
            # The stored value stays what it was; drop this command so the stack does not claim
            # a state the store does not hold.
            self.setObsolete(True)
            self.on_refused(exc)
            return
        if self.on_written is not None:
            self.on_written(self.code)
