"""The access log: who viewed civil servants' personal data, and who exported or downloaded
what, when and from which address.

The Personal Information Protection Law asks a handler of personal information to control
who may read it and to keep records of its processing (PIPL arts. 51 and 54), kept at least
three years (art. 56). Domain apps call ``record`` (one row a request, however many queries
the page runs), or declare the views that must log with the mixins below:

* ``AccessLoggedViewMixin``: a workspace page (a detail page logs its object, a list page the
  rows it showed);
* ``AccessLoggedViewSetMixin``: a DRF viewset (list and retrieve);
* ``AccessLoggedAdminMixin``: an admin whose changelist and change pages show such data.

Exports (``core.views.ExportMixin``, ``history_response``) and the download of a background
export log themselves. Rows older than ``CHENGXIN_ACCESS_LOG_RETENTION_DAYS`` are deleted in
batches by the ``purge_access_log`` beat task (``purge_expired``).
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AccessAction, DataAccess
from core.network import client_ip

__all__ = [
    "AccessAction",
    "AccessLoggedAdminMixin",
    "AccessLoggedViewMixin",
    "AccessLoggedViewSetMixin",
    "purge_expired",
    "record",
]

# Marks a request that has written its row: a page that calls ``record`` twice (a mixin and
# an export, a template tag) still writes one.
_LOGGED = "_chengxin_access_logged"


def _label(text) -> str:
    text = str(text)
    return text if len(text) <= 300 else text[:299] + "…"


def record(
    request,
    *,
    action: str,
    obj=None,
    model=None,
    label: str = "",
    shown=(),
) -> DataAccess | None:
    """Log one access by ``request``'s user: to ``obj`` (an instance), or to rows of ``model``
    (a list, an export: ``label`` says which, ``shown`` their keys). At most one row a request:
    a second call in the same request writes nothing and returns None."""
    if getattr(request, _LOGGED, False):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if obj is not None:
        model = type(obj)
    content_type = ContentType.objects.get_for_model(model) if model is not None else None
    if not label:
        label = str(obj) if obj is not None else str(model._meta.verbose_name_plural)
    entry = DataAccess.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        label=_label(label),
        shown=[str(key) for key in shown][:500],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
    )
    setattr(request, _LOGGED, True)
    return entry


def list_label(model, request) -> str:
    """What a list page showed: the list's name and its filters, e.g. "公职人员（q=张）"."""
    name = str(model._meta.verbose_name_plural)
    query = request.GET.copy()
    query.pop("export", None)
    filters = query.urlencode()
    return _("%(list)s (%(filters)s)") % {"list": name, "filters": filters} if filters else name


def _ok(response) -> bool:
    return 200 <= response.status_code < 300


class AccessLoggedViewMixin:
    """A workspace page that shows personal data logs each successful GET: a detail page
    its object (``self.object``), a list page the rows of the page it showed."""

    access_log_model = None  # defaults to the view's model

    def access_log_entry(self, response) -> dict | None:
        obj = getattr(self, "object", None)
        if obj is not None:
            return {"obj": obj}
        context = getattr(response, "context_data", None) or {}
        rows = context.get("object_list")
        model = self.access_log_model or getattr(self, "model", None)
        if rows is None or model is None:
            return None
        return {
            "model": model,
            "label": list_label(model, self.request),
            "shown": [row.pk for row in rows],
        }

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method != "GET" or not _ok(response) or getattr(request, _LOGGED, False):
            return response

        def log(rendered):
            entry = self.access_log_entry(rendered)
            if entry is not None:
                record(request, action=AccessAction.VIEW, **entry)

        # After rendering: the page's rows are read once, by the page itself.
        if hasattr(response, "add_post_render_callback") and not response.is_rendered:
            response.add_post_render_callback(log)
        else:
            log(response)
        return response


class AccessLoggedViewSetMixin:
    """An API viewset whose answers hold personal data logs each successful list (the keys
    of the page's rows) and retrieve (the object)."""

    def get_object(self):
        obj = super().get_object()
        self._access_logged_object = obj
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._access_logged_rows = page if page is not None else queryset
        return page

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and _ok(response):
            if self.action == "retrieve" and hasattr(self, "_access_logged_object"):
                record(request, action=AccessAction.VIEW, obj=self._access_logged_object)
            elif self.action == "list":
                model = self.get_queryset().model
                rows = getattr(self, "_access_logged_rows", None) or []
                record(
                    request,
                    action=AccessAction.VIEW,
                    model=model,
                    label=list_label(model, request),
                    shown=[row.pk for row in rows],
                )
        return response


class AccessLoggedAdminMixin:
    """An admin whose list and change pages show personal data: each successful GET of
    either is logged (its exports are logged by ``SpreadsheetRulesMixin``)."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            changelist = (getattr(response, "context_data", None) or {}).get("cl")
            rows = list(changelist.result_list) if changelist is not None else []
            record(
                request,
                action=AccessAction.VIEW,
                model=self.model,
                label=list_label(self.model, request),
                shown=[row.pk for row in rows],
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            original = (getattr(response, "context_data", None) or {}).get("original")
            if original is not None:
                record(request, action=AccessAction.VIEW, obj=original)
        return response


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(
        days=settings.CHENGXIN_ACCESS_LOG_RETENTION_DAYS
    )


def purge_expired(
    *,
    batch_size: int = 5000,
    now: datetime.datetime | None = None,
    cutoff: datetime.datetime | None = None,
) -> int:
    """Delete the rows older than the retention period (or an earlier ``cutoff``: never a
    later one, PIPL art. 56), ``batch_size`` at a time (short transactions, no long lock on
    a busy table); the number deleted. Safe to run twice."""
    cutoff = min(cutoff or retention_cutoff(now), retention_cutoff(now))
    deleted = 0
    while True:
        keys = list(
            DataAccess.objects.filter(at__lt=cutoff)
            .order_by("at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not keys:
            return deleted
        deleted += DataAccess.objects.filter(pk__in=keys).delete()[0]
