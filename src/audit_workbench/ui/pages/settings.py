"""Settings and users (系统设置), for administrators: the certification body, certificate numbers,
the committee quorum, the language, and the user accounts with their roles."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action
from ...services.users import UserView
from ..context import Messages, UiContext
from ..dialogs.users import AddUserDialog, PasswordDialog, RolesDialog
from ..guards import Unsaved
from ..models.rows import ROW_ROLE, Column, RowTableModel
from ..theme import BAD, TEXT_MUTED
from ..widgets.common import SP, PageHeader, fit_columns, set_up_table, std_icon

EDITED_SETTINGS = (
    "body_name",
    "body_name_en",
    "body_address",
    "certificate_number_pattern",
    "committee_quorum",
    "nonconformity_days",
    "language",
)
# What CNCA's monthly report needs of the body (the `setting set` keys of the same names).
CNCA_SETTINGS = (
    "cnca_approval_no",
    "cnca_project_code",
    "cnca_service_area",
    "cnca_branch",
    "cnca_plan_prefix",
    "cnca_reporting_from",
)


class SettingsPage(QWidget):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.header = PageHeader(
            self.tr("系统设置"), self.tr("认证机构信息、证书编号、评审委员会法定人数与用户管理")
        )

        # -- the body ---------------------------------------------------------------------------
        self.body_name_edit = QLineEdit()
        self.body_name_en_edit = QLineEdit()
        self.body_address_edit = QLineEdit()
        self.pattern_edit = QLineEdit()
        self.pattern_edit.setToolTip(
            self.tr("用 {year} 表示年份，{seq:05d} 表示当年的流水号（5 位，不足补零）")
        )
        self.pattern_preview = QLabel()
        self.pattern_preview.setObjectName("pageSubtitle")
        self.quorum_spin = QSpinBox()
        self.quorum_spin.setRange(1, 99)
        self.quorum_spin.setToolTip(self.tr("收齐多少张表决票后作出决定；多数决，平票退回"))
        self.nc_days_spin = QSpinBox()
        self.nc_days_spin.setRange(1, 99)
        self.nc_days_spin.setSuffix(self.tr(" 天"))
        self.language_combo = QComboBox()
        self.language_combo.addItem("简体中文", "zh")
        self.language_combo.addItem("English", "en")
        self.save_button = QPushButton(std_icon(SP.SP_DialogSaveButton), self.tr("保存设置"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.revert_button = QPushButton(self.tr("撤销修改"))
        self.revert_button.clicked.connect(self.load_settings)
        self.pattern_edit.textChanged.connect(self._on_pattern_edit_text_changed)
        context.guard(self.save_button, Action.manage_settings)

        body = QGroupBox(self.tr("认证机构"))
        form = QFormLayout(body)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("机构名称"), self.body_name_edit)
        form.addRow(self.tr("英文名称"), self.body_name_en_edit)
        form.addRow(self.tr("地址"), self.body_address_edit)
        rules = QGroupBox(self.tr("证书与评审"))
        form2 = QFormLayout(rules)
        form2.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form2.setHorizontalSpacing(14)
        form2.setVerticalSpacing(10)
        form2.addRow(self.tr("证书编号格式"), self.pattern_edit)
        form2.addRow("", self.pattern_preview)
        form2.addRow(self.tr("评审委员会法定票数"), self.quorum_spin)
        form2.addRow(self.tr("不符合项整改期限"), self.nc_days_spin)
        form2.addRow(self.tr("界面语言"), self.language_combo)
        cnca = QGroupBox(self.tr("CNCA 上报"))
        form3 = QFormLayout(cnca)
        form3.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form3.setHorizontalSpacing(14)
        form3.setVerticalSpacing(10)
        self.cnca_edits: dict[str, QLineEdit] = {key: QLineEdit() for key in CNCA_SETTINGS}
        for key, text in zip(
            CNCA_SETTINGS,
            (
                self.tr("认证机构批准号"),
                self.tr("认证项目分类代码"),
                self.tr("服务认证领域代码"),
                self.tr("实施审核的分支机构"),
                self.tr("审核计划编号前缀"),
                self.tr("上报起始月份"),
            ),
            strict=True,
        ):
            form3.addRow(text, self.cnca_edits[key])
        self.cnca_edits["cnca_branch"].setPlaceholderText(self.tr("无分支机构时留空（填机构名称）"))
        self.cnca_edits["cnca_reporting_from"].setPlaceholderText(self.tr("YYYY-MM，留空表示全部历史"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        left = QVBoxLayout()
        left.setSpacing(12)
        left.addWidget(body)
        left.addWidget(rules)
        left.addLayout(buttons)
        left.addStretch(1)

        # -- users ------------------------------------------------------------------------------
        self.users_model: RowTableModel[UserView] = RowTableModel(self._user_columns())
        self.users_view = QTableView()
        self.users_view.setModel(self.users_model)
        set_up_table(self.users_view, stretch_column=2, sortable=False)
        self.users_view.selectionModel().currentRowChanged.connect(self._update_user_actions)
        self.users_view.doubleClicked.connect(self._on_roles_button_clicked)
        self.add_user_button = QPushButton(std_icon(SP.SP_FileIcon), self.tr("新增用户…"))
        self.roles_button = QPushButton(self.tr("设置角色…"))
        self.active_button = QPushButton(self.tr("停用"))
        self.password_button = QPushButton(self.tr("重置密码…"))
        self.unlock_button = QPushButton(self.tr("解除登录等待"))
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.add_user_button.clicked.connect(self._on_add_user_button_clicked)
        self.roles_button.clicked.connect(self._on_roles_button_clicked)
        self.active_button.clicked.connect(self._on_active_button_clicked)
        self.password_button.clicked.connect(self._on_password_button_clicked)
        users_box = QGroupBox(self.tr("用户与角色"))
        users_layout = QVBoxLayout(users_box)
        user_buttons = QHBoxLayout()
        for button in (
            self.add_user_button,
            self.roles_button,
            self.active_button,
            self.password_button,
            self.unlock_button,
        ):
            user_buttons.addWidget(button)
        user_buttons.addStretch(1)
        users_layout.addLayout(user_buttons)
        users_layout.addWidget(self.users_view, 1)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 2)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(cnca)  # saved with the settings on the left
        right.addWidget(users_box, 1)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addLayout(columns, 1)
        self.refresh()

    def _user_columns(self) -> list[Column[UserView]]:
        c = self.context
        sep = "、" if c.lang == "zh" else ", "
        return [
            Column(self.tr("用户名"), lambda u: u.name),
            Column(self.tr("姓名"), lambda u: u.display_name),
            Column(self.tr("角色"), lambda u: sep.join(c.role_label(r) for r in u.roles)),
            Column(
                self.tr("状态"),
                lambda u: (
                    (self.tr("在用") if u.active else self.tr("已停用"))
                    + (self.tr("（登录需等待）") if self._waiting(u) else "")
                ),
                colour=lambda u: (
                    None if u.active and not self._waiting(u) else (TEXT_MUTED if not u.active else BAD)
                ),
            ),
        ]

    # -- settings ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.load_settings()
        self.load_users()

    def load_settings(self) -> None:
        values = self.context.services.settings.all()
        self.body_name_edit.setText(str(values["body_name"]))
        self.body_name_en_edit.setText(str(values["body_name_en"]))
        self.body_address_edit.setText(str(values["body_address"]))
        self.pattern_edit.setText(str(values["certificate_number_pattern"]))
        self.quorum_spin.setValue(int(values["committee_quorum"]))
        self.nc_days_spin.setValue(int(values["nonconformity_days"]))
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(values["language"])))
        for key, edit in self.cnca_edits.items():
            edit.setText(str(values[key]))

    def edited_values(self) -> dict[str, Any]:
        return {
            "body_name": self.body_name_edit.text().strip(),
            "body_name_en": self.body_name_en_edit.text().strip(),
            "body_address": self.body_address_edit.text().strip(),
            "certificate_number_pattern": self.pattern_edit.text().strip(),
            "committee_quorum": self.quorum_spin.value(),
            "nonconformity_days": self.nc_days_spin.value(),
            "language": self.language_combo.currentData(),
            **{key: edit.text().strip() for key, edit in self.cnca_edits.items()},
        }

    def _on_pattern_edit_text_changed(self, text: str) -> None:
        try:
            example = text.format(year=self.context.services.today().year, seq=1)
        except (KeyError, IndexError, ValueError):
            self.pattern_preview.setText(self.tr("格式无效：请使用 {year} 和 {seq}"))
            return
        self.pattern_preview.setText(self.tr("示例：{example}").format(example=example))

    def _on_save_button_clicked(self) -> None:
        self.save_settings()

    def save_settings(self) -> bool:
        stored = self.context.services.settings.all()
        changed = {k: v for k, v in self.edited_values().items() if stored.get(k) != v}
        if not changed:
            return True
        for key, value in changed.items():
            if (
                self.context.run_service(self.context.services.settings.set, self.context.actor, key, value)
                is None
            ):
                return False
        message = self.tr("设置已保存。")
        if "language" in changed:
            message += "\n" + self.tr("界面语言将在下次启动时生效。")
        Messages.information(self, self.tr("系统设置"), message)
        self.load_settings()
        return True

    def changed_elsewhere(self, changes: list[Any], complete: bool = True) -> None:
        """Users or settings changed elsewhere: the users list reloads; the settings form too, unless
        it holds edits (they are saved against what is stored then, and said if refused)."""
        self.load_users()
        if complete and not any(c.entity == "setting" for c in changes):
            return
        if not self.unsaved_work():
            self.load_settings()

    def unsaved_work(self) -> list[Unsaved]:
        """The settings form edited and not saved."""
        if not self.context.can(Action.manage_settings):
            return []
        stored = self.context.services.settings.all()
        if not any(stored.get(k) != v for k, v in self.edited_values().items()):
            return []
        return [Unsaved(self.tr("系统设置的修改"), self.save_settings, self.load_settings)]

    # -- users ------------------------------------------------------------------------------------
    def load_users(self) -> None:
        current = self.selected_user()
        self.users_model.set_rows(self.context.services.users.list())
        fit_columns(
            self.users_view, {0: "zhouqiang____", 1: "王建国____", 3: self.tr("已停用（登录需等待）")}
        )
        if current is not None:
            position = self.users_model.find(lambda u: u.name == current.name)
            if position >= 0:
                self.users_view.setCurrentIndex(self.users_model.index(position, 0))
        self._update_user_actions()

    def selected_user(self) -> UserView | None:
        index = self.users_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def _update_user_actions(self, *_args: object) -> None:
        role_reason = self.context.explain(Action.manage_users)
        user = self.selected_user()
        no_user = self.tr("请先选择一位用户")
        self._set(self.add_user_button, role_reason, self.tr("新增一位用户并分配角色"))
        self._set(
            self.roles_button,
            role_reason or (no_user if user is None else None),
            self.tr("修改所选用户的角色"),
        )
        self._set(
            self.password_button,
            role_reason or (no_user if user is None else None),
            self.tr("为所选用户设置新密码"),
        )
        reason = role_reason or (no_user if user is None else None)
        if reason is None and user is not None and user.name == self.context.actor.name:
            reason = self.tr("不能停用自己")
        self.active_button.setText(
            self.tr("启用") if user is not None and not user.active else self.tr("停用")
        )
        self._set(self.active_button, reason, self.tr("停用或重新启用所选用户"))
        waiting = role_reason or (no_user if user is None else None)
        if waiting is None and user is not None and not self._waiting(user):
            waiting = self.tr("所选用户无需等待即可登录")
        self._set(self.unlock_button, waiting, self.tr("清除所选用户的登录失败次数与等待时间"))

    def _waiting(self, user: UserView) -> bool:
        """Whether the user must wait before the next login try (after repeated failures)."""
        return user.locked_until is not None and user.locked_until > self.context.services.now()

    def _on_unlock_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        if self.context.run_service(self.context.services.users.unlock, self.context.actor, user.name):
            self.load_users()

    @staticmethod
    def _set(button: QPushButton, reason: str | None, tip: str) -> None:
        button.setEnabled(reason is None)
        button.setToolTip(tip if reason is None else reason)

    def _on_add_user_button_clicked(self) -> None:
        ctx = self.context
        done = AddUserDialog.ask(
            ctx,
            self,
            submit=lambda new: ctx.services.users.add(
                ctx.actor, new.name, new.password, new.roles, new.display_name
            ),
        )
        if done is not None:
            ctx.forget_people()
            self.load_users()

    def _on_roles_button_clicked(self, *_args: object) -> None:
        user = self.selected_user()
        if user is None or not self.context.can(Action.manage_users):
            return
        ctx = self.context
        done = RolesDialog.ask(
            ctx,
            user.name,
            user.roles,
            self,
            submit=lambda roles: ctx.services.users.set_roles(ctx.actor, user.name, roles),
        )
        if done is not None:
            self.load_users()

    def _on_active_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        if user.active and not Messages.confirm(
            self,
            self.tr("停用用户"),
            self.tr("停用用户 {name}？停用后该用户不能登录。").format(name=user.name),
        ):
            return
        if self.context.run_service(
            self.context.services.users.set_active, self.context.actor, user.name, not user.active
        ):
            self.load_users()

    def _on_password_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        ctx = self.context
        done = PasswordDialog.ask(
            ctx.person(user.name),
            self,
            submit=lambda password: (
                ctx.services.users.change_password(ctx.actor, user.name, password) or True
            ),
        )
        if done is not None:
            Messages.information(
                self, self.tr("重置密码"), self.tr("已为 {name} 设置新密码。").format(name=user.name)
            )
