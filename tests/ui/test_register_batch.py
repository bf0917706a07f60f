"""Batch printing from the register: the selected (or all valid) certificates as PDFs in a folder
chosen through `OutputFolder.ask` (replaced), a summary when done, clerks only."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel

from audit_workbench.ui.pages import register as register_module
from audit_workbench.ui.pages.register import RegisterPage

pytestmark = pytest.mark.gui


def _choose(monkeypatch, folder: Path | None) -> list[str]:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def ask(cls, parent, title):  # type: ignore[no-untyped-def]
        asked.append(title)
        return folder

    monkeypatch.setattr(register_module.OutputFolder, "ask", classmethod(ask))
    return asked


def _select(page: RegisterPage, numbers: list[str]) -> None:
    selection = page.view.selectionModel()
    selection.clearSelection()
    for number in numbers:
        position = page.model.find(lambda v, n=number: v.number == n)
        index = page.proxy.mapFromSource(page.model.index(position, 0))
        selection.select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )


def test_batch_prints_one_pdf_per_selected_certificate(
    qtbot, monkeypatch, messages, services, ui_context, team, make_case, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    numbers = [services.cases.get(make_case("certified")).certificate.number for _ in range(3)]
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.print_batch_button.isEnabled()
    out = tmp_path / "pdf"
    asked = _choose(monkeypatch, out)
    _select(page, numbers[:2])

    page.print_batch_button.click()

    assert asked == ["选择保存证书 PDF 的文件夹"]
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.stem for p in pdfs] == sorted(numbers[:2])
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert not messages.warnings
    ((title, text),) = messages.informations
    assert title == "批量打印完成"
    assert "已生成 2 份证书 PDF" in text and str(out) in text


def test_without_a_selection_every_valid_certificate_is_printed(
    qtbot, monkeypatch, messages, services, ui_context, team, make_case, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    valid, suspended = (services.cases.get(make_case("certified")).certificate.number for _ in range(2))
    services.certificates.suspend(team.clerk, suspended, "监督审核逾期", code="0199")
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.view.selectionModel().clearSelection()
    _choose(monkeypatch, tmp_path / "pdf")

    page.print_batch_button.click()

    assert [p.stem for p in (tmp_path / "pdf").glob("*.pdf")] == [valid]
    assert "已生成 1 份证书 PDF" in messages.informations[-1][1]


def test_a_cancelled_folder_choice_prints_nothing(
    qtbot, monkeypatch, messages, services, ui_context, team, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case("certified")
    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    _choose(monkeypatch, None)
    page.print_batch_button.click()
    assert not messages.informations and not messages.warnings


def test_others_see_the_button_disabled_with_the_reason(
    qtbot, monkeypatch, services, ui_context, team, make_case
) -> None:  # type: ignore[no-untyped-def]
    make_case("certified")
    context = ui_context(team.leader)
    page = RegisterPage(context)
    qtbot.addWidget(page)
    assert not page.print_batch_button.isEnabled()
    reason = context.explain("manage_certificate")
    assert reason
    assert page.print_batch_button.toolTip() == reason
