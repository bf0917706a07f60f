"""The certificate: one A4 landscape page a certified company hangs on its wall.

Drawn on a reportlab canvas: a guilloché frame, the body's name, the title in Chinese and English,
the certificate number, the organisation and its particulars, the standard, the grade in words and
as stars (drawn, so they print in gold whatever the font), the dates, the surveillance note, the
seal and signature area and the signed QR code (``core.certsig``) that anyone can verify offline.
All text is real text in an embedded CJK font, so it can be searched and copied.

A certificate that is not valid on the document's date (suspended, withdrawn, expired, superseded)
prints with its status across the page — "已暂停 SUSPENDED", "已撤销 WITHDRAWN" — over everything
else, so a reprint can never pass for a certificate in force. `check_printable` says whether the
body's name, address and a certificate number fit their places at a readable size (the settings
refuse what does not).
"""

from __future__ import annotations

import functools
import io
import math
import os
import zlib
from collections.abc import Callable

import segno
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject
from reportlab.platypus import Paragraph

from audit_workbench.reports._common import check_lang, fmt_date, pick
from audit_workbench.reports.fonts import FontChoice, register_cjk_font
from audit_workbench.reports.models import CertificateDoc

PAGE_W, PAGE_H = landscape(A4)

NAVY = HexColor("#1B355C")
INK = HexColor("#222B36")
GREY = HexColor("#5E6773")
GOLD = HexColor("#B08D3C")
GOLD_LIGHT = HexColor("#E3D3A4")
STAR_GOLD = HexColor("#D9A521")
STAR_EDGE = HexColor("#9C7412")
PAPER = HexColor("#FCFAF3")
GUILLOCHE = HexColor("#EFE6CC")

QR_MASK = 4
QR_SIZE = 124.0  # the printed square, quiet zone included; see core.certsig.QR_MAX_VERSION

# The smallest size (pt) a line may shrink to and still be read on the printed page.
MIN_READABLE = 7.0
# The status mark: translucent, so the certificate under it stays legible (and its QR readable).
MARK_FILL = Color(0.75, 0.16, 0.13, alpha=0.30)
MARK_EDGE = Color(0.75, 0.16, 0.13, alpha=0.55)
# The mark across a certificate not in force: (Chinese, English) by status.
STATUS_MARKS: dict[str, tuple[str, str]] = {
    "suspended": ("已暂停", "SUSPENDED"),
    "withdrawn": ("已撤销", "WITHDRAWN"),
    "expired": ("已过期", "EXPIRED"),
    "superseded": ("已换证", "SUPERSEDED"),
}

SERIF = "Times-Roman"
SERIF_BOLD = "Times-Bold"

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "服务认证证书",
        "subtitle": "商品售后服务评价体系认证证书",
        "other_line": "CERTIFICATE OF AFTER-SALES SERVICE CERTIFICATION",
        "number": "证书编号：",
        "certify": "兹证明",
        "credit_code": "统一社会信用代码",
        "address": "注册地址",
        "scope": "认证范围",
        "standard": "认证依据",
        "grade": "认证等级",
        "statement": "的售后服务符合下列标准的要求，特发此证。",
        "issued": "颁证日期",
        "expires": "有效期至",
        "reissued": "换证日期",
        "qr": "扫描二维码验证证书真伪",
        "qr_en": "Scan to verify",
        "signatory": "授权签字人",
        "seal": "（认证机构盖章）",
        "surveillance": (
            "本证书有效期三年。有效期内获证组织须每年接受监督审核，监督审核合格后证书继续有效。"
            "证书的有效状态可扫描二维码离线验证，或向认证机构查询。"
        ),
    },
    "en": {
        "title": "Service Certification Certificate",
        "subtitle": "After-sales Service Evaluation System",
        "other_line": "服务认证证书 · 商品售后服务评价体系认证证书",
        "number": "Certificate No. ",
        "certify": "This is to certify that",
        "credit_code": "Unified social credit code",
        "address": "Address",
        "scope": "Scope",
        "standard": "Standard",
        "grade": "Grade",
        "statement": "provides after-sales service that conforms to the standard below.",
        "issued": "Issued on",
        "expires": "Valid until",
        "reissued": "Re-issued on",
        "qr": "Scan the QR code to verify",
        "qr_en": "扫描二维码验证证书真伪",
        "signatory": "Authorised signatory",
        "seal": "(seal of the certification body)",
        "surveillance": (
            "This certificate is valid for three years, subject to a surveillance audit every year. "
            "Its status can be verified offline from the QR code or with the certification body."
        ),
    },
}


def render_certificate(
    doc: CertificateDoc, lang: str = "zh", font_path: str | os.PathLike[str] | None = None
) -> bytes:
    """The certificate as PDF bytes (A4 landscape, one page)."""
    check_lang(lang)
    font = register_cjk_font(None if font_path is None else os.fspath(font_path))
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_W, PAGE_H),
        invariant=1,
        pageCompression=1,
        lang="en" if lang == "en" else "zh-CN",
        initialFontName=font.name,
    )
    title = TEXT[lang]["title"]
    mark = STATUS_MARKS.get(doc.status)
    shown_status = f" [{mark[1] if lang == 'en' else mark[0]}]" if mark else ""
    canvas.setTitle(
        f"{title} {doc.number} — {pick(doc.organization, doc.organization_en, lang)}{shown_status}"
    )
    canvas.setAuthor(pick(doc.body_name, doc.body_name_en, lang))
    canvas.setSubject(pick(doc.standard_line, doc.standard_line_en, lang))
    canvas.setCreator("Audit Workbench")
    canvas.setKeywords([doc.number, doc.credit_code, doc.grade])
    _Certificate(canvas, doc, lang, font).draw()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Certificate:
    def __init__(self, canvas: Canvas, doc: CertificateDoc, lang: str, font: FontChoice) -> None:
        self.c = canvas
        self.doc = doc
        self.lang = lang
        self.t = TEXT[lang]
        self.font = font.name

    # -- helpers ----------------------------------------------------------------------------------
    def _text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        color: Color = INK,
        *,
        font: str | None = None,
        align: str = "left",
        bold: bool = False,
        space: float = 0,
    ) -> float:
        """Draw one line; returns its width. Bold is the fill+stroke render mode (CJK faces lack bold)."""
        c = self.c
        font = font or self.font
        c.setFont(font, size)
        c.setFillColor(color)
        width = stringWidth(text, font, size) + space * max(len(text) - 1, 0)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        t = c.beginText(x, y)
        t.setFont(font, size)
        if space:
            t.setCharSpace(space)
        if bold:
            c.setStrokeColor(color)
            c.setLineWidth(size * 0.028)
            t.setTextRenderMode(2)
        t.textOut(text)
        # Render mode and character spacing are graphics state: reset them for the next text.
        if bold:
            t.setTextRenderMode(0)
        if space:
            t.setCharSpace(0)
        c.drawText(t)
        return width

    def _fit(
        self, text: str, size: float, max_width: float, font: str | None = None, space: float = 0
    ) -> float:
        """The largest font size ≤ size at which text fits max_width on one line."""
        font = font or self.font
        while size > 6:
            if stringWidth(text, font, size) + space * max(len(text) - 1, 0) <= max_width:
                break
            size -= 0.5
        return size

    def _paragraph(
        self,
        text: str,
        x: float,
        y_top: float,
        width: float,
        size: float,
        *,
        max_lines: int = 3,
        align: int = TA_LEFT,
        color: Color = INK,
        leading: float = 1.3,
        font: str | None = None,
    ) -> float:
        """A wrapped paragraph whose top is at y_top, shrunk until it fits max_lines; returns its height."""
        while True:
            style = ParagraphStyle(
                "cert",
                fontName=font or self.font,
                fontSize=size,
                leading=size * leading,
                alignment=align,
                textColor=color,
                wordWrap="CJK" if self.lang == "zh" else None,
            )
            paragraph = Paragraph(_escape(text), style)
            _, height = paragraph.wrap(width, 1000)
            if height <= max_lines * size * leading + 0.1 or size <= 7:
                break
            size -= 0.5
        paragraph.drawOn(self.c, x, y_top - height)
        return height

    # -- the page ---------------------------------------------------------------------------------
    def draw(self) -> None:
        self._frame()
        self._header()
        y = self._organization(y=380)
        self._fields(y_top=y - 12)
        self._note()
        self._qr()
        self._seal_block()
        self._status_mark()  # last: over everything, nothing can hide it

    def _frame(self) -> None:
        # The frame is the same on every certificate: drawn once per process into a form whose
        # stream is compressed once (see `_frame_form`), and placed on each page by reference.
        c = self.c
        if not c.hasForm(FRAME_FORM):
            # reportlab has no public call that adds a ready-made form; `_doc` is its document
            c._doc.addForm(FRAME_FORM, _frame_form())
        c.doForm(FRAME_FORM)

    def _header(self) -> None:
        doc, t, lang = self.doc, self.t, self.lang
        cx = PAGE_W / 2
        body = pick(doc.body_name, doc.body_name_en, lang)
        body_font = self._font_for(body)
        self._text(
            cx,
            530,
            body,
            self._fit(body, 13, 520, font=body_font),
            NAVY,
            font=body_font,
            align="center",
            space=1.5 if lang == "zh" else 0.6,
        )
        if lang == "zh":
            self._text(cx, 486, t["title"], 34, NAVY, align="center", bold=True, space=10)
            self._text(cx, 458, t["subtitle"], 15, INK, align="center", space=3)
            self._text(cx, 440, t["other_line"], 9.5, GREY, font=SERIF, align="center", space=1.6)
        else:
            self._text(cx, 486, t["title"].upper(), 27, NAVY, font=SERIF_BOLD, align="center", space=2.2)
            self._text(cx, 460, t["subtitle"], 15, INK, font=SERIF, align="center", space=0.8)
            self._text(cx, 440, t["other_line"], 9.5, GREY, align="center", space=1)
        self._divider(cx, 428, 200)
        label = t["number"]
        number_font = SERIF if lang == "en" else self.font
        w_label = stringWidth(label, number_font, 11)
        w_number = stringWidth(doc.number, self.font, 12)
        x = cx - (w_label + w_number) / 2
        self._text(x, 409, label, 11, GREY, font=number_font)
        self._text(x + w_label, 409, doc.number, 12, NAVY, bold=True)

    def _divider(self, cx: float, y: float, half: float) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColor(GOLD)
        c.setLineWidth(0.8)
        c.line(cx - half, y, cx - 8, y)
        c.line(cx + 8, y, cx + half, y)
        c.setFillColor(GOLD)
        path = c.beginPath()
        path.moveTo(cx, y + 4)
        path.lineTo(cx + 5, y)
        path.lineTo(cx, y - 4)
        path.lineTo(cx - 5, y)
        path.close()
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    def _font_for(self, text: str, bold: bool = False) -> str:
        """Times for Latin-only text on the English certificate, the CJK face otherwise."""
        if self.lang == "en" and _is_latin(text):
            return SERIF_BOLD if bold else SERIF
        return self.font

    def _organization(self, y: float) -> float:
        doc, t, lang = self.doc, self.t, self.lang
        cx = PAGE_W / 2
        if lang == "en":
            self._text(cx, y, t["certify"], 12, GREY, font=SERIF, align="center")
        else:
            self._text(cx, y, t["certify"], 12.5, GREY, align="center", space=4)
        name = pick(doc.organization, doc.organization_en, lang)
        name_font = self._font_for(name, bold=True)
        size = self._fit(name, 24, 620, font=name_font, space=1)
        y -= 30
        self._text(
            cx, y, name, size, INK, font=name_font, align="center", bold=name_font == self.font, space=1
        )
        if lang == "en" and doc.organization_en and doc.organization_en != doc.organization:
            y -= 17
            self._text(
                cx, y, doc.organization, self._fit(doc.organization, 11, 600), GREY, align="center", space=1
            )
        y -= 19
        statement = t["statement"]
        if lang == "en":
            self._text(cx, y, statement, 11.5, GREY, font=SERIF, align="center")
        else:
            self._text(cx, y, statement, 11, GREY, align="center", space=0.5)
        return y

    # The particulars: labels right-aligned on one axis, values left-aligned on the next.
    LABEL_RIGHT = 318.0
    VALUE_X = 332.0
    VALUE_W = 360.0

    def _fields(self, y_top: float) -> None:
        doc, t, lang = self.doc, self.t, self.lang
        label_font = SERIF if lang == "en" else self.font
        value_x, value_w = self.VALUE_X, self.VALUE_W
        rows: list[tuple[str, Callable[[float], float]]] = [
            (t["credit_code"], lambda y: self._line_value(doc.credit_code, value_x, y, space=0.6)),
            (
                t["address"],
                lambda y: self._para_value(pick(doc.address, doc.address_en, lang), value_x, y, value_w, 2),
            ),
            (
                t["scope"],
                lambda y: self._para_value(pick(doc.scope, doc.scope_en, lang), value_x, y, value_w, 2),
            ),
            (
                t["standard"],
                lambda y: self._line_value(pick(doc.standard_line, doc.standard_line_en, lang), value_x, y),
            ),
            (t["grade"], lambda y: self._grade_value(value_x, y)),
            (t["issued"], lambda y: self._dates_value(value_x, y)),
        ]
        if doc.reissued_on is not None:
            rows.append(
                (
                    t["reissued"],
                    lambda y: self._line_value(fmt_date(doc.reissued_on, lang), value_x, y),
                )
            )
        y = y_top
        for label, draw_value in rows:
            baseline = y - (13.5 if label == t["grade"] else 11)
            self._text(
                self.LABEL_RIGHT,
                baseline,
                label,
                10.5,
                GREY,
                font=label_font,
                align="right",
                space=0.5 if lang == "zh" else 0,
            )
            height = draw_value(y)
            y -= max(height, 14) + (6.5 if lang == "zh" else 4.5)  # English values wrap more

    def _line_value(self, text: str, x: float, y_top: float, space: float = 0) -> float:
        font = self._font_for(text)
        size = self._fit(text, 12.5 if font == SERIF else 12, self.VALUE_W, font=font, space=space)
        self._text(x, y_top - 11.5, text, size, INK, font=font, space=space)
        return 14

    def _para_value(self, text: str, x: float, y_top: float, width: float, max_lines: int) -> float:
        # The top of a 12 pt paragraph's first line sits ~3 pt above the baseline of a one-line value.
        font = self._font_for(text)
        size = 12.5 if font == SERIF else 12
        return (
            self._paragraph(text, x, y_top + 2.5, width, size, max_lines=max_lines, leading=1.25, font=font)
            - 2.5
        )

    def _grade_value(self, x: float, y_top: float) -> float:
        doc = self.doc
        words = doc.grade_label_en if self.lang == "en" else doc.grade_label_zh
        other = doc.grade_label_zh if self.lang == "en" else doc.grade_label_en
        y = y_top - 14
        font = self._font_for(words, bold=True)
        width = self._text(
            x, y, words, 16, NAVY, font=font, bold=font == self.font, space=1 if self.lang == "zh" else 0.3
        )
        x += width + 12
        for _ in range(max(0, min(doc.stars, 5))):
            _star(self.c, x + 9, y + 5.5, 9.5)
            x += 22
        if other:
            self._text(x + 6, y + 1, other, 10, GREY, font=SERIF if self.lang == "zh" else self.font)
        return 18

    def _dates_value(self, x: float, y_top: float) -> float:
        doc, t, lang = self.doc, self.t, self.lang
        y = y_top - 11.5
        font = SERIF if lang == "en" else self.font
        size = 12.5 if lang == "en" else 12
        width = self._text(x, y, fmt_date(doc.issued_on, lang), size, INK, font=font)
        label_right = max(x + width + 24 + stringWidth(t["expires"], font, 10.5), x + 210)
        self._text(label_right, y + 0.5, t["expires"], 10.5, GREY, font=font, align="right")
        self._text(label_right + 14, y, fmt_date(doc.expires_on, lang), size, INK, font=font)
        return 14

    def _note(self) -> None:
        doc, t = self.doc, self.t
        note = doc.surveillance_note or t["surveillance"]
        font = self._font_for(note)
        self._paragraph(
            note,
            215,
            118,
            340,
            8.5 if font == self.font else 9,
            max_lines=4,
            color=GREY,
            leading=1.5,
            align=TA_CENTER,
            font=font,
        )

    def _qr(self) -> None:
        c = self.c
        # A fixed mask skips segno's evaluation of all eight (three quarters of the time spent on the
        # code). Any mask is valid and scans; mask 4 is the one the evaluation picks most often for
        # these signed payloads, and its penalty score stays within ~10% of the best mask's.
        qr = segno.make(self.doc.qr_payload, error="m", boost_error=False, mask=QR_MASK)
        matrix = [list(row) for row in qr.matrix]
        n = len(matrix)
        size = QR_SIZE
        quiet = 4
        module = size / (n + 2 * quiet)
        x0, y0 = 66.0, 66.0
        c.saveState()
        c.setFillColor(white)
        c.rect(x0, y0, size, size, stroke=0, fill=1)
        c.setFillColor(HexColor("#000000"))
        for r, row in enumerate(matrix):
            col = 0
            while col < n:
                if row[col]:
                    start = col
                    while col < n and row[col]:
                        col += 1
                    c.rect(
                        x0 + (quiet + start) * module,
                        y0 + size - (quiet + r + 1) * module,
                        (col - start) * module,
                        module,
                        stroke=0,
                        fill=1,
                    )
                else:
                    col += 1
        c.restoreState()
        first_font = SERIF if self.lang == "en" else self.font
        second_font = self.font if self.lang == "en" else SERIF
        self._text(x0 + size / 2, y0 - 9, self.t["qr"], 7.5, GREY, font=first_font, align="center")
        self._text(x0 + size / 2, y0 - 18, self.t["qr_en"], 6.5, GREY, font=second_font, align="center")
        if self.doc.verify_url:
            self._text(x0 + size / 2, y0 - 26, self.doc.verify_url, 6.5, GREY, align="center")

    def _seal_block(self) -> None:
        doc, t, lang = self.doc, self.t, self.lang
        cx = 668.0
        label_font = SERIF if lang == "en" else self.font
        # Signature: image above the line, the signatory's name under it; the seal lower down
        # overlaps the body's name, as a stamp would.
        line_y = 150
        self.c.setStrokeColor(GREY)
        self.c.setLineWidth(0.5)
        self.c.line(cx - 80, line_y, cx + 80, line_y)
        if doc.signature_image:
            _image(self.c, doc.signature_image, cx, line_y + 2, 150, 34)
        label_w = stringWidth(t["signatory"], label_font, 8.5)
        name_w = stringWidth(doc.signatory, self.font, 9.5) + 8 if doc.signatory else 0
        x = cx - (label_w + name_w) / 2
        self._text(x, line_y - 11, t["signatory"], 8.5, GREY, font=label_font)
        if doc.signatory:
            self._text(x + label_w + 8, line_y - 11, doc.signatory, 9.5, INK)
        body = pick(doc.body_name, doc.body_name_en, lang)
        body_font = self._font_for(body, bold=True)
        self._text(
            cx,
            102,
            body,
            self._fit(body, 12, 230, font=body_font),
            INK,
            font=body_font,
            align="center",
            bold=body_font == self.font,
        )
        address = pick(doc.body_address, doc.body_address_en, lang)
        if address:
            address_font = self._font_for(address)
            self._text(
                cx,
                88,
                address,
                self._fit(address, 8, 230, font=address_font),
                GREY,
                font=address_font,
                align="center",
            )
        self._text(cx, 74, t["seal"], 8, GREY, font=label_font, align="center")
        if doc.seal_image:
            _image(self.c, doc.seal_image, cx, 44, 94, 94)

    def _status_mark(self) -> None:
        mark = STATUS_MARKS.get(self.doc.status)
        if mark is None:
            return
        zh, en = mark
        # (text, font, size, letter spacing): the document's language on the first, larger line
        chinese = (zh, self.font, 96.0, 24.0)
        english = (en, "Helvetica-Bold", 60.0, 6.0)
        first, second = (chinese, english) if self.lang == "zh" else (english, chinese)
        second = (second[0], second[1], 40.0, 12.0 if second is chinese else 4.0)
        c = self.c
        c.saveState()
        c.translate(PAGE_W / 2, PAGE_H / 2 - 10)
        c.rotate(24)
        c.setFillColor(MARK_FILL)
        c.setStrokeColor(MARK_EDGE)
        width = max(
            stringWidth(text, font, size) + space * (len(text) - 1)
            for text, font, size, space in (first, second)
        )
        c.setLineWidth(5)
        c.roundRect(-width / 2 - 26, -second[2] - 34, width + 52, first[2] + second[2] + 62, 14)
        for (text, font, size, space), y in ((first, 6.0), (second, -second[2] - 6)):
            self._text(0, y, text, size, MARK_FILL, font=font, align="center", space=space)
        c.restoreState()


def check_printable(
    *,
    body_name: str = "",
    body_name_en: str = "",
    body_address: str = "",
    number: str = "",
    font_path: str | None = None,
) -> list[str]:
    """What of these would not print readably on the certificate (empty: everything fits): the
    body's name in the header and the seal block, its address, a certificate number. Each problem
    is named in English; the caller refuses the setting."""
    font = register_cjk_font(font_path).name
    problems: list[str] = []

    def fits(what: str, text: str, widest: float, latin: bool = False) -> None:
        face = SERIF_BOLD if latin and _is_latin(text) else font
        smallest = stringWidth(text, face, MIN_READABLE)
        if smallest > widest:
            problems.append(
                f"{what} is too long to print: at {MIN_READABLE:g} pt it is {smallest:.0f} pt wide, "
                f"the certificate has {widest:.0f} pt"
            )

    if body_name:
        fits("the body's name", body_name, 230)
    if body_name_en:
        fits("the body's English name", body_name_en, 230, latin=True)
    if body_address:
        fits("the body's address", body_address, 230, latin=True)
    if number:
        fits("the certificate number", number, 320)
    return problems


# == the frame: guilloché band, rules, corners and rosette ============================================
#
# The frame depends only on constants. `draw_frame` draws it with plain canvas calls; the certificate
# draws it once per process into a form XObject whose stream is compressed once (`_frame_form`), so
# a certificate neither formats nor compresses the frame's 3,208 curves again: it refers to them.

FRAME_FORM = "AWCertificateFrame"
FRAME_OUTER, FRAME_INNER = 20.0, 38.0
WAVE_PERIOD = 14.0
# Cubic Béziers per wave period: four (a quarter period each) stay within 0.09 pt of the sine,
# closer than the 1.5 pt line segments drawn before (0.34 pt).
WAVE_CURVES_PER_PERIOD = 4
ROSETTE = (PAGE_W / 2, 250.0, 150.0)  # centre x, centre y, radius
# A hypotrochoid traced as a small circle (radius d) running 23 times round a larger one: eight
# curves per small circle stay within 0.06 pt of it (2,400 line segments before).
ROSETTE_CURVES_PER_LOOP = 8

Vec = tuple[float, float]
Segment = tuple[float, ...]  # (x, y): a line to it; (x1, y1, x2, y2, x3, y3): a cubic Bézier


def _hermite(
    p0: tuple[float, float],
    d0: tuple[float, float],
    p1: tuple[float, float],
    d1: tuple[float, float],
    dt: float,
) -> Segment:
    """The cubic Bézier from p0 to p1 with the curve's derivatives d0, d1 at its ends (span dt)."""
    k = dt / 3
    return (
        round(p0[0] + k * d0[0], 2),
        round(p0[1] + k * d0[1], 2),
        round(p1[0] - k * d1[0], 2),
        round(p1[1] - k * d1[1], 2),
        round(p1[0], 2),
        round(p1[1], 2),
    )


@functools.cache
def wave_geometry(a: float, b: float, phase: float) -> tuple[tuple[float, float], tuple[Segment, ...]]:
    """A sine wave running round the page between the rectangles at inset a and inset b: its start
    and its segments (cubic Béziers along each side, a short line across each corner)."""
    mid, amp = (a + b) / 2, (b - a) / 2
    w, h = PAGE_W - 2 * mid, PAGE_H - 2 * mid
    omega = 2 * math.pi / WAVE_PERIOD
    # each side: where it starts along the wave, its length, its origin, its direction, its outward normal
    sides = (
        (0.0, w, (mid, mid), (1.0, 0.0), (0.0, -1.0)),
        (w, h, (PAGE_W - mid, mid), (0.0, 1.0), (1.0, 0.0)),
        (w + h, w, (PAGE_W - mid, PAGE_H - mid), (-1.0, 0.0), (0.0, 1.0)),
        (2 * w + h, h, (mid, PAGE_H - mid), (0.0, -1.0), (-1.0, 0.0)),
    )
    segments: list[Segment] = []
    for n, (s0, length, origin, direction, normal) in enumerate(sides):

        def point(u: float, s0: float = s0, o: Vec = origin, t: Vec = direction, nv: Vec = normal) -> Vec:
            off = amp * math.sin(omega * (s0 + u) + phase)
            return o[0] + u * t[0] + off * nv[0], o[1] + u * t[1] + off * nv[1]

        def slope(u: float, s0: float = s0, t: Vec = direction, nv: Vec = normal) -> Vec:
            d_off = amp * omega * math.cos(omega * (s0 + u) + phase)
            return t[0] + d_off * nv[0], t[1] + d_off * nv[1]

        steps = math.ceil(length / WAVE_PERIOD * WAVE_CURVES_PER_PERIOD)
        du = length / steps
        first = point(0.0)
        if n > 0:  # across the corner
            segments.append((round(first[0], 2), round(first[1], 2)))
        for i in range(steps):
            u0, u1 = i * du, (i + 1) * du
            segments.append(_hermite(point(u0), slope(u0), point(u1), slope(u1), du))
    first = sides[0][2][0], sides[0][2][1] - amp * math.sin(phase)
    start = (round(first[0], 2), round(first[1], 2))
    return start, tuple(segments)


@functools.cache
def rosette_geometry() -> tuple[tuple[float, float], tuple[Segment, ...]]:
    """The rosette behind the text: a closed hypotrochoid (R, r, d chosen for a dense figure)."""
    cx, cy, radius = ROSETTE
    big, small, d = radius * 0.6, radius * 0.025, radius * 0.42
    k = (big - small) / small  # 23: the small circle's turns per turn of the large one

    def point(t: float) -> tuple[float, float]:
        return (
            cx + (big - small) * math.cos(t) + d * math.cos(k * t),
            cy + (big - small) * math.sin(t) - d * math.sin(k * t),
        )

    def slope(t: float) -> tuple[float, float]:
        return (
            -(big - small) * math.sin(t) - d * k * math.sin(k * t),
            (big - small) * math.cos(t) - d * k * math.cos(k * t),
        )

    steps = round(k) * ROSETTE_CURVES_PER_LOOP
    dt = 2 * math.pi / steps
    first = point(0.0)
    segments = tuple(
        _hermite(point(i * dt), slope(i * dt), point((i + 1) * dt), slope((i + 1) * dt), dt)
        for i in range(steps)
    )
    return (round(first[0], 2), round(first[1], 2)), segments


def frame_paths() -> list[tuple[tuple[float, float], tuple[Segment, ...]]]:
    """Every curved path of the frame: the four waves of the band, then the rosette."""
    a, b = FRAME_OUTER + 3, FRAME_INNER - 3
    waves = [wave_geometry(a, b, phase) for phase in (0.0, math.pi / 2, math.pi, 3 * math.pi / 2)]
    return [*waves, rosette_geometry()]


def _path(c: Canvas, start: tuple[float, float], segments: tuple[Segment, ...]) -> PDFPathObject:
    path = c.beginPath()
    path.moveTo(*start)
    for segment in segments:
        if len(segment) == 2:
            path.lineTo(*segment)
        else:
            path.curveTo(*segment)
    return path


def draw_frame(c: Canvas) -> None:
    """The certificate's frame with plain canvas calls: paper, a guilloché band between the outer
    and the inner rule, the rules, the corner diamonds and a rosette behind the text — fine
    interlaced curves that a photocopy or a cheap forgery renders badly."""
    outer, inner = FRAME_OUTER, FRAME_INNER
    *waves, rosette = frame_paths()
    c.saveState()
    c.setFillColor(PAPER)
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    c.setStrokeColor(GOLD_LIGHT)
    c.setLineWidth(0.45)
    for start, segments in waves:
        c.drawPath(_path(c, start, segments), stroke=1, fill=0)
    c.setStrokeColor(NAVY)
    c.setLineWidth(2.6)
    c.rect(outer, outer, PAGE_W - 2 * outer, PAGE_H - 2 * outer, stroke=1, fill=0)
    c.setLineWidth(0.7)
    c.rect(outer + 3.5, outer + 3.5, PAGE_W - 2 * outer - 7, PAGE_H - 2 * outer - 7, stroke=1, fill=0)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(inner, inner, PAGE_W - 2 * inner, PAGE_H - 2 * inner, stroke=1, fill=0)
    c.setLineWidth(0.4)
    c.rect(inner + 3, inner + 3, PAGE_W - 2 * inner - 6, PAGE_H - 2 * inner - 6, stroke=1, fill=0)
    for x, y in (
        (inner, inner),
        (PAGE_W - inner, inner),
        (inner, PAGE_H - inner),
        (PAGE_W - inner, PAGE_H - inner),
    ):
        c.setFillColor(GOLD)
        c.setStrokeColor(NAVY)
        c.setLineWidth(0.6)
        size = 7.0
        diamond = c.beginPath()
        diamond.moveTo(x, y + size)
        diamond.lineTo(x + size, y)
        diamond.lineTo(x, y - size)
        diamond.lineTo(x - size, y)
        diamond.close()
        c.drawPath(diamond, stroke=1, fill=1)
    cx, cy, radius = ROSETTE
    c.setStrokeColor(GUILLOCHE)
    c.setLineWidth(0.35)
    c.drawPath(_path(c, *rosette), stroke=1, fill=0)
    c.circle(cx, cy, radius * 0.6 + radius * 0.42 + 4, stroke=1, fill=0)
    c.restoreState()


@functools.cache
def _frame_stream() -> bytes:
    """The frame's operators, compressed: made once per process."""
    scratch = Canvas(io.BytesIO(), pagesize=(PAGE_W, PAGE_H))
    draw_frame(scratch)
    return zlib.compress(scratch.getCurrentPageContent().encode("latin-1"))


def _frame_form() -> PDFStream:
    """The frame as a form XObject for one document; its stream is already compressed (a stream
    whose dictionary names its filter is written as it is)."""
    form = PDFStream(content=_frame_stream())
    form.dictionary["Type"] = PDFName("XObject")
    form.dictionary["Subtype"] = PDFName("Form")
    form.dictionary["FormType"] = 1
    form.dictionary["BBox"] = PDFArray([0, 0, PAGE_W, PAGE_H])
    form.dictionary["Resources"] = PDFDictionary({})
    form.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    form.__Comment__ = "the certificate's frame"
    return form


def _is_latin(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _image(c: Canvas, data: bytes, cx: float, y: float, max_w: float, max_h: float) -> None:
    """An image centred on cx with its bottom at y, scaled to fit the box, transparency kept."""
    reader = ImageReader(io.BytesIO(data))
    w, h = reader.getSize()
    scale = min(max_w / w, max_h / h)
    c.drawImage(reader, cx - w * scale / 2, y, w * scale, h * scale, mask="auto")


def _star(c: Canvas, cx: float, cy: float, radius: float) -> None:
    """A five-pointed star, point up, gold with a darker edge."""
    path = c.beginPath()
    inner = radius * 0.40
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    c.saveState()
    c.setFillColor(STAR_GOLD)
    c.setStrokeColor(STAR_EDGE)
    c.setLineWidth(0.6)
    c.setLineJoin(1)
    c.drawPath(path, stroke=1, fill=1)
    c.restoreState()
