"""Uploaded files are checked by their content, not their name: evidence attachments (PDF,
images, office documents) and spreadsheets for the admin imports.

First bytes are not enough: an HTML page with ``%PDF-`` in front, or a PNG signature followed
by an SVG script, starts like the real thing. So each file is also checked by its whole
structure, with a library made for the format:

- a PDF must parse with pypdf (cross-reference table, trailer, page tree), and hold no HTML
  or SVG markup in its first ``SNIFF_BYTES``, the part a browser or a mail client reads to
  guess a type (WHATWG MIME Sniffing reads 1,445 bytes): a PDF/HTML polyglot is refused. Markup
  further in is left alone: a PDF's compressed streams and text may contain anything, and only
  the first bytes decide what a sniffing reader takes the file for;
- a PNG or JPEG must decode completely with Pillow, in the format its name says, and hold no
  HTML or SVG markup anywhere: an image has no place where markup belongs;
- a ZIP package (DOCX, XLSX, OFD evidence; XLSX and ODS imports) must hold the parts of its
  kind, and is refused before anything is unpacked when it would unpack to more than
  ``CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES`` or holds more than ``CHENGXIN_ZIP_MAX_MEMBERS``
  parts (Python's zipfile never unpacks more than a part's declared size, so the declared
  sizes are what a reader will get).

Evidence is always served as a download (``Content-Disposition: attachment``, the stored
content type, ``nosniff``), never shown inline.
"""

import re
import warnings
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Evidence files: what we accept, recognised by their first bytes, not only by their name.
ATTACHMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
}


ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
}

# The format Pillow must find in an image of each name.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}

# HTML or SVG that a browser would render or run: an element that makes a document (or runs
# script, or embeds one), the SVG namespace, or a javascript: URL. XML as such (an image's
# XMP metadata: <?xpacket, <x:xmpmeta, <rdf:RDF) is not markup a browser runs.
MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|iframe|object|embed|foreignobject)[\s/>]"
    rb"|http://www\.w3\.org/2000/svg"
    rb"|javascript:",
    re.IGNORECASE,
)
# The start of a file that browsers and mail clients read to guess its type.
SNIFF_BYTES = 2048
_CHUNK = 2**20
_OVERLAP = 64


def validate_attachment(uploaded) -> str:
    """Check an uploaded evidence file; returns the content type to store."""
    suffix = Path(uploaded.name or "").suffix.lower()
    if suffix not in ATTACHMENT_SIGNATURES:
        raise ValidationError(
            _("“%(name)s”: only %(types)s files are accepted."),
            code="attachment_type",
            params={
                "name": uploaded.name,
                "types": "、".join(sorted(s.lstrip(".").upper() for s in ATTACHMENT_SIGNATURES)),
            },
        )
    limit = settings.CHENGXIN_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s."),
            code="attachment_size",
            params={
                "name": uploaded.name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            },
        )
    if uploaded.size == 0:
        raise ValidationError(
            _("“%(name)s” is empty."), code="attachment_empty", params={"name": uploaded.name}
        )
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    if not head.startswith(ATTACHMENT_SIGNATURES[suffix]) or not _structure_is_sound(
        uploaded, suffix, head
    ):
        raise _not_really(uploaded, suffix, code="attachment_content")
    return ATTACHMENT_CONTENT_TYPES[suffix]


def _not_really(uploaded, suffix: str, code: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is not really a %(type)s file."),
        code=code,
        params={"name": uploaded.name, "type": suffix.lstrip(".").upper()},
    )


def _structure_is_sound(uploaded, suffix: str, head: bytes) -> bool:
    if suffix == ".pdf":
        return not MARKUP.search(head) and _pdf_parses(uploaded)
    if suffix in IMAGE_FORMATS:
        return _image_decodes(uploaded, IMAGE_FORMATS[suffix]) and not _holds_markup(uploaded)
    members = ATTACHMENT_PACKAGE_MEMBERS.get(suffix)
    if members:
        infos = _zip_infos(uploaded)
        if infos is None:
            return False
        check_zip_limits(uploaded, infos)
        return _holds_members(infos, members)
    return True


def _pdf_parses(uploaded) -> bool:
    """Whether pypdf reads the file's cross-references, trailer and page tree. A PDF that
    opens only with a password is refused with its own message: nobody could read it."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        uploaded.seek(0)
        reader = PdfReader(uploaded, strict=False)
        return len(reader.pages) > 0
    except FileNotDecryptedError:
        raise ValidationError(
            _("“%(name)s” opens only with a password; upload it without the password."),
            code="attachment_encrypted",
            params={"name": uploaded.name},
        ) from None
    except Exception:  # any failure to parse: pypdf raises many kinds on malformed input
        return False
    finally:
        uploaded.seek(0)


def _image_decodes(uploaded, expected_format: str) -> bool:
    """Whether Pillow finds an image of ``expected_format`` whose chunks check out
    (``verify``) and whose pixels decode to the end (``load``), within Pillow's limit on
    pixels (a decompression bomb is refused, not decoded)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                if image.format != expected_format:
                    return False
                image.verify()
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                image.load()
    except Exception:  # any failure to decode: Pillow raises many kinds on malformed input
        return False
    finally:
        uploaded.seek(0)
    return True


def _holds_markup(uploaded) -> bool:
    """Whether the file holds HTML or SVG markup anywhere (read in chunks that overlap)."""
    uploaded.seek(0)
    tail = b""
    try:
        while chunk := uploaded.read(_CHUNK):
            if MARKUP.search(tail + chunk):
                return True
            tail = chunk[-_OVERLAP:]
    finally:
        uploaded.seek(0)
    return False


# Office and OFD documents are ZIP packages: any ZIP archive starts with the same four bytes,
# so the package must also hold the part that makes it that kind of document.
ATTACHMENT_PACKAGE_MEMBERS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".ofd": ("OFD.xml",),
}


def _zip_infos(uploaded) -> list[zipfile.ZipInfo] | None:
    """The parts of a ZIP package as its central directory lists them (nothing is unpacked),
    or None when the file is not a readable ZIP archive."""
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as package:
            return package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        uploaded.seek(0)


def _holds_members(infos: list[zipfile.ZipInfo], members) -> bool:
    names = {info.filename for info in infos}
    return all(member in names for member in members)


def check_zip_limits(uploaded, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP package that would unpack to more than the limits allow, before anything
    of it is unpacked."""
    size = sum(info.file_size for info in infos)
    limit = settings.CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES
    most = settings.CHENGXIN_ZIP_MAX_MEMBERS
    if size > limit or len(infos) > most:
        raise ValidationError(
            _(
                "“%(name)s” unpacks to %(size)s in %(count)s parts; at most %(limit)s in "
                "%(most)s parts are accepted."
            ),
            code="archive_too_large",
            params={
                "name": uploaded.name,
                "size": filesizeformat(size),
                "count": len(infos),
                "limit": filesizeformat(limit),
                "most": most,
            },
        )


# Spreadsheet imports (the admin's import page): the chosen format's content, whatever the name.
EXECUTABLE_OR_DOCUMENT_SIGNATURES = (
    b"MZ",  # Windows executables
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Mach-O and Java classes
    b"#!",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
)


IMPORT_PACKAGE_MEMBERS = {
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ods": ("mimetype", "content.xml"),
}


def validate_import_file(uploaded, extension: str) -> None:
    """Refuse an import file whose content is not of the chosen ``extension``'s format: a
    workbook must be a real workbook package within the unpacking limits, and a text format
    (CSV, TSV, JSON, YAML) plain text rather than HTML, a program or some other binary file
    renamed."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    extension = extension.lower().lstrip(".")
    if extension in IMPORT_PACKAGE_MEMBERS:
        infos = _zip_infos(uploaded) if head.startswith(b"PK\x03\x04") else None
        if infos is not None:
            check_zip_limits(uploaded, infos)
        valid = infos is not None and _holds_members(infos, IMPORT_PACKAGE_MEMBERS[extension])
    elif extension == "xls":
        valid = head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        valid = (
            b"\x00" not in head
            and not text.startswith(EXECUTABLE_OR_DOCUMENT_SIGNATURES)
            and not text.startswith(b"<")
        )
    if not valid:
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            code="import_content",
            params={"name": uploaded.name, "type": extension.upper()},
        )
