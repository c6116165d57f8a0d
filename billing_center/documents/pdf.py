"""PDF rendering with fpdf2 and the DejaVu Sans font committed under assets/fonts (so accents, the
euro sign and the narrow no-break spaces of French amounts render everywhere).

Speed (see ``make bench``): left alone, fpdf2 parses the TrueType font for every document, subsets
all ~6,000 glyphs of DejaVu with fontTools, builds a 128 KiB CIDToGIDMap and compresses it all again,
about 0.6 s a document. Here:
- the committed font is reduced once per machine to the European scripts (no layout tables);
- each process parses it once; a document gets a copy with its own glyph map, in which the
  COMMON characters always come first and in the same order;
- so most documents embed byte-identical font objects, which ``_Producer`` (fpdf2's documented
  ``output_producer_class`` hook) takes from a per-process cache, keyed by the exact glyph map;
- lines are drawn with plain cells, not the ``table()`` helper, which costs several times more.

This relies on fpdf2 internals; tests/unit/test_pdf_fpdf2_internals.py pins each one, so an fpdf2
upgrade that changes them fails loudly and says what to check.
"""

from __future__ import annotations

import copy
import os
import tempfile
import threading
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType
from fpdf.fonts import SubsetMap
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFICCProfile
from fpdf.syntax import Name, PDFArray, PDFContentStream
from fpdf.util import builtin_srgb2014_bytes

from billing_center.documents.labels import t
from billing_center.documents.model import Document
from billing_center.settings import PROJECT_ROOT

FONT_DIR = PROJECT_ROOT / "assets" / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"

_font_cache: dict[str, object] = {}
_font_lock = threading.Lock()

# Column widths in mm on A4 with 20 mm margins (170 mm usable).
COLS = (78, 14, 34, 14, 30)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RULE = (206, 212, 218)
ACCENT = (55, 48, 163)


class _Pdf(FPDF):
    def __init__(self, doc: Document):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=22)
        self.set_creator("Billing Center")
        self.set_title(f"{doc.title} {doc.number}")
        self.set_lang(doc.locale)
        self.set_compression(True)
        _add_fonts(self)

    def footer(self) -> None:  # noqa: D401 - fpdf2 hook
        self.set_y(-15)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        page = t("Page", self.doc.locale)
        text = f"{self.doc.footer}    {page} {self.page_no()}/{{nb}}"
        self.cell(0, 5, text, align="C")


# The scripts of the EU's languages (Latin with its extensions, Greek, Cyrillic), punctuation such
# as the narrow no-break space of French amounts, and the currency signs.
UNICODES = [*range(0x20, 0x250), *range(0x2B0, 0x370), *range(0x370, 0x530), *range(0x1E00, 0x1F00),
            *range(0x2000, 0x2070), *range(0x20A0, 0x20D0), 0x2116, 0x2122, 0x2190, 0x2192, 0xFFFD]


def _reduced_font(source: Path) -> Path:
    """The committed font reduced to the European scripts, without layout tables or hinting, written
    once per machine to a cache folder. fpdf2 subsets the font of every document it writes; starting
    from ~1,400 glyphs instead of ~6,000 (and no GSUB/GPOS) makes that many times cheaper."""
    stat = source.stat()
    cache = Path(tempfile.gettempdir()) / "billing-center-fonts"
    target = cache / f"{source.stem}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if target.exists():
        return target
    from fontTools import subset as ftsubset

    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, hinting=False,
                               layout_features=[], glyph_names=False)
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH", "hdmx"]
    font = ttLib.TTFont(str(source), recalcTimestamp=False)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)
    return target


# Characters nearly every document uses. Each document's font subset starts with these, in this
# order, so documents that use nothing else embed byte-identical font objects, made once per process.
COMMON = [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x20AC, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D,
          0x2022, 0x2026, 0x202F]
_SUBSET_OPTIONS = dict(notdef_outline=True, recommended_glyphs=True)


@dataclass(frozen=True)
class _Embedding:
    """The PDF objects of one font subset, compressed once: widths, ToUnicode, CIDToGIDMap, file."""

    widths: str
    to_unicode: bytes
    cid_to_gid: bytes
    font_file: bytes
    font_length: int


class _FontStore:
    """One TrueType font of this process: its reduced file and the embeddings made from it, per
    distinct (glyph, code) set. fpdf2 would otherwise subset the font with fontTools, build a 128 KiB
    CIDToGIDMap and compress everything again for every document."""

    def __init__(self, data: bytes):
        self.data = data
        self.common_map = None  # the glyph map after picking COMMON, copied into every document
        self.cache: dict[tuple, _Embedding] = {}
        self.lock = threading.Lock()

    def embedding(self, font) -> _Embedding:
        items = sorted(((g.glyph_name, g.unicode, g.glyph_width, code) for g, code in font.subset.items()
                        if g is not None), key=lambda item: item[3])
        key = tuple(items)
        entry = self.cache.get(key)
        if entry is None:
            entry = self._make(font, items)
            with self.lock:
                if len(self.cache) > 512:
                    self.cache.clear()
                self.cache[key] = entry
        return entry

    def _make(self, font, items) -> _Embedding:
        # fpdf2 internals (no public API does this): pinned by tests/unit/test_pdf_fpdf2_internals.py
        from fontTools import subset as ftsubset
        from fpdf.output import _build_cmap_blocks, _tt_font_widths

        ttfont = ttLib.TTFont(BytesIO(self.data), recalcTimestamp=False)
        options = ftsubset.Options(**_SUBSET_OPTIONS)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=[name for name, *_ in items])
        subsetter.subset(ttfont)
        out = BytesIO()
        ttfont.save(out)
        raw = out.getvalue()
        cid_to_gid = bytearray(256 * 256 * 2)
        for name, _unicode, _width, code in items:
            gid = ttfont.getGlyphID(name)
            cid_to_gid[code * 2] = gid >> 8
            cid_to_gid[code * 2 + 1] = gid & 0xFF
        bf_char = [f"<{code:04X}> <{''.join(f'{u:04X}' for u in unicode)}>\n"
                   for name, unicode, _width, code in items if isinstance(unicode, tuple) and unicode]
        to_unicode = (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
            "<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
            f"endcodespacerange\n{_build_cmap_blocks(bf_char, 'bfchar')}endcmap\n"
            "CMapName currentdict /CMap defineresource pop\nend\nend"
        ).encode("latin-1")
        return _Embedding(widths=_tt_font_widths(font), to_unicode=zlib.compress(to_unicode),
                          cid_to_gid=zlib.compress(bytes(cid_to_gid)), font_file=zlib.compress(raw),
                          font_length=len(raw))


class _NoFontFile:
    """Stands in for fontTools' object on a document's font: the glyphs come from the _FontStore."""

    def __init__(self, store: _FontStore):
        self.store = store

    def __contains__(self, tag: str) -> bool:
        return False

    def close(self) -> None:
        pass


def _stream(compressed: bytes) -> PDFContentStream:
    stream = PDFContentStream(b"", compress=False)
    stream._contents = compressed
    stream.filter = Name("FlateDecode")
    stream.length = len(compressed)
    return stream


class _Producer(OutputProducer):
    """fpdf2's output, with the DejaVu fonts embedded from the per-process cache."""

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name):
        fonts = sorted(self.fpdf.fonts.values(), key=lambda f: f.i)
        if not all(isinstance(getattr(f, "ttfont", None), _NoFontFile) for f in fonts):
            return super()._add_fonts(image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name)
        result = {}
        for font in fonts:
            entry = font.ttfont.store.embedding(font)
            fontname = f"MPDFAA+{font.name}"
            composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
            self._add_pdf_obj(composite, "fonts")
            result[font.i] = composite
            cid_font = PDFFont(subtype="CIDFontType2", base_font=fontname, d_w=font.desc.missing_width,
                               w=entry.widths)
            self._add_pdf_obj(cid_font, "fonts")
            composite.descendant_fonts = PDFArray([cid_font])
            to_unicode = _stream(entry.to_unicode)
            self._add_pdf_obj(to_unicode, "fonts")
            composite.to_unicode = to_unicode
            info = CIDSystemInfo()
            self._add_pdf_obj(info, "fonts")
            cid_font.c_i_d_system_info = info
            descriptor = copy.copy(font.desc)  # per document: fpdf2 numbers and fills it
            descriptor.font_name = Name(fontname)
            self._add_pdf_obj(descriptor, "fonts")
            cid_font.font_descriptor = descriptor
            cid_map = _stream(entry.cid_to_gid)
            self._add_pdf_obj(cid_map, "fonts")
            cid_font.c_i_d_to_g_i_d_map = cid_map
            font_file = _stream(entry.font_file)
            font_file.length1 = entry.font_length
            self._add_pdf_obj(font_file, "fonts")
            descriptor.font_file2 = font_file
            font.subset.pick.cache_clear()
            font.subset.get_glyph.cache_clear()
        return result


def _add_fonts(pdf: FPDF) -> None:
    """Add DejaVu regular and bold. Each TTF is parsed once per process (metrics, cmap, glyph ids);
    every document gets a copy of the parsed font with its own glyph map, COMMON glyphs first."""
    for style, path in (("", REGULAR), ("B", BOLD)):
        key = f"{FAMILY.lower()}{style}"
        cached = _font_cache.get(key)
        if cached is None:
            with _font_lock:
                cached = _font_cache.get(key)
                if cached is None:
                    reduced = _reduced_font(path)
                    probe = FPDF()
                    probe.add_font(FAMILY, style, str(reduced))
                    cached = (probe.fonts[key], _FontStore(reduced.read_bytes()))
                    _font_cache[key] = cached
        template, store = cached
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        font.ttfont = _NoFontFile(store)
        font.subset = SubsetMap(font)
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.color_font = None
        font._hbfont = None
        if store.common_map is None:
            for char in COMMON:
                if char in font.cmap:
                    font.subset.pick(char)
            store.common_map = (dict(font.subset._char_id_per_glyph), font.subset._next,
                                list(font.subset._reserved))
        else:
            glyphs, next_id, reserved = store.common_map
            font.subset._char_id_per_glyph = dict(glyphs)
            font.subset._next = next_id
            font.subset._reserved = list(reserved)
        pdf.fonts[key] = font


def _srgb_output_intent(pdf: FPDF) -> None:
    """The sRGB output intent PDF/A asks for (the colours here are DeviceRGB), with fpdf2's own profile."""
    pdf.add_output_intent(OutputIntentSubType.PDFA, output_condition_identifier="sRGB",
                          output_condition="IEC 61966-2-1:1999", registry_name="http://www.color.org",
                          dest_output_profile=PDFICCProfile(contents=builtin_srgb2014_bytes(), n=3,
                                                            alternate="DeviceRGB"),
                          info="sRGB2014 (v2)")


def render(doc: Document, *, pdfa: bool = False) -> bytes:
    """The document as PDF; ``pdfa`` adds the output intent of a PDF/A file (e-invoices, issue 12)."""
    pdf = _Pdf(doc)
    if pdfa:
        _srgb_output_intent(pdf)
    pdf.alias_nb_pages()
    pdf.add_page()
    _heading(pdf, doc)
    _parties(pdf, doc)
    _meta(pdf, doc)
    _lines(pdf, doc)
    _totals(pdf, doc)
    _notes(pdf, doc)
    return bytes(pdf.output(output_producer_class=_Producer))


def _cell(pdf: FPDF, w: float, h: float, text: str, align: str = "L", *, next_line: bool = False,
          stay_x: bool = False, fill: bool = False) -> None:
    """What ``cell()`` draws for one line of text, placed with ``text()``, which costs about a
    twentieth of ``cell()``. Then the cursor moves right, to the next line, or down (``stay_x``)."""
    x, y = pdf.get_x(), pdf.get_y()
    if w == 0:
        w = pdf.w - pdf.r_margin - x
    if fill:
        pdf.rect(x, y, w, h, style="F")
    if text:
        if align == "R":
            left = x + w - pdf.c_margin - pdf.get_string_width(text)
        else:
            left = x + pdf.c_margin
        pdf.text(left, y + 0.5 * h + 0.3 * pdf.font_size, text)
    if next_line:
        pdf.set_xy(pdf.l_margin, y + h)
    elif stay_x:
        pdf.set_xy(x, y + h)
    else:
        pdf.set_xy(x + w, y)


def _heading(pdf: _Pdf, doc: Document) -> None:
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FAMILY, "B", 20)
    _cell(pdf, 110, 10, doc.title)
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_text_color(*INK)
    _cell(pdf, 0, 10, doc.number, "R", next_line=True)
    if doc.stamp:
        pdf.set_font(FAMILY, "B", 9)
        pdf.set_text_color(*MUTED)
        _cell(pdf, 0, 5, doc.stamp.upper(), "R", next_line=True)
    pdf.ln(4)


def _parties(pdf: _Pdf, doc: Document) -> None:
    top = pdf.get_y()
    width = 82
    for column, (heading, lines) in enumerate(((doc.seller_heading, doc.seller_lines),
                                               (doc.buyer_heading, doc.buyer_lines))):
        x = pdf.l_margin + column * (width + 6)
        pdf.set_xy(x, top)
        pdf.set_font(FAMILY, "B", 7.5)
        pdf.set_text_color(*MUTED)
        _cell(pdf, width, 4.5, heading.upper(), stay_x=True)
        pdf.set_text_color(*INK)
        for i, line in enumerate(lines):
            pdf.set_font(FAMILY, "B" if i == 0 else "", 9.5 if i == 0 else 8.5)
            for part in _fit(pdf, line, width):
                pdf.set_x(x)
                _cell(pdf, width, 4.6, part, stay_x=True)
        if column == 0:
            bottom = pdf.get_y()
    pdf.set_y(max(bottom, pdf.get_y()) + 5)


def _meta(pdf: _Pdf, doc: Document) -> None:
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2.5)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for i, (label, value) in enumerate(doc.meta):
        x = pdf.l_margin + (i % 2) * half
        if i % 2 == 0 and i:
            pdf.ln(5)
        pdf.set_x(x)
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        _cell(pdf, 36, 5, label)
        pdf.set_font(FAMILY, "B", 8.5)
        pdf.set_text_color(*INK)
        _cell(pdf, half - 36, 5, value)
    pdf.ln(8)


def _fit(pdf: FPDF, text: str, width: float) -> list[str]:
    """Split ``text`` into lines that fit ``width`` (mm) in the current font."""
    if pdf.get_string_width(text) <= width:
        return [text]
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if pdf.get_string_width(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _lines(pdf: _Pdf, doc: Document) -> None:
    def header_row() -> None:
        pdf.set_font(FAMILY, "B", 8)
        pdf.set_text_color(*MUTED)
        pdf.set_fill_color(243, 244, 246)
        for i, (label, width) in enumerate(zip(doc.headers, COLS, strict=True)):
            _cell(pdf, width, 7, label, "L" if i == 0 else "R", fill=True)
        pdf.ln(7)

    header_row()
    pdf.set_text_color(*INK)
    for line in doc.lines:
        pdf.set_font(FAMILY, "", 7.5)
        description = _fit(pdf, line.description, COLS[0] - 2) if line.description else []
        height = 5.5 + 3.8 * len(description) + 1.5
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            header_row()
            pdf.set_text_color(*INK)
        top = pdf.get_y()
        pdf.set_font(FAMILY, "B", 8.5)
        _cell(pdf, COLS[0], 5.5, line.product)
        pdf.set_font(FAMILY, "", 8.5)
        for value, width in zip((line.quantity, line.unit_price, line.vat_rate, line.amount), COLS[1:],
                                strict=True):
            _cell(pdf, width, 5.5, value, "R")
        pdf.set_font(FAMILY, "", 7.5)
        pdf.set_text_color(*MUTED)
        for i, text in enumerate(description):
            pdf.set_xy(pdf.l_margin, top + 5.5 + 3.8 * i)
            _cell(pdf, COLS[0], 3.8, text)
        pdf.set_text_color(*INK)
        pdf.set_y(top + height)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)


def _totals(pdf: _Pdf, doc: Document) -> None:
    label_w, value_w = 62, 34
    x = pdf.w - pdf.r_margin - label_w - value_w
    if pdf.get_y() + 6 * len(doc.totals) > pdf.page_break_trigger:
        pdf.add_page()
    for row in doc.totals:
        pdf.set_x(x)
        if row.strong:
            pdf.set_draw_color(*INK)
            pdf.line(x, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_font(FAMILY, "B" if row.strong else "", 10 if row.strong else 8.5)
        _cell(pdf, label_w, 6 if row.strong else 5, row.label)
        _cell(pdf, value_w, 6 if row.strong else 5, row.value, "R", next_line=True)
    pdf.set_draw_color(*RULE)
    pdf.ln(4)


def _notes(pdf: _Pdf, doc: Document) -> None:
    for note in doc.notes:
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*INK)
        for part in _fit(pdf, note, pdf.w - pdf.l_margin - pdf.r_margin):
            _cell(pdf, 0, 4.4, part, next_line=True)
        pdf.ln(1.5)


def write(doc: Document, path: Path) -> Path:
    path.write_bytes(render(doc))
    return path
