"""The public certificate query for a body's own website: the fields CNCA shows publicly (certificate
number, organisation, status, dates, scope, grade), as CSV or as one self-contained HTML page.

The CSV is UTF-8 with a byte-order mark and CRLF line ends (Excel on a Chinese Windows opens it);
text a spreadsheet would run as a formula is neutralised. The HTML escapes every value and carries no
script: a page to upload as it is.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date

from audit_workbench.reports._common import label
from audit_workbench.reports._xlsx import csv_safe
from audit_workbench.reports.models import RegisterRow

HEADERS = ("证书编号", "获证组织", "证书状态", "颁证日期", "有效期至", "认证范围", "认证等级")


def _cells(row: RegisterRow) -> list[str]:
    return [
        row.number,
        row.organization,
        label("certificate_status", row.status, "zh"),
        row.issued_on.isoformat(),
        row.expires_on.isoformat(),
        row.scope,
        row.grade_label,
    ]


def render_public_csv(rows: Sequence[RegisterRow]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in _cells(row)])
    return out.getvalue().encode("utf-8-sig")


def render_public_html(rows: Sequence[RegisterRow], body_name: str, as_of: date) -> bytes:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in _cells(row)) + "</tr>" for row in rows
    )
    title = f"{body_name} 获证组织名录"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #1b2430; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #b7bfca; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #1b355c; color: #fff; }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p>截至 {as_of.isoformat()}，共 {len(rows)} 张证书。</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")
