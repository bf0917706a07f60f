"""Rubric files a database holds besides the installed ones: those that checkout packages brought.

A laptop may lack (or hold another revision of) a rubric a case is pinned to; the checkout stores the
pinned file's bytes in a setting `rubric:<id>` with its SHA-256, and the services score against it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import func, select

from ..core.rubric import LoadedRubric, RubricRegistry, installed_registry, parse_rubric
from ..storage import models as m
from ..storage.db import Database

RUBRIC_PREFIX = "rubric:"


def _installed_rubrics() -> RubricRegistry:
    return installed_registry()


def packaged_rubrics(database: Database) -> tuple[LoadedRubric, ...]:
    """The rubric files that checkout packages stored in this database (for rubrics not installed)."""
    out = []
    with database.reading() as session:
        rows = session.scalars(select(m.Setting).where(m.Setting.key.like(RUBRIC_PREFIX + "%"))).all()
        for row in rows:
            stored = json.loads(row.value)
            rubric_id = row.key[len(RUBRIC_PREFIX) :]
            data = stored["yaml"].encode("utf-8")
            if hashlib.sha256(data).hexdigest() != stored["sha256"]:
                continue  # altered in the database: never score against it
            rubric = parse_rubric(data, f"{rubric_id}.yaml", expected_id=rubric_id)
            out.append(LoadedRubric(rubric=rubric, sha256=stored["sha256"], path=Path(f"{rubric_id}.yaml")))
    return tuple(out)


def rubric_registry_for(database: Database, base: RubricRegistry | None = None) -> RubricRegistry:
    """The installed rubrics (or `base`) together with the ones packages brought into `database`."""
    installed = base if base is not None else _installed_rubrics()
    extra = packaged_rubrics(database)
    if not extra:
        return installed
    return installed.with_extra(extra)


def registry_for(database: Database) -> RubricRegistry:
    """The installed rubrics, plus any that an audit package brought into this database."""
    installed = installed_registry()
    with database.reading() as session:
        packaged = session.scalar(
            select(func.count()).select_from(m.Setting).where(m.Setting.key.like(RUBRIC_PREFIX + "%"))
        )
    if not packaged:
        return installed
    return installed.with_extra(packaged_rubrics(database))
