"""Translations of the window: Simplified Chinese in the source, English from a shipped `.qm` file.

User-visible strings are written in Chinese with `self.tr()` or `QCoreApplication.translate()`; the
English catalogue `audit_workbench_en.qm` lives beside this module (built from
`resources/i18n/audit_workbench_en.ts` by `scripts/update_translations.py`). Qt's own strings
(standard dialog buttons, the colour picker…) come from Qt's catalogues, so that "确定/取消" read in
Chinese too. No `_` is put into builtins: every module imports what it uses (Picard's habit).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QGuiApplication

CATALOGUE_DIR = Path(__file__).resolve().parent
CATALOGUE = "audit_workbench"
LANGUAGES = ("zh", "en")

_installed: list[QTranslator] = []
_current = "zh"


def current() -> str:
    """The language whose translators are installed."""
    return _current


def catalogue_path(lang: str) -> Path:
    return CATALOGUE_DIR / f"{CATALOGUE}_{lang}.qm"


def normalize(lang: str | None) -> str:
    """'zh', 'zh_CN', 'zh-Hans' → 'zh'; anything English → 'en'; None → 'zh' (the default)."""
    if not lang:
        return "zh"
    return "en" if lang.lower().startswith("en") else "zh"


def locale_of(lang: str) -> QLocale:
    return (
        QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
        if lang == "en"
        else QLocale(QLocale.Language.Chinese, QLocale.Script.SimplifiedChineseScript, QLocale.Country.China)
    )


def install(lang: str, app: QCoreApplication | None = None) -> str:
    """Install the translators for `lang` on the application; returns the language in force.

    Calling it again replaces the previous translators (widgets re-read their texts when they are
    rebuilt; the main window is rebuilt after a language change).
    """
    global _current
    app = app or QCoreApplication.instance()
    lang = normalize(lang)
    _current = lang
    assert app is not None, "create the QApplication first"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(locale_of(lang))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_names = ["qtbase_zh_CN"] if lang == "zh" else []
    for name in qt_names:
        translator = QTranslator(app)
        if translator.load(name, qt_dir):
            app.installTranslator(translator)
            _installed.append(translator)
    if lang == "zh":
        from .qt_gaps import QtGapsTranslator

        gaps = QtGapsTranslator(app)  # the few words of Qt's own the shipped catalogue lacks
        app.installTranslator(gaps)
        _installed.append(gaps)
    if lang != "zh":
        translator = QTranslator(app)
        if translator.load(str(catalogue_path(lang))):
            app.installTranslator(translator)
            _installed.append(translator)
    if isinstance(app, QGuiApplication) and app.applicationName() == "Audit Workbench":
        # added to every window title by the window manager: in the window's language
        app.setApplicationDisplayName(QCoreApplication.translate("App", "售后服务认证工作台"))
    return lang
