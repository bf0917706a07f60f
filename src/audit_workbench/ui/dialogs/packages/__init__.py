"""Offline audit packages in the window: 文件 › 带到现场笔记本… and 文件 › 带回评审结果….

Take cases to a laptop: `ExportCasesDialog` lists the cases this user may take out (document review
or on-site audit: a clerk any, an auditor those of his audit team; on the laptop an auditor may also
tick the cases concluded there, whose results then go back), `PackageFile.ask_save` names the .awp,
and `services.packages.export_package` writes it in the background with a cancellable progress
dialog. The same entry on the laptop writes the *return* package of the results.

Bring results back: `PackageFile.ask_open` picks an .awp; `inspect_package` validates it against this
database in the background; `PackagePreviewDialog` shows the cases, every change (record, old → new)
and every conflict with this database's value and the package's side by side and a choice for each
(a conflict that cannot be settled one by one is shown with its reason, and blocks the import).
导入 runs `import_package` with those choices in the background, then every page of the window
reloads. A refused package (damaged, hostile, already imported) shows the service's message; the
service guarantees that nothing changed.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actions import PackageActions, PackageFile, reload_window, with_awp_suffix
    from .choose import CaseChoiceModel, ExportCasesDialog, exportable_cases
    from .preview import ConflictCard, PackagePreviewDialog
    from .records import (
        action_label,
        change_texts,
        conflict_reason,
        differing,
        field_name,
        field_text,
        record_label,
        shown_fields,
        value_summary,
        who_and_when,
    )

# Each name is imported from its module on first use (PEP 562): the main window makes its 文件 menu
# entries at start (`PackageActions`), the dialogs behind them wait until one is opened.
_FROM = {
    name: module
    for module, names in {
        "actions": ("PackageActions", "PackageFile", "reload_window", "with_awp_suffix"),
        "choose": ("CaseChoiceModel", "ExportCasesDialog", "exportable_cases"),
        "preview": ("ConflictCard", "PackagePreviewDialog"),
        "records": (
            "action_label",
            "change_texts",
            "conflict_reason",
            "differing",
            "field_name",
            "field_text",
            "record_label",
            "shown_fields",
            "value_summary",
            "who_and_when",
        ),
    }.items()
    for name in names
}

__all__ = [
    "CaseChoiceModel",
    "ConflictCard",
    "ExportCasesDialog",
    "PackageActions",
    "PackageFile",
    "PackagePreviewDialog",
    "action_label",
    "change_texts",
    "conflict_reason",
    "differing",
    "exportable_cases",
    "field_name",
    "field_text",
    "record_label",
    "reload_window",
    "shown_fields",
    "value_summary",
    "who_and_when",
    "with_awp_suffix",
]


def __getattr__(name: str) -> Any:
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
