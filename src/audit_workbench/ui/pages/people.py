"""People and impartiality (人员与公正性): the body's people as the accreditor checks them.

Two tabs. 人员资格: everyone's qualification, validity, competence areas and this year's impartiality
declaration, and for the selected person an edit form (administrators; checked as it is typed, with
the reason under the field), their trainings and witnessed audits. 利益冲突申报: the declared
interests in organisations, to declare one's own (administrators: anyone's), end one, or approve a
medium risk's mitigation. Every user sees the page: those who may not read others' records see
their own, and everyone signs their own annual declaration from the page header.

Identity numbers are shown masked; typing a new one replaces the stored one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...core.people import (
    INTEREST_KIND_LABELS,
    NEEDS_AREA,
    QUALIFICATION_LABELS,
    REGISTERED,
    RISK_LABELS,
    WITNESS_OUTCOME_LABELS,
    Interest,
    InterestKind,
    Qualification,
    Risk,
    WitnessOutcome,
    check_id_number,
    check_registration_no,
)
from ...core.policy import Action, approval_denial, interest_action
from ...services.impartiality import InterestView
from ...services.people import PersonView, TrainingView, WitnessedAuditView
from ..case.common import Notice
from ..context import UiContext
from ..dialogs.people import (
    DeclarationDialog,
    DeclareInterestDialog,
    EndInterestDialog,
    TrainingDialog,
    WitnessedAuditDialog,
    error_label,
    pydate,
    qdate,
    show_error,
)
from ..guards import Unsaved, settle
from ..models.rows import ROW_ROLE, Column, RowTableModel
from ..theme import BAD, OK, TEXT_MUTED, WARN
from ..widgets.common import SP, PageHeader, fit_columns, set_up_table, std_icon

NO_DATE = date(1900, 1, 1)  # a date editor at its minimum shows "—": no date
EXPIRING_DAYS = 90


def cell_label(ctx: UiContext, pair: tuple[str, str]) -> str:
    """A core label as a table cell or a list item: capitalised in English."""
    text = ctx.pick(pair)
    return text[:1].upper() + text[1:]


def person_label(p: PersonView) -> str:
    return f"{p.display_name}（{p.user_name}）" if p.display_name != p.user_name else p.user_name


def _date_or_none(edit: QDateEdit) -> date | None:
    day = pydate(edit.date())
    return None if day == NO_DATE else day


class PersonEditor(QWidget):
    """One person's qualification record, checked as it is typed; saved through the people service."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person: PersonView | None = None
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.qualification_combo = QComboBox()
        for q in Qualification:
            self.qualification_combo.addItem(cell_label(context, QUALIFICATION_LABELS[q]), q.value)
        self.registration_edit = QLineEdit()
        self.registration_edit.setPlaceholderText(self.tr("CCAA 注册号；技术专家可填本机构人员编号"))
        self.id_type_combo = QComboBox()
        # the names of some documents are long: the form keeps its width, the list shows them whole
        self.id_type_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.id_type_combo.setMinimumContentsLength(14)
        self.id_type_combo.addItem(self.tr("（未登记）"), None)
        for code, kind in context.services.id_types.items():
            self.id_type_combo.addItem(f"{code} {kind.name(context.lang)}", code)
        self.id_number_edit = QLineEdit()
        self.full_time_check = QCheckBox(self.tr("专职（仅在本机构执业）"))
        self.from_edit = self._date_edit()
        self.until_edit = self._date_edit()
        self.area_boxes: dict[str, QCheckBox] = {}
        areas = QWidget()
        grid = QGridLayout(areas)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        for n, area in enumerate(context.services.people.known_areas()):
            box = QCheckBox(self.area_label(area))
            box.setToolTip(area)
            self.area_boxes[area] = box
            grid.addWidget(box, n, 0)
        self.errors = {
            key: error_label() for key in ("qualification", "registration", "identity", "dates", "areas")
        }
        self.save_button = QPushButton(std_icon(SP.SP_DialogSaveButton), self.tr("保存"))
        self.save_button.setObjectName("primary")
        self.revert_button = QPushButton(self.tr("撤销修改"))
        self.notice = Notice()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("资格类型"), self.qualification_combo)
        form.addRow("", self.errors["qualification"])
        form.addRow(self.tr("注册号"), self.registration_edit)
        form.addRow("", self.errors["registration"])
        form.addRow(self.tr("证件类型"), self.id_type_combo)
        form.addRow(self.tr("证件号码"), self.id_number_edit)
        form.addRow("", self.errors["identity"])
        form.addRow(self.tr("有效期自"), self.from_edit)
        form.addRow(self.tr("有效期至"), self.until_edit)
        form.addRow("", self.errors["dates"])
        form.addRow("", self.full_time_check)
        form.addRow(self.tr("专业能力范围"), areas)
        form.addRow("", self.errors["areas"])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

        for signal in (
            self.qualification_combo.currentIndexChanged,
            self.registration_edit.textChanged,
            self.id_type_combo.currentIndexChanged,
            self.id_number_edit.textChanged,
            self.full_time_check.toggled,
            self.from_edit.dateChanged,
            self.until_edit.dateChanged,
            *(box.toggled for box in self.area_boxes.values()),
        ):
            signal.connect(self.revalidate)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)
        self.load(None)

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(qdate(NO_DATE))
        edit.setSpecialValueText(self.tr("—（不限）"))
        return edit

    def area_label(self, area: str) -> str:
        ctx = self.context
        if area in ("production", "sales"):
            return ctx.enterprise_type_label(area)
        return ctx.rubric_short(area)

    @property
    def editable(self) -> bool:
        return self.context.can(Action.manage_people)

    # -- loading ------------------------------------------------------------------------------------
    def load(self, person: PersonView | None) -> None:
        self.person = person
        widgets = [
            self.qualification_combo,
            self.registration_edit,
            self.id_type_combo,
            self.id_number_edit,
            self.full_time_check,
            self.from_edit,
            self.until_edit,
            *self.area_boxes.values(),
        ]
        blockers = [QSignalBlocker(w) for w in widgets]
        if person is None:
            self.title.setText(self.tr("请先在左侧选择一位人员"))
        else:
            self.title.setText(person_label(person))
        self.qualification_combo.setCurrentIndex(
            self.qualification_combo.findData(person.qualification) if person and person.qualification else -1
        )
        self.registration_edit.setText(person.registration_no or "" if person else "")
        self.id_type_combo.setCurrentIndex(
            max(0, self.id_type_combo.findData(person.id_type)) if person else 0
        )
        self.id_number_edit.clear()
        masked = person.id_number_masked if person else ""
        self.id_number_edit.setPlaceholderText(
            self.tr("已登记 {masked}；输入新号码以更改").format(masked=masked)
            if masked
            else self.tr("证件号码（保存后只显示部分）")
        )
        self.full_time_check.setChecked(
            True if person is None or person.full_time is None else person.full_time
        )
        self.from_edit.setDate(qdate(person.valid_from or NO_DATE) if person else qdate(NO_DATE))
        self.until_edit.setDate(qdate(person.valid_until or NO_DATE) if person else qdate(NO_DATE))
        for area, box in self.area_boxes.items():
            box.setChecked(bool(person) and area in person.areas)  # type: ignore[union-attr]
        del blockers
        reason = self.context.explain(Action.manage_people)
        for widget in widgets:
            widget.setEnabled(person is not None and reason is None)
            widget.setToolTip(reason or "")
        if person is not None and reason is not None:
            self.notice.show_text(self.tr("只读：{reason}").format(reason=reason), "info")
        else:
            self.notice.clear()
        self.revalidate()

    # -- checking as it is typed ----------------------------------------------------------------
    def qualification(self) -> Qualification | None:
        value = self.qualification_combo.currentData()
        return Qualification(value) if value else None

    def areas(self) -> tuple[str, ...]:
        return tuple(area for area, box in self.area_boxes.items() if box.isChecked())

    def problems(self) -> dict[str, str]:
        """What is wrong with the form as it stands, by field (empty when it may be saved)."""
        found: dict[str, str] = {}
        q = self.qualification()
        if q is None:
            found["qualification"] = self.tr("请选择资格类型")
        registered = q in REGISTERED if q else False
        try:
            registration = check_registration_no(self.registration_edit.text())
        except Refused as refusal:
            found["registration"] = refusal.message(self.context.lang)
        else:
            if registered and registration is None:
                found["registration"] = self.tr("高级审核员、审核员和实习审核员须登记 CCAA 注册号")
        id_type = self.id_type_combo.currentData()
        number = self.id_number_edit.text().strip()
        stored = bool(self.person and self.person.id_number_masked)
        if number and not id_type:
            found["identity"] = self.tr("请选择证件类型")
        elif id_type and number:
            try:
                check_id_number(self.context.services.id_types[id_type], number)
            except Refused as refusal:
                found["identity"] = refusal.message(self.context.lang)
        elif id_type and not stored:
            found["identity"] = self.tr("请输入证件号码")
        elif id_type and self.person is not None and id_type != self.person.id_type:
            found["identity"] = self.tr("更改证件类型时请重新输入证件号码")
        start, end = _date_or_none(self.from_edit), _date_or_none(self.until_edit)
        if start and end and end < start:
            found["dates"] = self.tr("有效期截止日期不能早于起始日期")
        elif registered and end is None:
            found["dates"] = self.tr("注册资格须登记有效期截止日期")
        return found

    def warnings(self) -> dict[str, str]:
        """What may be saved but will stop the person being assigned."""
        found: dict[str, str] = {}
        q = self.qualification()
        if q in NEEDS_AREA and not self.areas():
            found["areas"] = self.tr("未选择专业能力范围：不能被指派到任何案件")
        end = _date_or_none(self.until_edit)
        if end is not None and end < self.context.services.today():
            found["dates"] = self.tr("资格已过期：不能被指派")
        return found

    def changed(self) -> bool:
        p = self.person
        if p is None:
            return False
        q = self.qualification()
        return (
            (q.value if q else None) != p.qualification
            or (self.registration_edit.text().strip() or None) != (p.registration_no or None)
            or self.id_type_combo.currentData() != p.id_type
            or bool(self.id_number_edit.text().strip())
            or self.full_time_check.isChecked() != (True if p.full_time is None else p.full_time)
            or _date_or_none(self.from_edit) != p.valid_from
            or _date_or_none(self.until_edit) != p.valid_until
            or sorted(self.areas()) != sorted(p.areas)
        )

    def revalidate(self, *_args: object) -> None:
        # A person without a record is not told off before anything is typed for them.
        untouched = self.person is None or (self.person.qualification is None and not self.changed())
        problems = {} if untouched else self.problems()
        warnings = self.warnings() if self.person is not None else {}
        for key, label in self.errors.items():
            text = problems.get(key) or warnings.get(key, "")
            show_error(label, text)
            label.setStyleSheet("" if key in problems or not text else f"color: {WARN};")
        reason = self.context.explain(Action.manage_people)
        first = next(iter(problems.values()), "")
        may_save = self.person is not None and reason is None and not self.problems() and self.changed()
        self.save_button.setEnabled(may_save)
        self.save_button.setToolTip(
            reason or first or ("" if self.person is None or self.changed() else self.tr("没有修改"))
        )
        self.revert_button.setEnabled(self.person is not None and reason is None and self.changed())

    def _on_revert_button_clicked(self) -> None:
        self.load(self.person)

    def save(self) -> PersonView | None:
        p = self.person
        if p is None or self.problems():
            return None
        ctx = self.context
        kwargs: dict[str, Any] = {
            "qualification": self.qualification_combo.currentData(),
            "registration_no": self.registration_edit.text().strip() or None,
            "full_time": self.full_time_check.isChecked(),
            "valid_from": _date_or_none(self.from_edit),
            "valid_until": _date_or_none(self.until_edit),
            "areas": self.areas(),
            "expected_version": p.version or 0,
        }
        id_type = self.id_type_combo.currentData()
        number = self.id_number_edit.text().strip()
        if number or id_type != p.id_type:
            kwargs["id_type"], kwargs["id_number"] = (id_type, number or None) if id_type else (None, None)
        return ctx.run_service(ctx.services.people.set, ctx.actor, p.user_name, **kwargs)


class PeoplePage(QWidget):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reloading = False
        self.setObjectName("page")
        self.context = context
        self.header = PageHeader(
            self.tr("人员与公正性"),
            self.tr("人员资格与专业能力、培训与见证评价、利益冲突申报和年度公正性声明"),
        )
        self.sign_button = QPushButton(std_icon(SP.SP_DialogApplyButton), self.tr("签署年度公正性声明…"))
        self.sign_button.clicked.connect(self._on_sign_button_clicked)
        self.header.add_widget(self.sign_button)
        self.notice = Notice()
        self.tabs = QTabWidget()

        # -- people -------------------------------------------------------------------------------
        self.people_model: RowTableModel[PersonView] = RowTableModel(self._people_columns())
        self.people_view = QTableView()
        self.people_view.setModel(self.people_model)
        set_up_table(self.people_view, stretch_column=3, sortable=False)
        self.people_view.selectionModel().currentRowChanged.connect(self._on_person_selected)
        self.editor = PersonEditor(context)
        self.editor.save_button.clicked.connect(self._on_save_button_clicked)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.editor)
        self.training_model: RowTableModel[TrainingView] = RowTableModel(
            [
                Column(self.tr("日期"), lambda t: context.fmt_date(t.taken_on)),
                Column(self.tr("培训名称"), lambda t: t.title, tooltip=lambda t: t.title),
                Column(self.tr("学时"), lambda t: "" if t.hours is None else f"{t.hours.normalize():f}"),
                Column(self.tr("培训机构"), lambda t: t.provider),
            ]
        )
        self.training_view = QTableView()
        self.training_view.setModel(self.training_model)
        set_up_table(self.training_view, stretch_column=1, sortable=False)
        self.add_training_button = QPushButton(self.tr("添加培训…"))
        self.add_training_button.clicked.connect(self._on_add_training_button_clicked)
        self.witnessed_model: RowTableModel[WitnessedAuditView] = RowTableModel(
            [
                Column(self.tr("日期"), lambda w: context.fmt_date(w.witnessed_on)),
                Column(self.tr("案件"), lambda w: w.case_no or ""),
                Column(self.tr("见证人"), lambda w: w.witness, tooltip=lambda w: w.note or None),
                Column(
                    self.tr("结论"),
                    lambda w: cell_label(context, WITNESS_OUTCOME_LABELS[WitnessOutcome(w.outcome)]),
                    colour=lambda w: OK if w.outcome == WitnessOutcome.competent.value else BAD,
                ),
            ]
        )
        self.witnessed_view = QTableView()
        self.witnessed_view.setModel(self.witnessed_model)
        set_up_table(self.witnessed_view, stretch_column=2, sortable=False)
        self.add_witnessed_button = QPushButton(self.tr("添加见证评价…"))
        self.add_witnessed_button.clicked.connect(self._on_add_witnessed_button_clicked)
        self.person_tabs = QTabWidget()
        self.person_tabs.addTab(scroll, self.tr("资格信息"))
        self.person_tabs.addTab(
            self._with_button(self.training_view, self.add_training_button), self.tr("培训记录")
        )
        self.person_tabs.addTab(
            self._with_button(self.witnessed_view, self.add_witnessed_button), self.tr("见证评价")
        )
        people_tab = QWidget()
        people_layout = QHBoxLayout(people_tab)
        people_layout.setContentsMargins(10, 10, 10, 10)
        people_layout.setSpacing(12)
        people_layout.addWidget(self.people_view, 3)
        people_layout.addWidget(self.person_tabs, 2)
        self.tabs.addTab(people_tab, self.tr("人员资格"))

        # -- declared interests ----------------------------------------------------------------------
        self.interests_model: RowTableModel[InterestView] = RowTableModel(self._interest_columns())
        self.interests_view = QTableView()
        self.interests_view.setModel(self.interests_model)
        set_up_table(self.interests_view, stretch_column=6, sortable=False)
        self.interests_view.selectionModel().currentRowChanged.connect(self._update_interest_actions)
        self.filter_combo = QComboBox()
        self.filter_combo.addItem(self.tr("全部申报"), "all")
        self.filter_combo.addItem(self.tr("当前有效"), "active")
        self.filter_combo.addItem(self.tr("待批准应对措施"), "pending")
        self.filter_combo.currentIndexChanged.connect(self.load_interests)
        self.declare_button = QPushButton(std_icon(SP.SP_FileIcon), self.tr("申报利益关系…"))
        self.end_button = QPushButton(self.tr("登记结束…"))
        self.approve_button = QPushButton(self.tr("批准应对措施"))
        self.declare_button.clicked.connect(self._on_declare_button_clicked)
        self.end_button.clicked.connect(self._on_end_button_clicked)
        self.approve_button.clicked.connect(self._on_approve_button_clicked)
        interest_buttons = QHBoxLayout()
        for button in (self.declare_button, self.end_button, self.approve_button):
            interest_buttons.addWidget(button)
        interest_buttons.addStretch(1)
        interest_buttons.addWidget(QLabel(self.tr("显示")))
        interest_buttons.addWidget(self.filter_combo)
        self.rule_label = QLabel()
        self.rule_label.setObjectName("pageSubtitle")
        self.rule_label.setWordWrap(True)
        interests_tab = QWidget()
        interests_layout = QVBoxLayout(interests_tab)
        interests_layout.setContentsMargins(10, 10, 10, 10)
        interests_layout.setSpacing(8)
        interests_layout.addLayout(interest_buttons)
        interests_layout.addWidget(self.interests_view, 1)
        interests_layout.addWidget(self.rule_label)
        self.tabs.addTab(interests_tab, self.tr("利益冲突申报"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    @staticmethod
    def _with_button(view: QTableView, button: QPushButton) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 8, 8, 8)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(view, 1)
        return box

    # -- columns ------------------------------------------------------------------------------------
    def _people_columns(self) -> list[Column[PersonView]]:
        ctx = self.context
        sep = "、" if ctx.lang == "zh" else ", "
        return [
            Column(
                self.tr("姓名"),
                lambda p: (
                    f"{p.display_name}（{p.user_name}）" if p.display_name != p.user_name else p.user_name
                ),
            ),
            Column(
                self.tr("资格"),
                lambda p: (
                    cell_label(ctx, QUALIFICATION_LABELS[Qualification(p.qualification)])
                    if p.qualification
                    else "—"
                ),
                tooltip=lambda p: p.registration_no or None,
            ),
            Column(
                self.tr("资格有效期"),
                self._status_text,
                colour=self._status_colour,
                tooltip=lambda p: (
                    " – ".join(ctx.fmt_date(d) for d in (p.valid_from, p.valid_until) if d) or None
                ),
            ),
            Column(
                self.tr("专业能力范围"),
                lambda p: sep.join(self.editor.area_label(a) for a in self._in_order(p.areas)),
                tooltip=lambda p: ", ".join(p.areas) or None,
            ),
            Column(
                self.tr("本年度声明"),
                lambda p: self.tr("已签署") if p.declared_this_year else self.tr("未签署"),
                colour=lambda p: OK if p.declared_this_year else BAD,
            ),
        ]

    def _in_order(self, areas: tuple[str, ...]) -> list[str]:
        """Enterprise types first, then rubrics, as the editor lists them."""
        order = list(self.editor.area_boxes)
        return sorted(areas, key=lambda a: order.index(a) if a in order else len(order))

    def _days_left(self, p: PersonView) -> int | None:
        if p.valid_until is None:
            return None
        return (p.valid_until - self.context.services.today()).days

    def _status_text(self, p: PersonView) -> str:
        until = self.context.fmt_date(p.valid_until)
        if p.status == "valid":
            left = self._days_left(p)
            if left is None:
                return self.tr("长期有效")
            if left <= EXPIRING_DAYS:
                return self.tr("{n} 天后到期").format(n=left)
            return self.tr("至 {day}").format(day=until)
        return {
            "none": self.tr("未登记资格"),
            "expired": self.tr("已于 {day} 过期").format(day=until),
            "not_yet_valid": self.tr("{day} 起生效").format(day=self.context.fmt_date(p.valid_from)),
            "undated": self.tr("未登记有效期"),
        }.get(p.status, p.status)

    def _status_colour(self, p: PersonView) -> str | None:
        if p.status == "valid":
            left = self._days_left(p)
            return WARN if left is not None and left <= EXPIRING_DAYS else None
        return TEXT_MUTED if p.status == "none" else BAD

    def _interest_columns(self) -> list[Column[InterestView]]:
        ctx = self.context
        return [
            Column(self.tr("申报人"), lambda i: i.display_name),
            Column(
                self.tr("组织"), lambda i: i.organization or i.credit_code, tooltip=lambda i: i.credit_code
            ),
            Column(
                self.tr("关系类型"), lambda i: cell_label(ctx, INTEREST_KIND_LABELS[InterestKind(i.kind)])
            ),
            Column(
                self.tr("期间"),
                lambda i: (
                    f"{ctx.fmt_date(i.starts_on)} – {ctx.fmt_date(i.ends_on) if i.ends_on else self.tr('至今')}"
                ),
            ),
            Column(
                self.tr("风险"),
                lambda i: cell_label(ctx, RISK_LABELS[Risk(i.risk)]),
                colour=lambda i: {"high": BAD, "medium": WARN}.get(i.risk),
            ),
            Column(
                self.tr("批准"), lambda i: i.approved_by or ("—" if i.risk != "medium" else self.tr("待批准"))
            ),
            Column(self.tr("应对措施"), lambda i: i.mitigation or "", tooltip=lambda i: i.mitigation or None),
            Column(self.tr("状态"), self._interest_state, colour=self._interest_colour),
        ]

    def _period(self, i: InterestView) -> str:
        until = self.context.fmt_date(i.ends_on) if i.ends_on else self.tr("至今")
        return f"{self.context.fmt_date(i.starts_on)} – {until}"

    def _cooling_until(self, i: InterestView) -> date | None:
        years = int(self.context.services.settings.get("consultancy_cooling_years"))
        fact = Interest(i.id, InterestKind(i.kind), i.credit_code, i.starts_on, i.ends_on, Risk(i.risk))
        today = self.context.services.today()
        return fact.cooling_until(years) if fact.bars_on(today, years) else None

    def _interest_state(self, i: InterestView) -> str:
        if i.kind == InterestKind.consultant.value and not i.active:
            until = self._cooling_until(i)
            if until is not None:
                return self.tr("回避至 {day}").format(day=self.context.fmt_date(until))
        if not i.active:
            return (
                self.tr("已结束")
                if i.ends_on and i.ends_on < self.context.services.today()
                else self.tr("尚未开始")
            )
        if i.risk == "high":
            return self.tr("回避")
        if i.kind == InterestKind.consultant.value:
            return self.tr("回避")
        if i.awaiting_approval:
            return self.tr("待批准，回避")
        return self.tr("有效")

    def _interest_colour(self, i: InterestView) -> str | None:
        text = self._interest_state(i)
        if not i.active and self._cooling_until(i) is None:
            return TEXT_MUTED
        return BAD if text.startswith(self.tr("回避")) or i.awaiting_approval else None

    # -- loading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.load_people()
        self.load_interests()
        self._update_declaration()

    def load_people(self) -> None:
        ctx = self.context
        current = self.editor.person.user_name if self.editor.person else ctx.actor.name
        people = ctx.run_service(ctx.services.people.list, ctx.actor) or []
        self.people_model.set_rows(people)
        fit_columns(
            self.people_view,
            {
                0: "周强（zhouqiang）",
                1: ctx.longest(ctx.pick(label) for label in QUALIFICATION_LABELS.values()),
                2: self.tr("至 {day}").format(day="2026-12-31"),
                4: self.tr("未签署"),
            },
        )
        position = self.people_model.find(lambda p: p.user_name == current)
        if people and (
            position < 0 or (self.editor.person is None and people[position].qualification is None)
        ):
            # at first: the first person with a record (an administrator usually has none)
            position = max(0, self.people_model.find(lambda p: p.qualification is not None))
        if position >= 0:
            self.people_view.setCurrentIndex(self.people_model.index(position, 0))
        self._on_person_selected()

    def load_interests(self, *_args: object) -> None:
        ctx = self.context
        items = ctx.run_service(ctx.services.impartiality.list, ctx.actor) or []
        show = self.filter_combo.currentData()
        if show == "active":
            items = [i for i in items if i.active or self._cooling_until(i) is not None]
        elif show == "pending":
            items = [i for i in items if i.awaiting_approval]
        self.interests_model.set_rows(items)
        fit_columns(
            self.interests_view,
            {
                0: "王建国王",
                1: "广州粤厨厨电科技有限公司",
                2: ctx.longest(ctx.pick(label) for label in INTEREST_KIND_LABELS.values()),
                3: "2026-01-01 – 2026-12-31",
                5: "zhouqiang",
                7: ctx.longest([self.tr("回避至 {day}").format(day="2026-12-31"), self.tr("待批准，回避")]),
            },
        )
        years = int(ctx.services.settings.get("consultancy_cooling_years"))
        pending = sum(1 for i in items if i.awaiting_approval) if show != "pending" else len(items)
        self.tabs.setTabText(
            1, self.tr("利益冲突申报") + (self.tr("（{n} 项待批准）").format(n=pending) if pending else "")
        )
        self.rule_label.setText(
            self.tr(
                "高风险或提供咨询（结束后 {years} 年内）：不得参与该组织的评审与评审委员会表决；"
                "中风险：应对措施经申报人和登记人以外的人员批准后方可参与；低风险：记录在案。"
            ).format(years=years)
        )
        self._update_interest_actions()

    def _update_declaration(self) -> None:
        ctx = self.context
        me = ctx.run_service(ctx.services.people.get, ctx.actor, ctx.actor.name)
        year = ctx.services.today().year
        years = [y for y in (year, year + 1) if me is not None and y not in me.declared_years]
        self.declaration_years = years
        self.sign_button.setEnabled(bool(years))
        self.sign_button.setToolTip(
            self.tr("签署 {year} 年度公正性声明").format(year=years[0])
            if years
            else self.tr("您已签署 {year} 年度和下一年度的公正性声明").format(year=year)
        )
        if me is not None and not me.declared_this_year:
            self.notice.show_text(
                self.tr(
                    "您尚未签署 {year} 年度公正性声明：签署前不能被指派到评审组，也不能参与评审委员会表决。"
                ).format(year=year),
                "warning",
            )
        else:
            self.notice.clear()

    # -- people ---------------------------------------------------------------------------------
    def selected_person(self) -> PersonView | None:
        index = self.people_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def unsaved_work(self) -> list[Unsaved]:
        """The qualification form edited and not saved (ui.guards)."""
        editor = self.editor
        if editor.person is None or not editor.changed() or self.context.explain(Action.manage_people):
            return []

        def save() -> bool:
            saved = editor.save()
            if saved is None:
                return False
            self._replace(saved)
            return True

        return [
            Unsaved(
                self.tr("{name} 的资格信息").format(name=editor.person.display_name),
                save,
                editor._on_revert_button_clicked,
            )
        ]

    def _on_person_selected(self, *_args: object) -> None:
        person = self.selected_person()
        shown = self.editor.person
        if (
            shown is not None
            and not self._reloading
            and (person is None or person.user_name != shown.user_name)
            and not settle(self, [self], self.tr("选择另一位人员"))
        ):
            # cancelled: back to the person whose form holds the typing
            self.people_view.selectionModel().blockSignals(True)
            self._select(shown.user_name)
            self.people_view.selectionModel().blockSignals(False)
            return
        self.editor.load(person)
        self.training_model.set_rows(list(person.training) if person else [])
        self.witnessed_model.set_rows(list(person.witnessed_audits) if person else [])
        fit_columns(self.training_view, {0: "2026-12-31", 2: "100"})
        fit_columns(self.witnessed_view, {0: "2026-12-31", 1: "AW2026-00000"})
        self.person_tabs.setTabText(1, self._count(self.tr("培训记录"), len(self.training_model.rows())))
        self.person_tabs.setTabText(2, self._count(self.tr("见证评价"), len(self.witnessed_model.rows())))
        reason = self.context.explain(Action.manage_people) or (
            None if person else self.tr("请先选择一位人员")
        )
        for button in (self.add_training_button, self.add_witnessed_button):
            button.setEnabled(reason is None)
            button.setToolTip(reason or "")

    @staticmethod
    def _count(title: str, n: int) -> str:
        return f"{title} ({n})" if n else title

    def _select(self, name: str) -> None:
        position = self.people_model.find(lambda p: p.user_name == name)
        if position >= 0:
            self.people_view.setCurrentIndex(self.people_model.index(position, 0))

    def _replace(self, view: PersonView) -> None:
        rows = [view if p.user_name == view.user_name else p for p in self.people_model.rows()]
        self._reloading = True  # the saved record replaces the edited one: nothing to ask about
        try:
            self.people_model.set_rows(rows)
            self._select(view.user_name)
        finally:
            self._reloading = False
        self._on_person_selected()

    def _on_save_button_clicked(self) -> None:
        saved = self.editor.save()
        if saved is not None:
            self._replace(saved)
            self.notice.show_text(self.tr("已保存 {name} 的资格信息。").format(name=saved.display_name), "ok")

    def _on_add_training_button_clicked(self) -> None:
        person, ctx = self.selected_person(), self.context
        if person is None:
            return
        request = TrainingDialog.ask(self, person.display_name, ctx.services.today())
        if request is None:
            return
        saved = ctx.run_service(
            ctx.services.people.add_training,
            ctx.actor,
            person.user_name,
            taken_on=request.taken_on,
            title=request.title,
            hours=request.hours or None,
            provider=request.provider,
        )
        if saved is not None:
            self._replace(saved)
            self.person_tabs.setCurrentIndex(1)

    def _on_add_witnessed_button_clicked(self) -> None:
        person, ctx = self.selected_person(), self.context
        if person is None:
            return
        request = WitnessedAuditDialog.ask(self, person.display_name, ctx.services.today(), ctx.lang)
        if request is None:
            return
        saved = ctx.run_service(
            ctx.services.people.add_witnessed_audit,
            ctx.actor,
            person.user_name,
            witnessed_on=request.witnessed_on,
            witness=request.witness,
            outcome=request.outcome,
            case_no=request.case_no or None,
            note=request.note,
        )
        if saved is not None:
            self._replace(saved)
            self.person_tabs.setCurrentIndex(2)

    # -- the annual declaration ------------------------------------------------------------------------
    def _on_sign_button_clicked(self) -> None:
        ctx = self.context
        if not self.declaration_years:
            return
        year = DeclarationDialog.ask(self, ctx.services.declaration_text, self.declaration_years, ctx.lang)
        if year is None:
            return
        if ctx.run_service(ctx.services.impartiality.sign, ctx.actor, year) is not None:
            self.refresh()
            self.notice.show_text(self.tr("已签署 {year} 年度公正性声明。").format(year=year), "ok")

    # -- declared interests ------------------------------------------------------------------------
    def selected_interest(self) -> InterestView | None:
        index = self.interests_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _update_interest_actions(self, *_args: object) -> None:
        ctx = self.context
        item = self.selected_interest()
        none = self.tr("请先选择一项申报")
        declare = ctx.explain(Action.declare_interest)
        self._set(self.declare_button, declare, self.tr("申报本人与某组织的利益关系"))
        end = none
        if item is not None:
            end = ctx.explain(interest_action(ctx.actor.name, item.user_name))
            if end is None and item.ends_on is not None:
                end = self.tr("该利益关系已登记于 {day} 结束").format(day=ctx.fmt_date(item.ends_on))
        self._set(self.end_button, end, self.tr("登记该利益关系结束的日期"))
        approve = none
        if item is not None:
            denial = approval_denial(
                ctx.actor.roles,
                ctx.actor.name,
                interest_id=item.id,
                person=item.user_name,
                recorded_by=item.recorded_by,
                risk=Risk(item.risk),
                approved_by=item.approved_by,
            )
            approve = None if denial is None else (denial.en if ctx.lang == "en" else denial.zh)
        self._set(self.approve_button, approve, self.tr("批准所选中风险申报的应对措施"))

    @staticmethod
    def _set(button: QPushButton, reason: str | None, tip: str) -> None:
        button.setEnabled(reason is None)
        button.setToolTip(tip if reason is None else reason)

    def _on_declare_button_clicked(self) -> None:
        ctx = self.context
        if ctx.can(Action.record_interest):
            people = [(p.user_name, p.display_name) for p in self.people_model.rows() if p.active]
        else:
            people = [(ctx.actor.name, ctx.actor.display_name)]
        years = int(ctx.services.settings.get("consultancy_cooling_years"))
        request = DeclareInterestDialog.ask(
            self, people, ctx.actor.name, ctx.services.today(), ctx.lang, years
        )
        if request is None:
            return
        done = ctx.run_service(
            ctx.services.impartiality.declare,
            ctx.actor,
            request.person,
            credit_code=request.credit_code,
            kind=request.kind,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
            risk=request.risk,
            mitigation=request.mitigation or None,
        )
        if done is not None:
            self.load_interests()
            self._select_interest(done.id)

    def _select_interest(self, interest_id: int) -> None:
        position = self.interests_model.find(lambda i: i.id == interest_id)
        if position >= 0:
            self.interests_view.setCurrentIndex(self.interests_model.index(position, 0))

    def _on_end_button_clicked(self) -> None:
        ctx, item = self.context, self.selected_interest()
        if item is None:
            return
        description = self.tr("{person} 与 {org} 的利益关系（{kind}，{start} 起）").format(
            person=item.display_name,
            org=item.organization or item.credit_code,
            kind=ctx.pick(INTEREST_KIND_LABELS[InterestKind(item.kind)]),
            start=ctx.fmt_date(item.starts_on),
        )
        day = EndInterestDialog.ask(self, description, item.starts_on, ctx.services.today())
        if day is None:
            return
        if ctx.run_service(ctx.services.impartiality.end, ctx.actor, item.id, day) is not None:
            self.load_interests()
            self._select_interest(item.id)

    def _on_approve_button_clicked(self) -> None:
        ctx, item = self.context, self.selected_interest()
        if item is None:
            return
        if ctx.run_service(ctx.services.impartiality.approve, ctx.actor, item.id) is not None:
            self.load_interests()
            self._select_interest(item.id)
