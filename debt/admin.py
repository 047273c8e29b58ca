"""The debt app in the Django admin: scoped like every other page; saves go through the
services, yearly statistics are imported as spreadsheets (all-or-nothing, assessments
recomputed), assessments and warnings are read-only here (the workspace moves warnings)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import ScopedAdminMixin, ServiceSavedAdmin
from core.admin.columns import money_column

from . import services
from .models import (
    BondIssue,
    CreditRating,
    DebtAudit,
    DebtDefault,
    DebtProfile,
    EmergencyEvent,
    RiskAssessment,
    RiskWarning,
    TermAssessment,
)
from .resources import (
    BondIssueResource,
    CreditRatingResource,
    DebtAuditResource,
    DebtProfileResource,
    EmergencyEventResource,
    RiskAssessmentResource,
    RiskWarningResource,
    TermAssessmentResource,
)


def _save_record(actor, obj):
    return services.debt_record_save(actor=actor, instance=obj)


@admin.register(DebtProfile)
class DebtProfileAdmin(ServiceSavedAdmin):
    resource_classes = [DebtProfileResource]
    save_service = staticmethod(lambda actor, obj: services.profile_save(actor=actor, profile=obj))
    list_display = [
        "region",
        "year",
        money_column(DebtProfile, "general_limit"),
        money_column(DebtProfile, "special_limit"),
        money_column(DebtProfile, "general_balance"),
        money_column(DebtProfile, "special_balance"),
        money_column(DebtProfile, "financial_capacity"),
        "grade",
        "published",
    ]
    list_filter = ["year", "assessment__grade", "published", "region__level"]
    search_fields = ["region__name", "region__code"]
    list_select_related = ["region", "assessment"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["recompute"]

    @admin.display(description=_("grade"))
    def grade(self, profile):
        assessment = getattr(profile, "assessment", None)
        return assessment.get_grade_display() if assessment else "—"

    @admin.action(description=_("Recompute the risk assessment of the selected profiles"))
    def recompute(self, request, queryset):
        for profile in queryset.order_by("year"):
            services.assessment_compute(profile=profile, actor=request.user)
        self.message_user(
            request,
            _("%(count)d assessment(s) recomputed.") % {"count": queryset.count()},
            messages.SUCCESS,
        )


class ReadOnlyExportAdmin(ScopedAdminMixin, ExportMixin, SimpleHistoryAdmin):
    """Computed or workflow objects: shown, exported, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyExportAdmin):
    resource_classes = [RiskAssessmentResource]
    list_display = [
        "profile",
        "debt_ratio",
        "limit_utilisation",
        "debt_service_ratio",
        "overdue_ratio",
        "new_debt_ratio",
        "grade",
        "general_limit_breached",
        "special_limit_breached",
    ]
    list_filter = ["grade", "profile__year", "general_limit_breached", "special_limit_breached"]
    search_fields = ["profile__region__name", "profile__region__code"]
    list_select_related = ["profile", "profile__region"]


@admin.register(RiskWarning)
class RiskWarningAdmin(ReadOnlyExportAdmin):
    resource_classes = [RiskWarningResource]
    list_display = ["title", "region", "kind", "ground", "grade", "status", "response_deadline"]
    list_filter = ["status", "kind", "ground", "grade", "escalation_level"]
    search_fields = ["title", "region__name", "region__code"]
    list_select_related = ["region"]


@admin.register(EmergencyEvent)
class EmergencyEventAdmin(ServiceSavedAdmin):
    resource_classes = [EmergencyEventResource]
    save_service = staticmethod(_save_record)
    list_display = ["title", "region", "level", "status", "occurred_on", "resolved_on"]
    list_filter = ["level", "status"]
    search_fields = ["title", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(DebtAudit)
class DebtAuditAdmin(ServiceSavedAdmin):
    resource_classes = [DebtAuditResource]
    save_service = staticmethod(_save_record)
    list_display = ["report_number", "region", "leading_official", "position", "report_date"]
    list_filter = ["report_date"]
    search_fields = ["report_number", "leading_official", "region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(TermAssessment)
class TermAssessmentAdmin(ServiceSavedAdmin):
    resource_classes = [TermAssessmentResource]
    save_service = staticmethod(_save_record)
    list_display = ["region", "period_start", "period_end", "conclusion", "assessed_on"]
    list_filter = ["conclusion"]
    search_fields = ["region__name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(BondIssue)
class BondIssueAdmin(ServiceSavedAdmin):
    resource_classes = [BondIssueResource]
    save_service = staticmethod(_save_record)
    list_display = [
        "code",
        "name",
        "region",
        "bond_type",
        money_column(BondIssue, "amount"),
        "rate",
        "issue_date",
    ]
    list_filter = ["bond_type", "issue_date"]
    search_fields = ["code", "name", "region__name", "project"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(CreditRating)
class CreditRatingAdmin(ServiceSavedAdmin):
    resource_classes = [CreditRatingResource]
    save_service = staticmethod(_save_record)
    list_display = ["region", "agency", "rating", "outlook", "rated_on"]
    list_filter = ["outlook", "agency"]
    search_fields = ["region__name", "agency"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]


@admin.register(DebtDefault)
class DebtDefaultAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["record", "profile", money_column(DebtDefault, "overdue_amount"), "created_at"]
    list_select_related = ["record", "record__department", "profile", "profile__region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
