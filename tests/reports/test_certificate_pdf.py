"""The certificate PDF read back: its text, its font, its QR code and the signature inside."""

from __future__ import annotations

import dataclasses
import io
import warnings

import pytest
from pypdf import PdfReader

from audit_workbench.core import certsig
from audit_workbench.reports import certificate_pdf, fonts
from audit_workbench.reports.certificate_pdf import render_certificate

from .pdf_tools import decode_qr, fonts_of, render_page, text_of
from .report_samples import ORGANIZATION, certificate_doc


@pytest.fixture(scope="module")
def doc(signing_key):
    return certificate_doc(signing_key)


@pytest.fixture(scope="module")
def pdf_zh(doc):
    return render_certificate(doc, "zh")


def test_one_landscape_a4_page(pdf_zh) -> None:
    reader = PdfReader(io.BytesIO(pdf_zh))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_text_is_real_text_in_chinese(pdf_zh, doc) -> None:
    text = text_of(pdf_zh)
    for expected in (
        ORGANIZATION,
        doc.number,
        "服务认证证书",
        "商品售后服务评价体系认证证书",
        doc.credit_code,
        "GB/T 27922-2011 商品售后服务评价体系",
        "五星级",
        "2025年3月14日",
        "2028年3月13日",
        doc.body_name,
        "CERTIFICATE OF AFTER-SALES SERVICE CERTIFICATION",
        "监督审核",
    ):
        assert expected in text, expected


def test_english_certificate(doc) -> None:
    text = text_of(render_certificate(doc, "en"))
    for expected in (
        "SERVICE CERTIFICATION CERTIFICATE",
        doc.organization_en,
        ORGANIZATION,
        doc.number,
        "Five-star",
        "14 March 2025",
        "13 March 2028",
        "This is to certify that",
    ):
        assert expected in text, expected


BASE14 = {"/Times-Roman", "/Times-Bold", "/Helvetica", "/Helvetica-Bold", "/ZapfDingbats", "/Symbol"}


def assert_cjk_font_embedded(pdf: bytes) -> None:
    used = fonts_of(pdf)
    subsets = {name: info for name, info in used.items() if "+" in name}
    assert subsets, used
    for name, info in subsets.items():
        assert info["subtype"] == "/TrueType" and info["truetype_file"], (name, info)
    not_embedded = {name for name, info in used.items() if not info["embedded"]} - BASE14
    assert not not_embedded, not_embedded


def test_cjk_font_is_embedded(pdf_zh, cjk_font) -> None:
    if not cjk_font.embedded:
        pytest.skip(f"no CJK TrueType font on this machine ({cjk_font.describe()}): nothing to embed")
    assert_cjk_font_embedded(pdf_zh)


def test_qr_on_the_rendered_page_verifies(pdf_zh, doc, signing_key) -> None:
    image = render_page(pdf_zh, dpi=200)
    payloads = decode_qr(image)
    assert payloads == [doc.qr_payload]
    claims = certsig.verify_payload(signing_key.public_key(), payloads[0])
    assert claims.number == doc.number
    assert claims.organization == ORGANIZATION
    assert claims.grade == "five_star"
    assert claims.expires_on == doc.expires_on


def test_qr_of_a_forged_certificate_is_rejected(signing_key) -> None:
    genuine = certificate_doc(signing_key)
    # A forger edits the claims and re-encodes them, but cannot sign without the body's key.
    claims, _, signature = certsig.parse_payload(genuine.qr_payload)
    forged_claims = dataclasses.replace(claims, organization="冒名顶替有限公司")
    forged_payload = (
        f"AWB1.{certsig.b64url_encode(forged_claims.to_json_bytes())}.{certsig.b64url_encode(signature)}"
    )
    forged = dataclasses.replace(genuine, organization="冒名顶替有限公司", qr_payload=forged_payload)
    payloads = decode_qr(render_page(render_certificate(forged), dpi=200))
    assert payloads == [forged_payload]
    with pytest.raises(certsig.SignatureInvalid):
        certsig.verify_payload(signing_key.public_key(), payloads[0])
    # And one signed by another key is rejected with the body's key.
    other = certsig.generate_private_key()
    with pytest.raises(certsig.SignatureInvalid):
        certsig.verify_payload(signing_key.public_key(), certsig.sign_certificate(other, claims))


def test_same_input_same_bytes(doc, pdf_zh) -> None:
    assert render_certificate(doc, "zh") == pdf_zh
    assert render_certificate(doc, "en") == render_certificate(doc, "en")
    assert render_certificate(doc, "en") != pdf_zh


def test_guilloche_from_the_cache_gives_the_same_bytes_as_built_afresh(doc) -> None:
    certificate_pdf._frame_stream.cache_clear()
    certificate_pdf.wave_geometry.cache_clear()
    certificate_pdf.rosette_geometry.cache_clear()
    fresh = render_certificate(doc, "zh")  # the frame is drawn and compressed for this page
    assert certificate_pdf._frame_stream.cache_info().misses == 1
    cached = render_certificate(doc, "zh")  # and referred to from the cache on the next
    assert certificate_pdf._frame_stream.cache_info().hits >= 1
    assert cached == fresh


def test_the_frame_is_on_the_page_as_curves(pdf_zh) -> None:
    # The frame is a form the page draws: its band and rosette are Bézier curves, its rules
    # rectangles, and it lies under everything else on the page.
    page = PdfReader(io.BytesIO(pdf_zh)).pages[0]
    forms = page["/Resources"]["/XObject"]
    frame = forms["/FormXob." + certificate_pdf.FRAME_FORM].get_object()
    assert frame["/Subtype"] == "/Form"
    operators = frame.get_data().decode("latin-1").split()
    curves = sum(len(segment) == 6 for _, path in certificate_pdf.frame_paths() for segment in path)
    assert curves > 1500
    assert operators.count("c") == curves + 4  # and the four quarters of the rosette's circle
    assert operators.count("re") >= 5
    content = page.get_contents().get_data().decode("latin-1")
    assert content.index("Do") < content.index("BT")  # drawn before the first text


def test_qr_with_the_fixed_mask_scans_for_many_certificates(signing_key) -> None:
    # The mask is fixed rather than chosen per code: every code must still read back at 150 dpi,
    # half the resolution `certificate verify` renders at and well below a phone camera's or a
    # printer's. (At 100 dpi a module is under 2 pixels: there 6 of 40 codes with segno's own mask
    # choice failed to read, and 1 of 40 with the fixed mask, so 100 dpi tests the reader, not us.)
    for i in range(8):
        doc = certificate_doc(
            signing_key, number=f"AWB-2025-{1000 + 37 * i}", organization=f"{ORGANIZATION}第{i + 1}分公司"
        )
        assert decode_qr(render_page(render_certificate(doc), dpi=150)) == [doc.qr_payload]


def test_reportlab_runs_on_its_c_accelerators() -> None:
    # rl_accel is a dependency: without it reportlab formats numbers and ASCII85 in Python,
    # which made every certificate about 40% slower.
    import _rl_accel
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str is _rl_accel.fp_str
    assert rl_accel.asciiBase85Encode is _rl_accel.asciiBase85Encode


def test_metadata_is_fixed_and_descriptive(pdf_zh, doc) -> None:
    info = PdfReader(io.BytesIO(pdf_zh)).metadata
    assert doc.number in info.title and ORGANIZATION in info.title
    assert info["/CreationDate"].startswith("D:2000")
    assert info.author == doc.body_name


@pytest.mark.parametrize(
    ("grade", "stars", "label"), [("qualified", 0, "达标级"), ("three_star", 3, "三星级")]
)
def test_lower_grades_and_no_seal(signing_key, grade, stars, label) -> None:
    doc = certificate_doc(signing_key, grade=grade, stars=stars, seal=False)
    text = text_of(render_certificate(doc))
    assert label in text


def test_long_names_still_fit_on_one_line(signing_key) -> None:
    long_name = "内蒙古自治区呼和浩特市示例农业机械制造及售后服务集团股份有限公司第一分公司"
    doc = certificate_doc(signing_key, organization=long_name)
    text = text_of(render_certificate(doc))
    assert long_name in text.replace("\n", "")


def test_unknown_language_is_refused(doc) -> None:
    with pytest.raises(ValueError, match="language"):
        render_certificate(doc, "fr")


def test_without_a_cjk_font_the_cid_fallback_warns_and_still_renders(doc, monkeypatch) -> None:
    monkeypatch.setattr(fonts, "candidate_paths", lambda: [])
    fonts.register_cjk_font.cache_clear()
    try:
        with pytest.warns(fonts.CJKFontWarning, match="STSong-Light"):
            choice = fonts.register_cjk_font()
        assert choice.name == "STSong-Light" and not choice.embedded and choice.path is None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fonts.CJKFontWarning)
            pdf = render_certificate(doc)
        assert "STSong-Light" in "".join(fonts_of(pdf))
        assert ORGANIZATION in text_of(pdf)
    finally:
        fonts.register_cjk_font.cache_clear()


# -- a certificate not in force (issue 11) ------------------------------------------------------------
def _red_share(image, box: tuple[int, int, int, int]) -> float:
    """The share of clearly red pixels in a box of the page (the mark is translucent red)."""
    region = image.crop(box)
    pixels = (
        list(region.get_flattened_data()) if hasattr(region, "get_flattened_data") else list(region.getdata())
    )
    red = sum(1 for r, g, b in pixels if r > 180 and r - g > 60 and r - b > 60)
    return red / len(pixels)


@pytest.mark.parametrize(
    ("status", "zh", "en"),
    [
        ("suspended", "已暂停", "SUSPENDED"),
        ("withdrawn", "已撤销", "WITHDRAWN"),
        ("expired", "已过期", "EXPIRED"),
        ("superseded", "已换证", "SUPERSEDED"),
    ],
)
def test_a_certificate_not_in_force_prints_with_its_status_across_the_page(
    doc, pdf_zh, status: str, zh: str, en: str
) -> None:
    marked = render_certificate(dataclasses.replace(doc, status=status), "zh")
    text = text_of(marked)
    assert zh in text and en in text  # real text, so a search finds it too
    assert zh in (PdfReader(io.BytesIO(marked)).metadata.title or "")
    assert zh not in text_of(pdf_zh) and en not in text_of(pdf_zh)
    # As printed: red across the middle of the page, none on a valid certificate; the QR still reads.
    page, valid = render_page(marked, dpi=60), render_page(pdf_zh, dpi=60)
    middle = (page.width // 4, page.height // 4, page.width * 3 // 4, page.height * 3 // 4)
    assert _red_share(page, middle) > 0.02 and _red_share(valid, middle) < 0.001, (
        _red_share(page, middle),
        _red_share(valid, middle),
    )
    assert decode_qr(render_page(marked, dpi=150)) == [doc.qr_payload]
    english = text_of(render_certificate(dataclasses.replace(doc, status=status), "en"))
    assert en in english and zh in english


def test_a_reissued_certificate_prints_its_reissue_date(doc) -> None:
    from datetime import date

    text = text_of(render_certificate(dataclasses.replace(doc, reissued_on=date(2026, 4, 1)), "zh"))
    assert "换证日期" in text and "2026年4月1日" in text
    assert "Re-issued on" in text_of(
        render_certificate(dataclasses.replace(doc, reissued_on=date(2026, 4, 1)), "en")
    )
    assert "换证日期" not in text_of(render_certificate(doc, "zh"))


def test_check_printable_names_what_does_not_fit() -> None:
    assert (
        certificate_pdf.check_printable(
            body_name="华衡服务认证中心有限公司",
            body_name_en="Huaheng Service Certification Centre Co., Ltd.",
            body_address="北京市海淀区学院路30号华衡科技大厦8层（邮编100083）",
            number="AWB-9999-99999",
        )
        == []
    )
    problems = certificate_pdf.check_printable(body_name="某" * 40, number="A" * 80)
    assert len(problems) == 2 and "body's name" in problems[0] and "certificate number" in problems[1]
