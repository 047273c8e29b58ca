"""View mixins of the workspace: scoped querysets, list exports, form errors."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from core import export_jobs
from core.exports import HISTORY_FORMATS, Column, export_response, history_response
from core.scope import scope_queryset


class ScopedQuerysetMixin:
    """Lists and detail pages start from the user's scope; anything outside it is a 404."""

    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset())


class ExportMixin:
    """``?export=csv`` or ``?export=xlsx`` on a filtered list downloads exactly its rows;
    with ``export_history`` set, ``?export=history-csv`` or ``?export=history-xlsx`` downloads
    their audit trail (who, when, what changed), under the same permission and scope."""

    export_permission: str = ""
    export_filename: str = "export"
    export_history: bool = False
    # The historical model's field that names each object in the history export, or several
    # lookups joined by spaces (``("region__name", "year")``).
    export_history_label: str | tuple[str, ...] | None = None

    def export_columns(self) -> list[Column]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        history = self.export_history and fmt in HISTORY_FORMATS
        if fmt not in ("csv", "xlsx") and not history:
            return super().get(request, *args, **kwargs)
        if not request.user.has_perm(self.export_permission):
            raise PermissionDenied(_("Your role does not allow exports."))
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            return super().get(request, *args, **kwargs)
        if not history and (
            request.GET.get("background") == "1" or self.export_is_large(filterset.qs)
        ):
            return self.export_in_background(fmt)
        stamp = timezone.localdate().isoformat()
        name = str(self.export_filename)
        if history:
            return history_response(
                HISTORY_FORMATS[fmt],
                filterset.qs.model,
                filterset.qs,
                f"{name}-{_('history')}-{stamp}",
                label_field=self.export_history_label,
            )
        return export_response(
            fmt, filterset.qs, self.export_columns(), f"{name}-{stamp}", sheet=name
        )

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
                view_name=request.resolver_match.view_name,
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
        context["export_view"] = self.request.resolver_match.view_name
        return context


def add_form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: next to its field where the form has
    that field, above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
