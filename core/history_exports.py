"""The audit trail (django-simple-history) as a spreadsheet: who changed what, when, from what
to what and why, one row per changed field of each historical version; CSV streamed, XLSX in
constant memory, with the same writers as every other export (``core.exports``)."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from .exports import (
    CHUNK_SIZE,
    XLSX_CONTENT_TYPE,
    _csv_stream,
    _lookup,
    cell_text,
    write_xlsx,
)

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
        .select_related("history_user__department", "history_user__region", *related)
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
        # The second column is when the change was made (a local date and time).
        write_xlsx(handle, rows, headers, str(_("History")), {1: "datetime"})
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
        )
    return _csv_stream(headers, rows, filename)
