"""Reading an intake file (CSV or XLSX) in the admin: its rows as items keyed like the API's
(a column may be headed by the field's key or by its Chinese label), and the problems of a
refused file as sheet / row / column / reason, the way every import of the portal reports
them (``core.import_errors``). The file goes in all or nothing (``services.intake``)."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import validate_import_file

from .intake_formats import FIELDS, column_keys


def read_rows(upload, kind: str) -> tuple[str, list[str], list[dict], list[int]]:
    """(sheet name, the headers as written, the rows as items, each item's row number as
    the spreadsheet numbers it) of ``upload``. Blank rows are skipped."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx"):
        raise ValidationError(_("Choose a CSV or XLSX file."))
    validate_import_file(upload, extension)
    if extension == "xlsx":
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
        except Exception:  # a damaged workbook: a clear error, never a 500
            raise ValidationError(_("The workbook could not be read.")) from None
        sheet = workbook.active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        sheet_name = f"{name} / {sheet.title}"
        workbook.close()
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("Save the CSV file as UTF-8.")) from None
        rows = list(csv.reader(io.StringIO(text)))
        sheet_name = name
    if not rows:
        raise ValidationError(_("The file is empty."))
    headers = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    keys = column_keys(kind)
    missing = [
        field.label
        for field in FIELDS[kind]
        if field.required and field.key not in {keys.get(h) for h in headers}
    ]
    if missing:
        raise ValidationError(
            _("The file lacks the columns: %(columns)s.") % {"columns": "、".join(missing)}
        )
    items, numbers = [], []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        item = {}
        for header, cell in zip(headers, row, strict=False):
            key = keys.get(header)
            if key is None:
                continue
            if isinstance(cell, datetime.datetime):
                cell = cell.date()
            item[key] = cell.isoformat() if isinstance(cell, datetime.date) else cell
        items.append(item)
        numbers.append(number)
    return sheet_name, headers, items, numbers


def problems(
    sheet: str, kind: str, headers: list[str], numbers: list[int], bad: dict
) -> list[list[str]]:
    """One line per problem: sheet, row (as the spreadsheet numbers it), column, reason."""
    keys = column_keys(kind)
    header_of = {}
    for header in headers:
        header_of.setdefault(keys.get(header), header)
    lines = []
    for index, errors in sorted(bad.items()):
        for key, reason in errors.items():
            lines.append([sheet, str(numbers[index]), header_of.get(key, key), reason])
    return lines
