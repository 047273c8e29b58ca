"""The evaluations app in the Django admin: read-only views, scoped like every other page.
Rounds move, scores are entered and weights are changed in the workspace, through the
services (weights must total 100; published rounds are frozen)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import ScopedAdminMixin

from .models import Dimension, Indicator, Round, Scheme


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
    list_display = ["name", "organiser", "level", "period_start", "period_end", "status"]
    list_filter = ["status", "level"]
    list_select_related = ["organiser"]
