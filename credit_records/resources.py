"""django-import-export resources: natural keys, scoped lookups, row-level errors.

Imports run inside one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``) and every row is
validated with ``full_clean``, so a file with any bad row is reported row by row and saves
nothing. The admin passes the importing user in, and every lookup is scoped to that user.

Dishonesty records, imported by the ten thousand, take a faster road through the same hooks
(``BulkImportMixin``): no savepoint, copy or diff a row, each distinct cell value converted
once, and the confirmed rows saved with ``bulk_create`` and their history in a few queries.
"""

from collections.abc import Sequence
from contextvars import ContextVar
from decimal import Decimal
from functools import cached_property

from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.functional import LazyObject, empty
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import exceptions, fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction

from .exports import neutralise_formula
from .models import (
    Commendation,
    CommendationLevel,
    Commitment,
    CommitmentStatus,
    Department,
    DepartmentKind,
    DishonestyRecord,
    PublicOfficial,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Region,
    RegionLevel,
    Severity,
    User,
)
from .roles import Role
from .selectors import scope_queryset
from .validators import normalize_uscc, validate_uscc

SEVERITIES = frozenset(Severity.values)

# What the current import has already looked up or worked out (set by
# ScopedResource.import_data, None outside an import): related rows found by natural key
# (hits only, unless the widget says otherwise: a miss may be created by a later row of the
# same file), and the results of pure conversions of one cell value (``_memoised``).
_found: ContextVar[dict | None] = ContextVar("import_lookups", default=None)
_MISSING = object()
DIFF_MATCH_PATCH = diff_match_patch()


def _memoised(owner, value, compute):
    """``compute(value)``, worked out once per import for each distinct ``value`` of
    ``owner`` (a widget, say): a 10,000-row file has a few dozen distinct dates, categories and
    departments. A ValueError (a row's reason) is remembered and raised again, as a new
    exception with the same message."""
    cache = _found.get()
    if cache is None:
        return compute(value)
    key = (id(owner), type(value), value)
    try:
        hit = cache.get(key, _MISSING)
    except TypeError:  # an unhashable cell value
        return compute(value)
    if hit is _MISSING:
        try:
            hit = (True, compute(value))
        except ValueError as error:
            hit = (False, str(error))
        cache[key] = hit
    ok, result = hit
    if ok:
        return result
    raise ValueError(result)


def full_clean_without_queries(instance, exclude) -> None:
    """``instance.full_clean(exclude, validate_unique=False, validate_constraints=False)``,
    step for step, except that each distinct value of a field that is not a relation is
    cleaned (converted and validated) once per import rather than once a row: such a field's
    ``clean()`` depends on the value alone. Relations are still cleaned by Django (a query
    each: exclude them when they are known to be there)."""
    from django.db.models.expressions import DatabaseDefault

    cache = _found.get()
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
        token = _found.set({})
        try:
            return super().import_data(*args, **kwargs)
        finally:
            _found.reset(token)

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


class LazyDiff(Sequence):
    """A row's cells for the preview, as import_export's ``Diff.as_html()`` gives them, worked
    out when the page shows them rather than while the file is validated.

    ``before`` is what the row's fields held before the import (``Field.get_value``), read
    from the instance instead of a deep copy of it; ``after`` what they held after it, for
    an existing row (a later row of the file may name the same record, and change the same
    instance). A new row's instance is its own: it is read when shown."""

    def __init__(self, resource, fields, before, instance, new, after=None):
        self.resource, self.fields, self.before = resource, fields, before
        self.instance, self.new, self.after = instance, new, after

    @cached_property
    def html(self) -> list:
        # Field.export(instance) is widget.render(field.get_value(instance)). The language
        # is looked up once (ChoiceLabelWidget takes it), not once a cell.
        language = translation.get_language()
        # New rows share their ``before`` (a blank instance's values): rendered once.
        rendered = self.resource.__dict__.setdefault("_rendered_before", {})
        key = (language, id(self.fields), *self.before) if self.new else None
        try:
            left = rendered.get(key)
        except TypeError:  # an unhashable value
            left = key = None
        if left is None:
            left = [
                field.widget.render(value, language=language)
                for field, value in zip(self.fields, self.before, strict=True)
            ]
            if key is not None:
                rendered[key] = left
        if self.after is None:
            right = [field.export(self.instance, language=language) for field in self.fields]
        else:
            right = [
                field.widget.render(value, language=language)
                for field, value in zip(self.fields, self.after, strict=True)
            ]
        diff_class = self.resource.get_diff_class()
        if diff_class is not resources.Diff:
            diff = object.__new__(diff_class)
            diff.new, diff.left, diff.right = self.new, left, right
            return diff.as_html()
        # Diff.as_html(), without running the diff algorithm where its answer is known: a
        # cell that did not change is all "equal", a new row's cell all "inserted".
        cells = []
        for was, now in zip(left, right, strict=True):
            if was != now and self.new:
                was = ""
            was, now = force_str(was), force_str(now)
            if was == now:
                diffs = [(DIFF_MATCH_PATCH.DIFF_EQUAL, was)] if was else []
            elif not was:
                diffs = [(DIFF_MATCH_PATCH.DIFF_INSERT, now)]
            elif not now:
                diffs = [(DIFF_MATCH_PATCH.DIFF_DELETE, was)]
            else:
                diffs = DIFF_MATCH_PATCH.diff_main(was, now)
                DIFF_MATCH_PATCH.diff_cleanupSemantic(diffs)
            # mark_safe(), less its check for lazy strings: this is a str.
            cells.append(SafeString(DIFF_MATCH_PATCH.diff_prettyHtml(diffs)))
        return cells

    def __getitem__(self, index):
        return self.html[index]

    def __len__(self) -> int:
        return len(self.fields)


class BulkImportMixin:
    """import_export's import, row for row the same (the same hooks, widgets, validation,
    results and reasons), without its cost per row: no savepoint, deep copy or HTML diff a row
    (the preview's diff is worked out when shown, ``LazyDiff``), each distinct cell value
    converted once (``_memoised``), existing rows found by the keys read once, and the rows to
    save kept for ``bulk_save`` at the end, all or nothing with the rest of the import.

    For resources whose rows never refer to one another (no row needs an earlier row saved),
    keyed with ``NaturalKeyInstanceLoader``, without many-to-many columns or deletions. A dry
    run (the preview) validates every row and saves nothing. ``before_import_row`` runs for
    every row before the first is imported (the keys are read from the prepared rows), and
    ``bulk_save`` takes the place of ``save_instance``, ``save_m2m`` and
    ``after_save_instance``. Anything else takes import_export's own road.
    """

    #: Rows one statement writes at most.
    bulk_batch_size = 2000
    _import_fields = None
    _import_plan = None
    _blank_instance = None
    lock_existing_rows = False

    def import_data(self, dataset, *args, **kwargs):
        self._rollback_on_validation_errors = kwargs.get("rollback_on_validation_errors", False)
        return super().import_data(dataset, *args, **kwargs)

    def get_import_fields(self):
        # import_export works the list out again for every row and field.
        if self._import_fields is None:
            return super().get_import_fields()
        return self._import_fields

    def bulk_import_possible(self, dataset, fields) -> bool:
        """Whether this import can take the bulk road: import_export's own hooks where the
        bulk road does their work inline, and nothing it does not do (deletions, many-to-many
        columns, import_export's own bulk mode, never skipping unchanged rows)."""
        meta = self._meta
        if meta.use_bulk or meta.skip_diff or not meta.skip_unchanged:
            return False
        if not issubclass(meta.instance_loader_class, NaturalKeyInstanceLoader):
            return False
        cls, base = type(self), resources.Resource
        if (
            cls.for_delete is not base.for_delete
            or cls.skip_row is not base.skip_row
            or cls.get_or_init_instance is not base.get_or_init_instance
            or cls.get_instance is not ScopedResource.get_instance
            or cls.import_row is not ScopedResource.import_row
        ):
            return False
        if any(isinstance(field.widget, widgets.ManyToManyWidget) for field in fields):
            return False
        try:
            self._check_import_id_fields(dataset.headers)
        except Exception:  # reported by import_export's own road, as before
            return False
        return True

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        fields = self.get_import_fields()
        if not self.bulk_import_possible(dataset, fields):
            return super().import_data_inner(
                dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
            )
        self._import_fields = fields
        self._import_plan = self._make_import_plan(fields)
        try:
            return self._bulk_import_data(
                dataset,
                fields,
                dry_run,
                raise_errors,
                using_transactions,
                collect_failed_rows,
                **kwargs,
            )
        finally:
            self._import_fields = self._import_plan = self._blank_instance = None
            self.lock_existing_rows = False

    def _bulk_import_data(
        self,
        dataset,
        fields,
        dry_run,
        raise_errors,
        using_transactions,
        collect_failed_rows,
        **kwargs,
    ):
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        db_connection = self.get_db_connection_name()
        try:
            with atomic_if_using_transaction(using_transactions, using=db_connection):
                self.before_import(dataset, **kwargs)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        result.total_rows = len(dataset)
        if collect_failed_rows:
            result.add_dataset_headers(dataset.headers)
        kwargs.update({"dry_run": dry_run, "using_transactions": using_transactions})

        # First the rows as import_row prepares them, so that the existing rows they name are
        # looked up with the keys they will be matched by (one query, under a lock when they
        # will be written: a draft stays a draft until the import commits).
        headers = dataset.headers
        rows, failures = [], {}
        for number, values in enumerate(dataset, 1):
            row = dict(zip(headers, values, strict=False))
            restore_formulas(row)  # as ScopedResource.import_row does
            try:
                self.before_import_row(row, row_number=number, **kwargs)
            except Exception as error:
                failures[number] = error
            rows.append(row)
        self.lock_existing_rows = not dry_run and using_transactions
        instance_loader = self._meta.instance_loader_class(self, dataset, rows=rows)

        # What a new row's fields hold before the import: the same for every new row.
        fresh = [field.get_value(self.init_instance()) for field in fields]
        self._blank_instance = self._blank(self.init_instance())
        store_instance = self._meta.store_instance or kwargs.get(
            "retain_instance_in_row_result", False
        )
        to_save = []
        for number, row in enumerate(rows, 1):
            kwargs["row_number"] = number
            row_result = self._bulk_import_row(
                row,
                instance_loader,
                number - 1,
                failures.get(number),
                fields,
                fresh,
                store_instance,
                to_save,
                **kwargs,
            )
            result.increment_row_result_total(row_result)
            if row_result.errors:
                result.append_error_row(number, row, row_result.errors)
                if collect_failed_rows:
                    result.append_failed_row(row, row_result.errors[0])
                if raise_errors:
                    raise exceptions.ImportError(
                        row_result.errors[-1].error, number=number, row=row
                    )
            elif row_result.validation_error:
                result.append_invalid_row(number, row, row_result.validation_error)
                if collect_failed_rows:
                    result.append_failed_row(row, row_result.validation_error)
                if raise_errors:
                    raise exceptions.ImportError(
                        row_result.validation_error, number=number, row=row
                    )
            if row_result.import_type != RowResult.IMPORT_TYPE_SKIP or self._meta.report_skipped:
                result.append_row_result(row_result)

        rollback_on_validation_errors = getattr(self, "_rollback_on_validation_errors", False)
        doomed = using_transactions and (
            result.has_errors()
            or (rollback_on_validation_errors and result.has_validation_errors())
        )
        if to_save and not dry_run and not doomed:
            try:
                with atomic_if_using_transaction(using_transactions, using=db_connection):
                    self.bulk_save(
                        [instance for _r, instance, new in to_save if new],
                        [instance for _r, instance, new in to_save if not new],
                        **kwargs,
                    )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            else:
                for row_result, instance, _new in to_save:
                    row_result.object_id = instance.pk
        try:
            with atomic_if_using_transaction(using_transactions, using=db_connection):
                self.after_import(dataset, result, **kwargs)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        return result

    def import_instance(self, instance, row, **kwargs):
        """import_export's ``import_instance`` (each field's ``import_field``, then
        ``Field.save``, then ``Field.clean``, the ValueErrors gathered as the row's reasons),
        with what those calls work out for every row worked out once per import."""
        plan = self._import_plan
        if plan is None:
            return super().import_instance(instance, row, **kwargs)
        errors = {}
        for attribute, column, field, clean, default in plan:
            if column not in row:
                continue
            try:
                value = clean(row[column], row=row, **kwargs)
                if default is not NOT_PROVIDED and value in field.empty_values:
                    value = default() if callable(default) else default
                if value is not None or field.saves_null_values:
                    setattr(instance, attribute, value)
            except ValueError as error:
                errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def _make_import_plan(self, import_fields):
        """What ``import_instance`` does for each field, when it is import_export's own doing
        (no field, resource or widget that changes it); None otherwise."""
        if (
            type(self).import_field is not resources.Resource.import_field
            or type(self).get_import_fields is not BulkImportMixin.get_import_fields
        ):
            return None
        plan = []
        for field in import_fields:
            if type(field).save is not fields.Field.save or (
                type(field).clean is not fields.Field.clean
            ):
                return None
            if (
                field.readonly
                or not field.attribute
                or isinstance(field.widget, widgets.ManyToManyWidget)
            ):
                continue
            if "__" in field.attribute:
                return None
            plan.append(
                (field.attribute, field.column_name, field, field.widget.clean, field.default)
            )
        return plan

    @staticmethod
    def _blank(instance):
        """``instance`` as a template to copy new instances from, or None when building one
        does more than set its fields (a model with pre_init or post_init receivers)."""
        model = type(instance)
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            return None
        return instance

    def _new_instance(self, row):
        """``init_instance(row)``: a copy of the blank instance made once (Model.__init__
        works out every field's default again, a fifth of a row's time); an instance whose
        state is its own, as a fresh one's."""
        blank = self._blank_instance
        if blank is None or type(self).init_instance is not resources.ModelResource.init_instance:
            return self.init_instance(row)
        instance = object.__new__(type(blank))
        instance.__dict__.update(blank.__dict__)
        instance._state = ModelState()
        return instance

    def _bulk_import_row(
        self, row, instance_loader, index, failure, fields, fresh, store_instance, to_save, **kwargs
    ):
        """import_export's ``import_row`` for one row (already prepared: ``failure`` is what
        ``before_import_row`` raised), with the instance queued for ``bulk_save`` instead of
        saved."""
        row_result = self.get_row_result_class()()
        if self._meta.store_row_values:
            row_result.row_values = row
        try:
            if failure is not None:
                raise failure
            instance = None
            if not self._meta.force_init_instance:
                # ScopedResource.get_instance: a key that resolves to nothing is a new row.
                try:
                    instance = instance_loader.instance_at(index)
                except ValueError:
                    instance = None
            new = not instance
            if new:
                instance = self._new_instance(row)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = (
                RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            )
            before = fresh if new else [field.get_value(instance) for field in fields]
            import_validation_errors = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as error:
                import_validation_errors = error.update_error_dict(import_validation_errors)
            after = None if new else [field.get_value(instance) for field in fields]
            # import_export's skip_row(): unchanged when every field reads as before.
            if not import_validation_errors and (
                after == before
                if after is not None
                else all(
                    field.get_value(instance) == value
                    for field, value in zip(fields, before, strict=True)
                )
            ):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, import_validation_errors)
                self.before_save_instance(instance, row, **kwargs)
                to_save.append((row_result, instance, new))
            row_result.add_instance_info(instance)
            if store_instance:
                row_result.instance = instance
            if not self._meta.skip_html_diff:
                row_result.diff = LazyDiff(self, fields, before, instance, new, after)
            self.after_import_row(row, row_result, **kwargs)
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
        except Exception as error:
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(
                self.get_error_result_class()(error, row=row, number=kwargs["row_number"])
            )
        return row_result

    def bulk_save(self, created, updated, **kwargs):
        """Save the validated rows: ``created`` new instances and ``updated`` existing ones,
        in file order. Runs inside the import's transaction, and only when it will commit."""
        raise NotImplementedError


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by its natural key inside the importing user's scope and
    reports an unknown key as a row error instead of crashing."""

    def __init__(self, model, field, *, normalize=None, validate=None, final=False, **kwargs):
        super().__init__(model, field, **kwargs)
        self.normalize = normalize
        self.validate = validate
        # ``final``: the import cannot create rows of ``model`` (records never create
        # departments), so a key the import did not find stays unknown for the rest of it.
        self.final = final

    def prefetch(self, values, *, user) -> None:
        """Looks every key in ``values`` up in one query, for the rest of this import."""
        found = _found.get()
        if found is None:
            return
        keys = set()
        for value in values:
            value = "" if value is None else str(value).strip()
            if value and self.normalize:
                value = self.normalize(value)
            if value:
                keys.add(value)
        queryset = self.model.objects.filter(**{f"{self.field}__in": keys})
        if user is not None:
            queryset = scope_queryset(user, queryset)
        user_pk = getattr(user, "pk", None)
        for obj in queryset:
            found[(self.model, self.field, getattr(obj, self.field), user_pk)] = obj
        if self.final:
            # What the query did not find is not there: no query a row for it.
            for key in keys:
                found[(self.model, self.field, key, user_pk, "prefetched")] = True

    def key(self, value) -> str:
        """The cell's natural key, normalised and validated (pure: memoised per import)."""
        value = "" if value is None else str(value).strip()
        if self.normalize and value:
            value = self.normalize(value)
        if value and self.validate:
            # Say what is wrong with a malformed key (a pilot-era code failing its checksum)
            # rather than that no such row exists.
            try:
                self.validate(value)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        return value

    def clean(self, value, row=None, **kwargs):
        resource_user = kwargs.get("user")
        found = _found.get()
        if found is not None:
            # The row found for this very cell value before, in this import.
            try:
                cell_key = (id(self), getattr(resource_user, "pk", None), type(value), value)
                hit = found.get(cell_key)
            except TypeError:  # an unhashable cell value
                cell_key = hit = None
            if hit is not None:
                return hit
        value = _memoised(self, value, self.key)
        if not value:
            return None
        cache_key = (self.model, self.field, value, getattr(resource_user, "pk", None))
        if found is not None:
            hit = found.get(cache_key)
            if hit is not None:
                if cell_key is not None:
                    found[cell_key] = hit
                return hit
            if self.final and (*cache_key, "prefetched") in found:
                self._unknown(value)
        queryset = self.model.objects.all()
        if resource_user is not None:
            queryset = scope_queryset(resource_user, queryset)
        try:
            obj = queryset.get(**{self.field: value})
            if found is not None:
                found[cache_key] = obj
            return obj
        except self.model.DoesNotExist:
            self._unknown(value)

    def _unknown(self, value):
        raise ValueError(
            _("No %(model)s “%(value)s” exists in your scope.")
            % {"model": self.model._meta.verbose_name, "value": value}
        ) from None


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no column: 是/否 (what officials type, and the workspace exports' own labels),
    yes/no, true/false or 1/0, in any case; an empty cell is None (the resource's default).
    Anything else is a row error: import_export's BooleanWidget reads "是" or "maybe" as
    False, which would silently deactivate a department or withdraw a debt profile from the
    disclosure pages. Give its field ``saves_null_values=False`` where an empty cell should
    keep the model's default (a new row) or the current value (an updated one)."""

    TRUE_TEXT = frozenset({"1", "true", "yes", "y", "是"})
    FALSE_TEXT = frozenset({"0", "false", "no", "n", "否"})

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip()
        if isinstance(value, int | float | Decimal) and value in (0, 1):
            text = str(int(value))
        if not text:
            return None
        folded = text.casefold()
        if folded in self.TRUE_TEXT or folded == str(_("Yes")).casefold():
            return True
        if folded in self.FALSE_TEXT or folded == str(_("No")).casefold():
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no: use 是 or 否 (or true/false, 1/0).") % {"value": value}
        )


def yes_no_field(attribute: str, column_name) -> fields.Field:
    """A yes/no column (``YesNoWidget``) whose empty cell keeps the model's default on a new
    row and the current value on an updated one."""
    return fields.Field(
        attribute=attribute,
        column_name=column_name,
        widget=YesNoWidget(),
        saves_null_values=False,
    )


def optional_text_field(attribute: str, column_name) -> fields.Field:
    """An optional text column: an empty cell (None from openpyxl) is an empty text, not a
    NULL that the NOT NULL column would refuse."""
    return fields.Field(
        attribute=attribute,
        column_name=column_name,
        widget=widgets.CharWidget(allow_blank=True),
    )


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice as its translated label and imports either the label or the value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self._labels = {}  # language: {value: label}

    def clean(self, value, row=None, **kwargs):
        return _memoised(self, value, self._clean)

    def _clean(self, value):
        value = "" if value is None else str(value).strip()
        if not value:
            return ""
        for stored, label in self.choices:
            if value in (stored, str(label)):
                return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value, "allowed": "、".join(str(label) for _s, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        # Translated once per language, not once a cell (an export or a preview of 10,000
        # rows renders each choice tens of thousands of times).
        language = kwargs.get("language") or translation.get_language()
        labels = self._labels.get(language)
        if labels is None:
            labels = self._labels[language] = {stored: str(label) for stored, label in self.choices}
        try:
            return labels[value]
        except (KeyError, TypeError):
            return str(value or "")


class DateWidget(widgets.DateWidget):
    """import_export's date widget, parsing each distinct cell value once per import."""

    def clean(self, value, row=None, **kwargs):
        return _memoised(self, value, super().clean)


class RegionResource(ScopedResource):
    code = fields.Field(attribute="code", column_name=gettext_lazy("region code"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    level = fields.Field(
        attribute="level",
        column_name=gettext_lazy("level"),
        widget=ChoiceLabelWidget(RegionLevel.choices),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=gettext_lazy("parent region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )

    class Meta:
        model = Region
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "parent"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class DepartmentResource(ScopedResource):
    uscc = fields.Field(attribute="uscc", column_name=gettext_lazy("unified social credit code"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    region = fields.Field(
        attribute="region",
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )
    kind = fields.Field(
        attribute="kind",
        column_name=gettext_lazy("kind"),
        widget=ChoiceLabelWidget(DepartmentKind.choices),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=gettext_lazy("parent department code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    active = yes_no_field("active", gettext_lazy("active"))
    # Validated by the model's full_clean (clean_model_instances): a bad address is reported
    # on its row and column like any other error.
    head_name = fields.Field(attribute="head_name", column_name=gettext_lazy("head of department"))
    head_email = fields.Field(attribute="head_email", column_name=gettext_lazy("head's email"))

    class Meta:
        model = Department
        import_id_fields = ["uscc"]
        fields = ["uscc", "name", "region", "kind", "parent", "active", "head_name", "head_email"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        # The natural key is looked up before validation: normalise it so "11320100mb…"
        # finds the stored "11320100MB…".
        column = str(self.fields["uscc"].column_name)
        if row.get(column):
            row[column] = normalize_uscc(row[column])


class UserResource(ScopedResource):
    """Users with their role and scope. Imported users get no usable password: they set one
    through the password-reset flow or an administrator sets it."""

    username = fields.Field(attribute="username", column_name=gettext_lazy("username"))
    first_name = optional_text_field("first_name", gettext_lazy("first name"))
    last_name = optional_text_field("last_name", gettext_lazy("last name"))
    email = optional_text_field("email", gettext_lazy("email address"))
    role = fields.Field(column_name=gettext_lazy("role"), readonly=False)
    region = fields.Field(
        attribute="region",
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("department code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    is_active = yes_no_field("is_active", gettext_lazy("active"))

    class Meta:
        model = User
        import_id_fields = ["username"]
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "region",
            "department",
            "is_active",
        ]
        clean_model_instances = True
        skip_unchanged = False

    def get_queryset(self):
        return User.objects.select_related("region", "department").prefetch_related("groups")

    def dehydrate_role(self, user):
        role = user.role
        return str(role.label) if role else ""

    def _row_role(self, row):
        column = str(self.fields["role"].column_name)
        value = str(row.get(column) or "").strip()
        for role in Role:
            if value in (role.value, str(role.label)):
                return role
        raise ValueError(
            _("“%(value)s” is not a role; use one of: %(roles)s.")
            % {"value": value, "roles": "、".join(str(role.label) for role in Role)}
        )

    def import_instance(self, instance, row, **kwargs):
        from django.core.exceptions import ValidationError

        from .services import validate_role_scope

        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance._imported_role = self._row_role(row)
        except ValueError as error:
            errors["role"] = [str(error)]
        else:
            if "region" not in errors and "department" not in errors:
                try:
                    validate_role_scope(
                        role=instance._imported_role,
                        region=instance.region,
                        department=instance.department,
                    )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if instance._state.adding:
            instance.set_unusable_password()
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        from .services import user_assign_role

        user_assign_role(
            user=instance,
            role=instance._imported_role,
            region=instance.region,
            department=instance.department,
            actor=kwargs.get("user"),
        )


class DishonestyRecordResource(BulkImportMixin, ScopedResource):
    """Records keyed by subject USCC + decision number. An import creates drafts (source:
    import) or updates drafts; a confirmed record is never changed by a spreadsheet.

    Files of ten thousand rows are usual, so the import takes ``BulkImportMixin``'s road:
    validated without a query a row, saved with ``bulk_create`` and history in bulk."""

    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc, final=True
        ),
    )
    department_name = fields.Field(
        attribute="department__name", column_name=gettext_lazy("department"), readonly=True
    )
    decision_number = fields.Field(
        attribute="decision_number", column_name=gettext_lazy("decision document number")
    )
    category = fields.Field(
        attribute="category",
        column_name=gettext_lazy("category"),
        widget=ChoiceLabelWidget(RecordCategory.choices),
    )
    severity = fields.Field(
        attribute="severity",
        column_name=gettext_lazy("severity"),
        widget=ChoiceLabelWidget(Severity.choices),
    )
    issuing_authority = fields.Field(
        attribute="issuing_authority", column_name=gettext_lazy("issuing authority")
    )
    decision_date = fields.Field(
        attribute="decision_date",
        column_name=gettext_lazy("decision date"),
        widget=DateWidget(format="%Y-%m-%d"),
    )
    facts = fields.Field(attribute="facts", column_name=gettext_lazy("facts"))
    status = fields.Field(
        attribute="status",
        column_name=gettext_lazy("status"),
        widget=ChoiceLabelWidget(RecordStatus.choices),
        readonly=True,
    )
    disclosure_ends = fields.Field(
        attribute="disclosure_ends",
        column_name=gettext_lazy("disclosure ends"),
        widget=widgets.DateWidget(format="%Y-%m-%d"),
        readonly=True,
    )

    class Meta:
        model = DishonestyRecord
        import_id_fields = ["department", "decision_number"]
        fields = [
            "department",
            "department_name",
            "decision_number",
            "category",
            "severity",
            "issuing_authority",
            "decision_date",
            "facts",
            "status",
            "disclosure_ends",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return super().get_queryset().select_related("department")

    # The preview (a dry run) validates every row without saving it: records never refer to
    # one another, so saving and rolling back would only add four queries a row (the record,
    # its history row, its event, its officials). The confirm step saves, all or nothing, and
    # the database's constraints still guard it. (These per-row saves are import_export's own
    # road, taken only when BulkImportMixin's is not; bulk_save below is the usual one.)
    def save_instance(self, instance, is_create, row, **kwargs):
        if not kwargs.get("dry_run"):
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            super().save_m2m(instance, row, **kwargs)

    def before_import_row(self, row, **kwargs):
        column = str(self.fields["department"].column_name)
        if row.get(column):
            row[column] = normalize_uscc(row[column])

    def import_instance(self, instance, row, **kwargs):
        from .rules import DISCLOSURE_PERIODS, disclosure_window

        super().import_instance(instance, row, **kwargs)
        if instance.severity in SEVERITIES and instance.decision_date:
            instance.minimum_period_ends, instance.disclosure_ends = _memoised(
                disclosure_window,
                (instance.severity, instance.decision_date),
                lambda key: disclosure_window(*key),
            )
        instance._imported_as_new = instance._state.adding
        if instance._state.adding:
            instance.source = RecordSource.IMPORT
            instance.created_by = self.user
            if instance.severity in SEVERITIES:
                instance.disclose = DISCLOSURE_PERIODS[instance.severity].published_by_default

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not instance._state.adding and instance.status != RecordStatus.DRAFT:
            # Checked here, after skip_row: an unchanged row of a confirmed record (a
            # re-imported export) is skipped; only a row that would change it is refused.
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Record %(number)s is already confirmed; a spreadsheet cannot change it.")
                % {"number": instance.decision_number}
            )
        # The status is the workflow's: never validated (or set) from a spreadsheet. The
        # disclosure window is derived from severity and date: when those are wrong, their
        # own errors say what to fix.
        exclude = [*errors.keys(), "status"]
        if instance.minimum_period_ends is None or instance.disclosure_ends is None:
            exclude += ["minimum_period_ends", "disclosure_ends"]
        # No query a row (Django's unique and constraint checks, and its foreign-key checks,
        # are one each). The department was found by the scoped widget (or is missing, and
        # its own error says so); a new record's creator is the importing user, an existing
        # one's was read with it. The natural-key loader looked this department and number
        # up: a new row's key is free, and an existing row was found by it (the key cannot
        # change). The disclosure window is derived above and checked here; an import sets
        # no other date a constraint compares (closing, early end). The database's
        # constraints still guard the save.
        exclude.append("created_by")
        if instance.department_id is not None:
            exclude.append("department")
        ends = (instance.minimum_period_ends, instance.disclosure_ends)
        if (
            None not in ends
            and instance.decision_date
            and not instance.decision_date <= ends[0] <= ends[1]
        ):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("The disclosure window is not ordered.")
            )
        try:
            full_clean_without_queries(instance, exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        self._event(instance).save()

    def _event(self, instance):
        from .models import RecordEvent, RecordEventAction

        return RecordEvent(
            record=instance,
            action=RecordEventAction.CREATED
            if getattr(instance, "_imported_as_new", True)
            else RecordEventAction.UPDATED,
            actor=self.user,
            reason=_("Imported from a spreadsheet"),
            to_status=instance.status,
        )

    # The fields an import writes to a record it updates: the file's columns and the window
    # derived from them. Never the workflow's (status, closing, disclosure flags, creator).
    UPDATED_FIELDS = [
        "category",
        "severity",
        "issuing_authority",
        "decision_date",
        "facts",
        "minimum_period_ends",
        "disclosure_ends",
        "updated_at",
    ]

    def bulk_save(self, created, updated, **kwargs):
        """New drafts with their "+" history rows (``bulk_writes.insert_with_history``: COPY
        on PostgreSQL, bulk_create_with_history elsewhere), updated drafts with
        ``bulk_update`` and their "~" history rows (with the officials each version had, as
        django-simple-history records them on a save), then one timeline entry each. The
        history and the entries name the importing user. A few statements for the whole
        file."""
        from .bulk_writes import insert_values, insert_with_history
        from .models import RecordEvent, RecordEventAction
        from .public_cache import invalidate_public_pages

        using = self.get_db_connection_name()
        batch = self.bulk_batch_size
        now = timezone.now()
        if created:
            insert_with_history(
                DishonestyRecord, created, user=self.user, using=using, batch_size=batch
            )
            if any(instance.pk is None for instance in created):  # a database without RETURNING
                found = DishonestyRecord.objects.filter(
                    department__in={instance.department_id for instance in created},
                    decision_number__in={instance.decision_number for instance in created},
                ).values_list("department_id", "decision_number", "pk")
                ids = {(department, number): pk for department, number, pk in found}
                for instance in created:
                    instance.pk = ids[(instance.department_id, instance.decision_number)]
                    instance._state.adding = False
        if updated:
            for instance in updated:
                instance.updated_at = now
            DishonestyRecord.objects.bulk_update(updated, self.UPDATED_FIELDS, batch_size=batch)
            history = DishonestyRecord.history.bulk_history_create(
                updated,
                batch_size=batch,
                update=True,
                default_user=self.user,
                default_change_reason=None,  # as a save() records it
            )
            _bulk_history_m2m(DishonestyRecord, history or [])
        # One timeline entry a record, as after_save_instance writes it.
        reason, actor, at = _("Imported from a spreadsheet"), getattr(self.user, "pk", None), now
        insert_values(
            RecordEvent,
            ["record_id", "action", "from_status", "to_status", "actor_id", "reason", "at"],
            [
                (instance.pk, action, "", instance.status, actor, reason, at)
                for action, instances in (
                    (RecordEventAction.CREATED, created),
                    (RecordEventAction.UPDATED, updated),
                )
                for instance in instances
            ],
            using=using,
            batch_size=batch,
        )
        # Bulk writes send no model signals: tell the cached pages and counts ourselves.
        invalidate_public_pages(using=using)


def _bulk_history_m2m(model, history_rows) -> None:
    """What django-simple-history does for each saved version of ``model`` that tracks
    many-to-many fields (``create_historical_record_m2ms``), for many versions at once: each
    version keeps the related rows its record has now."""
    from simple_history.models import HistoricalRecords
    from simple_history.utils import get_m2m_field_name

    history_model = model.history.model
    rows_by_record = {}
    for row in history_rows:
        rows_by_record.setdefault(row.id, []).append(row)
    for field in history_model._history_m2m_fields:
        m2m_history_model = HistoricalRecords.m2m_models[field]
        through = getattr(model, field.name).through
        record_field = get_m2m_field_name(field)
        names = [through_field.attname for through_field in through._meta.fields]
        links = through.objects.filter(**{f"{record_field}__in": list(rows_by_record)})
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(history=version, **dict(zip(names, values, strict=True)))
                for values in links.values_list(*names)
                for version in rows_by_record[values[names.index(f"{record_field}_id")]]
            ]
        )


class PublicOfficialResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    employee_number = fields.Field(
        attribute="employee_number", column_name=gettext_lazy("employee number")
    )
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    position = optional_text_field("position", gettext_lazy("position"))
    active = yes_no_field("active", gettext_lazy("active"))

    class Meta:
        model = PublicOfficial
        import_id_fields = ["department", "employee_number"]
        fields = ["department", "employee_number", "name", "position", "active"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CommendationResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    title = fields.Field(attribute="title", column_name=gettext_lazy("title"))
    level = fields.Field(
        attribute="level",
        column_name=gettext_lazy("level"),
        widget=ChoiceLabelWidget(CommendationLevel.choices),
    )
    issuing_authority = fields.Field(
        attribute="issuing_authority", column_name=gettext_lazy("issuing authority")
    )
    date = fields.Field(
        attribute="date", column_name=gettext_lazy("date"), widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Commendation
        import_id_fields = ["department", "title", "date"]
        fields = ["department", "title", "level", "issuing_authority", "date"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CommitmentResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    content = fields.Field(attribute="content", column_name=gettext_lazy("content"))
    promised_date = fields.Field(
        attribute="promised_date",
        column_name=gettext_lazy("promised date"),
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    status = fields.Field(
        attribute="status",
        column_name=gettext_lazy("fulfilment status"),
        widget=ChoiceLabelWidget(CommitmentStatus.choices),
        readonly=True,
    )

    class Meta:
        model = Commitment
        import_id_fields = ["department", "content", "promised_date"]
        fields = ["department", "content", "promised_date", "status"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
