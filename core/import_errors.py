"""The rows an admin import refused, as a spreadsheet an official can fix the file from.

A failed import (at the preview or at the confirm step) leaves its problems in the session,
one row per problem: sheet, row (as the spreadsheet numbers it, the header being row 1),
column (the header the file uses) and reason. The admin's ``import-errors/`` URL serves them
as CSV with a byte order mark, so Excel and WPS read the Chinese. The import page shows the
same rows (``problems``) and the failing rows as read from the file (``rows_with_errors``),
numbered the same way.
"""

import csv
import datetime
import io

from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .exports import content_disposition, neutralise_formula

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


def spreadsheet_row(number: int) -> int:
    """import_export counts the data rows from 1; the spreadsheet counts the header as row 1,
    so the first data row is row 2 there, in the report and on the page alike."""
    return number + 1


def column_labels(resource) -> dict[str, str]:
    """The column header (the translated name the file uses) of each resource field, by the
    field's name and by the model attribute it fills (what a model validation error names)."""
    columns = {}
    for name, field in resource.fields.items():
        label = str(field.column_name) if field.column_name is not None else name
        columns[name] = label
        if field.attribute:
            columns.setdefault(field.attribute.split("__")[0], label)
    return columns


def problems(result, resource, sheet: str) -> list[list[str]]:
    """[sheet, row, column, reason] for every error in an import_export ``Result``."""
    columns = column_labels(resource)
    rows = []
    for error in result.base_errors:
        rows.append([sheet, "", "", str(error.error)])
    for number, errors in result.row_errors():
        for error in errors:
            rows.append([sheet, str(spreadsheet_row(number)), "", str(error.error)])
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            for message in messages:
                rows.append([sheet, str(spreadsheet_row(invalid.number)), column, str(message)])
    return sorted(rows, key=lambda row: (int(row[1] or 0), row[2]))


def cell_display(value) -> str:
    """A cell as an official typed it: an empty cell is empty (openpyxl reads it as None),
    a yes/no cell 是/否, a date as a date, a whole number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_with_errors(result, resource) -> list[dict]:
    """The rows that failed validation as the file has them, for the import page: the
    spreadsheet row number, each cell shown as typed (marked when its column has an error)
    and the errors by column header."""
    columns = column_labels(resource)
    headers = [str(header) for header in result.diff_headers]
    rows = []
    for invalid in result.invalid_rows:
        errors = []
        failing = set()
        for field, messages in invalid.error_dict.items():
            label = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            failing.add(label)
            errors.append({"column": label, "messages": [str(m) for m in messages]})
        # import_export fills a column the file does not have with "---".
        cells = [
            {"value": "" if value == "---" else cell_display(value), "error": header in failing}
            for header, value in zip(headers, invalid.values, strict=False)
        ]
        rows.append({"number": spreadsheet_row(invalid.number), "errors": errors, "cells": cells})
    return rows


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
    response["Content-Disposition"] = content_disposition(f"{filename}.csv")
    return response
