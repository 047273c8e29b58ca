"""Make the reports' font subset (run once; the result is committed).

    .venv/bin/python scripts/make_report_font.py NotoSansCJK-Regular.ttc

with the collection from Debian's fonts-noto-cjk (/usr/share/fonts/opentype/noto/).

Takes Noto Sans CJK SC (Debian's fonts-noto-cjk, SIL Open Font License 1.1) and keeps the
characters a Chinese government report needs: ASCII, GB 2312 (6,763 characters and its
symbols), the punctuation the portal writes and every character of the Chinese translation
(locale/zh_Hans). Hinting is dropped (PDF viewers do not use it); the name table, which
carries the copyright and licence notices, is kept whole. The outlines are converted from
CFF (cubic) to TrueType (quadratic) curves: fpdf2 embeds a TrueType font with an Identity-H
encoding whose text every reader extracts, while its CID-keyed CFF embedding reads back as
garbage. See core/reports/pdf.py for why fpdf2 and this font.
"""

import contextlib
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

# Largest distance (font units of 1,000 per em) between a cubic curve and its quadratic
# approximation: invisible at any print size.
MAX_ERROR = 1.0


def to_truetype(font) -> None:
    """Replace the font's CFF outlines by TrueType ones (fontTools' otf2ttf recipe)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"


ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "core" / "reports" / "fonts" / "NotoSansSC-Regular-subset.ttf"
EXTRA = (
    "·—–…‘’“”《》〈〉【】〔〕〖〗「」『』、。，；：？！（）〓※№℃×÷±≤≥≠□■○●△▲◇◆☆★→←↑↓①②③④⑤⑥⑦⑧⑨⑩￥"
)


def characters() -> set[int]:
    chars = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.update(map(ord, bytes([high, low]).decode("gb2312")))
    chars.update(map(ord, EXTRA))
    po = (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    for text in re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', po, flags=re.M):
        chars.update(ord(c) for c in text if ord(c) >= 0x20)
    return chars


def main(source: str) -> None:
    collection = TTCollection(source)
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.desubroutinize = False
    # Horizontal text without OpenType layout (fpdf2 drops GSUB/GPOS when embedding): fewer
    # tables for fpdf2 to read for each report.
    options.layout_features = []
    options.drop_tables += ["vmtx", "vhea", "VORG", "GSUB", "GPOS", "GDEF", "BASE", "DSIG"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    to_truetype(font)
    # One Unicode cmap (Windows, BMP) is all a PDF reader and fpdf2 use.
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if (t.platformID, t.platEncID) == (3, 1)]
    font.save(OUT)
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
