"""Batch printing on a process pool: all files written, progress reported, cancel honoured."""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader

from audit_workbench.reports.batch import CertificateJob, DeferredCertificateJob, print_batch
from audit_workbench.reports.certificate_pdf import render_certificate

from .report_samples import certificate_doc


@pytest.fixture(scope="module")
def jobs(signing_key):
    return [
        CertificateJob(certificate_doc(signing_key, number=f"AWB-2025-{n:04d}", seal=n % 2 == 0))
        for n in range(1, 7)
    ]


@pytest.mark.slow
def test_batch_on_two_processes_writes_every_certificate(jobs, tmp_path) -> None:
    calls: list[tuple[int, int]] = []
    result = print_batch(
        jobs,
        tmp_path,
        progress=lambda done, total: calls.append((done, total)),
        cancel=threading.Event(),
        workers=2,
    )
    assert result.ok and not result.failed and not result.skipped
    assert calls == [(n, 6) for n in range(1, 7)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"AWB-2025-{n:04d}.pdf" for n in range(1, 7)]
    # The pool's output is exactly what rendering in this process gives.
    assert (tmp_path / "AWB-2025-0003.pdf").read_bytes() == render_certificate(jobs[2].doc)
    assert len(PdfReader(tmp_path / "AWB-2025-0001.pdf").pages) == 1


@pytest.mark.slow
def test_cancel_stops_the_batch_early(jobs, tmp_path) -> None:
    cancel = threading.Event()
    many = [CertificateJob(job.doc, filename=f"{i:02d}.pdf") for i, job in enumerate(jobs * 4)]

    def progress(done: int, total: int) -> None:
        if done == 1:
            cancel.set()

    result = print_batch(many, tmp_path, progress=progress, cancel=cancel, workers=2)
    assert result.cancelled and not result.ok
    assert 1 <= len(result.written) < len(many)
    assert len(result.written) + len(result.skipped) == len(many)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in result.written)  # no half-written .part files left
    for path in result.written:
        assert path.read_bytes().startswith(b"%PDF")


def test_inline_batch_reports_a_bad_job_and_goes_on(jobs, tmp_path) -> None:
    broken = CertificateJob(certificate_doc_without_payload(jobs[0]), filename="broken.pdf")
    result = print_batch([jobs[0], broken, jobs[1]], tmp_path, workers=1)
    assert [p.name for p in result.written] == ["AWB-2025-0001.pdf", "AWB-2025-0002.pdf"]
    assert len(result.failed) == 1 and result.failed[0][0] == jobs[0].doc.number
    assert not result.cancelled and not result.ok


def certificate_doc_without_payload(job: CertificateJob):
    import dataclasses

    return dataclasses.replace(job.doc, qr_payload="x" * 10_000)  # too long for a QR code


def test_file_names_cannot_escape_the_folder(jobs, tmp_path) -> None:
    with pytest.raises(ValueError, match="plain file name"):
        print_batch([CertificateJob(jobs[0].doc, filename="../evil.pdf")], tmp_path)
    with pytest.raises(ValueError, match="same file"):
        print_batch([jobs[0], jobs[0]], tmp_path)
    assert print_batch([], tmp_path).total == 0


def _deferred(jobs, events: list[tuple[str, str]]) -> list[DeferredCertificateJob]:
    def loader(job: CertificateJob):
        def load():
            events.append(("read", job.doc.number))
            return job.doc

        return load

    return [DeferredCertificateJob(job.doc.number, loader(job)) for job in jobs]


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_deferred_documents_are_read_as_the_batch_goes(jobs, tmp_path, workers) -> None:
    events: list[tuple[str, str]] = []
    many = jobs * 2
    deferred = [
        DeferredCertificateJob(job.number, job.load, filename=f"{i:02d}.pdf")
        for i, job in enumerate(_deferred(many, events))
    ]
    result = print_batch(
        deferred, tmp_path, progress=lambda done, _: events.append(("done", str(done))), workers=workers
    )
    assert result.ok and len(result.written) == len(many)
    reads = [i for i, event in enumerate(events) if event[0] == "read"]
    assert len(reads) == len(many)
    # Not all read up front: the last documents are read after the first certificates are written.
    assert events.index(("done", "1")) < reads[-1]
    if workers == 1:
        assert events[:4] == [
            ("read", many[0].doc.number),
            ("done", "1"),
            ("read", many[1].doc.number),
            ("done", "2"),
        ]
    assert (tmp_path / "03.pdf").read_bytes() == render_certificate(many[3].doc)


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_a_document_that_cannot_be_read_is_reported_and_the_batch_goes_on(jobs, tmp_path, workers) -> None:
    def gone():
        raise LookupError("certificate withdrawn meanwhile")

    deferred = _deferred(jobs[:3], [])
    batch = [
        deferred[0],
        DeferredCertificateJob("AWB-2025-0099", gone),
        DeferredCertificateJob("AWB-2025-0098", lambda: jobs[2].doc),  # the wrong document
        deferred[1],
    ]
    calls: list[int] = []
    result = print_batch(batch, tmp_path, progress=lambda done, _: calls.append(done), workers=workers)
    assert sorted(p.name for p in result.written) == ["AWB-2025-0001.pdf", "AWB-2025-0002.pdf"]
    assert dict(result.failed) == {
        "AWB-2025-0099": "LookupError: certificate withdrawn meanwhile",
        "AWB-2025-0098": "ValueError: the document read for AWB-2025-0098 is certificate AWB-2025-0003",
    }
    assert calls == [1, 2, 3, 4] and not result.skipped and not result.ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["AWB-2025-0001.pdf", "AWB-2025-0002.pdf"]


def test_deferred_jobs_name_their_files_without_reading(tmp_path) -> None:
    def never():
        raise AssertionError("read before the batch came to it")

    with pytest.raises(ValueError, match="same file"):
        print_batch([DeferredCertificateJob("A-1", never), DeferredCertificateJob("A-1", never)], tmp_path)
    with pytest.raises(ValueError, match="plain file name"):
        print_batch([DeferredCertificateJob("A-1", never, filename="../x.pdf")], tmp_path)
    assert DeferredCertificateJob("A 1", never, lang="en").target_name() == "A_1-en.pdf"
