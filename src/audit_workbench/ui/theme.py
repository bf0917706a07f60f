"""The look of the window: a CJK-capable font, the Fusion style off Windows/macOS, a light style sheet.

Only presentation lives here. Colours are few and mean something: blue for the current place,
amber for "due soon", red for "overdue/refused", green for "in force".
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from ..core import vocabulary

# Fonts that render Simplified Chinese well, in order of preference per platform.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)

ACCENT = "#1f5fbf"
ACCENT_SOFT = "#e8f0fc"
TEXT_MUTED = "#5f6b7a"
BORDER = "#d8dee6"
WINDOW_BG = "#f5f7fa"
SIDEBAR_BG = "#1b2b44"
OK = "#2e7d32"
WARN = "#b26a00"
BAD = "#c62828"

# Chart colours per case state (pipeline order), grades and certificate states.
STATE_COLOURS = {
    "draft": "#9aa5b1",
    "submitted": "#7b8fd6",
    "accepted": "#5a7bd0",
    "document_review": "#3f6fc4",
    "onsite_audit": "#2a62b8",
    "committee_review": "#7a56c0",
    "approved": "#2e9d8f",
    "certified": "#2e7d32",
    "rejected": "#c0605a",
    "withdrawn": "#b0b7c0",
    "not_certified": "#c62828",
}
# One colour per grade, the core's (core/vocabulary.py): the same in badges, tables and charts.
GRADE_COLOURS = vocabulary.GRADE_COLOURS
CERTIFICATE_COLOURS = {
    "valid": OK,
    "suspended": WARN,
    "withdrawn": BAD,
    "expired": TEXT_MUTED,
    "superseded": TEXT_MUTED,
}

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW_BG}; }}
QWidget#page {{ background: {WINDOW_BG}; }}
QListWidget#navigation {{
    background: {SIDEBAR_BG}; color: #dfe6f0; border: none; outline: none;
    padding-top: 6px; font-size: 11pt;
}}
QListWidget#navigation::item {{ padding: 10px 14px; border-left: 3px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: #27406a; color: white; border-left: 3px solid #6aa0ff;
}}
QListWidget#navigation::item:hover:!selected {{ background: #223757; }}
QLabel#brand {{ color: white; font-size: 12pt; font-weight: 600; padding: 14px 14px 2px 14px; }}
QLabel#brandSub {{ color: #9fb0c8; padding: 0 14px 12px 14px; }}
QLabel#userCard {{ color: #c9d4e3; padding: 10px 14px; border-top: 1px solid #2c4266; }}
QLabel#pageTitle {{ font-size: 17pt; font-weight: 600; color: #1c2733; }}
QLabel#pageSubtitle {{ color: {TEXT_MUTED}; }}
QLabel#sectionTitle {{ font-size: 11.5pt; font-weight: 600; color: #1c2733; }}
QFrame#card {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; }}
QLabel#cardValue {{ font-size: 22pt; font-weight: 600; color: #1c2733; }}
QLabel#cardLabel {{ color: {TEXT_MUTED}; }}
QTableView {{
    background: white; alternate-background-color: #f8fafc; gridline-color: #eef1f5;
    border: 1px solid {BORDER}; selection-background-color: {ACCENT_SOFT}; selection-color: #10233f;
}}
QHeaderView::section {{
    background: #eef2f7; color: #33404f; padding: 6px 8px; border: none;
    border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; font-weight: 600;
}}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: white; border-radius: 4px; top: -1px; }}
QTabBar::tab {{ padding: 7px 16px; border: 1px solid transparent; color: #46505c; }}
QTabBar::tab:selected {{
    background: white; border: 1px solid {BORDER}; border-bottom-color: white; color: #10233f;
    border-top-left-radius: 4px; border-top-right-radius: 4px;
}}
QGroupBox {{
    background: white; border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px;
    padding: 16px 12px 12px 12px; font-weight: 600;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #1c2733; }}
QLineEdit, QComboBox, QPlainTextEdit, QTextEdit {{ padding: 4px 6px; }}
QPushButton {{ padding: 5px 14px; }}
QPushButton#primary {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT}; border-radius: 4px; font-weight: 600;
}}
QPushButton#primary:disabled {{ background: #9db4d9; border-color: #9db4d9; }}
QLabel#errorText {{ color: {BAD}; }}
QLabel#okText {{ color: {OK}; }}
QStatusBar {{ color: {TEXT_MUTED}; }}
"""


def badge_colours(grade: str | None) -> tuple[str, str, str]:
    """Background, border and text of a grade badge, all from the grade's one colour."""
    base = QColor(vocabulary.grade_colour(grade))
    return _tint(base, 0.86), base.name(), base.darker(160).name()


def _tint(colour: QColor, amount: float) -> str:
    """`colour` mixed with white (amount 0: the colour, 1: white)."""
    r, g, b = (round(c + (255 - c) * amount) for c in (colour.red(), colour.green(), colour.blue()))
    return QColor(r, g, b).name()


def pick_font_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def apply(app: QApplication) -> None:
    """Style, font and palette for the whole application (call once, after QApplication exists)."""
    if sys.platform not in ("win32", "darwin"):
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    family = pick_font_family()
    font = QFont(family) if family else QFont(app.font())
    font.setPointSizeF(10 if sys.platform != "darwin" else 13)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(WINDOW_BG))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#fffbe6"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#1c2733"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
