"""Views of the platform: the mixins every workspace list and form builds on (scoped
querysets, list exports, form errors), the notification inbox, the background exports, the
change-password page and the site root."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core import access_log, export_jobs, notifications, watching
from core.exports import Column, export_response, export_stem
from core.forms import PasswordChangeForm
from core.history_exports import HISTORY_FORMATS, history_response
from core.models import ExportStatus, Notification, NotificationKind, SavedView
from core.scope import scope_queryset

# What a change-history table selects with its rows: the person and their office
# (``User.display_name``), in the same query.
HISTORY_USER = ("history_user__department", "history_user__region")


class ScopedQuerysetMixin:
    """Lists and detail pages start from the user's scope; anything outside it is a 404."""

    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset())


class ExportMixin:
    """``?export=csv`` or ``?export=xlsx`` on a filtered list downloads exactly its rows;
    with ``export_history`` set, ``?export=history-csv`` or ``?export=history-xlsx`` downloads
    their audit trail (who, when, what changed), under the same permission and scope.

    The rows, columns and permissions come from the list's export source, named by
    ``export_source`` and registered by its app from ``as_export_source()`` (see
    ``core.export_jobs``): the background worker builds the same rows from it."""

    export_source: str = ""
    export_permission: str = ""
    export_filename: str = "export"
    export_history: bool = False
    # The historical model's field that names each object in the history export, or several
    # lookups joined by spaces (``("region__name", "year")``).
    export_history_label: str | tuple[str, ...] | None = None

    def export_columns(self) -> list[Column]:
        raise NotImplementedError

    @classmethod
    def prepare_rows(cls, queryset, *, exporting: bool):
        """The list's own annotations on its scoped rows (``exporting``: for a download,
        which may read more than the page shows)."""
        return queryset

    def get_queryset(self):
        exporting = bool(self.request.GET.get("export"))
        return self.prepare_rows(super().get_queryset(), exporting=exporting)

    @classmethod
    def as_export_source(cls) -> export_jobs.ExportSource:
        """The list's export source, for its app to register under ``export_source``."""
        required = getattr(cls, "permission_required", None) or ()
        if isinstance(required, str):
            required = (required,)
        return export_jobs.ExportSource(
            name=cls.export_source,
            queryset=lambda: cls.queryset.all(),
            filterset_class=cls.filterset_class,
            # The columns are plain definitions: a view without a request builds them.
            columns=lambda: cls().export_columns(),
            filename=cls.export_filename,
            permission=cls.export_permission,
            view_permissions=tuple(required),
            prepare=lambda rows: cls.prepare_rows(rows, exporting=True),
        )

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        history = self.export_history and fmt in HISTORY_FORMATS
        if fmt not in ("csv", "xlsx") and not history:
            return super().get(request, *args, **kwargs)
        if not request.user.has_perm(self.export_permission):
            raise PermissionDenied(_("Your role does not allow exports."))
        source = export_jobs.get_source(self.export_source)
        filterset = source.filterset(request.GET, request.user, request=request)
        if not filterset.is_valid():
            return super().get(request, *args, **kwargs)
        if not history and (
            request.GET.get("background") == "1" or self.export_is_large(filterset.qs)
        ):
            return self.export_in_background(fmt)
        name = str(source.filename)
        access_log.record(
            request,
            action=access_log.AccessAction.EXPORT,
            model=filterset.qs.model,
            label=access_log.list_label(filterset.qs.model, request),
        )
        if history:
            return history_response(
                HISTORY_FORMATS[fmt],
                filterset.qs.model,
                filterset.qs,
                export_stem(f"{name}-{_('history')}"),
                label_field=self.export_history_label,
            )
        return export_response(fmt, filterset.qs, source.columns(), export_stem(name), sheet=name)

    @staticmethod
    def export_is_large(queryset) -> bool:
        """More rows than a download should make the official wait for (counted no further
        than the threshold)."""
        limit = settings.CHENGXIN_EXPORT_BACKGROUND_ROWS
        return queryset.order_by()[: limit + 1].count() > limit

    def export_in_background(self, fmt: str):
        """Queue the export as a background job and show the user's exports."""
        request = self.request
        try:
            export_jobs.export_job_create(
                actor=request.user,
                view_name=self.export_source,
                query=request.GET.urlencode(),
                fmt=fmt,
            )
        except export_jobs.ExportRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.info(
                request,
                _(
                    "The export is being prepared in the background: download it here when "
                    "it is ready."
                ),
            )
        return redirect("workspace:export_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_export"] = self.request.user.has_perm(self.export_permission)
        context["can_export_history"] = context["can_export"] and self.export_history
        context["export_query"] = export_jobs.filter_query(self.request.GET.urlencode())
        context["export_view"] = self.export_source
        return context


def add_form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: next to its field where the form has
    that field, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class NotificationListView(LoginRequiredMixin, ListView):
    """The inbox: the user's own notifications, newest first."""

    template_name = "credit_records/notification_list.html"
    paginate_by = 30
    context_object_name = "notifications"

    def get_queryset(self):
        return notifications.inbox(
            self.request.user,
            unread_only=self.request.GET.get("unread") == "1",
            kind=self.request.GET.get("kind"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unread_only = self.request.GET.get("unread") == "1"
        counts = notifications.kind_counts(self.request.user, unread_only=unread_only)
        current = self.request.GET.get("kind", "")
        context["kind_tabs"] = [
            {
                "value": "",
                "label": _("All"),
                "count": sum(counts.values()),
                "query": "unread=1" if unread_only else "",
                "active": current not in NotificationKind.values,
            }
        ] + [
            {
                "value": kind.value,
                "label": kind.label,
                "count": counts[kind.value],
                "query": f"kind={kind.value}" + ("&unread=1" if unread_only else ""),
                "active": current == kind.value,
            }
            for kind in NotificationKind
            if counts.get(kind.value)
        ]
        context["current_kind"] = current if current in NotificationKind.values else ""
        context["unread_only"] = unread_only
        context["day_groups"] = group_by_day(context["notifications"])
        return context


def group_by_day(notifications_page) -> list[dict]:
    """The page's notifications under one heading per local day: today, yesterday, then the
    date."""
    today = timezone.localdate()
    groups: list[dict] = []
    for notification in notifications_page:
        day = timezone.localdate(notification.created_at)
        if not groups or groups[-1]["day"] != day:
            if day == today:
                label = _("Today")
            elif (today - day).days == 1:
                label = _("Yesterday")
            else:
                label = date_format(day, "DATE_FORMAT")
            groups.append({"day": day, "label": label, "items": []})
        groups[-1]["items"].append(notification)
    return groups


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link, or mark them all read."""

    def post(self, request, pk=None):
        if pk is None:
            # "Mark all as read" applies to the kind being looked at, if one is chosen.
            kind = request.POST.get("kind")
            if kind in NotificationKind.values:
                notifications.mark_read(user=request.user, kind=kind)
                messages.success(
                    request,
                    _("All notifications of the kind “%(kind)s” are marked as read.")
                    % {"kind": NotificationKind(kind).label},
                )
            else:
                notifications.mark_read(user=request.user)
                messages.success(request, _("All notifications are marked as read."))
            return redirect("workspace:notification_list")
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notifications.mark_read(user=request.user, notification_ids=[notification.pk])
        target = notification.url
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect(target)
        return redirect("workspace:notification_list")


def site_root(request):
    """Officials land on their workspace; everyone else on the public disclosure pages."""
    return redirect("workspace:home" if request.user.is_authenticated else "public:home")


class ExportJobListView(LoginRequiredMixin, ListView):
    """The user's background exports: status, progress and a download link when done. The
    page reloads itself (a meta refresh, no script) while one is still being prepared."""

    template_name = "credit_records/export_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return export_jobs.export_jobs_visible_to(self.request.user).filter(
            requested_by=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refresh"] = any(job.active for job in context["jobs"])
        context["keep_days"] = settings.CHENGXIN_EXPORT_KEEP_DAYS
        return context


class ExportJobCreateView(LoginRequiredMixin, View):
    """ "Export in the background" on a list: its export source, its filter and a format."""

    def post(self, request):
        try:
            export_jobs.export_job_create(
                actor=request.user,
                view_name=request.POST.get("view", ""),
                query=request.POST.get("query", ""),
                fmt=request.POST.get("format", ""),
            )
        except export_jobs.ExportRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.info(
                request,
                _(
                    "The export is being prepared in the background: download it here when "
                    "it is ready."
                ),
            )
        return redirect("workspace:export_list")


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The file of a finished export, to its requester (or a superuser) only: anyone else
    gets a 404. Permission and scope are checked again, as they may have changed."""

    def get(self, request, pk):
        job = get_object_or_404(
            export_jobs.export_jobs_visible_to(request.user), pk=pk, status=ExportStatus.DONE
        )
        export_jobs.export_job_check_download(job=job, user=request.user)
        if not job.file or not job.file.storage.exists(job.file.name):
            raise Http404(_("The file of this export is no longer kept."))
        access_log.record(
            request, action=access_log.AccessAction.DOWNLOAD, obj=job, label=job.filename
        )
        content_type = {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "zip": "application/zip",
        }[job.format]
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# Watching and saved views ------------------------------------------------------------------


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return fallback


class WatchToggleView(LoginRequiredMixin, View):
    """Start or stop watching an object the user can see (a department, a record)."""

    def post(self, request):
        try:
            content_type = ContentType.objects.get_for_id(int(request.POST.get("type", "")))
            object_id = int(request.POST.get("id", ""))
        except (ValueError, ContentType.DoesNotExist) as error:
            raise Http404(_("No such object.")) from error
        model = content_type.model_class()
        if model is None:
            raise Http404(_("No such object."))
        target = scope_queryset(request.user, model._default_manager.filter(pk=object_id)).first()
        if target is None or not watching.is_watchable(target):
            raise Http404(_("No such object."))
        if request.POST.get("watch") == "0":
            watching.unwatch(user=request.user, target=target)
            messages.success(request, _("You no longer watch “%(object)s”.") % {"object": target})
        else:
            watching.watch(user=request.user, target=target)
            messages.success(
                request,
                _("You watch “%(object)s”: its changes will reach your notifications.")
                % {"object": target},
            )
        return redirect(_safe_next(request, reverse("workspace:watch_list")))


class WatchListView(LoginRequiredMixin, TemplateView):
    template_name = "core/watch_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "watched": watching.watched_by(self.request.user),
            "saved_views": SavedView.objects.filter(owner=self.request.user),
        }


class SavedViewCreateView(LoginRequiredMixin, View):
    """Keep the list's current filters under a name."""

    def post(self, request):
        path = request.POST.get("path", "")
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        # Views are of the workspace's own pages (the apps mount them under /workspace/).
        if match is None or not path.startswith("/workspace/"):
            raise Http404(_("No such list."))
        query = watching.filters_of(QueryDict(request.POST.get("query", "")))
        try:
            view = watching.save_view(
                user=request.user,
                path=path,
                name=request.POST.get("name", ""),
                query=query,
                shared=request.POST.get("shared") == "1",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(f"{path}?{query}" if query else path)
        messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
        return redirect(view.url)


class SavedViewDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not watching.delete_view(user=request.user, view_id=pk):
            raise Http404(_("No such view."))
        messages.success(request, _("The view is deleted."))
        return redirect(_safe_next(request, reverse("workspace:watch_list")))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with wrong current passwords counted like failed sign-ins."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
