"""Intake in the Django admin: the sources (configured by administrators), the staging queue
(accept, reject, and a CSV/XLSX file import that goes in all or nothing, its problems listed
by sheet, row, column and reason), and the court enforcement cases (read-only: the workspace
and the court's notices move them)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import ReadOnlyAdmin, ScopedAdminMixin, refusal_message
from core.exceptions import WorkflowConflict

from . import intake_files
from .intake_formats import FIELDS
from .models import CourtCase, IntakeItem, IntakeKind, IntakeSource
from .services import intake as services


@admin.register(IntakeSource)
class IntakeSourceAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "data_format",
        "endpoint_url",
        "auto_accept",
        "is_active",
        "last_pulled_at",
        "last_error",
    ]
    list_filter = ["kind", "is_active", "auto_accept"]
    search_fields = ["name", "code"]
    readonly_fields = ["cursor", "etag", "last_pulled_at", "next_pull_at", "last_error"]
    autocomplete_fields = ["account"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class IntakeActionForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)


def _decide(modeladmin, request, queryset, run, done):
    count, refused = 0, []
    for item in queryset:
        try:
            with transaction.atomic():
                run(item)
        except (WorkflowConflict, PermissionDenied, ValidationError, Http404) as error:
            refused.append(f"{item.document_number}: {refusal_message(error)}")
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.ERROR)


@admin.action(description=gettext_lazy("Accept the selected items"))
def accept_items(modeladmin, request, queryset):
    _decide(
        modeladmin,
        request,
        queryset,
        lambda item: services.intake_item_accept(item=item, actor=request.user),
        _("%(count)d items accepted."),
    )


@admin.action(description=gettext_lazy("Reject the selected items (give the reason)"))
def reject_items(modeladmin, request, queryset):
    reason = request.POST.get("reason", "")
    _decide(
        modeladmin,
        request,
        queryset,
        lambda item: services.intake_item_reject(item=item, actor=request.user, reason=reason),
        _("%(count)d items rejected."),
    )


class IntakeFileForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Source"), queryset=IntakeSource.objects.filter(is_active=True)
    )
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("CSV (UTF-8) or XLSX.")
    )


@admin.register(IntakeItem)
class IntakeItemAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "document_number",
        "subject_name",
        "kind",
        "source",
        "department",
        "status",
        "problem",
        "received_at",
        "outcome",
    ]
    list_filter = ["status", "kind", "source"]
    search_fields = ["document_number", "subject_name", "subject_uscc"]
    list_select_related = ["source", "department"]
    actions = [accept_items, reject_items]
    action_form = IntakeActionForm
    change_list_template = "admin/credit_records/intakeitem/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        names = [field.name for field in IntakeItem._meta.fields if field.name != "id"]
        return ["payload_shown" if name == "payload" else name for name in names]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("payload as received"))
    def payload_shown(self, item):
        """The raw payload, each key under the standard's Chinese name where it has one."""
        from django.utils.html import format_html_join

        labels = {field.key: field.label for field in FIELDS.get(item.kind, ())}
        return format_html_join(
            "", "<div>{}：{}</div>", ((labels.get(k, k), v) for k, v in item.payload.items())
        )

    def get_urls(self):
        info = (self.model._meta.app_label, self.model._meta.model_name)
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """A file of items from one source, all or nothing."""
        if not request.user.has_perm("credit_records.import_intakeitem"):
            raise PermissionDenied
        form = IntakeFileForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            source = form.cleaned_data["source"]
            try:
                sheet, headers, items, numbers = intake_files.read_rows(
                    form.cleaned_data["file"], source.kind
                )
                if not items:
                    raise ValidationError(_("The file has no rows."))
                results = services.intake_receive(
                    source=source,
                    kind=source.kind,
                    items=items,
                    actor=request.user,
                    all_or_nothing=True,
                )
            except services.BatchRefused as refused:
                problems = intake_files.problems(sheet, source.kind, headers, numbers, refused.bad)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                counts: dict[str, int] = {}
                for result in results:
                    counts[result.outcome] = counts.get(result.outcome, 0) + 1
                self.message_user(
                    request,
                    _("File read: %(counts)s.")
                    % {
                        "counts": ", ".join(
                            f"{services.OUTCOME_LABELS[k]} {v}" for k, v in sorted(counts.items())
                        )
                    },
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:credit_records_intakeitem_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import intake items from a file"),
            "form": form,
            "problems": problems,
            "kinds": IntakeKind.choices,
        }
        return TemplateResponse(request, "admin/credit_records/intakeitem/import.html", context)


@admin.register(CourtCase)
class CourtCaseAdmin(ReadOnlyAdmin):
    list_display = [
        "case_number",
        "department",
        "court",
        "status",
        "notice_date",
        "settle_by",
        "settled_on",
        "listed_on",
        "delisted_on",
    ]
    list_filter = ["status"]
    search_fields = ["case_number", "department__name", "department__uscc", "court"]
    list_select_related = ["department"]
