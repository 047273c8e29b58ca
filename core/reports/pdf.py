"""The report's PDF: cover page, sections, verification code and QR code.

Library: fpdf2. It is pure Python (no system libraries such as Pango or Cairo, which
WeasyPrint needs), embeds TrueType/OpenType fonts as subsets through fontTools (a typical
report stays far under 1 MB) and writes a ToUnicode map, so the text can be searched and
extracted from any viewer. ReportLab would do too, but is larger and embeds CJK fonts whole
unless one writes the subsetting oneself.

Font: Noto Sans SC (思源黑体), SIL Open Font License 1.1, which allows embedding and
redistributing it. The repository ships a subset (ASCII, GB 2312 and the punctuation the
portal uses; ``core/reports/fonts/README.md`` says how it was made) rather than a 16 MB
package from the registries: a fresh machine needs nothing beyond ``make run``, and no
system font is assumed. A character the subset lacks (a rare character in a name) is printed
as 〓, the typesetters' mark for a missing character, never as an empty box.

The QR code (segno, pure Python) is drawn as vector squares, not as an image.
"""

import copy
import datetime
import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import SubsetMap

from .sections import Section

# fontTools logs every subsetting step at INFO: a line per glyph list per report.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILE = FONT_DIR / "NotoSansSC-Regular-subset.ttf"
FONT_NAME = "NotoSansSC"
FONT_KEY = FONT_NAME.lower()
MISSING = "〓"


@functools.cache
def _font_bytes() -> bytes:
    return FONT_FILE.read_bytes()


@functools.cache
def _template_font():
    """The font as fpdf2 reads it (glyph widths and ids of 7,600 glyphs): half of a report's
    time when done for each report, so done once per process."""
    pdf = FPDF()
    pdf.add_font(FONT_NAME, "", str(FONT_FILE))
    return pdf.fonts[FONT_KEY]


def _add_report_font(pdf: FPDF) -> None:
    """Give ``pdf`` the font: the template's metrics, with its own set of used glyphs and its
    own copy of the font file (fpdf2 cuts the subset out of it in place when writing)."""
    font = copy.copy(_template_font())
    font.i = len(pdf.fonts) + 1
    font.ttfont = TTFont(io.BytesIO(_font_bytes()), recalcTimestamp=False, lazy=True)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    pdf.fonts[FONT_KEY] = font


@functools.cache
def font_characters() -> frozenset[int]:
    """The code points the embedded font has a glyph for."""
    with TTFont(FONT_FILE, lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text) -> str:
    """``text`` with every character the font cannot show replaced by 〓 (and control
    characters but the newline dropped)."""
    covered = font_characters()
    out = []
    for char in str(text or ""):
        if char == "\n":
            out.append(char)
        elif ord(char) < 32:
            continue
        else:
            out.append(char if ord(char) in covered else MISSING)
    return "".join(out)


@dataclass(frozen=True)
class CoverPage:
    department_name: str
    uscc: str
    region: str
    period_start: datetime.date
    period_end: datetime.date
    issued_at: datetime.datetime
    valid_until: datetime.date
    number: str
    code: str
    variant_label: str
    purpose_label: str
    verify_url: str


class _ReportPDF(FPDF):
    def __init__(self, cover: CoverPage):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.cover = cover
        _add_report_font(self)
        self.set_font(FONT_NAME, size=10.5)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_margins(20, 20, 20)
        # The same bytes for the same content: no random document id in the trailer.
        self.set_creation_date(cover.issued_at)

    def footer(self):
        self.set_y(-14)
        self.set_font(FONT_NAME, size=8)
        self.set_text_color(90, 90, 90)
        text = _("Verification code %(code)s · page %(page)s of %(pages)s") % {
            "code": self.cover.code,
            "page": self.page_no(),
            "pages": "{nb}",
        }
        self.cell(0, 5, printable(text), align="C")
        self.set_text_color(0, 0, 0)
        self.set_font(FONT_NAME, size=10.5)

    # --- pieces ----------------------------------------------------------------------------

    def line_text(self, text, size=10.5, height=6.5, align="L"):
        self.set_font(FONT_NAME, size=size)
        self.multi_cell(
            0,
            height,
            printable(text),
            align=align,
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_font(FONT_NAME, size=10.5)

    def fact(self, label, value, label_width=42):
        self.set_font(FONT_NAME, size=10.5)
        self.set_text_color(80, 80, 80)
        x = self.get_x()
        y = self.get_y()
        self.multi_cell(label_width, 6.5, printable(label), wrapmode=WrapMode.CHAR)
        label_bottom = self.get_y()
        self.set_xy(x + label_width, y)
        self.set_text_color(0, 0, 0)
        self.multi_cell(0, 6.5, printable(value), wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN)
        self.set_y(max(self.get_y(), label_bottom))

    def qr(self, data: str, x: float, y: float, size: float):
        matrix = segno.make(data, error="m", micro=False).matrix
        count = len(matrix) + 8  # the quiet zone: four modules on each side
        module = size / count
        self.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(matrix):
            for col_index, dark in enumerate(row):
                if dark:
                    self.rect(
                        x + (col_index + 4) * module,
                        y + (row_index + 4) * module,
                        module,
                        module,
                        style="F",
                    )

    def table(self, table):
        widths = table.widths or [1] * len(table.headers)
        self.set_font(FONT_NAME, size=9)
        with super().table(
            col_widths=widths,
            line_height=5.5,
            text_align="LEFT",
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=True,
            # One weight of the font is embedded: headings are shaded, not bold.
            headings_style=FontFace(emphasis="", fill_color=(235, 235, 235)),
        ) as grid:
            header = grid.row()
            for heading in table.headers:
                header.cell(printable(heading))
            for values in table.rows:
                row = grid.row()
                for value in values:
                    row.cell(printable(value))
        self.set_font(FONT_NAME, size=10.5)
        self.ln(3)


def render_report(cover: CoverPage, sections: list[Section]) -> bytes:
    pdf = _ReportPDF(cover)
    pdf.set_title(printable(_("Credit report of %(name)s") % {"name": cover.department_name}))
    pdf.set_subject(printable(cover.uscc))
    pdf.set_author(printable(_("Chengxin government integrity portal")))
    pdf.set_creator("Chengxin")
    pdf.set_lang("zh-CN")
    pdf.alias_nb_pages()
    _cover(pdf, cover)
    for section in sections:
        _section(pdf, section)
    _closing(pdf, cover)
    return bytes(pdf.output())


def _cover(pdf: _ReportPDF, cover: CoverPage) -> None:
    pdf.add_page()
    pdf.ln(18)
    pdf.line_text(_("Government credit report"), size=24, height=12, align="C")
    pdf.line_text(f"（{cover.variant_label}）", size=13, height=8, align="C")
    pdf.ln(14)
    for label, value in (
        (_("Report subject"), cover.department_name),
        (_("Unified social credit code"), cover.uscc),
        (_("Region"), cover.region),
        (
            _("Period covered"),
            _("%(start)s to %(end)s")
            % {"start": cover.period_start.isoformat(), "end": cover.period_end.isoformat()},
        ),
        (_("Purpose"), cover.purpose_label),
        (_("Issued at"), cover.issued_at.strftime("%Y-%m-%d %H:%M")),
        (_("Valid until"), cover.valid_until.isoformat()),
        (_("Report number"), cover.number),
        (_("Verification code"), cover.code),
    ):
        pdf.fact(label, value)
    pdf.ln(8)
    top = pdf.get_y()
    pdf.qr(cover.verify_url, pdf.l_margin, top, 38)
    pdf.set_xy(pdf.l_margin + 42, top + 4)
    pdf.multi_cell(
        0,
        6,
        printable(
            _(
                "Scan the code or open %(url)s and enter the verification code, or upload "
                "this file, to check that the report is genuine and unchanged."
            )
            % {"url": cover.verify_url.split("?")[0]}
        ),
        wrapmode=WrapMode.CHAR,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_y(max(pdf.get_y(), top + 42))


def _section(pdf: _ReportPDF, section: Section) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    else:
        pdf.ln(4)
    pdf.set_draw_color(160, 160, 160)
    pdf.line_text(section.title, size=14, height=9)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    for label, value in section.facts:
        pdf.fact(label, value)
    for paragraph in section.paragraphs:
        pdf.line_text(paragraph)
    if section.facts or section.paragraphs:
        pdf.ln(2)
    for table in section.tables:
        pdf.table(table)


def _closing(pdf: _ReportPDF, cover: CoverPage) -> None:
    pdf.ln(6)
    pdf.line_text(
        _(
            "This report states the credit information held by the portal for the period "
            "above on the day it was issued. It is valid until %(date)s; check it at the "
            "verification page."
        )
        % {"date": cover.valid_until.isoformat()},
        size=9,
        height=5.5,
    )
