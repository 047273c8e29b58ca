"""The complaint register in the Django admin: read-only and scoped, for reference and audit
(the steps are taken on the workspace page or through the API). The complainant's contact
details and evidence files have no admin page: they are the handling office's alone."""

from django.contrib import admin

from core.admin.base import ReadOnlyAdmin, ReadOnlyInline

from .models import Complaint, ComplaintEvent


class ComplaintEventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = [
        "tracking_number",
        "department",
        "category",
        "status",
        "received_on",
        "decision_due",
        "handling_due",
        "outcome",
        "handled_on_time",
    ]
    list_filter = ["status", "category", "outcome", "handled_on_time", "escalation_level"]
    search_fields = ["tracking_number", "department__name", "department__uscc"]
    list_select_related = ["department"]
    date_hierarchy = "received_on"
    inlines = [ComplaintEventInline]
    # Everything but the hashes; the complainant's details are not on this model at all.
    exclude = ["query_code_hash", "description_hash"]
