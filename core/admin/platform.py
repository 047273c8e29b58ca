"""The admin of the working-day calendar and of what the portal sends each user; the site's
titles; the translations of django-axes' admin."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.models import CalendarDay, Notification, ReminderLog
from core.scope import scope_queryset

admin.site.site_header = _("Chengxin government integrity portal")
admin.site.site_title = _("Chengxin administration")
admin.site.index_title = _("Administration")
admin.site.site_url = "/"


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
