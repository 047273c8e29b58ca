"""Spreadsheet exports of exactly the rows a list shows: CSV (UTF-8 with BOM, so Excel and
WPS read Chinese correctly) streamed row by row, and XLSX written by XlsxWriter in
constant-memory mode. Cells that a spreadsheet would run as a formula are neutralised.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# A cell beginning with one of these is read as a formula by Excel, WPS or LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def cell_text(value) -> str:
    """A value as the text an auditor expects: ISO dates, plain numbers, no formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise_formula(str(value))


def neutralise_formula(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe, which
    Excel and WPS show as plain text. Negative numbers stay numbers."""
    if text.startswith(FORMULA_PREFIXES) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _rows(queryset: Iterable, columns: list[Column]):
    iterator = queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset
    for obj in iterator:
        yield [cell_text(column.value(obj)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def csv_response(queryset, columns: list[Column], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow([str(column.header) for column in columns])
        for row in _rows(queryset, columns):
            yield writer.writerow(row)

    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in stream()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(f"{filename}.csv")
    return response


def xlsx_response(queryset, columns: list[Column], filename: str, sheet: str) -> FileResponse:
    # FileResponse closes the file once it has been sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF1F4", "border": 1})
    for index, column in enumerate(columns):
        worksheet.set_column(index, index, max(12, min(40, len(str(column.header)) * 2 + 4)))
        worksheet.write_string(0, index, str(column.header), bold)
    worksheet.freeze_panes(1, 0)
    for row_number, row in enumerate(_rows(queryset, columns), start=1):
        for index, text in enumerate(row):
            worksheet.write_string(row_number, index, text)
    workbook.close()
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(fmt: str, queryset, columns: list[Column], filename: str, sheet: str):
    if fmt == "xlsx":
        return xlsx_response(queryset, columns, filename, sheet)
    return csv_response(queryset, columns, filename)
