"""The Django admin for supervisors and administrators, scoped like every other page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.access_log import AccessLoggedAdminMixin
from core.admin.base import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ScopedAdminMixin,
    ServiceSavedAdmin,
    person,
    refusal_message,
)
from core.exceptions import WorkflowConflict

from . import (
    admin_complaints,  # noqa: F401  (registers the complaint register's admin)
    admin_intake,  # noqa: F401  (registers the intake sources, queue and court cases)
    services,
)
from .actions import RECORD_ACTIONS, RecordAction
from .models import (
    AccountabilityEntry,
    Attachment,
    Commendation,
    Commitment,
    CreditRepairApplication,
    DeadlineExtension,
    DishonestyRecord,
    FaultToleranceClaim,
    Objection,
    PublicOfficial,
    RecordEvent,
    RecordStatus,
    Rectification,
    RectificationReport,
)
from .resources import (
    CommendationResource,
    CommitmentResource,
    DishonestyRecordResource,
    PublicOfficialResource,
)

# --------------------------------------------------------------------------------------------
# Credit files. Saves and workflow steps go through the services, like everywhere else.
# --------------------------------------------------------------------------------------------


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
        except (WorkflowConflict, PermissionDenied, ValidationError, Http404) as error:
            refused.append(f"{record.decision_number}: {refusal_message(error)}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


def _bulk_action(record_action: RecordAction):
    """A change-list action running one record action's service on each selected record,
    with the reason typed in the action bar."""
    bulk = record_action.admin

    def run(modeladmin, request, queryset):
        _run_service_action(
            modeladmin,
            request,
            queryset,
            lambda record: record_action.service(
                record=record, actor=request.user, reason=request.POST.get("reason", "")
            ),
            bulk.done_message,
        )

    # The admin names the action (the ``action`` field of its form) after the function.
    run.__name__ = run.__qualname__ = bulk.name
    return admin.action(description=bulk.description)(run)


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
    # The record actions the table (credit_records.actions) offers as bulk actions.
    actions = [
        _bulk_action(record_action)
        for record_action in RECORD_ACTIONS.values()
        if record_action.admin is not None
    ]
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


@admin.register(PublicOfficial)
class PublicOfficialAdmin(AccessLoggedAdminMixin, ServiceSavedAdmin):
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
    list_display = [
        "record",
        "status",
        "filed_by_name",
        "filed_at",
        "decided_by_name",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["record__decision_number", "record__department__name", "grounds"]
    list_select_related = ["record", "record__department", "filed_by", "decided_by"]

    @admin.display(description=_("filed by"), ordering="filed_by__last_name")
    def filed_by_name(self, claim):
        return person(claim.filed_by)

    @admin.display(description=_("decided by"), ordering="decided_by__last_name")
    def decided_by_name(self, claim):
        return person(claim.decided_by)


@admin.register(CreditRepairApplication)
class CreditRepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["record", "status", "review_due", "filed_at", "decided_at"]
    list_filter = ["status", "review_due"]
    search_fields = ["record__decision_number", "record__department__name"]
    list_select_related = ["record", "record__department"]


@admin.register(AccountabilityEntry)
class AccountabilityEntryAdmin(AccessLoggedAdminMixin, ReadOnlyAdmin):
    list_display = ["official", "record", "kind", "created_at", "exempted_at"]
    list_filter = ["kind", ("exempted_at", admin.EmptyFieldListFilter)]
    search_fields = ["official__name", "official__employee_number", "record__decision_number"]
    list_select_related = ["official", "official__department", "record", "record__department"]


class ObjectionAttachmentInline(AttachmentInline):
    fk_name = "objection"


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    """Objections (异议申诉): decided in the workspace, on the record's page or through the
    API; here for reference and audit, with their history."""

    list_display = [
        "record",
        "grounds",
        "status",
        "outcome",
        "filed_at",
        "acknowledge_due",
        "decide_due",
        "disclosure_suspended",
        "escalation_level",
    ]
    list_filter = ["status", "grounds", "outcome", "disclosure_suspended", "decide_due"]
    search_fields = ["record__decision_number", "record__department__name", "explanation"]
    list_select_related = ["record", "record__department"]
    inlines = [ObjectionAttachmentInline]
