"""The rows an admin import refused, as a spreadsheet an official can fix the file from.

A failed import (at the preview or at the confirm step) leaves its problems in the session,
one row per problem: sheet, row (as the spreadsheet numbers it, the header being row 1),
column (the header the file uses) and reason. The admin's ``import-errors/`` URL serves them
as CSV with a byte order mark, so Excel and WPS read the Chinese.
"""

import csv
import io

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .exports import neutralise_formula

SESSION_KEY = "import-errors:{label}"


def sheet_name(upload) -> str:
    """The file's name and, for a workbook, the sheet import_export reads (the active one)."""
    name = getattr(upload, "name", "") or ""
    if name.lower().endswith(".xlsx"):
        try:
            import openpyxl

            upload.seek(0)
            workbook = openpyxl.load_workbook(upload, read_only=True)
            title = workbook.active.title
            workbook.close()
            upload.seek(0)
        except Exception:  # a file openpyxl cannot read: the report still names it
            return name
        return f"{name} / {title}"
    return name


def problems(result, resource, sheet: str) -> list[list[str]]:
    """[sheet, row, column, reason] for every error in an import_export ``Result``."""
    columns = {}
    for name, field in resource.fields.items():
        columns[name] = str(field.column_name)
        if field.attribute:
            columns.setdefault(field.attribute.split("__")[0], str(field.column_name))
    rows = []
    for error in result.base_errors:
        rows.append([sheet, "", "", str(error.error)])
    for number, errors in result.row_errors():
        for error in errors:
            rows.append([sheet, str(number + 1), "", str(error.error)])
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            for message in messages:
                rows.append([sheet, str(invalid.number + 1), column, str(message)])
    return sorted(rows, key=lambda row: (int(row[1] or 0), row[2]))


def store(request, label: str, rows: list[list[str]]) -> None:
    request.session[SESSION_KEY.format(label=label)] = rows


def report_response(request, label: str, filename: str) -> HttpResponse:
    rows = request.session.get(SESSION_KEY.format(label=label), [])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Sheet"), _("Row"), _("Column"), _("Reason")])
    for row in rows:
        writer.writerow([neutralise_formula(str(value)) for value in row])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
