"""billing_center/documents/pdf.py leans on fpdf2 internals to embed each font subset once per process
(see that module's docstring: it makes an invoice about ten times cheaper). fpdf2 has no public API for
this, so the pieces it uses are pinned here: an fpdf2 upgrade that changes one of them fails this test
with a message saying what to check, instead of printing wrong glyphs or widths later.

When it fails after an upgrade: read the new source of the named function next to the code of pdf.py
that uses it (``_FontStore._make``, ``_Producer._add_fonts``, ``_add_fonts``), adapt pdf.py if needed,
render an invoice and look at it (``pdftoppm -png``), run tests/service/test_documents.py, and only
then record the new fingerprint below.
"""

from __future__ import annotations

import hashlib
import inspect
import re

import fpdf
import pytest
from fpdf import FPDF, fonts, output, syntax

from billing_center.documents import pdf

# The fpdf2 source pdf.py was written against (fpdf2 2.8.9), by SHA-256 of each piece's source.
PINNED = {
    "fpdf.output._build_cmap_blocks": (
        output._build_cmap_blocks, "99874a19959cd7f5e4f3db0baa70bd0285530f5210711d0554471e7d6aa4d205",
        "_FontStore._make writes the ToUnicode CMap with it"),
    "fpdf.output._tt_font_widths": (
        output._tt_font_widths, "3b8edb6eb2344ae64aa3238f3cd444c15713fb9973503ca7a0f2e49612b6d58b",
        "_FontStore._make takes the /W widths array of a subset from it"),
    "fpdf.output._cid_font_widths": (
        output._cid_font_widths, "49f65b556c4f063cd1919f9c8771386947e77961c092f22a763032af747c2d69",
        "_tt_font_widths formats the widths with it"),
    "fpdf.output.OutputProducer._add_fonts": (
        output.OutputProducer._add_fonts, "311ef727cc856a698790ad8ac90162cdd936a65b56fa136a39e8c5741eff7105",
        "_Producer._add_fonts replaces it for the DejaVu fonts and must build the same PDF objects"),
    "fpdf.output.OutputProducer._add_pdf_obj": (
        output.OutputProducer._add_pdf_obj, "060f8401019b1cf942310197164ca716d740559332e9f66f9fd19123e0dcc1f5",
        "_Producer._add_fonts registers the font objects with it"),
    "fpdf.fonts.SubsetMap": (
        fonts.SubsetMap, "16880b53adddd6c121f4c00090fdba307895f1250d573e9b165f4dbb94f29786",
        "_add_fonts copies its _char_id_per_glyph, _next and _reserved and clears pick/get_glyph caches"),
    "fpdf.fonts.TTFFont.__init__": (
        fonts.TTFFont.__init__, "62afeea9572967028919948cc83efac32f80e3a87f54c87acf4736d3448c307b",
        "_add_fonts copies a parsed TTFFont and resets ttfont, subset, biggest_size_pt, missing_glyphs, "
        "color_font and _hbfont"),
    "fpdf.syntax.PDFContentStream": (
        syntax.PDFContentStream, "d6969b5fa430056bcfd3f2e678ed295f65b3c0af2462bdbada1f5c8448280226",
        "_stream sets _contents, filter and length of an already compressed stream"),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_fpdf2_internals_pdf_py_uses_are_unchanged(name):
    obj, fingerprint, used_for = PINNED[name]
    found = hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()
    assert found == fingerprint, (
        f"fpdf2 {fpdf.__version__} changed {name}, which billing_center/documents/pdf.py relies on: {used_for}. "
        "Check pdf.py against the new source, render and look at an invoice, run tests/service/test_documents.py, "
        "then record the new fingerprint in this test (see its docstring)."
    )


def test_a_cmap_is_written_in_blocks_of_at_most_100_entries():
    entries = [f"<{code:04X}> <{code:04X}>\n" for code in range(150)]
    text = output._build_cmap_blocks(entries, "bfchar")
    assert re.findall(r"(\d+) beginbfchar\n", text) == ["100", "50"]
    assert text.count("endbfchar\n") == 2 and "<0095> <0095>\n" in text


def test_a_subsets_widths_come_out_as_a_pdf_w_array():
    document = FPDF()
    pdf._add_fonts(document)
    font = next(iter(document.fonts.values()))
    assert all(hasattr(font, attribute) for attribute in ("subset", "desc", "cmap", "ttfont", "_hbfont"))
    assert all(hasattr(font.subset, attribute) for attribute in ("_char_id_per_glyph", "_next", "_reserved"))
    widths = output._tt_font_widths(font)
    assert re.fullmatch(r"\[[\d\s\[\]]+\]", widths.strip()), widths[:80]
    assert " 401 " in widths  # the exclamation mark of DejaVu Sans, 401 units wide
