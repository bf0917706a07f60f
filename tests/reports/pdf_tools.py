"""Reading PDFs back as a person or a verifier would: text, embedded fonts, a rendered page, QR codes."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def fonts_of(data: bytes) -> dict[str, dict[str, object]]:
    """BaseFont → {subtype, embedded (FontFile/FontFile2/FontFile3 present)} for every page."""
    reader = PdfReader(io.BytesIO(data))
    out: dict[str, dict[str, object]] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for font in resources.get_object().get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out[str(font.get("/BaseFont"))] = {
                "subtype": str(font.get("/Subtype")),
                "embedded": any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                "truetype_file": "/FontFile2" in descriptor,
            }
    return out


def render_page(data: bytes, page: int = 0, dpi: int = 200):
    """A PIL image of one page: pypdfium2 if installed, else poppler's pdftoppm; skip if neither."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        pdfium = None
    if pdfium is not None:
        document = pdfium.PdfDocument(data)
        try:
            return document[page].render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            document.close()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("neither pypdfium2 nor poppler's pdftoppm is installed to rasterise a PDF page")
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page + 1),
                "-l",
                str(page + 1),
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        return Image.open(Path(folder) / "page.png").convert("RGB").copy()


def decode_qr(image) -> list[str]:
    """The texts of the QR codes in an image: zxing-cpp if installed, else pyzbar; skip if neither works."""
    try:
        import zxingcpp
    except ImportError:
        zxingcpp = None
    if zxingcpp is not None:
        return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as exc:
        pytest.skip(f"no QR decoder: install zxing-cpp, or pyzbar with the zbar library ({exc})")
    return [r.data.decode("utf-8") for r in pyzbar.decode(image) if r.type == "QRCODE"]
