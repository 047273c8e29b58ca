"""Views of the platform: the mixins every workspace list and form builds on (scoped
querysets, list exports, form errors), the notification inbox, the background exports, the
change-password page and the site root."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from core import export_jobs, notifications
from core.exports import HISTORY_FORMATS, Column, export_response, history_response
from core.forms import PasswordChangeForm
from core.models import ExportStatus, Notification
from core.scope import scope_queryset


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
        stamp = timezone.localdate().isoformat()
        name = str(source.filename)
        if history:
            return history_response(
                HISTORY_FORMATS[fmt],
                filterset.qs.model,
                filterset.qs,
                f"{name}-{_('history')}-{stamp}",
                label_field=self.export_history_label,
            )
        return export_response(fmt, filterset.qs, source.columns(), f"{name}-{stamp}", sheet=name)

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
        queryset = Notification.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread") == "1":
            queryset = queryset.filter(read_at__isnull=True)
        return queryset


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link, or mark them all read."""

    def post(self, request, pk=None):
        if pk is None:
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
        content_type = {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with wrong current passwords counted like failed sign-ins."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
