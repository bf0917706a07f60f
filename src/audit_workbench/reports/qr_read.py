"""Reading a certificate's QR code back from its PDF, as a phone would from the printed page."""

from __future__ import annotations


class QrNotFound(ValueError):
    """The PDF has no readable certificate QR code."""


def read_certificate_payload(pdf: bytes, scale: float = 4.0) -> str:
    """Rasterise the first page and decode the QR code that holds an `AWB1.` payload."""
    import pypdfium2 as pdfium
    import zxingcpp

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise QrNotFound(f"not a readable PDF ({exc})") from None
    try:
        if len(document) == 0:
            raise QrNotFound("the PDF has no pages")
        image = document[0].render(scale=scale).to_pil()
    except pdfium.PdfiumError as exc:
        raise QrNotFound(f"the first page cannot be rendered ({exc})") from None
    finally:
        document.close()
    for result in zxingcpp.read_barcodes(image):
        if result.text.startswith("AWB1."):
            return str(result.text)
    raise QrNotFound("no certificate QR code (AWB1.…) was found on the first page")
