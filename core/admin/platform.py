"""The admin of the working-day calendar, of the loan prime rates, of what the portal sends
each user and of the register of issued credit reports; the site's titles; the translations
of django-axes' admin."""

from django.contrib import admin, messages
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import RevertNeedsChangePermissionMixin, ScopedAdminMixin
from core.holidays import calendar_changed, sync_calendar
from core.models import (
    CalendarDay,
    CalendarSource,
    IssuedReport,
    LoanPrimeRate,
    Notification,
    ReminderLog,
)
from core.scope import scope_queryset

admin.site.site_header = _("Chengxin government integrity portal")
admin.site.site_title = _("Chengxin administration")
admin.site.index_title = _("Administration")
admin.site.site_url = "/"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working-day calendar: holidays and the weekend days worked instead (调休), filled
    from the State Council's notice (``manage.py sync_calendar``, and after every migrate).
    A day saved here becomes the administrators' (source "manual") and is never overwritten
    by a later fill: an office's local day off, or next year's notice before the library has
    it. "Return to the State Council notice" hands selected days back."""

    list_display = ["date", "weekday", "is_working_day", "note", "source"]
    list_filter = ["is_working_day", "source", "date"]
    list_editable = ["is_working_day", "note"]
    readonly_fields = ["source"]
    search_fields = ["note"]
    date_hierarchy = "date"
    actions = ["return_to_notice"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.formats import date_format

        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        obj.source = CalendarSource.MANUAL
        super().save_model(request, obj, form, change)
        calendar_changed.send(sender=CalendarDay, first=obj.date, last=obj.date)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_changed.send(sender=CalendarDay, first=obj.date, last=obj.date)

    def delete_queryset(self, request, queryset):
        dates = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        if dates:
            calendar_changed.send(sender=CalendarDay, first=min(dates), last=max(dates))

    @admin.action(description=_("Return to the State Council notice"), permissions=["change"])
    def return_to_notice(self, request, queryset):
        """The selected days stop being overrides and take the notice's status again (a
        weekday the notice does not list is an ordinary working day: its row goes)."""
        manual = queryset.filter(source=CalendarSource.MANUAL)
        days = list(manual.values_list("date", flat=True))
        # No longer an override: the fill below sets the day as the notice (or the weekend
        # default) has it, and removes the row of an ordinary weekday.
        manual.update(source=CalendarSource.WEEKEND)
        if days:
            sync_calendar({day.year for day in days})
        self.message_user(
            request,
            ngettext(
                "%(count)d day returned to the State Council notice.",
                "%(count)d days returned to the State Council notice.",
                len(days),
            )
            % {"count": len(days)},
            messages.SUCCESS,
        )


@admin.register(LoanPrimeRate)
class LoanPrimeRateAdmin(RevertNeedsChangePermissionMixin, SimpleHistoryAdmin):
    """The one-year loan prime rate by the day it took effect: add a row when the People's
    Bank of China publishes a change. Contracts compare their agreed late-payment interest
    rate with the rate in force on their signing day."""

    list_display = ["effective_date", "one_year_percent", "note"]
    date_hierarchy = "effective_date"


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


@admin.register(IssuedReport)
class IssuedReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The register of issued credit reports (core.reports): read only, since it is what
    verification trusts; a report is issued from the department's page or the API."""

    list_display = ["code", "department", "variant", "purpose", "issued_at", "valid_until"]
    list_filter = ["variant", "purpose", "issued_at"]
    search_fields = ["code", "department__name", "department__uscc", "sha256"]
    date_hierarchy = "issued_at"
    list_select_related = ["department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
