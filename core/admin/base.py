"""Bases of every app's admin: scoped querysets, service refusals as messages, spreadsheet
imports checked by content and all-or-nothing, read-only inlines and admins."""

import io

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, TSV, XLSX
from import_export.forms import ImportForm, SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from core import access_log, bulk_writes, import_errors
from core.exceptions import WorkflowConflict
from core.exports import (
    XLSX_CONTENT_TYPE,
    Column,
    cell_value,
    column_types,
    content_disposition,
    export_filename,
    neutralise_formula,
    write_xlsx,
)
from core.forms import ModelForm
from core.scope import scope_queryset
from core.uploads import validate_import_file


class RevertNeedsChangePermissionMixin:
    """django-simple-history's revert view saves a POSTed form for anyone who may merely view
    the object's history (an auditor could even set ``is_superuser`` on a user that way).
    Reverting is a change: it needs the change permission."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def person(user) -> str:
    """A user as an admin column shows them: their name, the login name only for an account
    without one."""
    return user.get_short_name() if user is not None else "—"


def refusal_message(error: Exception) -> str:
    """What a service's refusal says, as one line for an admin message."""
    if isinstance(error, ValidationError):
        # ``messages`` fills in the parameters; a lone ``message`` would still show "%(name)s".
        return " ".join(str(message) for message in error.messages)
    return str(getattr(error, "message", None) or error)


class ServiceRefusalsAsMessagesMixin:
    """A service refusing an admin save (the record's state moved on since the form was
    opened, a rule the form cannot see) is shown as an admin error and nothing of the request
    is saved. Without this the refusal escaped from ``save_model`` as a server error (500),
    and the revert view, which Django does not wrap in a transaction, could keep half of it."""

    service_refusals = (WorkflowConflict, ValidationError)

    def _refusals_as_messages(self, request, view, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, *args, **kwargs)
        except self.service_refusals as error:
            self.message_user(
                request,
                _("Nothing was saved: %(reason)s") % {"reason": refusal_message(error)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusals_as_messages(
            request, super().changeform_view, object_id, form_url, extra_context
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return self._refusals_as_messages(
            request, super().history_form_view, object_id, version_id, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        # Admin actions and list_editable saves run from here.
        return self._refusals_as_messages(request, super().changelist_view, extra_context)


class ContentCheckedImportForm(ImportForm):
    """The import form, refusing a file whose content is not of the chosen format (an HTML
    page or a program renamed .xlsx or .csv) with a translated error next to the field."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats
        upper_case_format_names(self)

    def clean(self):
        cleaned = super().clean()
        upload, choice = cleaned.get("import_file"), cleaned.get("format")
        if upload and choice not in (None, ""):
            extension = self.import_formats[int(choice)]().get_extension()
            try:
                validate_import_file(upload, extension)
            except ValidationError as error:
                self.add_error("import_file", error)
        return cleaned


# import_export's own Chinese catalogue renders this heading as "某些行验数据证失败" (garbled);
# our catalogue comes first in LOCALE_PATHS and gives it a correct translation, for any page
# that still shows it.
gettext_noop("Some rows failed to validate")


def upper_case_format_names(form) -> None:
    """The format choices as officials write them (CSV, XLSX): import_export shows the file
    extensions ("csv", "xlsx"). The values (indexes) are unchanged."""
    field = form.fields.get("format")
    if field is not None:
        field.choices = [(value, str(label).upper()) for value, label in field.choices]


class ColumnNameExportForm(SelectableFieldsExportForm):
    """The export's column choices named as the file's columns are (the translated column
    names), not import_export's "Uscc (统一社会信用代码)": its English-looking field name
    followed by the column name."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        upper_case_format_names(self)

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name:
            return str(field.column_name)
        return field_name


class SpreadsheetRulesMixin:
    """Imports are all-or-nothing at the confirm step too, and CSV opens in Excel.

    import_export's confirm step saves the good rows of a file whose other rows fail (say a
    region was deleted after the preview); here any failing row rolls the whole file back and
    the user is sent back to the import form with the rows and reasons. Text exports start
    with a UTF-8 byte order mark, without which Excel reads Chinese as the local code page.
    """

    import_form_class = ContentCheckedImportForm
    export_form_class = ColumnNameExportForm
    # What officials open in Excel or WPS. (JSON, YAML, HTML and TSV were offered too; the
    # API serves machines.)
    formats = [CSV, XLSX]

    def process_dataset(self, dataset, form, request, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def _create_log_entry(self, user_pk, rows, import_type, action_flag):
        """The admin log entries of an import, one a row as import_export writes them (with
        Django's ``log_actions``), written by ``bulk_writes.insert``: on PostgreSQL a COPY,
        which took 10,000 entries from a second to a tenth of one (bench/imports.py)."""
        if not rows:
            return
        content_type = ContentType.objects.get_for_model(rows[0], for_concrete_model=False)
        message = f"{import_type} through import_export"
        bulk_writes.insert(
            LogEntry,
            [
                LogEntry(
                    user_id=user_pk,
                    content_type_id=content_type.pk,
                    object_id=str(row.pk),
                    object_repr=str(row)[:200],
                    action_flag=action_flag,
                    change_message=message,
                )
                for row in rows
            ],
            set_pks=False,
        )

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        result = (context or {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            upload = request.FILES.get("import_file")
            resource = self.get_import_resource_classes(request)[0]()
            problems = self._keep_error_report(
                request, result, import_errors.sheet_name(upload), resource
            )
            # The page lists the same rows and reasons as the downloadable report, numbered
            # as the spreadsheet numbers its rows (the header is row 1).
            context["import_problems"] = problems
            context["import_failed_rows"] = import_errors.rows_with_errors(result, resource)
            context["import_error_report_url"] = self._error_report_url()
            failed = len({row[1] for row in problems if row[1]}) or 1
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext(
                        "Nothing was imported: %(count)d row of the file has errors. Correct "
                        "it and upload the whole file again.",
                        "Nothing was imported: %(count)d rows of the file have errors. Correct "
                        "them and upload the whole file again.",
                        failed,
                    )
                    % {"count": failed},
                    self._error_report_url(),
                    _("Download the rows and reasons (CSV)"),
                ),
            )
        return response

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        row = import_errors.spreadsheet_row
        problems = [
            f"{row(number)}: {error.error}"
            for number, errors in result.row_errors()
            for error in errors
        ] + [
            f"{row(invalid.number)}: {'; '.join(invalid.error.messages)}"
            for invalid in result.invalid_rows
        ]
        self._keep_error_report(request, result, request.POST.get("original_file_name", ""))
        messages.error(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "Nothing was imported. Rows that failed (spreadsheet row, the header being "
                    "row 1: reason): %(problems)s"
                )
                % {"problems": " | ".join(problems)},
                self._error_report_url(),
                _("Download the rows and reasons (CSV)"),
            ),
        )
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
            )
        )

    def _keep_error_report(self, request, result, sheet, resource=None):
        resource = resource or self.get_import_resource_classes(request)[0]()
        problems = import_errors.problems(result, resource, sheet)
        import_errors.store(request, self.opts.label_lower, problems)
        return problems

    def _error_report_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_errors",
            current_app=self.admin_site.name,
        )

    def get_urls(self):
        # An admin without imports. (Not ``import_action``: this mixin defines it for all.)
        if not hasattr(self, "has_import_permission"):
            return super().get_urls()
        opts = self.model._meta
        return [
            path(
                "import-errors/",
                self.admin_site.admin_view(self.import_errors_view),
                name=f"{opts.app_label}_{opts.model_name}_import_errors",
            ),
            *super().get_urls(),
        ]

    def import_errors_view(self, request):
        """The last failed import's rows and reasons, as CSV."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        filename = export_filename(
            _("%(list)s import errors") % {"list": self.opts.verbose_name_plural}, "csv"
        )
        return import_errors.report_response(request, self.opts.label_lower, filename)

    def get_data_for_export(self, request, queryset, **kwargs):
        # import_export's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) only drops a
        # leading "="; a cell starting with +, -, @, a tab or a carriage return still runs as
        # a formula in Excel or WPS. Every text cell is neutralised like the workspace's.
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        rows = [
            [neutralise_formula(cell) if isinstance(cell, str) else cell for cell in row]
            for row in dataset
        ]
        del dataset[:]
        dataset.extend(rows)
        return dataset

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if isinstance(file_format, CSV | TSV) and not kwargs.get("encoding"):
            kwargs["encoding"] = "utf-8-sig"
        if isinstance(file_format, XLSX):
            return self._xlsx_export(request, queryset, **kwargs)
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def _xlsx_export(self, request, queryset, **kwargs) -> bytes:
        """The admin's XLSX export written like the workspace's (``core.exports``): numbers
        and dates as themselves with their formats, a frozen, filterable header row."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        kwargs.pop("encoding", None)
        dataset = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        headers = [str(header) for header in dataset.headers]
        buffer = io.BytesIO()
        write_xlsx(
            buffer,
            (list(map(cell_value, row)) for row in dataset),
            headers,
            str(self.opts.verbose_name_plural),
            self._xlsx_column_types(request, headers),
        )
        return buffer.getvalue()

    def _xlsx_column_types(self, request, headers) -> dict:
        """The XLSX type of each exported column whose resource field fills a plain number
        or date field of the model (a widget may render it as text)."""
        resource = self.get_export_resource_classes(request)[0]
        by_header = {
            str(field.column_name): field.attribute
            for field in resource.fields.values()
            if field.attribute and field.column_name
        }
        columns = [Column(header, source=by_header.get(header)) for header in headers]
        queryset = self.model._default_manager.none()
        return {
            index: kind
            for index, kind in column_types(queryset, columns).items()
            if columns[index].source
        }

    def get_export_filename(self, request, queryset, file_format):
        # "部门-2026-12-06.xlsx": the list in the reader's language, today's local date.
        return export_filename(self.opts.verbose_name_plural, file_format.get_extension())

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form)
        access_log.record(
            request,
            action=access_log.AccessAction.EXPORT,
            model=self.model,
            label=access_log.list_label(self.model, request),
        )
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = content_disposition(filename)
        if isinstance(file_format, XLSX):
            response["Content-Type"] = XLSX_CONTENT_TYPE
        return response


class ScopedAdminMixin(
    ServiceRefusalsAsMessagesMixin, RevertNeedsChangePermissionMixin, SpreadsheetRulesMixin
):
    """Every admin queryset, foreign-key choice and import/export goes through the scoping
    selector, so a supervisor's admin shows only their subtree."""

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope_region_lookup") and "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_resource_kwargs(self, request, *args, **kwargs):
        # The resource scopes its instance lookups to this user. (import_export itself passes
        # ``user=request.user`` to ``import_data``, which reaches the scoped widgets, so
        # ``get_import_data_kwargs`` must not add it a second time.)
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects to the index for a missing object; out of scope must be
        # indistinguishable from missing, and both are a 404 (ARCHITECTURE: scope is a 404).
        raise Http404(_("No %(name)s matches the given query.") % {"name": opts.verbose_name})

    # django-simple-history's history view falls back to the historical rows when
    # get_queryset() does not find the object, and its revert view does not use get_queryset()
    # at all: both would show (and revert) objects outside the user's scope.
    def _require_in_scope(self, request, object_id):
        # Administrators keep the history of deleted objects; everyone else fails closed.
        missing = self.get_object(request, unquote(object_id)) is None
        if missing and not request.user.has_full_scope:
            self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceSavedAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """An admin whose saves go through a ``*_save(actor=..., <model>=...)`` service."""

    # A field shown read-only (a contract's project once it exists) is not in the form, yet
    # the model's clean() may name it: the error goes above the form instead of a 500.
    form = ModelForm
    save_service = None

    def save_model(self, request, obj, form, change):
        type(self).save_service(request.user, obj)


class ReadOnlyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Workflow objects: shown for reference and audit, changed only through the workspace."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
