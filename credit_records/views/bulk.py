"""The record list's bulk actions: the rows an official ticked, confirmed (the drafts among
them) or exported. One POST with the ticked ids; the list's own query comes along so that the
official lands back on the same page, and an export keeps the list's order.

Scope first: an id outside the user's scope (or no record at all) makes the whole request a
404 and nothing is done, as opening that record would. Then the action's permission (403).
Then each record in turn through its service (``actions.take_on_each``), and a message that
names the records done and each one refused with the reason."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from core import export_jobs
from core.exports import export_response, export_stem
from core.scope import scope_queryset
from credit_records.actions import RECORD_ACTIONS, take_on_each
from credit_records.event_reasons import list_names
from credit_records.forms import ConfirmForm
from credit_records.models import DishonestyRecord

# The list the bulk actions belong to (its export source has the same name).
RECORD_LIST = "workspace:record_list"
EXPORT_FORMATS = ("xlsx", "csv")
# More than a list page holds, with room to spare; each confirmation is its own transaction
# with its notices, so a request is kept to what a person could have ticked.
MAX_RECORDS = 200


def _ids(values) -> list[int]:
    """The ticked ids, each once, in the order given; anything that is not an id names no
    record (a 404, like a record page's URL would)."""
    ids: list[int] = []
    for value in values:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise Http404(_("No such record.")) from None
        if pk not in ids:
            ids.append(pk)
    return ids


class RecordBulkView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST ``record`` (several ids), ``do`` (``confirm``, ``xlsx`` or ``csv``), ``query``
    (the list's query string, to return to it), ``reason`` (a note for confirming)."""

    permission_required = "credit_records.view_dishonestyrecord"

    def post(self, request):
        back = self.list_url(request.POST.get("query", ""))
        ids = _ids(request.POST.getlist("record"))
        if not ids:
            messages.error(request, _("Tick at least one record first."))
            return redirect(back)
        limit = MAX_RECORDS
        if len(ids) > limit:
            messages.error(
                request,
                _("At most %(limit)d records can be handled at once.") % {"limit": limit},
            )
            return redirect(back)
        in_scope = scope_queryset(request.user, DishonestyRecord.objects.filter(pk__in=ids))
        if in_scope.count() != len(ids):
            raise Http404(_("No such record."))
        do = request.POST.get("do", "")
        if do == "confirm":
            return self.confirm(request, ids, back)
        if do in EXPORT_FORMATS:
            return self.export(request, ids, do)
        messages.error(request, _("Unknown action."))
        return redirect(back)

    @staticmethod
    def list_url(query: str) -> str:
        # Back to the list the official came from, on the same page and filters (the
        # path is ours: only the query string comes from the form).
        query = QueryDict(query).copy()
        for key in ("export", "background"):
            query.pop(key, None)
        encoded = query.urlencode()
        return reverse(RECORD_LIST) + (f"?{encoded}" if encoded else "")

    def confirm(self, request, ids, back):
        action = RECORD_ACTIONS["confirm"]
        if not request.user.has_perm(action.permission):
            raise PermissionDenied(_("Your role does not allow this action."))
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(back)
        records = scope_queryset(
            request.user, DishonestyRecord.objects.filter(pk__in=ids)
        ).order_by("decision_number", "pk")
        outcome = take_on_each(
            action, records, actor=request.user, reason=form.cleaned_data["reason"]
        )
        if outcome.done:
            messages.success(
                request,
                ngettext(
                    "Confirmed %(count)d record: %(numbers)s.",
                    "Confirmed %(count)d records: %(numbers)s.",
                    len(outcome.done),
                )
                % {
                    "count": len(outcome.done),
                    "numbers": list_names([r.decision_number for r in outcome.done]),
                },
            )
        if outcome.refused:
            messages.error(
                request,
                ngettext(
                    "%(count)d record was not confirmed:",
                    "%(count)d records were not confirmed:",
                    len(outcome.refused),
                )
                % {"count": len(outcome.refused)},
            )
            for record, reason in outcome.refused:
                messages.error(
                    request,
                    _("%(number)s: %(reason)s")
                    % {"number": record.decision_number, "reason": reason},
                )
        return redirect(back)

    def export(self, request, ids, fmt):
        """The ticked rows through the list's own export source: its columns, its scope, its
        permission; in the list's order (its ``o``) when that is valid."""
        source = export_jobs.get_source(RECORD_LIST)
        if not source.allowed(request.user):
            raise PermissionDenied(_("Your role does not allow exports."))
        order = QueryDict(mutable=True)
        sort = QueryDict(request.POST.get("query", "")).get("o")
        if sort:
            order["o"] = sort
        filterset = source.filterset(order, request.user, request=request)
        rows = filterset.qs if filterset.is_valid() else source.rows(request.user)
        name = str(source.filename)
        return export_response(
            fmt, rows.filter(pk__in=ids), source.columns(), export_stem(name), sheet=name
        )
