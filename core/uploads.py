"""Uploaded files are checked by their content, not their name: evidence attachments (PDF,
images, office documents) and spreadsheets for the admin imports."""

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


def validate_attachment(uploaded) -> str:
    """Check an uploaded evidence file; returns the content type to store."""
    from pathlib import Path

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
    head = uploaded.read(16)
    uploaded.seek(0)
    if not head.startswith(ATTACHMENT_SIGNATURES[suffix]) or not _zip_package_is(
        uploaded, ATTACHMENT_PACKAGE_MEMBERS.get(suffix)
    ):
        raise ValidationError(
            _("“%(name)s” is not really a %(type)s file."),
            code="attachment_content",
            params={"name": uploaded.name, "type": suffix.lstrip(".").upper()},
        )
    return ATTACHMENT_CONTENT_TYPES[suffix]


# Office and OFD documents are ZIP packages: any ZIP archive starts with the same four bytes,
# so the package must also hold the part that makes it that kind of document.
ATTACHMENT_PACKAGE_MEMBERS = {
    ".docx": ("[Content_Types].xml", "word/document.xml"),
    ".xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    ".ofd": ("OFD.xml",),
}


def _zip_package_is(uploaded, members) -> bool:
    """Whether ``uploaded`` is a readable ZIP holding all of ``members`` (True when there are
    no members to look for, i.e. the format is not a ZIP package)."""
    import zipfile

    if not members:
        return True
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
    return all(member in names for member in members)


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
    workbook must be a real workbook package, and a text format (CSV, TSV, JSON, YAML) plain
    text rather than HTML, a program or some other binary file renamed."""
    uploaded.seek(0)
    head = uploaded.read(4096)
    uploaded.seek(0)
    extension = extension.lower().lstrip(".")
    if extension in IMPORT_PACKAGE_MEMBERS:
        valid = head.startswith(b"PK\x03\x04") and _zip_package_is(
            uploaded, IMPORT_PACKAGE_MEMBERS[extension]
        )
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
