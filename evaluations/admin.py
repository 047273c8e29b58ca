"""The evaluations app in the Django admin: read-only views, scoped like every other page.
Rounds move, scores are entered, weights are changed and feedback is filed and answered in
the workspace, through the services (weights must total 100; published rounds are frozen;
feedback has its window and its organiser)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import ReadOnlyInline, ScopedAdminMixin

from .models import Dimension, FeedbackAttachment, Indicator, Round, Scheme, ScoreFeedback


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ["name", "weight", "order"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "is_default", "created_at"]
    inlines = [DimensionInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "dimension", "kind", "formula_key", "weight", "max_points"]
    list_filter = ["kind", "dimension__scheme"]


@admin.register(Round)
class RoundAdmin(ScopedAdminMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "organiser",
        "level",
        "period_start",
        "period_end",
        "status",
        "feedback_closes",
    ]
    list_filter = ["status", "level"]
    list_select_related = ["organiser"]


class FeedbackAttachmentInline(ReadOnlyInline):
    model = FeedbackAttachment
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(ScoreFeedback)
class ScoreFeedbackAdmin(ScopedAdminMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    """The feedback register of every round in scope (the organiser answers in the
    workspace, where the rescore recomputes the results)."""

    list_display = [
        "round",
        "subject",
        "score",
        "status",
        "score_at_filing",
        "proposed_value",
        "new_value",
        "filed_at",
        "decided_at",
    ]
    # Not by round: the filter would list every round, other regions' included.
    list_filter = ["status"]
    list_select_related = ["round", "subject", "score__indicator", "score__subject"]
    search_fields = ["subject__name", "explanation", "decision_reason"]
    inlines = [FeedbackAttachmentInline]
