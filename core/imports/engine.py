"""django-import-export resources: natural keys, scoped lookups, row-level errors.

Imports run inside one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``) and every row is
validated with ``full_clean``, so a file with any bad row is reported row by row and saves
nothing. The admin passes the importing user in, and every lookup is scoped to that user.

Large imports (dishonesty records, by the ten thousand) take a faster road through the same
hooks: ``core.imports.bulk.BulkImportMixin``.
"""

from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models.expressions import RawSQL
from django.utils.encoding import force_str
from django.utils.functional import LazyObject, empty
from django.utils.html import format_html
from import_export import resources
from import_export.instance_loaders import ModelInstanceLoader

from core.exports import neutralise_formula
from core.imports.widgets import ScopedForeignKeyWidget, import_lookups
from core.scope import scope_queryset


def full_clean_without_queries(instance, exclude) -> None:
    """``instance.full_clean(exclude, validate_unique=False, validate_constraints=False)``,
    step for step, except that each distinct value of a field that is not a relation is
    cleaned (converted and validated) once per import rather than once a row: such a field's
    ``clean()`` depends on the value alone. Relations are still cleaned by Django (a query
    each: exclude them when they are known to be there)."""
    from django.db.models.expressions import DatabaseDefault

    cache = import_lookups.get()
    if cache is None:
        cache = {}
    exclude = frozenset(exclude)
    plan_key = ("full_clean", type(instance), exclude)
    plan = cache.get(plan_key)
    if plan is None:  # Model.clean_fields()'s fields
        plan = cache[plan_key] = [
            (field, field.name, field.attname, field.blank, not field.is_relation)
            for field in instance._meta.fields
            if field.name not in exclude and not field.generated
        ]
    errors = {}
    field_errors = {}
    for field, name, attname, blank, memo in plan:
        raw_value = getattr(instance, attname)
        if blank and raw_value in field.empty_values:
            continue
        if isinstance(raw_value, DatabaseDefault):
            continue
        hit = None
        if memo:
            key = (id(field), type(raw_value), raw_value)
            try:
                hit = cache.get(key)
            except TypeError:  # an unhashable value
                memo = False
        if hit is None:
            try:
                hit = (True, field.clean(raw_value, instance))
            except ValidationError as error:
                hit = (False, error.error_list)
            if memo:
                cache[key] = hit
        ok, cleaned = hit
        if not ok:
            field_errors[name] = cleaned
        elif cleaned is not raw_value:
            setattr(instance, attname, cleaned)
    if field_errors:
        errors = ValidationError(field_errors).update_error_dict(errors)
    # Model.clean() runs even if the fields failed, as in full_clean().
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


class NaturalKeyInstanceLoader(ModelInstanceLoader):
    """Loads every existing row that the file names in one query, for composite natural keys
    too (import_export's CachedInstanceLoader takes one key column only): a 10,000-row file
    costs one lookup query instead of 10,000."""

    def __init__(self, resource, dataset=None, rows=None):
        """``rows``: the dataset's rows as dicts, already prepared as ``import_row`` prepares
        them (BulkImportMixin passes them); the dataset's own rows otherwise."""
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.existing = {}
        if rows is None:
            rows = dataset.dict if dataset is not None else []
        for field in resource.get_import_fields():
            if isinstance(field.widget, ScopedForeignKeyWidget) and field.column_name:
                column = str(field.column_name)
                field.widget.prefetch((row.get(column) for row in rows), user=resource.user)
        #: Each row's key, or what reading it raised.
        self.keys = []
        wanted = [set() for _field in self.key_fields]
        for row in rows:
            try:
                key = self.key(row)
            except (ValueError, ValidationError, KeyError) as error:
                self.keys.append(error)
                continue  # reported by the row's own validation
            self.keys.append(key)
            for values, value in zip(wanted, key, strict=True):
                values.add(value)
        if not all(wanted):
            return
        model = resource._meta.model
        key_fields = [model._meta.get_field(field.attribute) for field in self.key_fields]
        attnames = [field.attname for field in key_fields]
        connection = connections[router.db_for_read(model)]
        if connection.vendor == "postgresql":
            # The keys as arrays, joined on the key's unique index: two parameters rather
            # than one a value (10,000 of them take longer to send than to look up).
            keys = {key for key in self.keys if not isinstance(key, Exception)}
            join = " AND ".join(
                f"t.{connection.ops.quote_name(field.column)} = k.c{i}"
                for i, field in enumerate(key_fields)
            )
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in key_fields)
            columns = ", ".join(f"c{i}" for i in range(len(key_fields)))
            queryset = self.get_queryset().filter(
                pk__in=RawSQL(
                    f"SELECT t.{connection.ops.quote_name(model._meta.pk.column)} "
                    f"FROM {connection.ops.quote_name(model._meta.db_table)} t "
                    f"JOIN unnest({arrays}) AS k({columns}) ON {join}",
                    [
                        [field.get_prep_value(key[i]) for key in keys]
                        for i, field in enumerate(key_fields)
                    ],
                )
            )
        else:
            queryset = self.get_queryset().filter(
                **{
                    f"{attname}__in": values
                    for attname, values in zip(attnames, wanted, strict=True)
                }
            )
        queryset = queryset.order_by()
        if getattr(resource, "lock_existing_rows", False):
            # The confirm step: the rows it may update stay as read (a draft stays a draft)
            # until the import commits.
            queryset = queryset.select_for_update(of=("self",))
        for instance in queryset:
            self.existing[tuple(getattr(instance, attname) for attname in attnames)] = instance

    def key(self, row):
        user = self.resource.user
        return tuple(_key_value(field.clean(row, user=user)) for field in self.key_fields)

    def get_instance(self, row):
        return self.existing.get(self.key(row))

    def instance_at(self, index):
        """``get_instance`` for the ``index``-th of the rows given, by the key read then."""
        key = self.keys[index]
        if isinstance(key, Exception):
            raise key
        return self.existing.get(key)


def restore_formulas(row) -> None:
    """Undo export_field's apostrophe, so that re-importing an unchanged export changes
    nothing (a department named "=1+1" must not come back as "'=1+1")."""
    for column, value in row.items():
        if isinstance(value, str) and value[:1] == "'" and neutralise_formula(value[1:]) == value:
            row[column] = value[1:]


class PlainDiff(resources.Diff):
    """The preview's cells without inline styles (import_export's diff writes
    ``<ins style="background:#e6ffe6;">``, which the Content-Security-Policy blocks, and
    marks changes character by character, which reads badly in Chinese): an unchanged value
    as it is, a changed one as the old value struck through and the new one marked, styled by
    static/css/admin.css."""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            old, new = force_str(old if old is not None else ""), force_str(new or "")
            if self.new or old == new:
                cells.append(format_html("{}", new))
            elif not old:
                cells.append(format_html('<ins class="import-new">{}</ins>', new))
            else:
                cells.append(
                    format_html(
                        '<del class="import-old">{}</del> <ins class="import-new">{}</ins>',
                        old,
                        new,
                    )
                )
        return cells


class ScopedResource(resources.ModelResource):
    """A resource that only reads and updates rows inside the importing user's scope.

    ``user`` is None only for trusted server-side imports (management commands).
    """

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        # The admin passes ``request.user``, a lazy proxy: every attribute read through it
        # costs a Python call, and an import reads the user's a dozen times a row.
        if isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        self.user = user

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.user is None else scope_queryset(self.user, queryset)

    def get_diff_class(self):
        return PlainDiff

    def export_field(self, field, instance, **kwargs):
        # import_export's own escaping only strips a leading "="; "+", "-", "@", tab and
        # carriage return start formulas too.
        value = super().export_field(field, instance, **kwargs)
        return neutralise_formula(value) if isinstance(value, str) else value

    def import_data(self, *args, **kwargs):
        # Column names are lazy translations: looking each cell up by one would translate it
        # again, several times a cell. This resource serves one request, in one language.
        for field in self.fields.values():
            if field.column_name is not None:
                field.column_name = str(field.column_name)
        token = import_lookups.set({})
        try:
            return super().import_data(*args, **kwargs)
        finally:
            import_lookups.reset(token)

    def import_row(self, row, instance_loader, **kwargs):
        restore_formulas(row)
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        # A key column that resolves to nothing (an unknown or mistyped code) raises in the
        # instance loader, and import_export then reports the row as a crash, and its preview
        # hides every other row's validation errors. Treat the row as new instead: the
        # column's own validation then reports the reason, next to the column, with the rest.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None
