"""Bench-only: the same Document drawn with reportlab and the same DejaVu font, for comparison."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from billing_center.documents.model import Document
from billing_center.documents.pdf import BOLD, COLS, REGULAR

_registered = False


def _register() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont("DejaVu", str(REGULAR)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(BOLD)))
        _registered = True


def render(doc: Document) -> bytes:
    _register()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"{doc.title} {doc.number}")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 28 * mm
    c.setFont("DejaVu-Bold", 20)
    c.setFillColorRGB(55 / 255, 48 / 255, 163 / 255)
    c.drawString(left, y, doc.title)
    c.setFillColorRGB(33 / 255, 37 / 255, 41 / 255)
    c.setFont("DejaVu-Bold", 11)
    c.drawRightString(right, y, doc.number)
    if doc.stamp:
        c.setFont("DejaVu-Bold", 9)
        c.drawRightString(right, y - 6 * mm, doc.stamp.upper())
    y -= 14 * mm
    top = y
    for column, (heading, lines) in enumerate(((doc.seller_heading, doc.seller_lines),
                                               (doc.buyer_heading, doc.buyer_lines))):
        x = left + column * 88 * mm
        y = top
        c.setFont("DejaVu-Bold", 7.5)
        c.drawString(x, y, heading.upper())
        y -= 4.6 * mm
        for i, line in enumerate(lines):
            c.setFont("DejaVu-Bold" if i == 0 else "DejaVu", 9.5 if i == 0 else 8.5)
            c.drawString(x, y, line)
            y -= 4.6 * mm
        if column == 0:
            bottom = y
    y = min(bottom, y) - 4 * mm
    c.line(left, y, right, y)
    y -= 5 * mm
    half = (right - left) / 2
    for i, (label, value) in enumerate(doc.meta):
        x = left + (i % 2) * half
        if i % 2 == 0 and i:
            y -= 5 * mm
        c.setFont("DejaVu", 8)
        c.drawString(x, y, label)
        c.setFont("DejaVu-Bold", 8.5)
        c.drawString(x + 36 * mm, y, value)
    y -= 9 * mm
    c.setFillColorRGB(243 / 255, 244 / 255, 246 / 255)
    c.rect(left, y - 2 * mm, right - left, 7 * mm, stroke=0, fill=1)
    c.setFillColorRGB(33 / 255, 37 / 255, 41 / 255)
    c.setFont("DejaVu-Bold", 8)
    x = left
    for i, (label, w) in enumerate(zip(doc.headers, COLS, strict=True)):
        if i == 0:
            c.drawString(x + 1 * mm, y, label)
        else:
            c.drawRightString(x + w * mm - 1 * mm, y, label)
        x += w * mm
    y -= 8 * mm
    for line in doc.lines:
        c.setFont("DejaVu-Bold", 8.5)
        c.drawString(left + 1 * mm, y, line.product)
        c.setFont("DejaVu", 8.5)
        x = left + COLS[0] * mm
        for value, w in zip((line.quantity, line.unit_price, line.vat_rate, line.amount), COLS[1:], strict=True):
            c.drawRightString(x + w * mm - 1 * mm, y, value)
            x += w * mm
        if line.description:
            c.setFont("DejaVu", 7.5)
            y -= 3.8 * mm
            c.drawString(left + 1 * mm, y, line.description)
        y -= 4 * mm
        c.line(left, y, right, y)
        y -= 5 * mm
    x = right - 96 * mm
    for row in doc.totals:
        c.setFont("DejaVu-Bold" if row.strong else "DejaVu", 10 if row.strong else 8.5)
        c.drawString(x, y, row.label)
        c.drawRightString(right, y, row.value)
        y -= 5.5 * mm
    y -= 4 * mm
    c.setFont("DejaVu", 8)
    for note in doc.notes:
        c.drawString(left, y, note)
        y -= 5 * mm
    c.setFont("DejaVu", 7.5)
    c.drawCentredString(width / 2, 12 * mm, f"{doc.footer}    1/1")
    c.showPage()
    c.save()
    return buffer.getvalue()
