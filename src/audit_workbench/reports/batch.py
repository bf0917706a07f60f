"""Batch printing: many certificate PDFs at once on a process pool, with progress and cancel.

A plain function for a GUI worker thread or the command line: it knows nothing of Qt. It reports
``progress(done, total)`` after each certificate and stops early — without starting more work —
once ``cancel.is_set()``. The pool uses the "spawn" start method, safe to call from a process that
runs Qt or other threads. Each file is written to a temporary name and renamed, so a cancelled or
failed batch leaves no half-written PDF.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from audit_workbench.reports.certificate_pdf import render_certificate
from audit_workbench.reports.models import CertificateDoc

ProgressCallback = Callable[[int, int], None]
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class CertificateJob:
    doc: CertificateDoc
    lang: str = "zh"
    filename: str | None = None  # within out_dir; default "<certificate number>.pdf"

    @property
    def number(self) -> str:
        return self.doc.number

    def target_name(self) -> str:
        return _target_name(self.filename, self.doc.number, self.lang)

    def resolve(self) -> CertificateJob:
        return self


@dataclass(frozen=True)
class DeferredCertificateJob:
    """A certificate whose document is read only when the batch comes to it.

    The batch starts its pool at once and reads each document just before handing it to a worker,
    so reading the store overlaps rendering instead of preceding it. ``load`` runs in the calling
    process (it may hold a database session); only the finished document goes to a worker.
    """

    number: str
    load: Callable[[], CertificateDoc]
    lang: str = "zh"
    filename: str | None = None

    def target_name(self) -> str:
        return _target_name(self.filename, self.number, self.lang)

    def resolve(self) -> CertificateJob:
        doc = self.load()
        if doc.number != self.number:
            raise ValueError(f"the document read for {self.number} is certificate {doc.number}")
        return CertificateJob(doc, self.lang, self.filename)


Job = CertificateJob | DeferredCertificateJob


def _target_name(filename: str | None, number: str, lang: str) -> str:
    name = filename or f"{number}{'-en' if lang == 'en' else ''}.pdf"
    if Path(name).name != name or name in (".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"a batch file name must be a plain file name, not {name!r}")
    safe = _UNSAFE.sub("_", name).strip("._") or "certificate"
    return safe if safe.lower().endswith(".pdf") else safe + ".pdf"


@dataclass(frozen=True)
class BatchResult:
    total: int
    written: tuple[Path, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (certificate number, error message)
    cancelled: bool = False
    skipped: tuple[str, ...] = field(default=())  # numbers not rendered because of the cancel

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled


def _render_job_of(job: Job, font_path: str | None) -> bytes:
    """Read the job's certificate (when the pool is ready for it) and render it."""
    return _render_job(job.resolve(), font_path)


def _render_job(job: CertificateJob, font_path: str | None) -> bytes:
    return render_certificate(job.doc, job.lang, font_path=font_path)


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def print_batch(
    jobs: Sequence[Job],
    out_dir: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    workers: int = 2,
    font_path: str | os.PathLike[str] | None = None,
    write: Callable[[Path, bytes], None] | None = None,
) -> BatchResult:
    """Render every job's certificate into ``out_dir``; returns what was written, failed or skipped.

    A job that cannot be rendered — or whose deferred document cannot be read — is reported in
    ``failed`` and the batch goes on. ``write(path, data)`` puts a finished file in place (the
    services pass their output guard); by default a temporary file is renamed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = list(jobs)
    total = len(jobs)
    targets = [out / job.target_name() for job in jobs]
    if len(set(targets)) != len(targets):
        raise ValueError("two jobs of the batch would write the same file")
    font = os.fspath(font_path) if font_path else None
    written: list[Path] = []
    failed: list[tuple[str, str]] = []
    done = 0

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    def finish(index: int, outcome: Callable[[], bytes]) -> None:
        nonlocal done
        try:
            (write or _write)(targets[index], outcome())
            written.append(targets[index])
        except Exception as exc:  # one bad certificate must not stop the batch
            failed.append((jobs[index].number, f"{exc.__class__.__name__}: {exc}"))
        done += 1
        if progress is not None:
            progress(done, total)

    if total == 0:
        return BatchResult(total=0)
    if workers <= 1 or total == 1:
        for index, job in enumerate(jobs):
            if cancelled():
                break
            finish(index, functools.partial(_render_job_of, job, font))
    else:
        # The pool starts first: its workers spawn while the first documents are read.
        pool = ProcessPoolExecutor(max_workers=min(workers, total), mp_context=get_context("spawn"))
        try:
            pending: dict[Future[bytes], int] = {}
            queue = iter(range(total))
            in_flight = 2 * min(workers, total)  # bounded, so a cancel stops quickly

            def refill() -> None:
                while len(pending) < in_flight and not cancelled():
                    index = next(queue, None)
                    if index is None:
                        return
                    try:
                        job = jobs[index].resolve()
                    except Exception as exc:  # reported like a failed rendering
                        finish(index, functools.partial(_reraise, exc))
                        continue
                    pending[pool.submit(_render_job, job, font)] = index

            refill()
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(pending.pop(future), future.result)
                if cancelled():
                    for future in pending:
                        future.cancel()
                    # Work already running is let finish and kept: its files are complete.
                    for future in list(pending):
                        if not future.cancelled():
                            finish(pending[future], future.result)
                    pending.clear()
                    break
                refill()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    written_set = set(written)
    failed_numbers = {number for number, _ in failed}
    skipped = tuple(
        job.number
        for job, target in zip(jobs, targets, strict=True)
        if target not in written_set and job.number not in failed_numbers
    )
    return BatchResult(
        total=total,
        written=tuple(written),
        failed=tuple(failed),
        cancelled=bool(skipped) and cancelled(),
        skipped=skipped,
    )


def _reraise(exc: BaseException) -> bytes:
    raise exc
