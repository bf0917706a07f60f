"""现场评分 — on-site scoring, made for the keyboard.

The rubric is a tree of categories and indicators. Typing a number on an indicator opens its points
cell; Enter sends the value to the services at once and moves to the next indicator, so the value
the table shows as saved is committed to the database (nothing is lost if the laptop dies). Every
edit is one undoable command; a refused value (over the maximum, not a 0.5 step, someone else's
newer edit) shows the services' message and the cell keeps the stored value. Totals, category
subtotals and the grade badge come from the `ScoreResult` the services return with every change.

Keys on the table (none needs the mouse):
  0-9 . ,   type points (Enter saves and moves on, Tab/Shift+Tab save and move down/up, Esc cancels)
  Enter F2  edit the points of the current indicator
  N         not applicable (不适用), asking for the reason
  + / -     half a point more / less (on an unscored indicator: 0.5 / the maximum less 0.5)
  F         full marks
  S         score from a sample (sampled and nonconforming counts)
  Del ⌫     clear the indicator's score
  C         edit the note; Ctrl+Enter saves it and returns to the table
  E         add evidence (a note, a file or a photo)
  R         raise a nonconformity on the indicator
  Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y   undo / redo
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...core import vocabulary
from ...core.errors import Refused
from ...core.policy import Action
from ...core.rubric import Indicator
from ...core.scoring import ScoreResult, format_score
from ..context import Messages, UiContext
from ..files import FileDialogs
from ..guards import Unsaved
from ..theme import badge_colours
from .common import (
    Notice,
    Row,
    RowsModel,
    RowSpacingDelegate,
    fmt_points,
    header_width,
    nc_numbers,
    nc_status_label,
    section_title,
    special_kind_label,
    write_temp_file,
)
from .dialogs import EvidenceDialog, Files, NonconformityDialog, SampleDialog, TextDialog
from .score_commands import ScoreEdit, ScoreWriter
from .scoring_model import (
    COL_CODE,
    COL_EVIDENCE,
    COL_MAX,
    COL_NA,
    COL_NAME,
    COL_NOTE,
    COL_POINTS,
    ScoringModel,
)

HALF = Decimal("0.5")
# Refusals of the value typed: the stored value stands and nothing else needs reloading.
VALUE_REFUSALS = frozenset({"bad_score", "missing_value", "too_long"})


# -- the points editor ----------------------------------------------------------------------------
class PointsDelegate(RowSpacingDelegate):
    """A line editor for points. Enter, Tab and Shift+Tab hand the typed text to the tab at once
    (step +1, +1, -1); leaving the cell any other way hands it over with step 0."""

    sig_entered = Signal(str, str, int)  # code, text, step

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setFrame(False)
        editor.setProperty("code", index.data(Qt.ItemDataRole.UserRole + 1))
        editor.setObjectName("points_editor")
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        assert isinstance(editor, QLineEdit)
        self.sig_entered.emit(str(editor.property("code")), editor.text(), 0)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if isinstance(editor, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {
                Qt.Key.Key_Return: 1,
                Qt.Key.Key_Enter: 1,
                Qt.Key.Key_Tab: 1,
                Qt.Key.Key_Backtab: -1,
            }
            step = steps.get(Qt.Key(event.key()))
            if step is not None:
                code, text = str(editor.property("code")), editor.text()
                # Close without committing first, so the save below runs with no editor open.
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.sig_entered.emit(code, text, step)
                return True
        return super().eventFilter(editor, event)


# -- the rubric table -----------------------------------------------------------------------------
class ScoreTreeView(QTreeView):
    """The rubric tree; turns single keys into scoring actions (see the module docstring)."""

    sig_key_action = Signal(str)

    LETTERS: ClassVar[dict[str, str]] = {
        "n": "na",
        "s": "sample",
        "f": "full",
        "e": "evidence",
        "r": "nonconformity",
        "c": "note",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # AnyKeyPressed must be among the triggers for Qt to hand the typed key to the new editor;
        # which keys open it is decided in keyPressEvent below.
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setExpandsOnDoubleClick(False)
        self.setAllColumnsShowFocus(True)

    def current_code(self) -> str | None:
        index = self.currentIndex()
        model = self.model()
        if not index.isValid() or not isinstance(model, ScoringModel) or model.indicator_at(index) is None:
            return None
        return model.indicator_at(index).code  # type: ignore[union-attr]

    def go_to(self, code: str | None, column: int = COL_POINTS) -> None:
        model = self.model()
        if code is None or not isinstance(model, ScoringModel):
            return
        index = model.index_of(code, column)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def edit_points(self, event: QKeyEvent | None = None) -> bool:
        code = self.current_code()
        model = self.model()
        if code is None or not isinstance(model, ScoringModel):
            return False
        index = model.index_of(code, COL_POINTS)
        self.setCurrentIndex(index)
        if event is None:
            return self.edit(index, QAbstractItemView.EditTrigger.AllEditTriggers, None)
        return self.edit(index, QAbstractItemView.EditTrigger.AnyKeyPressed, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key == Qt.Key.Key_Z:
            self.sig_key_action.emit("redo" if mods & Qt.KeyboardModifier.ShiftModifier else "undo")
            return
        if ctrl and key == Qt.Key.Key_Y:
            self.sig_key_action.emit("redo")
            return
        if mods & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        ):
            super().keyPressEvent(event)
            return
        text = event.text()
        if text and (text.isdigit() or text in ".,"):
            if self.current_code() is None:
                self.sig_key_action.emit("no_indicator")
            elif not self.edit_points(event):
                self.sig_key_action.emit("read_only")
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            if self.current_code() is not None and not self.edit_points():
                self.sig_key_action.emit("read_only")
            return
        if text in ("+", "="):
            self.sig_key_action.emit("plus")
            return
        if text in ("-", "−"):
            self.sig_key_action.emit("minus")
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.sig_key_action.emit("clear")
            return
        if text.lower() in self.LETTERS:
            self.sig_key_action.emit(self.LETTERS[text.lower()])
            return
        if text and text.isprintable() and not text.isspace():
            event.ignore()  # other letters neither edit nor search
            return
        super().keyPressEvent(event)

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Up and down go from indicator to indicator; category rows are headings, never stops."""
        model = self.model()
        code = self.current_code()
        column = max(self.currentIndex().column(), 0)
        if isinstance(model, ScoringModel) and code is not None:
            Move = QAbstractItemView.CursorAction
            if action in (Move.MoveUp, Move.MoveDown):
                step = -1 if action == Move.MoveUp else 1
                target = model.neighbour(code, step)
                return model.index_of(target, column) if target else self.currentIndex()
            if action in (Move.MoveHome, Move.MoveEnd):
                codes = list(model.codes())
                return model.index_of(codes[0] if action == Move.MoveHome else codes[-1], column)
        index = super().moveCursor(action, modifiers)
        if isinstance(model, ScoringModel) and index.isValid() and model.indicator_at(index) is None:
            first = model.index(0, column, model.index(index.row(), 0))
            return first if first.isValid() else index
        return index


# -- the tab --------------------------------------------------------------------------------------
class ScoringTab(QWidget):
    sig_scores_changed = Signal()  # a score was stored (the totals are already shown)
    sig_case_changed = Signal()  # something else changed: reload the case

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        self.loaded: Any = None
        self.writer: ScoreWriter | None = None
        self.model = ScoringModel(context.lang, self)
        self.model.sig_score_changed.connect(self._on_model_score_changed)
        self.undo_stack = QUndoStack(self)
        self._note_code: str | None = None  # the indicator whose note the editor holds
        self._moving_back = False
        self._build()

    # -- layout -----------------------------------------------------------------------------------
    def _build(self) -> None:
        self.read_only_notice = Notice(self)

        self.total_label = QLabel(self)
        self.total_label.setObjectName("score_total")
        self.total_label.setTextFormat(Qt.TextFormat.RichText)
        self.grade_badge = QLabel(self)
        self.grade_badge.setObjectName("grade_badge")
        self.grade_badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grade_badge.setMinimumWidth(96)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("save_status")
        self.status_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.status_label.setWordWrap(True)

        self.undo_button = QToolButton(self)
        self.redo_button = QToolButton(self)
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("撤销"))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("重做"))
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        redo_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        if QKeySequence("Ctrl+Y") not in redo_keys:
            redo_keys.append(QKeySequence("Ctrl+Y"))
        self.redo_action.setShortcuts(redo_keys)
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button.setDefaultAction(self.redo_action)
        self.undo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.redo_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.conclude_button = QPushButton(self.tr("形成评审结论…"), self)
        self.conclude_button.clicked.connect(self._on_conclude_button_clicked)
        self.import_sheet_button = QPushButton(self.tr("导入评分表…"), self)
        self.import_sheet_button.setObjectName("import_sheet_button")
        self.import_sheet_button.clicked.connect(self._on_import_sheet_button_clicked)

        header = QHBoxLayout()
        header.addWidget(self.grade_badge)
        header.addWidget(self.total_label)
        header.addWidget(self.status_label, 1)
        header.addWidget(self.undo_button)
        header.addWidget(self.redo_button)
        header.addWidget(self.import_sheet_button)
        header.addWidget(self.conclude_button)

        self.tree = ScoreTreeView(self)
        self.tree.setObjectName("scoring_tree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(RowSpacingDelegate(self.tree))
        self.delegate = PointsDelegate(self.tree)
        self.tree.setItemDelegateForColumn(COL_POINTS, self.delegate)
        self.delegate.sig_entered.connect(self._on_points_entered)
        self.tree.sig_key_action.connect(self._on_tree_key_action)
        self.tree.selectionModel().currentRowChanged.connect(self._on_tree_current_changed)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (COL_CODE, 56),
            (COL_MAX, 52),
            (COL_POINTS, 64),
            (COL_NA, 64),
            (COL_NOTE, 150),
            (COL_EVIDENCE, 48),
        ):
            head.resizeSection(column, header_width(head, column, width))
        keys = self.tr(
            "键入分数后回车保存并跳到下一项 · N 不适用 · +/− 0.5 分 · F 满分 · S 抽样 · "
            "Del 清除 · C 说明 · E 证据 · R 不符合项 · Ctrl+Z 撤销"
        )
        # A line may break between two keys, never between a key and what it does ("E | evidence").
        self.keys_label = QLabel(" · ".join(k.replace(" ", "\u00a0") for k in keys.split(" · ")), self)
        self.keys_label.setWordWrap(True)
        self.keys_label.setStyleSheet("color: #6b7380;")

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.keys_label)

        self.side = QTabWidget(self)
        self.side.setObjectName("scoring_side")
        self.side.addTab(self._build_indicator_panel(), self.tr("指标"))
        self.side.addTab(self._build_nonconformity_panel(), self.tr("不符合项"))
        self.side.addTab(self._build_special_panel(), self.tr("特别项"))

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 440])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_notice)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

    def _build_indicator_panel(self) -> QWidget:
        panel = QWidget(self)
        self.indicator_title = QLabel(panel)
        self.indicator_title.setWordWrap(True)
        font = self.indicator_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.indicator_title.setFont(font)
        self.indicator_facts = QLabel(panel)
        self.indicator_facts.setWordWrap(True)
        self.indicator_facts.setStyleSheet("color: #5a6270;")
        self.guidance_label = QLabel(panel)
        self.guidance_label.setWordWrap(True)
        self.guidance_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expected_label = QLabel(panel)
        self.expected_label.setWordWrap(True)
        self.expected_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.entry_label = QLabel(panel)
        self.entry_label.setWordWrap(True)

        info = QWidget(panel)
        info_layout = QVBoxLayout(info)
        info_layout.setContentsMargins(4, 4, 8, 4)
        info_layout.addWidget(self.indicator_title)
        info_layout.addWidget(self.indicator_facts)
        info_layout.addWidget(self.entry_label)
        info_layout.addWidget(section_title(self.tr("查看要点"), info))
        info_layout.addWidget(self.guidance_label)
        info_layout.addWidget(section_title(self.tr("应有证据"), info))
        info_layout.addWidget(self.expected_label)
        info_layout.addStretch(1)
        scroll = QScrollArea(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(info)

        self.note_edit = QPlainTextEdit(panel)
        self.note_edit.setObjectName("note_edit")
        self.note_edit.setPlaceholderText(self.tr("评审说明（Ctrl+Enter 保存）"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        self.note_edit.installEventFilter(self)
        self.note_button = QPushButton(self.tr("保存说明"), panel)
        self.note_button.clicked.connect(self._on_note_button_clicked)

        self.evidence_model = RowsModel([self.tr("证据"), self.tr("文件"), self.tr("记录人")], panel)
        self.evidence_view = _DropTable(panel)
        self.evidence_view.setObjectName("evidence_view")
        self.evidence_view.setModel(self.evidence_model)
        self.evidence_view.sig_files_dropped.connect(self._on_evidence_files_dropped)
        self.evidence_view.doubleClicked.connect(self._on_evidence_view_double_clicked)
        self.evidence_view.setToolTip(self.tr("把文件或照片拖到这里即可作为证据添加；双击打开文件"))
        self.evidence_button = QPushButton(self.tr("添加证据…"), panel)
        self.evidence_button.clicked.connect(self._on_evidence_button_clicked)
        self.evidence_file_button = QPushButton(self.tr("添加文件…"), panel)
        self.evidence_file_button.clicked.connect(self._on_evidence_file_button_clicked)

        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignBottom)
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(self.evidence_button)
        evidence_buttons.addWidget(self.evidence_file_button)
        evidence_buttons.addStretch(1)

        layout = QVBoxLayout(panel)
        layout.addWidget(scroll, 4)
        layout.addWidget(section_title(self.tr("说明"), panel))
        layout.addLayout(note_row)
        layout.addWidget(section_title(self.tr("现场证据"), panel))
        layout.addWidget(self.evidence_view, 1)
        layout.addLayout(evidence_buttons)
        return panel

    def _build_nonconformity_panel(self) -> QWidget:
        panel = QWidget(self)
        self.nc_model = RowsModel(
            [
                self.tr("编号"),
                self.tr("指标"),
                self.tr("不符合事实"),
                self.tr("期限"),
                self.tr("状态"),
                self.tr("纠正措施"),
            ],
            panel,
        )
        self.nc_view = _table(panel, self.nc_model)
        self.nc_view.setObjectName("nonconformity_view")
        # the side panel is narrow: the short columns take what their content needs, the text the
        # rest (elided, whole in its tooltip), the corrective action a fixed share
        nc_head = self.nc_view.horizontalHeader()
        nc_head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        nc_head.setStretchLastSection(False)
        for column in (0, 1, 3, 4):
            nc_head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        nc_head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        nc_head.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        nc_head.resizeSection(5, 110)
        self.raise_nc_button = QPushButton(self.tr("就所选指标开具…"), panel)
        self.raise_nc_button.clicked.connect(self._on_raise_nc_button_clicked)
        self.close_nc_button = QPushButton(self.tr("验证并关闭…"), panel)
        self.close_nc_button.clicked.connect(self._on_close_nc_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.raise_nc_button)
        buttons.addWidget(self.close_nc_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(panel)
        layout.addWidget(self.nc_view, 1)
        layout.addLayout(buttons)
        return panel

    def _build_special_panel(self) -> QWidget:
        panel = QWidget(self)
        explain = QLabel(
            self.tr("特别扣分项每项扣 1 分并开具不符合项；特别加分项加 1 分（最多一项）。"), panel
        )
        explain.setWordWrap(True)
        self.special_model = RowsModel([self.tr("类型"), self.tr("原因"), self.tr("不符合项")], panel)
        self.special_view = _table(panel, self.special_model)
        self.special_view.setObjectName("special_view")
        self.special_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.deduction_button = QPushButton(self.tr("特别扣分…"), panel)
        self.deduction_button.clicked.connect(lambda: self._add_special("deduction"))
        self.bonus_button = QPushButton(self.tr("特别加分…"), panel)
        self.bonus_button.clicked.connect(lambda: self._add_special("bonus"))
        self.remove_special_button = QPushButton(self.tr("撤销所选…"), panel)
        self.remove_special_button.clicked.connect(self._on_remove_special_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.deduction_button)
        buttons.addWidget(self.bonus_button)
        buttons.addWidget(self.remove_special_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(panel)
        layout.addWidget(explain)
        layout.addWidget(self.special_view, 1)
        layout.addLayout(buttons)
        return panel

    # -- showing a case ---------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        keep = self.tree.current_code()
        same_case = self.detail is not None and self.detail.case_no == detail.case_no
        if not same_case:
            self.undo_stack.clear()
            keep = None
            self._note_code = None
        self.detail = detail
        self.loaded = self.context.services.rubrics.get(detail.rubric_id)
        can_score = self.context.can(Action.score, detail)
        self.model.editable = can_score
        counts: dict[str, int] = {}
        for evidence in detail.evidence:
            counts[evidence.code] = counts.get(evidence.code, 0) + 1
        self.model.set_case(self.loaded.rubric, detail.entries, detail.entry_versions, detail.score, counts)
        self.tree.expandAll()
        if self.writer is None or not same_case:
            self.writer = ScoreWriter(self.context.services, self.context.actor, detail.case_no, self.model)
        self._guard_actions()
        self._fill_nonconformities()
        self._fill_specials()
        self.tree.go_to(keep or self._first_unscored())
        self._show_indicator(self.tree.current_code())

    def _first_unscored(self) -> str | None:
        codes = list(self.model.codes())
        for code in codes:
            entry = self.model.entry(code)
            if entry is None or not entry.scored:
                return code
        return codes[0] if codes else None

    def _guard_actions(self) -> None:
        detail = self.detail
        reason = self.context.explain(Action.score, detail)
        if reason:
            self.read_only_notice.show_text(self.tr("评分为只读：{reason}").format(reason=reason), "info")
        else:
            self.read_only_notice.clear()
        for widget in (
            self.note_edit,
            self.note_button,
            self.evidence_button,
            self.evidence_file_button,
            self.deduction_button,
            self.bonus_button,
            self.remove_special_button,
        ):
            self.context.guard(widget, Action.score, detail)
        self.note_edit.setEnabled(True)
        self.note_edit.setReadOnly(reason is not None)
        self.evidence_view.setAcceptDrops(reason is None)
        for widget in (self.raise_nc_button, self.close_nc_button):
            self.context.guard(widget, Action.manage_nonconformity, detail)
        self.context.guard(self.conclude_button, Action.conclude, detail)
        self.context.guard(
            self.import_sheet_button,
            Action.score,
            detail,
            tip=self.tr("读入填写好的评分表（.xlsx）：整表校验通过才保存，否则不做任何更改"),
        )
        self.undo_action.setEnabled(reason is None and self.undo_stack.canUndo())
        self.redo_action.setEnabled(reason is None and self.undo_stack.canRedo())

    def _fill_nonconformities(self) -> None:
        rows = []
        numbers = nc_numbers(self.detail)
        for nc in self.detail.nonconformities:
            rows.append(
                Row(
                    nc.id,
                    (
                        numbers[nc.id],
                        nc.code or (self.tr("特别扣分") if nc.special else ""),
                        nc.text,
                        self.context.fmt_date(nc.deadline),
                        nc_status_label(nc.status, nc.overdue),
                        nc.corrective_action or "",
                    ),
                    tooltip=nc.text,
                    tint="#b3261e" if nc.overdue else ("#6b7380" if nc.status != "open" else None),
                )
            )
        self.nc_model.set_rows(rows)
        open_count = sum(1 for nc in self.detail.nonconformities if nc.status == "open")
        title = self.tr("不符合项")
        self.side.setTabText(1, f"{title} ({open_count})" if open_count else title)

    def _fill_specials(self) -> None:
        numbers = nc_numbers(self.detail)
        rows = [
            Row(
                s.id,
                (
                    special_kind_label(s.kind),
                    s.reason,
                    numbers.get(s.nonconformity_id, "") if s.nonconformity_id else "",
                ),
                tooltip=s.reason,
            )
            for s in self.detail.special_items
        ]
        self.special_model.set_rows(rows)
        title = self.tr("特别项")
        self.side.setTabText(2, f"{title} ({len(rows)})" if rows else title)

    # -- totals -----------------------------------------------------------------------------------
    def _on_model_score_changed(self, score: ScoreResult) -> None:
        scored = len(list(self.model.codes())) - len(score.unscored)
        total_count = scored + len(score.unscored)
        parts = [
            self.tr("总分 <b style='font-size:15pt'>{total}</b>").format(total=format_score(score.total)),
            self.tr("基础分 {base}").format(base=format_score(score.base)),
        ]
        if score.special_deductions:
            parts.append(self.tr("特别扣分 −{n}").format(n=score.special_deductions))
        if score.bonus:
            parts.append(self.tr("特别加分 +{n}").format(n=score.bonus))
        parts.append(self.tr("已评 {scored}/{count} 项").format(scored=scored, count=total_count))
        self.total_label.setText(" · ".join(parts))
        grade = score.grade.value if score.grade is not None else None
        text = vocabulary.grade_label(grade, self.context.lang)
        back, border, fore = badge_colours(grade)
        if score.unscored:
            self.grade_badge.setToolTip(
                self.tr("尚有 {n} 项未评分，按 0 分计入：等级为暂定").format(n=len(score.unscored))
            )
            text = self.tr("暂定 {grade}").format(grade=text)
        else:
            self.grade_badge.setToolTip("")
        self.grade_badge.setText(text)
        self.grade_badge.setStyleSheet(
            f"QLabel#grade_badge {{ background: {back}; border: 1px solid {border}; color: {fore};"
            " border-radius: 10px; padding: 3px 12px; font-weight: bold; }"
        )

    def _say(self, text: str, kind: str = "ok") -> None:
        colours = {"ok": "#1d6b34", "error": "#b3261e", "info": "#5a6270"}
        self.status_label.setStyleSheet(f"QLabel#save_status {{ color: {colours.get(kind, '#5a6270')}; }}")
        self.status_label.setProperty("kind", kind)
        self.status_label.setText(text)

    # -- the indicator panel ----------------------------------------------------------------------
    def _on_tree_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        # A note typed and not saved is saved as the cursor leaves its indicator, as a score typed
        # and not Entered is: one behaviour, nothing lost. A refused save keeps the cursor there.
        if not self._moving_back and self._note_dirty():
            left = self._note_code
            if not self._save_note():
                self._moving_back = True
                try:
                    self.tree.go_to(left)
                finally:
                    self._moving_back = False
                return
        self._show_indicator(self.tree.current_code())

    def _indicator(self, code: str | None) -> Indicator | None:
        if code is None or self.loaded is None:
            return None
        return self.loaded.rubric.indicator(code)

    def _show_indicator(self, code: str | None) -> None:
        indicator = self._indicator(code)
        lang = self.context.lang
        if indicator is None:
            for label in (
                self.indicator_title,
                self.indicator_facts,
                self.guidance_label,
                self.expected_label,
                self.entry_label,
            ):
                label.clear()
            self.note_edit.setPlainText("")
            self.evidence_model.set_rows([])
            return
        self.indicator_title.setText(f"{indicator.code}  {indicator.name.get(lang)}")
        facts = [self.tr("满分 {max} 分").format(max=fmt_points(indicator.max_points))]
        if indicator.sampled:
            facts.append(self.tr("通常抽样检查（S 键按抽样评分）"))
        if indicator.clause:
            facts.append(self.tr("条款 {clause}").format(clause=indicator.clause))
        self.indicator_facts.setText(" · ".join(facts))
        self.guidance_label.setText(indicator.guidance.get(lang))
        expected = indicator.evidence.get(lang)
        if indicator.checkpoints:
            expected += "\n" + "\n".join(f"• {c.get(lang)}" for c in indicator.checkpoints)
        self.expected_label.setText(expected)
        self._show_entry(code)
        self._fill_evidence(code)

    def _show_entry(self, code: str | None) -> None:
        entry = self.model.entry(code) if code else None
        if entry is None or not entry.scored:
            self.entry_label.setText(self.tr("未评分"))
        elif entry.not_applicable:
            self.entry_label.setText(self.tr("不适用：{reason}").format(reason=entry.reason))
        elif entry.sampled is not None:
            self.entry_label.setText(
                self.tr("得分 {points}（抽样 {sampled}，不符合 {nonconforming}）").format(
                    points=fmt_points(entry.points),
                    sampled=entry.sampled,
                    nonconforming=entry.nonconforming or 0,
                )
            )
        else:
            self.entry_label.setText(self.tr("得分 {points}").format(points=fmt_points(entry.points)))
        if code != self._note_code or not self._note_dirty():
            # a note being typed for this indicator stays (a reload after someone else's edit)
            self.note_edit.setPlainText(entry.note if entry else "")
            self._note_code = code

    def _fill_evidence(self, code: str) -> None:
        rows = [
            Row(
                e.id,
                (e.note, e.file.filename if e.file else "", self.detail.person(e.added_by)),
                tooltip=e.note,
            )
            for e in (self.detail.evidence if self.detail else ())
            if e.code == code
        ]
        self.evidence_model.set_rows(rows)

    # -- editing scores ---------------------------------------------------------------------------
    def _edit(self, code: str, call: Callable[[int], Any], text: str) -> bool:
        """Make one score edit through the services; on success push it on the undo stack.

        A keystroke's edit runs at once: what the table shows as saved is committed, and the next
        keystroke builds on its version (one short indexed transaction)."""
        before = self.model.entry(code)
        try:
            change = call(self.model.version(code))
        except Refused as exc:
            self._refused(exc)
            return False
        self._applied(code, before, change, text)
        return True

    def _applied(self, code: str, before: Any, change: Any, text: str) -> None:
        """Show an edit the services stored, and make it undoable."""
        assert self.writer is not None
        self.writer.show(change)
        self.undo_stack.push(
            ScoreEdit(self.writer, code, before, change.entry, text, self._refused, self._on_command_written)
        )
        self._saved(code)

    def _next_after(self, code: str) -> None:
        """Where the cursor goes after an edit made in a dialog (N, S): the next indicator, as after
        a score typed and Entered, with the keyboard back on the table."""
        target = self.model.neighbour(code, 1) or code
        self.tree.go_to(target)
        self.tree.setFocus()

    def _saved(self, code: str) -> None:
        entry = self.model.entry(code)
        if entry is None or not entry.scored:
            value = self.tr("未评分")
        elif entry.not_applicable:
            value = self.tr("不适用")
        else:
            value = fmt_points(entry.points)
        self._say(
            self.tr("✓ 已保存 {code}：{value}（{time}）").format(
                code=code, value=value, time=QTime.currentTime().toString("HH:mm:ss")
            ),
            "ok",
        )
        if code == self.tree.current_code():
            self._show_entry(code)
        self.sig_scores_changed.emit()

    def _on_command_written(self, code: str) -> None:
        self.tree.go_to(code)
        self._saved(code)

    def _refused(self, exc: Refused) -> None:
        self._say("✗ " + self.context.refusal_text(exc), "error")
        QApplication.beep()
        if exc.code not in VALUE_REFUSALS:
            # Not a bad value but a changed world (someone else saved this indicator, the case
            # moved on, the team changed): show what is stored now, keeping the message.
            keep = self.status_label.text()
            self.sig_case_changed.emit()
            self._say(keep, "error")

    def _can_score(self) -> bool:
        reason = self.context.explain(Action.score, self.detail) if self.detail is not None else ""
        if reason is not None:
            self._say(reason or "", "info")
            return False
        return True

    def _on_points_entered(self, code: str, text: str, step: int) -> None:
        if not self._can_score():
            return
        entry = self.model.entry(code)
        shown = fmt_points(entry.points) if entry is not None and entry.points is not None else ""
        typed = text.strip()
        ok = True
        if typed != shown:
            if not typed:
                ok = self._clear(code)
            else:
                ok = self._edit(
                    code,
                    lambda version: self.context.services.audits.set_points(
                        self.context.actor, self.detail.case_no, code, typed, expected_version=version
                    ),
                    self.tr("{code} 得分 {points}").format(code=code, points=typed),
                )
        if step == 0:
            # The editor closed because the user clicked elsewhere: the value is saved (or its
            # refusal shown), and the cursor stays where the user put it.
            return
        target = self.model.neighbour(code, step) if ok else None
        self.tree.go_to(target or code)
        self.tree.setFocus()

    def _clear(self, code: str) -> bool:
        if self.model.entry(code) is None:
            return True
        return self._edit(
            code,
            lambda version: self.context.services.audits.clear(
                self.context.actor, self.detail.case_no, code, expected_version=version
            ),
            self.tr("清除 {code}").format(code=code),
        )

    def _on_tree_key_action(self, action: str) -> None:
        if action == "undo":
            self.undo_action.trigger()
            return
        if action == "redo":
            self.redo_action.trigger()
            return
        if action == "read_only":
            self._can_score()
            return
        code = self.tree.current_code()
        if code is None:
            return
        handlers: dict[str, Callable[[str], Any]] = {
            "na": self.mark_not_applicable,
            "sample": self.score_sample,
            "plus": lambda c: self.step_points(c, HALF),
            "minus": lambda c: self.step_points(c, -HALF),
            "full": self.full_marks,
            "clear": self._clear_checked,
            "evidence": lambda c: self._on_evidence_button_clicked(),
            "nonconformity": lambda c: self._on_raise_nc_button_clicked(),
            "note": lambda c: self._focus_note(),
        }
        handler = handlers.get(action)
        if handler is not None:
            handler(code)

    def _clear_checked(self, code: str) -> None:
        if self._can_score():
            self._clear(code)

    def mark_not_applicable(self, code: str) -> None:
        if not self._can_score():
            return
        indicator = self._indicator(code)
        assert indicator is not None
        entry = self.model.entry(code)
        ctx, case_no, version = self.context, self.detail.case_no, self.model.version(code)
        change = TextDialog.ask(
            self,
            self.tr("不适用（删减）"),
            self.tr("{code} {name}：请说明不适用的原因").format(
                code=code, name=indicator.name.get(self.context.lang)
            ),
            entry.reason if entry is not None and entry.not_applicable else "",
            submit=lambda reason: ctx.services.audits.set_not_applicable(
                ctx.actor, case_no, code, reason, expected_version=version
            ),
        )
        if change is None:
            self.tree.setFocus()
            return
        self._applied(code, entry, change, self.tr("{code} 不适用").format(code=code))
        self._next_after(code)

    def score_sample(self, code: str) -> None:
        if not self._can_score():
            return
        indicator = self._indicator(code)
        assert indicator is not None
        if not indicator.sampled:  # counts only where the rubric checks on a sample (the service refuses too)
            Messages.warning(
                self,
                self.tr("抽样评分"),
                self.tr("指标 {code} 不是抽样检查的指标，请直接录入得分。").format(code=code),
            )
            return
        entry = self.model.entry(code)
        ctx, case_no, version = self.context, self.detail.case_no, self.model.version(code)
        change = SampleDialog.ask(
            self,
            f"{code} {indicator.name.get(self.context.lang)}",
            entry.sampled if entry else None,
            entry.nonconforming if entry else None,
            submit=lambda counts: ctx.services.audits.score_sample(
                ctx.actor, case_no, code, counts.sampled, counts.nonconforming, expected_version=version
            ),
        )
        if change is None:
            self.tree.setFocus()
            return
        stored = change.entry
        self._applied(
            code,
            entry,
            change,
            self.tr("{code} 抽样 {sampled}/{nonconforming}").format(
                code=code, sampled=stored.sampled, nonconforming=stored.nonconforming
            ),
        )
        self._next_after(code)

    def step_points(self, code: str, delta: Decimal) -> None:
        if not self._can_score():
            return
        indicator = self._indicator(code)
        assert indicator is not None
        entry = self.model.entry(code)
        if entry is not None and entry.points is not None:
            start = entry.points
        else:
            start = Decimal(0) if delta > 0 else indicator.max_points
        value = start + delta
        self._edit(
            code,
            lambda version: self.context.services.audits.set_points(
                self.context.actor, self.detail.case_no, code, value, expected_version=version
            ),
            self.tr("{code} 得分 {points}").format(code=code, points=fmt_points(value)),
        )

    def full_marks(self, code: str) -> None:
        if not self._can_score():
            return
        indicator = self._indicator(code)
        assert indicator is not None
        self._edit(
            code,
            lambda version: self.context.services.audits.set_points(
                self.context.actor, self.detail.case_no, code, indicator.max_points, expected_version=version
            ),
            self.tr("{code} 满分").format(code=code),
        )

    # -- notes ------------------------------------------------------------------------------------
    def _focus_note(self) -> None:
        if self._can_score():
            self.side.setCurrentIndex(0)
            self.note_edit.setFocus()
            self.note_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            # Enter (or Ctrl+Enter) saves the note and returns to the table; Shift+Enter is a new line.
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self._on_note_button_clicked()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self._note_code = None  # drop what was typed: show the stored note again
                self._show_entry(self.tree.current_code())
                self.tree.setFocus()
                return True
        return super().eventFilter(watched, event)

    # -- the note: saved as you go ----------------------------------------------------------------
    def _note_dirty(self) -> bool:
        code = self._note_code
        if code is None or self.detail is None or self.note_edit.isReadOnly():
            return False
        entry = self.model.entry(code)
        return self.note_edit.toPlainText().strip() != ((entry.note if entry else "") or "").strip()

    def _save_note(self) -> bool:
        """Save the note in the editor for the indicator it was typed for (True when saved)."""
        code = self._note_code
        if code is None or not self._note_dirty():
            return True
        if not self._can_score():
            return False
        note = self.note_edit.toPlainText()
        ctx, case_no = self.context, self.detail.case_no
        return self._edit(
            code,
            lambda version: ctx.services.audits.set_note(
                ctx.actor, case_no, code, note, expected_version=version
            ),
            self.tr("{code} 说明").format(code=code),
        )

    def _on_note_button_clicked(self) -> None:
        if self.tree.current_code() is None or not self._can_score():
            return
        if self._save_note():
            self.tree.setFocus()

    def unsaved_work(self) -> list[Unsaved]:
        """A note typed and not saved (it is saved as the cursor leaves the indicator anyway)."""
        if not self._note_dirty():
            return []
        code = self._note_code

        def discard() -> None:
            self._note_code = None
            self._show_entry(self.tree.current_code())

        return [
            Unsaved(
                self.tr("{case_no} 指标 {code} 的评审说明").format(case_no=self.detail.case_no, code=code),
                self._save_note,
                discard,
            )
        ]

    # -- evidence ---------------------------------------------------------------------------------
    def _add_files_as_evidence(self, code: str, paths: list[Path]) -> None:
        """Each file one piece of evidence, added on the database worker one after the other (all
        of them, or up to the first refused, which is said)."""
        ctx, case_no = self.context, self.detail.case_no

        def add_all() -> int:
            for path in paths:
                ctx.services.audits.add_evidence(ctx.actor, case_no, code, "", path)
            return len(paths)

        def added(count: int) -> None:
            self._say(self.tr("✓ 已添加 {code} 的证据 {n} 项").format(code=code, n=count), "ok")
            self.sig_case_changed.emit()

        def refused(exc: Refused) -> None:
            self._say("✗ " + ctx.refusal_text(exc), "error")
            self.sig_case_changed.emit()  # the files before it were added

        ctx.act(add_all, on_done=added, on_refused=refused, label=self.tr("正在添加证据…"), parent=self)

    def _on_evidence_button_clicked(self) -> None:
        code = self.tree.current_code()
        if code is None or not self._can_score():
            return
        indicator = self._indicator(code)
        assert indicator is not None
        ctx, case_no = self.context, self.detail.case_no
        added = EvidenceDialog.ask(
            self,
            f"{code} {indicator.name.get(self.context.lang)}",
            submit=lambda request: ctx.services.audits.add_evidence(
                ctx.actor, case_no, code, request.note, request.file
            ),
        )
        self.tree.setFocus()
        if added is not None:
            self._say(self.tr("✓ 已添加 {code} 的证据").format(code=code), "ok")
            self.sig_case_changed.emit()

    def _on_evidence_file_button_clicked(self) -> None:
        code = self.tree.current_code()
        if code is None or not self._can_score():
            return
        paths = Files.open_files(self, self.tr("选择证据文件或照片"), purpose="evidence")
        if paths:
            self._add_files_as_evidence(code, paths)

    def _on_evidence_files_dropped(self, paths: list[Path]) -> None:
        code = self.tree.current_code()
        if code is None or not self._can_score():
            return
        self._add_files_as_evidence(code, paths)

    def _on_evidence_view_double_clicked(self, index: QModelIndex) -> None:
        evidence_id = self.evidence_model.key_at(index)
        evidence = next((e for e in self.detail.evidence if e.id == evidence_id), None)
        if evidence is None or evidence.file is None:
            return
        data = self.context.run_service(self.context.services.cases.read_attachment, evidence.file.sha256)
        if data is None:
            return
        Files.open_url(write_temp_file(evidence.file.filename, data))

    # -- nonconformities --------------------------------------------------------------------------
    def _on_raise_nc_button_clicked(self) -> None:
        if self.detail is None:
            return
        reason = self.context.explain(Action.manage_nonconformity, self.detail)
        if reason:
            self._say(reason, "info")
            return
        code = self.tree.current_code()
        indicator = self._indicator(code)
        label = f"{code} {indicator.name.get(self.context.lang)}" if indicator else ""
        days = int(self.context.services.settings.get("nonconformity_days"))
        ctx, case_no = self.context, self.detail.case_no
        result = NonconformityDialog.ask(
            self,
            label,
            self.context.services.today() + timedelta(days=days),
            submit=lambda request: ctx.services.audits.raise_nonconformity(
                ctx.actor, case_no, code, request.text, request.deadline
            ),
        )
        self.tree.setFocus()
        if result is not None:
            self.side.setCurrentIndex(1)
            self.sig_case_changed.emit()
            self._say(
                self.tr("✓ 已开具不符合项 {number}").format(number=nc_numbers(self.detail).get(result, "")),
                "ok",
            )

    def _on_close_nc_button_clicked(self) -> None:
        nc_id = self.nc_model.key_at(self.nc_view.currentIndex())
        if nc_id is None:
            self._say(self.tr("请先选择一个不符合项"), "info")
            return
        nc = next(n for n in self.detail.nonconformities if n.id == nc_id)
        ctx, case_no = self.context, self.detail.case_no
        closed = TextDialog.ask(
            self,
            self.tr("关闭不符合项"),
            self.tr("{number}：{text}\n请记录纠正措施及其验证结果").format(
                number=nc_numbers(self.detail)[nc.id], text=nc.text
            ),
            multiline=True,
            submit=lambda action: ctx.services.audits.close_nonconformity(ctx.actor, case_no, nc_id, action),
        )
        if closed is not None:
            self._say(self.tr("✓ 已关闭 {number}").format(number=nc_numbers(self.detail)[nc_id]), "ok")
            self.sig_case_changed.emit()

    # -- special items ----------------------------------------------------------------------------
    def _add_special(self, kind: str) -> None:
        title = self.tr("特别扣分项") if kind == "deduction" else self.tr("特别加分项")
        ctx, case_no = self.context, self.detail.case_no
        result = TextDialog.ask(
            self,
            title,
            self.tr("请说明原因"),
            multiline=True,
            submit=lambda reason: ctx.services.audits.add_special(ctx.actor, case_no, kind, reason),
        )
        if result is not None:
            self.sig_case_changed.emit()

    def _on_remove_special_button_clicked(self) -> None:
        item_id = self.special_model.key_at(self.special_view.currentIndex())
        if item_id is None:
            self._say(self.tr("请先选择一个特别项"), "info")
            return
        ctx, case_no = self.context, self.detail.case_no
        removed = TextDialog.ask(
            self,
            self.tr("撤销特别项"),
            self.tr("请说明撤销的原因"),
            submit=lambda reason: ctx.services.audits.remove_special(ctx.actor, case_no, item_id, reason),
        )
        if removed is not None:
            self.sig_case_changed.emit()

    # -- score sheet ------------------------------------------------------------------------------
    def _on_import_sheet_button_clicked(self) -> None:
        if self.detail is None:
            return
        reason = self.context.explain(Action.score, self.detail)
        if reason:
            self._say(reason, "info")
            return
        path = ScoreSheetFile.ask(self, self.tr("选择评分表"), self.tr("评分表 (*.xlsx)"))
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            Messages.warning(self, self.tr("无法读取评分表"), str(exc))
            return

        def imported(_result: Any) -> None:
            # The undo history points at values the sheet may have replaced.
            self.undo_stack.clear()
            self._say(self.tr("✓ 已导入评分表 {file}").format(file=path.name), "ok")
            self.sig_case_changed.emit()

        ctx = self.context
        ctx.act(
            ctx.services.documents.import_score_sheet,
            ctx.actor,
            self.detail.case_no,
            data,
            source=path.name,
            on_done=imported,
            label=self.tr("正在导入评分表…"),
            parent=self,
        )

    # -- conclusion -------------------------------------------------------------------------------
    def _on_conclude_button_clicked(self) -> None:
        """Conclude the audit: the dialog is the one confirmation, naming the total, the grade and
        what follows (the case goes to the committee; the scores can no longer change)."""
        if self.detail is None:
            return
        ctx, case_no = self.context, self.detail.case_no
        score = self.model.score
        grade = vocabulary.grade_label(score.grade.value if score and score.grade else None, ctx.lang)
        prompt = self.tr(
            "总分 {total} 分 · {grade}。\n提交后案件 {case_no} 转评审委员会，评分、证据和不符合项不能再修改。"
            "\n\n评审结论："
        ).format(total=fmt_points(score.total) if score else "—", grade=grade, case_no=case_no)
        result = TextDialog.ask(
            self,
            self.tr("形成评审结论"),
            prompt,
            self.detail.conclusion_summary or "",
            multiline=True,
            submit=lambda summary: ctx.services.audits.conclude(ctx.actor, case_no, summary),
            ok_text=self.tr("提交评审委员会"),
        )
        if result is not None:
            self.undo_stack.clear()
            self.sig_case_changed.emit()


# -- helpers --------------------------------------------------------------------------------------
class ScoreSheetFile:
    """The file chooser for an edited score sheet (remembering its folder). Tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, filters: str) -> Path | None:
        return FileDialogs.open_file(parent, title, filters, purpose="sheets")


class _DropTable(QTableView):
    """A table that takes files dropped from the desktop."""

    sig_files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def setAcceptDrops(self, on: bool) -> None:
        # Drops land on the viewport: it must accept them too, or Qt never delivers them.
        super().setAcceptDrops(on)
        self.viewport().setAcceptDrops(on)

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.acceptDrops():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and self.acceptDrops():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: Any) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.sig_files_dropped.emit(paths)


def _table(parent: QWidget, model: RowsModel) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setItemDelegate(RowSpacingDelegate(view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view
