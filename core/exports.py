"""Spreadsheet exports of exactly the rows a list shows: CSV (UTF-8 with BOM, so Excel and
WPS read Chinese correctly) streamed row by row, and XLSX written in constant memory into a
temporary file. Cells that a spreadsheet would run as a formula are neutralised.

Columns that name a ``source`` (a ``values()`` lookup: a field, ``related__field`` or an
annotation) are read with one ``values_list()`` query and no model instances, which is what
makes a 100,000-row export take seconds (``python -m bench exports``, docs/exports.md).
XLSX is written by rustpy-xlsxwriter (Rust, about 10× faster than XlsxWriter here) when it is
installed, and by XlsxWriter in constant-memory mode otherwise; both are tested.
"""

import csv
import datetime
import itertools
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter

try:  # optional: the fast writer (pip install ".[fast-xlsx]")
    import rustpy_xlsxwriter
except ImportError:  # pragma: no cover - XlsxWriter is the tested fallback
    rustpy_xlsxwriter = None
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# A cell beginning with one of these is read as a formula by Excel, WPS or LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ... and so is one whose first character after leading whitespace (spaces, line feeds) is
# one of these: Excel and WPS drop the whitespace when the cell is edited or the CSV opened.
FORMULA_SIGNS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One exported column. ``value`` reads it from a model instance; a column with a
    ``source`` is read from ``values_list(source)`` instead and passed through ``convert``."""

    header: str
    value: Callable[[object], object] | None = None
    source: str | tuple[str, ...] | None = None
    convert: Callable[[object], object] | None = None

    @classmethod
    def field(cls, header, source: str, convert=None) -> "Column":
        return cls(header, source=source, convert=convert)

    @classmethod
    def fields(cls, header, sources: Iterable[str], convert) -> "Column":
        """A column computed from several values of the row (still the fast path):
        ``convert`` receives them as one tuple, in the order of ``sources``."""
        return cls(header, source=tuple(sources), convert=convert)

    @classmethod
    def choice(cls, header, source: str, choices) -> "Column":
        """A choice field shown as its translated label."""
        labels = {value: str(label) for value, label in choices}
        return cls(header, source=source, convert=lambda value: labels.get(value, value))

    def of(self, obj):
        """The column's value for one model instance (a page's table, or the slow path)."""
        if self.value is not None:
            return self.value(obj)
        if isinstance(self.source, tuple):
            value = tuple(_lookup(obj, source) for source in self.source)
        else:
            value = _lookup(obj, self.source)
        return self.convert(value) if self.convert is not None else value


# Stored as numbers in XLSX, so that an auditor can sum and sort them. Codes stored in text
# fields (credit codes, employee numbers) stay text: their leading zeros and 18 digits matter.
NUMERIC_FIELDS = (models.DecimalField, models.IntegerField, models.FloatField)


def _source_field(model, source: str):
    """The model field a ``values()`` lookup ends on, or None (an annotation, a property)."""
    field = None
    for part in source.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = field.related_model if field.is_relation else None
    return field


def numeric_columns(queryset, columns: list[Column]) -> dict[int, int]:
    """The columns that hold plain numbers, by position, with their decimal places: a
    numeric model field or annotation read as it is (no ``convert``, no choices, no primary
    or foreign key)."""
    model = getattr(queryset, "model", None)
    if model is None:
        return {}
    annotations = getattr(getattr(queryset, "query", None), "annotations", {})
    numeric = {}
    for index, column in enumerate(columns):
        if not isinstance(column.source, str) or column.convert is not None:
            continue  # no source, several sources, or converted: not a plain number
        if column.source in annotations:
            field = getattr(annotations[column.source], "output_field", None)
        else:
            field = _source_field(model, column.source)
        if (
            isinstance(field, NUMERIC_FIELDS)
            and not field.choices
            and not field.primary_key
            and not field.is_relation
        ):
            numeric[index] = getattr(field, "decimal_places", None) or 0
    return numeric


def _number_format(places: int) -> str:
    return "#,##0." + "0" * places if places else "0"


def _number(text: str):
    """A cell text of a numeric column as the number XLSX stores (a blank stays blank)."""
    if text == "":
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    if number == number.to_integral_value() and "." not in text:
        return int(number)
    return float(number)


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
    Excel and WPS show as plain text: one that starts with a formula sign, a tab or a carriage
    return, or whose first character after leading whitespace is a formula sign (``" =2+2"``,
    ``"\\n=3+3"``). Negative numbers stay numbers."""
    if (
        text[:1] in _FORMULA_STARTS
        and (text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_SIGNS))
        and not _is_number(text)
    ):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


CHUNK_SIZE = 5000


def _rows(queryset: Iterable, columns: list[Column]):
    """The rows as lists of cell texts, in the queryset's order, read in chunks."""
    if hasattr(queryset, "values_list") and all(column.source for column in columns):
        yield from _value_rows(queryset, columns)
        return
    iterator = (
        queryset.iterator(chunk_size=CHUNK_SIZE) if hasattr(queryset, "iterator") else queryset
    )
    for obj in iterator:
        yield [cell_text(column.of(obj)) for column in columns]


def _value_rows(queryset, columns: list[Column]):
    sources = list(
        dict.fromkeys(
            source
            for column in columns
            for source in (column.source if isinstance(column.source, tuple) else [column.source])
        )
    )
    position = {source: index for index, source in enumerate(sources)}
    plan = [
        (
            tuple(position[source] for source in column.source)
            if isinstance(column.source, tuple)
            else position[column.source],
            column.convert,
        )
        for column in columns
    ]
    yes, no = _("Yes"), _("No")
    for values in queryset.values_list(*sources).iterator(chunk_size=CHUNK_SIZE):
        row = []
        for index, convert in plan:
            value = values[index] if index.__class__ is int else tuple(values[i] for i in index)
            if convert is not None:
                value = convert(value)
            # The common cases inline: this loop runs once per cell.
            if value is None:
                row.append("")
            elif value.__class__ is str:
                row.append(neutralise_formula(value) if value[:1] in _FORMULA_STARTS else value)
            elif value is True:
                row.append(yes)
            elif value is False:
                row.append(no)
            else:
                row.append(cell_text(value))
        yield row


# The first characters of a cell worth a closer look: a formula prefix or any whitespace
# (the last whitespace character is U+3000, the ideographic space).
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES) | frozenset(
    character for character in map(chr, range(0x3001)) if character.isspace()
)


def _lookup(obj, source: str):
    for part in source.split("__"):
        if obj is None:
            return None
        try:
            obj = getattr(obj, part)
        except ObjectDoesNotExist:  # a missing reverse one-to-one reads as None, as in SQL
            return None
    return obj


class _Echo:
    def write(self, value):
        return value


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def csv_response(queryset, columns: list[Column], filename: str) -> StreamingHttpResponse:
    headers = [str(column.header) for column in columns]
    return _csv_stream(headers, _rows(queryset, columns), filename)


def csv_chunks(headers: list[str], rows: Iterable[list[str]]):
    """The CSV file as encoded chunks: a byte order mark, the header, one chunk a row."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(headers).encode("utf-8")
    for row in rows:
        yield writer.writerow(row).encode("utf-8")


def _csv_stream(headers: list[str], rows: Iterable[list[str]], filename: str):
    response = StreamingHttpResponse(
        csv_chunks(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = _disposition(f"{filename}.csv")
    return response


def _column_width(header) -> int:
    return max(12, min(40, len(str(header)) * 2 + 4))


def write_xlsx(
    handle,
    rows: Iterable[list[str]],
    headers: list[str],
    sheet: str,
    numeric: dict[int, int] | None = None,
) -> None:
    """Writes the rows (lists of cell texts) as one worksheet into ``handle``, in constant
    memory, with rustpy-xlsxwriter when installed and XlsxWriter otherwise. The columns at
    the ``numeric`` positions are written as numbers shown with their decimal places,
    every other cell as text."""
    numeric = numeric or {}
    rows = iter(rows)
    if numeric:
        rows = _with_numbers(rows, sorted(numeric))
    first = next(rows, None)
    # rustpy-xlsxwriter takes its headers from the first row's keys: with no rows it would
    # write a sheet without headers, so an empty export goes through XlsxWriter.
    if first is not None and rustpy_xlsxwriter is not None and len(set(headers)) == len(headers):
        write_xlsx_rust(handle, itertools.chain([first], rows), headers, sheet, numeric)
    else:
        write_xlsx_python(
            handle,
            [] if first is None else itertools.chain([first], rows),
            headers,
            sheet,
            numeric,
        )


def _with_numbers(rows, positions: list[int]):
    for row in rows:
        row = list(row)
        for index in positions:
            row[index] = _number(row[index])
        yield row


def write_xlsx_rust(handle, rows, headers, sheet, numeric: dict[int, int] | None = None) -> None:
    # Takes rows as dicts keyed by header; it writes every str as a text cell (never a
    # formula or a URL), ints and floats as numbers, and streams rows to the file in
    # constant memory.
    (
        rustpy_xlsxwriter.FastExcel(handle)
        .format(bold_headers=True)
        .freeze(row=1)
        .sheet(
            _sheet_name(sheet),
            (dict(zip(headers, row, strict=True)) for row in rows),
            column_widths=[_column_width(header) for header in headers],
            column_formats=[
                rustpy_xlsxwriter.Format().set_num_format(_number_format(numeric[index]))
                if index in (numeric or {})
                else None
                for index in range(len(headers))
            ],
        )
        .save()
    )


def _sheet_name(sheet: str) -> str:
    for character in "[]:*?/\\":
        sheet = sheet.replace(character, "-")
    return sheet[:31] or "Sheet1"


def write_xlsx_python(handle, rows, headers, sheet, numeric: dict[int, int] | None = None) -> None:
    workbook = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    worksheet = workbook.add_worksheet(_sheet_name(sheet))
    bold = workbook.add_format({"bold": True, "bg_color": "#EEF1F4", "border": 1})
    numeric = numeric or {}
    for index, header in enumerate(headers):
        cell_format = None
        if index in numeric:
            cell_format = workbook.add_format({"num_format": _number_format(numeric[index])})
        worksheet.set_column(index, index, _column_width(header), cell_format)
        worksheet.write_string(0, index, header, bold)
    worksheet.freeze_panes(1, 0)
    write_string, write_number = worksheet.write_string, worksheet.write_number
    for row_number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None:
                continue
            if value.__class__ is str:
                write_string(row_number, index, value)
            else:
                write_number(row_number, index, value)
    workbook.close()


def xlsx_response(queryset, columns: list[Column], filename: str, sheet: str) -> FileResponse:
    # FileResponse closes the file once it has been sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    headers = [str(column.header) for column in columns]
    numeric = numeric_columns(queryset, columns)
    write_xlsx(handle, _rows(queryset, columns), headers, sheet, numeric)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_rows(queryset, columns: list[Column]):
    """The rows of an export as lists of cell texts, exactly as ``?export=`` writes them."""
    return _rows(queryset, columns)


def write_export(
    handle,
    fmt: str,
    rows: Iterable[list[str]],
    headers: list[str],
    sheet: str,
    numeric: dict[int, int] | None = None,
):
    """Writes an export into the binary file ``handle`` in constant memory: the same bytes
    as the CSV download, or the same workbook as the XLSX one (background exports)."""
    if fmt == "xlsx":
        write_xlsx(handle, rows, headers, sheet, numeric)
        return
    for chunk in csv_chunks(headers, rows):
        handle.write(chunk)


def export_response(fmt: str, queryset, columns: list[Column], filename: str, sheet: str):
    if fmt == "xlsx":
        return xlsx_response(queryset, columns, filename, sheet)
    return csv_response(queryset, columns, filename)


# --------------------------------------------------------------------------------------------
# The audit trail (django-simple-history) as a spreadsheet: who, when, what changed
# --------------------------------------------------------------------------------------------

HISTORY_FORMATS = {"history-csv": "csv", "history-xlsx": "xlsx"}


def history_headers() -> list[str]:
    return [
        _("Object"),
        _("When"),
        _("Who"),
        _("Action"),
        _("Field"),
        _("Old value"),
        _("New value"),
        _("Reason"),
    ]


def _display(field, value):
    """A historical value as the page shows it: choice labels, related rows by name."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):  # many-to-many: the through rows, as dicts
        related = field.related_model if hasattr(field, "related_model") else None
        ids = [row.get(field.m2m_reverse_field_name()) for row in value] if related else []
        names = related._default_manager.filter(pk__in=ids) if related is not None else value
        return "、".join(sorted(str(name) for name in names))
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.many_to_one:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    return value


def _history_label(version, lookups: tuple[str, ...]):
    if len(lookups) == 1:
        return _lookup(version, lookups[0])
    parts = (_lookup(version, lookup) for lookup in lookups)
    return " ".join(str(part) for part in parts if part is not None and part != "")


def history_rows(
    model,
    queryset,
    *,
    label_field: str | tuple[str, ...] | None = None,
    with_m2m: bool = False,
):
    """One row per changed field per historical version of the rows of ``queryset`` (a
    creation or deletion is one row without a field), oldest first within each object.

    ``label_field`` names each object: a field of the historical model, or several lookups
    (``region__name``, ``year``) joined by spaces, their related rows read in the same query."""
    history = model.history.model
    label_field = label_field or model._meta.pk.attname
    lookups = (label_field,) if isinstance(label_field, str) else tuple(label_field)
    related = sorted({lookup.rsplit("__", 1)[0] for lookup in lookups if "__" in lookup})
    pk_name = model._meta.pk.attname
    versions = (
        history.objects.filter(**{f"{pk_name}__in": queryset.order_by().values(pk_name)})
        .select_related("history_user", *related)
        .order_by(pk_name, "history_date", "history_id")
    )
    tracked_m2m = [f.name for f in getattr(model, "_history_m2m_fields", [])]
    excluded = [] if with_m2m else tracked_m2m
    previous = None
    for version in versions.iterator(chunk_size=CHUNK_SIZE):
        if previous is not None and getattr(previous, pk_name) != getattr(version, pk_name):
            previous = None
        common = [
            _history_label(version, lookups),
            version.history_date,
            version.history_user or "",
            version.get_history_type_display(),
        ]
        reason = version.history_change_reason or ""
        changes = []
        if previous is not None and version.history_type == "~":
            delta = version.diff_against(previous, excluded_fields=excluded)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    [
                        field.verbose_name,
                        _display(field, change.old),
                        _display(field, change.new),
                    ]
                )
        if not changes:
            changes = [["", "", ""]]
        for change in changes:
            yield [cell_text(value) for value in [*common, *change, reason]]
        previous = version


def history_response(fmt: str, model, queryset, filename: str, **kwargs):
    """The audit trail of ``queryset``'s rows as CSV (streamed) or XLSX (constant memory)."""
    headers = [str(header) for header in history_headers()]
    rows = history_rows(model, queryset, **kwargs)
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        write_xlsx(handle, rows, headers, str(_("History")))
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return _csv_stream(headers, rows, filename)


def field_label(model, field: str) -> str:
    """A model field's translated name, as a column heading."""
    return str(model._meta.get_field(field).verbose_name)
