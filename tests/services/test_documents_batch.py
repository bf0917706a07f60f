"""Printing many certificates through the service: numbers checked first, documents read as the
batch goes, files identical to printing one certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit_workbench.core.errors import NotFound
from audit_workbench.services import Services

from ..conftest import CaseMaker, Team, dump


@pytest.fixture
def numbers(services: Services, team: Team, make_case: CaseMaker) -> list[str]:
    for _ in range(3):
        make_case("certified")
    return [c.number for c in services.certificates.list()]


def test_an_unknown_number_is_refused_before_anything_is_written(
    services: Services, numbers: list[str], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    before = dump(db_path)
    with pytest.raises(NotFound) as info:
        services.documents.print_batch([numbers[0], "AWB-1999-0001", numbers[1]], out, workers=1)
    assert "AWB-1999-0001" in str(info.value)
    assert not out.exists()
    assert dump(db_path) == before


def test_each_certificate_is_read_when_the_batch_comes_to_it(
    services: Services, numbers: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, object]] = []
    read = services.documents.certificate_doc

    def certificate_doc(number: str):  # type: ignore[no-untyped-def]
        events.append(("read", number))
        return read(number)

    monkeypatch.setattr(services.documents, "certificate_doc", certificate_doc)
    result = services.documents.print_batch(
        numbers, tmp_path, progress=lambda done, total: events.append(("done", done)), workers=1
    )
    assert result.ok and [p.name for p in result.written] == [f"{n}.pdf" for n in numbers]
    # Read, print, read, print: no document is read long before its turn.
    assert events == [
        e for n, i in zip(numbers, range(1, 4), strict=True) for e in (("read", n), ("done", i))
    ]
    monkeypatch.undo()
    assert (tmp_path / f"{numbers[1]}.pdf").read_bytes() == services.documents.certificate_pdf(numbers[1])


def test_an_empty_batch_writes_nothing(services: Services, team: Team, tmp_path: Path) -> None:
    result = services.documents.print_batch([], tmp_path / "out", workers=2)
    assert result.ok and result.total == 0 and not result.written
