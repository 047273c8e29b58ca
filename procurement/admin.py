"""The admin: scoped like every other page, saves through the services, spreadsheets for
suppliers, projects, contracts, acceptances and payments, government agreements and arrears.
Flags and violations are decided in the workspace (their forms ask for reasons), so they are
read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import (
    ReadOnlyAdmin,
    RevertNeedsChangePermissionMixin,
    ScopedAdminMixin,
    ServiceSavedAdmin,
    SpreadsheetRulesMixin,
)
from core.admin.columns import money_column
from core.forms import ModelForm

from . import services
from .models import (
    Acceptance,
    Agreement,
    ArrearsBaseline,
    ArrearsItem,
    Contract,
    Instalment,
    Obligation,
    Payment,
    ProcurementProject,
    RedFlag,
    Supplier,
    Violation,
)
from .resources import (
    AcceptanceResource,
    ContractResource,
    PaymentResource,
    ProjectResource,
    SupplierResource,
)
from .resources_agreements import AgreementResource, ArrearsItemResource
from .selectors import suppliers_for


@admin.register(Supplier)
class SupplierAdmin(
    RevertNeedsChangePermissionMixin,
    SpreadsheetRulesMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    """The shared supplier register (see ``Supplier``): every official with a scope sees it."""

    resource_classes = [SupplierResource]
    list_display = ["name", "uscc", "is_sme"]
    list_filter = ["is_sme"]
    search_fields = ["name", "uscc"]

    def get_queryset(self, request):
        return suppliers_for(request.user)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def save_model(self, request, obj, form, change):
        services.supplier_save(actor=request.user, supplier=obj)


class ContractInline(admin.StackedInline):
    model = Contract
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "signed_date", "amount", "supplementary_amount", "filed_date"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ParentFixedOnChangeMixin:
    """The parent is chosen when the object is added and shown read-only afterwards."""

    parent_field = ""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append(self.parent_field)
        return fields


@admin.register(ProcurementProject)
class ProcurementProjectAdmin(ServiceSavedAdmin):
    resource_classes = [ProjectResource]
    save_service = staticmethod(lambda actor, obj: services.project_save(actor=actor, project=obj))
    list_display = [
        "code",
        "title",
        "purchaser",
        "method",
        money_column(ProcurementProject, "budget"),
        "notice_date",
        "award_date",
        "supplier",
        money_column(ProcurementProject, "award_amount"),
    ]
    list_filter = ["method", ("purchaser__region", admin.RelatedOnlyFieldListFilter), "notice_date"]
    search_fields = ["code", "title", "purchaser__name", "purchaser__uscc", "supplier__name"]
    list_select_related = ["purchaser", "supplier"]
    autocomplete_fields = ["purchaser", "supplier"]
    date_hierarchy = "notice_date"
    inlines = [ContractInline]


@admin.register(Contract)
class ContractAdmin(ParentFixedOnChangeMixin, ServiceSavedAdmin):
    parent_field = "project"
    resource_classes = [ContractResource]
    save_service = staticmethod(
        lambda actor, obj: services.contract_save(actor=actor, contract=obj)
    )
    list_display = [
        "project",
        "number",
        "signed_date",
        money_column(Contract, "amount"),
        money_column(Contract, "supplementary_amount"),
        "payment_term_days",
        "acceptance_period_days",
        "late_interest_rate",
        "filed_date",
    ]
    list_filter = ["signed_date", "payment_after_acceptance"]
    search_fields = ["number", "project__code", "project__title", "project__purchaser__name"]
    list_select_related = ["project", "project__purchaser"]
    autocomplete_fields = ["project"]


@admin.register(Acceptance)
class AcceptanceAdmin(ParentFixedOnChangeMixin, ServiceSavedAdmin):
    parent_field = "contract"
    resource_classes = [AcceptanceResource]
    save_service = staticmethod(
        lambda actor, obj: services.acceptance_save(actor=actor, acceptance=obj)
    )
    list_display = ["contract", "delivery_date", "acceptance_date", "result"]
    list_filter = ["result"]
    search_fields = ["contract__project__code", "contract__project__title"]
    list_select_related = ["contract", "contract__project"]
    autocomplete_fields = ["contract"]


@admin.register(Payment)
class PaymentAdmin(ParentFixedOnChangeMixin, ServiceSavedAdmin):
    parent_field = "contract"
    resource_classes = [PaymentResource]
    save_service = staticmethod(lambda actor, obj: services.payment_save(actor=actor, payment=obj))
    list_display = [
        "contract",
        "sequence",
        money_column(Payment, "amount"),
        money_column(Payment, "disputed_amount"),
        "due_date",
        "paid_date",
        "late_days",
        money_column(Payment, "late_interest"),
    ]
    list_filter = ["paid_date", "due_date"]
    search_fields = ["contract__project__code", "contract__project__title"]
    list_select_related = ["contract", "contract__project"]
    autocomplete_fields = ["contract"]
    readonly_fields = ["due_date", "late_days", "late_interest"]


@admin.register(RedFlag)
class RedFlagAdmin(ReadOnlyAdmin):
    list_display = ["rule", "purchaser", "project", "status", "raised_at", "decided_by"]
    list_filter = ["rule", "status"]
    search_fields = ["purchaser__name", "purchaser__uscc", "project__code"]
    list_select_related = ["purchaser", "project", "decided_by"]
    readonly_fields = ["finding"]
    # The evidence as data (JSON keys such as "provisional") stays out: "finding" says it.
    exclude = ["evidence"]

    @admin.display(description=_("evidence"))
    def finding(self, obj):
        return obj.describe()


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = [
        "decision_number",
        "purchaser",
        "kind",
        "severity",
        "decided_on",
        "record",
        "withdrawn_at",
    ]
    list_filter = ["kind", "severity", "decided_on"]
    search_fields = ["decision_number", "purchaser__name", "purchaser__uscc"]
    list_select_related = ["purchaser", "record"]


# --- government agreements and the arrears ledger ------------------------------------------


class ObligationInline(admin.TabularInline):
    """Obligations are entered in the workspace (their due dates are worked out there)."""

    model = Obligation
    extra = 0
    can_delete = False
    fields = ["description", "amount", "due_date", "condition", "fulfilled_on", "head_changed_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(ServiceSavedAdmin):
    resource_classes = [AgreementResource]
    save_service = staticmethod(
        lambda actor, obj: services.agreement_save(actor=actor, agreement=obj)
    )
    list_display = ["number", "title", "kind", "department", "counterparty_name", "signed_date"]
    list_filter = ["kind", "counterparty_is_sme", "signed_date"]
    search_fields = [
        "number",
        "title",
        "department__name",
        "counterparty_name",
        "counterparty_uscc",
    ]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    exclude = ["counterparty_is_individual", "created_by"]
    inlines = [ObligationInline]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    fields = ["sequence", "due_date", "amount", "paid_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ArrearsItem)
class ArrearsItemAdmin(ServiceSavedAdmin):
    resource_classes = [ArrearsItemResource]
    save_service = staticmethod(
        lambda actor, obj: services.arrears_item_save(actor=actor, item=obj)
    )
    list_display = ["reference", "department", "creditor_name", "amount", "due_date"]
    list_filter = ["kind", "creditor_is_sme", "due_date"]
    search_fields = ["reference", "department__name", "creditor_name", "creditor_uscc"]
    list_select_related = ["department"]
    autocomplete_fields = ["department", "agreement"]
    exclude = ["creditor_is_individual", "created_by", "plan_agreed_on"]
    inlines = [InstalmentInline]


@admin.register(ArrearsBaseline)
class ArrearsBaselineAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A region's stock of arrears at a date, which its clearing progress is measured from."""

    form = ModelForm

    def save_model(self, request, obj, form, change):
        services.baseline_save(actor=request.user, baseline=obj)

    list_display = ["region", "as_of", "amount", "note"]
    list_filter = ["as_of"]
    search_fields = ["region__name", "region__code"]
    list_select_related = ["region"]
