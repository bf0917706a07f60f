"""`rubric`: the installed scoring rubrics and checking a rubric file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import Refused
from .common import (
    EXIT_OK,
    Add,
    Context,
    Group,
    jsonable,
)


def _rubric_registry(ctx: Context) -> Any:
    from ..core.datafiles import rubrics_dir
    from ..core.rubric import RubricRegistry

    return RubricRegistry(rubrics_dir())


def cmd_rubric_list(ctx: Context) -> int:
    registry = _rubric_registry(ctx)
    rows = [
        {
            "id": r.id,
            "title": r.rubric.title.zh,
            "title_en": r.rubric.title.en,
            "enterprise_type": r.rubric.enterprise_type.value if r.rubric.enterprise_type else None,
            "categories": len(r.rubric.categories),
            "indicators": len(r.rubric.indicator_codes),
            "sha256": r.sha256,
        }
        for r in registry.all()
    ]
    ctx.out(
        rows,
        lambda: "\n".join(
            f"{r['id']:28} {r['enterprise_type'] or 'any':10} {r['categories']} categories, {r['indicators']} indicators  {r['title']}"
            for r in rows
        ),
    )
    return EXIT_OK


def rubric_json(loaded: Any) -> dict[str, Any]:
    r = loaded.rubric
    return {
        "id": r.id,
        "title": r.title.zh,
        "title_en": r.title.en,
        "standard": r.standard,
        "enterprise_type": r.enterprise_type.value if r.enterprise_type else None,
        "max_points": jsonable(r.max_points),
        "sha256": loaded.sha256,
        "points_basis": r.points_basis.zh,
        "grades": [
            {"grade": g.grade.value, "label": g.label.zh, "min_score": jsonable(g.min_score)}
            for g in r.grades
        ],
        "categories": [
            {
                "code": c.code,
                "name": c.name.zh,
                "name_en": c.name.en,
                "max_points": jsonable(c.max_points),
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name.zh,
                        "name_en": i.name.en,
                        "max_points": jsonable(i.max_points),
                        "sampled": i.sampled,
                    }
                    for i in c.indicators
                ],
            }
            for c in r.categories
        ],
    }


def cmd_rubric_show(ctx: Context) -> int:
    registry = _rubric_registry(ctx)
    try:
        loaded = registry.get(ctx.args.id)
    except KeyError:
        raise Refused(
            "unknown_rubric",
            f"unknown rubric {ctx.args.id!r}; installed: {', '.join(registry.ids())}",
            f"未知评价规则 {ctx.args.id}；已安装：{'、'.join(registry.ids())}",
        ) from None
    data = rubric_json(loaded)

    def text() -> str:
        lines = [f"{data['id']}  {data['title']}", f"  {data['standard']}", f"  sha256 {data['sha256']}"]
        for c in data["categories"]:
            lines.append(f"  {c['code']:4} {c['name']}  ({jsonable(c['max_points'])})")
            for i in c["indicators"]:
                lines.append(
                    f"    {i['code']:6} {i['name']:12} {i['max_points']}{'  [sampled]' if i['sampled'] else ''}"
                )
        lines.append("  grades: " + ", ".join(f"{g['label']} ≥{g['min_score']}" for g in data["grades"]))
        return "\n".join(lines)

    ctx.out(data, text)
    return EXIT_OK


def cmd_rubric_check(ctx: Context) -> int:
    from ..core.rubric import RubricError, load_rubric

    try:
        loaded = load_rubric(Path(ctx.args.file))
    except RubricError as exc:
        raise Refused("bad_rubric", str(exc), f"评价规则文件无效：{exc}") from None
    ctx.out(
        {
            "ok": True,
            "id": loaded.id,
            "sha256": loaded.sha256,
            "indicators": len(loaded.rubric.indicator_codes),
        },
        f"{ctx.args.file}: valid rubric {loaded.id} ({len(loaded.rubric.indicator_codes)} indicators)",
    )
    return EXIT_OK


def register(add: Add, group: Group) -> None:
    """The `rubric` commands."""
    g = group("rubric", "scoring rubrics")
    # the installed rubrics are the program's, not the body's records
    add("list", cmd_rubric_list, "list installed rubrics", g, public=True)
    add("show", cmd_rubric_show, "show a rubric's categories and indicators", g, public=True).add_argument(
        "id"
    )
    add("check", cmd_rubric_check, "validate a rubric file", g, public=True).add_argument("file")
