"""`package`: offline audit packages (.awp) to a laptop and back."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .common import (
    EXIT_OK,
    EXIT_REFUSED,
    Add,
    CliError,
    Context,
    Group,
    jsonable,
    output_option,
)


def cmd_package_export(ctx: Context) -> int:
    from ..services.packages import export_package

    actor = ctx.actor()
    summary = export_package(
        ctx.services(),
        actor,
        list(ctx.args.case_no),
        Path(ctx.args.output),
        signing_password=ctx.password,
        force=ctx.args.force,
    )
    codes = "".join(f"\n  {name}  {code}" for name, code in summary.laptop_codes.items())
    ctx.out(
        {
            "file": str(summary.path),
            "kind": summary.kind,
            "cases": list(summary.cases),
            "accounts": list(summary.accounts),
            "attachments": summary.attachments,
            "bytes": summary.size,
            "laptop_codes": summary.laptop_codes,
        },
        f"{summary.kind} package {summary.path}: {len(summary.cases)} case(s), {len(summary.accounts)} account(s), "
        f"{summary.attachments} attachment(s), {summary.size} bytes"
        + (
            "\none-time laptop codes (shown only now; give each member theirs — the first login on the "
            f"laptop uses it as the password and sets the laptop password):{codes}"
            if codes
            else (f"\nsigned by {actor.name}" if summary.kind == "return" else "")
        ),
    )
    return EXIT_OK


def _package_target(ctx: Context) -> str:
    if ctx.db is not None:
        return ctx.db
    from ..storage.db import default_database_path

    return str(default_database_path())


def _makes_database(ctx: Context) -> bool:
    from ..storage.db import exists

    return not exists(_package_target(ctx))


def _resolutions(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, side = item.rpartition("=")
        if not sep or side not in ("office", "package"):
            raise CliError(f"--resolve takes CONFLICT_ID=office|package, not {item!r}")
        out[key] = side
    return out


def _conflict_json(c: object) -> dict[str, object]:
    return {k: jsonable(getattr(c, k)) for k in ("id", "label", "base", "office", "package", "resolvable")}


def cmd_package_inspect(ctx: Context) -> int:
    from ..services.packages import inspect_package
    from ..storage.db import exists

    target = _package_target(ctx)
    if exists(target):
        ctx.actor()  # what a package would change here is for a logged-in user to see
    preview = inspect_package(Path(ctx.args.file), target, resolve=_resolutions(ctx.args.resolve))
    case_nos = [c.case_no for c in preview.cases]
    data = {
        "kind": preview.kind,
        "exported_by": preview.exported_by,
        "exported_at": preview.exported_at.isoformat(),
        "cases": case_nos,
        "accounts": list(preview.accounts),
        "changes": [jsonable(c) for c in preview.changes],
        "unchanged": preview.unchanged,
        "conflicts": [_conflict_json(c) for c in preview.conflicts],
    }
    ctx.out(
        data,
        lambda: (
            f"{preview.kind} package by {preview.exported_by} at {preview.exported_at:%Y-%m-%d %H:%M}: "
            f"cases {', '.join(case_nos)}; {len(preview.changes)} change(s), {preview.unchanged} unchanged, "
            f"{len(preview.conflicts)} conflict(s)"
            + "".join(
                f"\n  conflict {c.id}: {c.label}: office {c.office!r} / package {c.package!r}"
                for c in preview.conflicts
            )
        ),
    )
    return EXIT_OK


def cmd_package_import(ctx: Context) -> int:
    from ..services.packages import PackageConflicts, import_package
    from ..storage.db import exists

    target = _package_target(ctx)
    # Only the import that makes a new laptop database has no one to log in as (the service refuses
    # an import into any other database without a logged-in user).
    actor = ctx.actor() if exists(target) else None
    try:
        result = import_package(
            target, Path(ctx.args.file), actor=actor, resolve=_resolutions(ctx.args.resolve)
        )
    except PackageConflicts as exc:
        conflicts = [_conflict_json(c) for c in exc.conflicts]
        if ctx.json:
            print(
                json.dumps({"error": str(exc), "code": exc.code, "conflicts": conflicts}, ensure_ascii=False),
                file=sys.stderr,
            )
        else:
            print(f"audit-workbench: {exc}", file=sys.stderr)
            for c in exc.conflicts:
                print(f"  {c.id}: {c.label}: office {c.office!r}, package {c.package!r}", file=sys.stderr)
            print("  re-run with --resolve ID=office|package for each to choose", file=sys.stderr)
        return EXIT_REFUSED
    ctx.out(
        {
            "kind": result.kind,
            "cases": list(result.cases),
            "changes": len(result.changes),
            "unchanged": result.unchanged,
            "accounts": list(result.accounts),
            "database_created": result.database_created,
            "attachments_added": result.attachments_added,
        },
        f"imported {result.kind} package: {', '.join(result.cases)}; {len(result.changes)} change(s), "
        f"{result.attachments_added} attachment(s)"
        + (" into a new database" if result.database_created else ""),
    )
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    """The `package` commands."""
    g = group("package", "offline audit packages (.awp) to a laptop and back")
    p = add("export", cmd_package_export, "export cases for a laptop, or the laptop's results back", g)
    p.add_argument("case_no", nargs="+")
    output_option(p)
    for name, func, text in (
        ("inspect", cmd_package_inspect, "show what importing a package would change, and its conflicts"),
        (
            "import",
            cmd_package_import,
            "import a package (all or nothing; creates --db if it does not exist)",
        ),
    ):
        # a laptop's first import makes its database: nobody to log in as yet
        p = add(name, func, text, g, public=_makes_database if name == "import" else False)
        p.add_argument("file")
        p.add_argument(
            "--resolve", action="append", metavar="ID=office|package", help="settle a listed conflict"
        )
