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
    list_display = ["created_at", "recipient_name", "kind", "title", "read_at", "email_sent_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "recipient__username"]
    list_select_related = ["recipient"]

    @admin.display(description=_("recipient"), ordering="recipient__last_name")
    def recipient_name(self, notification):
        from core.admin.base import person

        return person(notification.recipient)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeadlineKindFilter(admin.SimpleListFilter):
    """The kinds of deadline by their names (the stored kind is an identifier)."""

    title = _("deadline kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        from core.deadlines import kind_choices

        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ReminderLog)
class ReminderLogAdmin(PersonalAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "kind_name", "object_id", "due_date", "days_before"]
    list_filter = [DeadlineKindFilter, "days_before"]
    readonly_fields = ["sent_at", "kind_name", "object_id", "due_date", "days_before"]
    exclude = ["kind"]

    @admin.display(description=_("deadline kind"), ordering="kind")
    def kind_name(self, obj):
        from core.deadlines import kind_label

        return kind_label(obj.kind)

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

# Django 5.2's admin strings that its Chinese catalogue lacks (the app list's table headers,
# read by screen readers; the user-creation note) or leaves in English (the keys to hold for
# several choices): translated in ours, listed here so that makemessages keeps them.
DJANGO_ADMIN_MESSAGES = [
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
