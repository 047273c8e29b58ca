"""The access log in the admin: administrators read it (who viewed or exported what, when,
from where), filter it by user, date, action and kind of data, and export it as a
spreadsheet through the admin's export (``SpreadsheetRulesMixin``). Nobody adds, changes or
deletes a row by hand: the retention task alone deletes them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from core.admin.base import SpreadsheetRulesMixin
from core.admin.platform import PersonalAdminMixin
from core.models import DataAccess


class DataAccessResource(resources.ModelResource):
    at = fields.Field(attribute="at", column_name=_("when"))
    username = fields.Field(attribute="username", column_name=_("login name"))
    action = fields.Field(column_name=_("action"))
    kind = fields.Field(column_name=_("kind of data"))
    object_id = fields.Field(attribute="object_id", column_name=_("object"))
    label = fields.Field(attribute="label", column_name=_("what"))
    path = fields.Field(attribute="path", column_name=_("address of the page"))
    ip_address = fields.Field(attribute="ip_address", column_name=_("client address"))

    class Meta:
        model = DataAccess
        fields = ["at", "username", "action", "kind", "object_id", "label", "path", "ip_address"]
        export_order = fields

    def dehydrate_action(self, entry):
        return entry.get_action_display()

    def dehydrate_kind(self, entry):
        return (
            str(entry.content_type.model_class()._meta.verbose_name)
            if entry.content_type_id
            else ""
        )


@admin.register(DataAccess)
class DataAccessAdmin(PersonalAdminMixin, SpreadsheetRulesMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [DataAccessResource]
    list_display = ["at", "username", "action", "content_type", "label", "ip_address"]
    list_filter = [
        "action",
        "at",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "at"
    search_fields = ["username", "label", "object_id", "ip_address"]
    list_select_related = ["content_type"]
    readonly_fields = [
        "at",
        "user",
        "username",
        "action",
        "content_type",
        "object_id",
        "label",
        "shown",
        "path",
        "ip_address",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
