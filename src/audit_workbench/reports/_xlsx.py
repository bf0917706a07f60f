"""Saving openpyxl workbooks byte-for-byte reproducibly: fixed document dates and zip timestamps."""

from __future__ import annotations

import io
import os
from datetime import datetime
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from audit_workbench.core.text import printable

EPOCH = datetime(2000, 1, 1)


class _FixedTimeZip(ZipFile):
    """A zip whose members all carry one timestamp (ZipFile.writestr would stamp the current time)."""

    def __init__(self, file: io.BytesIO, stamp: datetime) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self._stamp = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[override]
        if not isinstance(zinfo_or_arcname, ZipInfo):
            info = ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[override]
        # Should openpyxl add a file from disk, it would take the file's modification time: read it
        # and add it with our timestamp instead.
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer, with each worksheet serialised into memory instead of a temporary file.

    ExcelWriter.write_worksheet streams a sheet to a named temporary file, adds it to the archive
    and deletes it: three file system round trips per sheet, which cost more than writing the XML
    on a slow disk. The same WorksheetWriter writes into a BytesIO here; the bytes are the same.
    """

    def write_worksheet(self, ws: Worksheet) -> None:
        if self.workbook.write_only:  # not ours: keep openpyxl's way
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


def save_workbook_bytes(workbook: Workbook, stamp: datetime | None, *, creator: str, title: str) -> bytes:
    """The workbook as XLSX bytes, dated ``stamp`` (naive UTC) in its properties and its zip entries."""
    when = (stamp or EPOCH).replace(tzinfo=None, microsecond=0)
    props = workbook.properties
    props.creator = printable(creator)
    props.lastModifiedBy = printable(creator)
    props.title = printable(title)
    props.created = when
    props.modified = when
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, when)
    # The writer directly: openpyxl's save_workbook would overwrite `modified` with the clock.
    _InMemoryWriter(workbook, archive).save()
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@")


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is always stored as text, even when it starts with '=' (no formula
    injection), and a character no XML document may hold (a control character stored before the
    services refused them) is replaced, so an old row never breaks the export (core.text)."""
    if isinstance(value, str):
        value = printable(value)
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def csv_safe(value: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula (OWASP's CSV injection advice),
    without control or text-direction characters (core.text)."""
    value = printable(value)
    if value.startswith(_FORMULA_START) or value.startswith(("\t", "\r")):
        return "'" + value
    return value
