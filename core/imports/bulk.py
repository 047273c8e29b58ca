"""The bulk road of large imports (dishonesty records, by the ten thousand): no savepoint,
copy or diff a row, each distinct cell value converted once, and the confirmed rows saved with
``bulk_create`` and their history in a few queries, through the same hooks as any import."""

from collections.abc import Sequence
from functools import cached_property

from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields import NOT_PROVIDED
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.safestring import SafeString
from import_export import exceptions, fields, resources, widgets
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction

from core.imports.engine import (
    NaturalKeyInstanceLoader,
    ScopedResource,
    restore_formulas,
)

DIFF_MATCH_PATCH = diff_match_patch()


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
    converted once (``memoised``), existing rows found by the keys read once, and the rows to
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
