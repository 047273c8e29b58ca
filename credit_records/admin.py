"""The Django admin for supervisors and administrators, scoped like every other page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, TSV
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from . import bulk_writes, import_errors, services
from .exports import neutralise_formula
from .models import (
    AccountabilityEntry,
    Attachment,
    CalendarDay,
    Commendation,
    Commitment,
    CreditRepairApplication,
    DeadlineExtension,
    Department,
    DishonestyRecord,
    FaultToleranceClaim,
    Notification,
    PublicOfficial,
    RecordEvent,
    RecordStatus,
    Rectification,
    RectificationReport,
    Region,
    ReminderLog,
    User,
)
from .resources import (
    CommendationResource,
    CommitmentResource,
    DepartmentResource,
    DishonestyRecordResource,
    PublicOfficialResource,
    RegionResource,
    UserResource,
)
from .roles import Role
from .rules import validate_import_file
from .selectors import scope_queryset
from .services import user_assign_role, validate_role_scope

admin.site.site_header = _("Chengxin government integrity portal")
admin.site.site_title = _("Chengxin administration")
admin.site.index_title = _("Administration")
admin.site.site_url = "/"


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

    service_refusals = (services.WorkflowConflict, ValidationError)

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


class SpreadsheetRulesMixin:
    """Imports are all-or-nothing at the confirm step too, and CSV opens in Excel.

    import_export's confirm step saves the good rows of a file whose other rows fail (say a
    region was deleted after the preview); here any failing row rolls the whole file back and
    the user is sent back to the import form with the rows and reasons. Text exports start
    with a UTF-8 byte order mark, without which Excel reads Chinese as the local code page.
    """

    import_form_class = ContentCheckedImportForm

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
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            upload = request.FILES.get("import_file")
            self._keep_error_report(request, result, import_errors.sheet_name(upload))
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Some rows cannot be imported."),
                    self._error_report_url(),
                    _("Download the rows and reasons (CSV)"),
                ),
            )
        return response

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        problems = [
            f"{number}: {error.error}" for number, errors in result.row_errors() for error in errors
        ] + [f"{row.number}: {'; '.join(row.error.messages)}" for row in result.invalid_rows]
        self._keep_error_report(request, result, request.POST.get("original_file_name", ""))
        messages.error(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Nothing was imported. Rows that failed (row: reason): %(problems)s")
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

    def _keep_error_report(self, request, result, sheet):
        resource = self.get_import_resource_classes(request)[0]()
        import_errors.store(
            request, self.opts.label_lower, import_errors.problems(result, resource, sheet)
        )

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
        filename = f"{self.opts.model_name}-import-errors"
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
        return super().get_export_data(file_format, request, queryset, **kwargs)


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


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [RegionResource]
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "uscc", "region", "kind", "parent", "active"]
    list_filter = ["kind", "active", "region__level", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "uscc", "region__name", "region__code"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["region", "parent"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "uscc", "kind", "region", "parent", "active"]}),
        # Step 1 of the escalation ladder emails the head when an address is recorded.
        (_("Head of department"), {"fields": ["head_name", "head_email"]}),
        (_("Record keeping"), {"fields": ["created_at", "updated_at"]}),
    ]


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(
        label=_("role"),
        choices=[("", "---------"), *Role.choices],
        required=False,
        help_text=_("Supervisors and auditors need a region; liaisons need a department."),
    )

    def clean(self):
        cleaned = super().clean()
        role = Role(cleaned["role"]) if cleaned.get("role") else None
        if role is None and not cleaned.get(
            "is_superuser", getattr(self.instance, "is_superuser", False)
        ):
            self.add_error("role", _("Choose a role."))
            return cleaned
        try:
            validate_role_scope(
                role=role, region=cleaned.get("region"), department=cleaned.get("department")
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class PortalUserCreationForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "region", "department", "language"]


class PortalUserChangeForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.role:
            self.initial.setdefault("role", self.instance.role.value)


class RoleListFilter(admin.SimpleListFilter):
    """The users' roles by their translated names (the groups filter showed the groups'
    stored English names)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(
    RevertNeedsChangePermissionMixin,
    SpreadsheetRulesMixin,
    ImportExportModelAdmin,
    DjangoUserAdmin,
    SimpleHistoryAdmin,
):
    """Users are managed by administrators only (the role's permissions say so)."""

    resource_classes = [UserResource]
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ["username", "full_name", "role_label", "scope", "is_active", "last_login"]
    list_filter = [RoleListFilter, "is_active", "is_superuser", "region__level"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Role and scope"), {"fields": ["role", "region", "department"]}),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "role",
                    "region",
                    "department",
                    "language",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("full name"))
    def full_name(self, user):
        return user.get_full_name() or "—"

    @admin.display(description=_("role"))
    def role_label(self, user):
        return user.role.label if user.role else "—"

    @admin.display(description=_("scope"))
    def scope(self, user):
        return user.scope_label

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        role = form.cleaned_data.get("role")
        if role:
            user_assign_role(
                user=form.instance,
                role=Role(role),
                region=form.cleaned_data.get("region"),
                department=form.cleaned_data.get("department"),
                actor=request.user,
            )


# --------------------------------------------------------------------------------------------
# Credit files. Saves and workflow steps go through the services, like everywhere else.
# --------------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordEventInline(ReadOnlyInline):
    model = RecordEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason_shown"]
    readonly_fields = fields

    @admin.display(description=_("reason"))
    def reason_shown(self, event):
        return event.display_reason


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fk_name = "record"
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


def _run_service_action(modeladmin, request, queryset, run, done_message):
    """Apply a service to each selected record; report successes and refusals."""
    done, refused = 0, []
    for record in queryset:
        try:
            run(record)
        except (services.WorkflowConflict, PermissionDenied, ValidationError, Http404) as error:
            refused.append(f"{record.decision_number}: {refusal_message(error)}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


def _differs(record: DishonestyRecord, name: str, value) -> bool:
    if name == "officials":
        return {official.pk for official in record.officials.all()} != {
            official.pk for official in value
        }
    return getattr(record, name) != value


class RecordActionForm(ActionForm):
    """The action bar with the reason every workflow step is recorded with."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


@admin.register(DishonestyRecord)
class DishonestyRecordAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DishonestyRecordResource]
    list_display = [
        "decision_number",
        "department",
        "category",
        "severity",
        "decision_date",
        "status",
        "source",
    ]
    list_filter = [
        "status",
        "severity",
        "category",
        "source",
        ("department__region", admin.RelatedOnlyFieldListFilter),
        "decision_date",
    ]
    search_fields = ["decision_number", "department__name", "department__uscc", "facts"]
    list_select_related = ["department"]
    autocomplete_fields = ["department", "officials"]
    date_hierarchy = "decision_date"
    readonly_fields = [
        "status",
        "source",
        "minimum_period_ends",
        "disclosure_ends",
        "disclosure_ended_early_on",
        "closed_on",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "department",
                    "category",
                    "severity",
                    "decision_number",
                    "issuing_authority",
                    "decision_date",
                    "facts",
                    "officials",
                    "internal_notes",
                ]
            },
        ),
        (
            _("Workflow and disclosure"),
            {"fields": readonly_fields},
        ),
    ]
    inlines = [RecordEventInline, AttachmentInline]
    actions = ["confirm_records", "close_records"]
    action_form = RecordActionForm

    @staticmethod
    def _current_status(obj) -> str | None:
        # The revert view passes an old version of the record, with the status it had then:
        # what may be edited depends on the record's status now.
        return DishonestyRecord.objects.filter(pk=obj.pk).values_list("status", flat=True).first()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        if self._current_status(obj) != RecordStatus.DRAFT:
            # Once confirmed, a record's facts are fixed; its workflow continues in the
            # workspace.
            return [*self.readonly_fields, *self.fieldsets[0][1]["fields"]]
        # A record stays with the department it was entered against, as in the workspace's
        # edit form: a record for another department is a new record.
        return [*self.readonly_fields, "department"]

    def revert_disabled(self, request, obj=None):
        return super().revert_disabled(request, obj) or (
            obj is not None and self._current_status(obj) != RecordStatus.DRAFT
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            current = DishonestyRecord.objects.prefetch_related("officials").get(pk=obj.pk)
            # Compared with the record as it is now, not with the form's instance: reverting
            # to an old version must send every field that differs from today's record.
            fields = {
                name: value
                for name, value in data.items()
                if name in form.fields and _differs(current, name, value)
            }
            if fields or current.status != RecordStatus.DRAFT:
                # The service refuses a record that is no longer a draft (shown as an error).
                services.record_update(record=current, actor=request.user, **fields)
        else:
            created = services.record_create(
                actor=request.user,
                department=data["department"],
                category=data["category"],
                severity=data["severity"],
                decision_number=data["decision_number"],
                issuing_authority=data["issuing_authority"],
                decision_date=data["decision_date"],
                facts=data["facts"],
                officials=data.get("officials") or [],
                internal_notes=data.get("internal_notes", ""),
            )
            obj.pk = created.pk
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The service has already set the officials; only the inlines (read-only) remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("Confirm the selected drafts"))
    def confirm_records(self, request, queryset):
        _run_service_action(
            self,
            request,
            queryset,
            lambda record: services.record_confirm(
                record=record, actor=request.user, reason=request.POST.get("reason", "")
            ),
            _("%(count)d record(s) confirmed."),
        )

    @admin.action(description=_("Close the selected verified records"))
    def close_records(self, request, queryset):
        _run_service_action(
            self,
            request,
            queryset,
            lambda record: services.record_close(
                record=record, actor=request.user, reason=request.POST.get("reason", "")
            ),
            _("%(count)d record(s) closed."),
        )


class ServiceSavedAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """An admin whose saves go through a ``*_save(actor=..., <model>=...)`` service."""

    save_service = None

    def save_model(self, request, obj, form, change):
        type(self).save_service(request.user, obj)


@admin.register(PublicOfficial)
class PublicOfficialAdmin(ServiceSavedAdmin):
    resource_classes = [PublicOfficialResource]
    save_service = staticmethod(
        lambda actor, obj: services.official_save(actor=actor, official=obj)
    )
    list_display = ["name", "employee_number", "department", "position", "active"]
    list_filter = ["active", ("department__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "employee_number", "department__name", "department__uscc"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]


@admin.register(Commendation)
class CommendationAdmin(ServiceSavedAdmin):
    resource_classes = [CommendationResource]
    save_service = staticmethod(
        lambda actor, obj: services.commendation_save(actor=actor, commendation=obj)
    )
    list_display = ["title", "level", "issuing_authority", "date", "department", "official"]
    list_filter = ["level", "date"]
    search_fields = ["title", "issuing_authority", "department__name", "department__uscc"]
    list_select_related = ["department", "official"]
    autocomplete_fields = ["department", "official"]


@admin.register(Commitment)
class CommitmentAdmin(ServiceSavedAdmin):
    resource_classes = [CommitmentResource]
    save_service = staticmethod(
        lambda actor, obj: services.commitment_save(actor=actor, commitment=obj)
    )
    list_display = ["department", "short_content", "promised_date", "status", "resulting_record"]
    list_filter = ["status", "promised_date"]
    search_fields = ["content", "department__name", "department__uscc"]
    list_select_related = ["department", "resulting_record"]
    autocomplete_fields = ["department"]
    readonly_fields = ["status", "evidence", "assessed_at", "assessed_by", "resulting_record"]

    @admin.display(description=_("content"))
    def short_content(self, obj):
        return str(obj)


class ReadOnlyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Workflow objects: shown for reference and audit, changed only through the workspace."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportInline(ReadOnlyInline):
    model = RectificationReport
    fields = ["submitted_at", "submitted_by", "content", "decision", "decision_reason"]
    readonly_fields = fields


class ExtensionInline(ReadOnlyInline):
    model = DeadlineExtension
    fields = ["granted_at", "previous_deadline", "new_deadline", "reason", "granted_by"]
    readonly_fields = fields


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = [
        "record",
        "deadline",
        "escalation_level",
        "explanation_submitted_at",
        "verified_at",
    ]
    list_filter = ["escalation_level", "deadline"]
    search_fields = ["record__decision_number", "record__department__name"]
    list_select_related = ["record", "record__department"]
    inlines = [ReportInline, ExtensionInline]


@admin.register(FaultToleranceClaim)
class FaultToleranceClaimAdmin(ReadOnlyAdmin):
    list_display = ["record", "status", "filed_by", "filed_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["record__decision_number", "record__department__name", "grounds"]
    list_select_related = ["record", "record__department", "filed_by", "reviewed_by"]


@admin.register(CreditRepairApplication)
class CreditRepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["record", "status", "review_due", "filed_at", "decided_at"]
    list_filter = ["status", "review_due"]
    search_fields = ["record__decision_number", "record__department__name"]
    list_select_related = ["record", "record__department"]


@admin.register(AccountabilityEntry)
class AccountabilityEntryAdmin(ReadOnlyAdmin):
    list_display = ["official", "record", "kind", "created_at", "exempted_at"]
    list_filter = ["kind", ("exempted_at", admin.EmptyFieldListFilter)]
    search_fields = ["official__name", "official__employee_number", "record__decision_number"]
    list_select_related = ["official", "official__department", "record", "record__department"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working-day calendar: holidays and the weekend days worked instead (调休)."""

    list_display = ["date", "weekday", "is_working_day", "note"]
    list_filter = ["is_working_day", "date"]
    list_editable = ["is_working_day", "note"]
    search_fields = ["note"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.formats import date_format

        return date_format(obj.date, "l")


class PersonalAdminMixin:
    """Rows that belong to a user, not to a region or department (the models have no scope
    lookups): the scoping selector fails closed, so only administrators see any. Roles are
    not granted these models either (``roles.PERSONAL_MODELS``)."""

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("No %(name)s matches the given query.") % {"name": opts.verbose_name})


@admin.register(Notification)
class NotificationAdmin(PersonalAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "email_sent_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(PersonalAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "kind", "object_id", "due_date", "days_before"]
    list_filter = ["kind", "days_before"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-axes (sign-in throttling) ships no Chinese catalogue: its model names and the
# columns of its admin pages are translated in ours. Listed here so that makemessages keeps
# them in the catalogue.
AXES_MESSAGES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("Logout Time"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
]
