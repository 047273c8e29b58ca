"""The report pages: the public report and the verification page (under ``/public/``), the
official report with its form and the register of issued reports (in the workspace).

Mounted by ``credit_records.public_urls`` and ``credit_records.urls`` (the URL trees live
there); the views themselves read only core: the department, the scope and the sections the
apps registered."""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import ListView
from rest_framework.throttling import SimpleRateThrottle

from core import access_log, export_jobs
from core.exports import content_disposition
from core.models import Department, IssuedReport, ReportVariant
from core.public import render_public
from core.scope import get_in_scope_or_404
from core.validators import normalize_uscc
from core.views import ScopedQuerysetMixin, add_form_errors

from .archive import DEPARTMENT_REPORTS_SOURCE
from .forms import OfficialReportForm, PublicReportForm, VerifyForm
from .services import report_issue, report_number, report_verify_code, report_verify_file


class _AddressThrottle(SimpleRateThrottle):
    """Requests per client address, counted in the default cache, at the rate the setting
    ``rate_setting`` names (read at request time)."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class VerifyThrottle(_AddressThrottle):
    scope = "report_verify"
    rate_setting = "CHENGXIN_REPORT_VERIFY_RATE"


class PublicReportThrottle(_AddressThrottle):
    scope = "report_public"
    rate_setting = "CHENGXIN_REPORT_PUBLIC_RATE"


def _wait(request, throttle_class) -> int | None:
    """Seconds to wait when this address used up its rate, else None (and counts one)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait() or 1)


def _private(response):
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(issued) -> HttpResponse:
    response = HttpResponse(issued.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(issued.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


# --- public ---------------------------------------------------------------------------------


@require_safe
def public_report(request, uscc: str):
    """The public variant: published data only, names masked; the period and sections come
    from the query string (defaults: the last three years, every public section)."""
    code = normalize_uscc(uscc)
    if code != uscc:
        return redirect("public:department_report", uscc=code, permanent=True)
    department = get_object_or_404(Department.objects.select_related("region__parent"), uscc=code)
    form = PublicReportForm.from_query(request.GET)
    if not form.is_valid():
        errors = " ".join(m for messages in form.errors.values() for m in messages)
        response = HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        return _private(response)
    if (wait := _wait(request, PublicReportThrottle)) is not None:
        response = HttpResponse(
            _("Too many reports from your address. Please try again in %(minutes)s minutes.")
            % {"minutes": max(1, math.ceil(wait / 60))},
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(wait)
        return _private(response)
    data = form.cleaned_data
    issued = report_issue(
        department=department,
        variant=ReportVariant.PUBLIC,
        period_start=data["period_start"],
        period_end=data["period_end"],
        sections=data["sections"],
    )
    return pdf_response(issued)


@require_http_methods(["GET", "POST"])
def verify(request):
    """Check a report by its code (GET ``?code=``, what the QR code opens) or by its file
    (POST): genuine, expired, or not issued by this portal."""
    template = "public/report_verify.html"
    source = request.POST if request.method == "POST" else request.GET
    asked = request.method == "POST" or bool(request.GET.get("code"))
    form = VerifyForm(source, request.FILES or None) if asked else VerifyForm()
    context = {"form": form, "valid_months": settings.CHENGXIN_REPORT_VALID_MONTHS}
    if asked:
        if (wait := _wait(request, VerifyThrottle)) is not None:
            context["refusal"] = _(
                "Too many verifications from your address. Please try again in %(minutes)s minutes."
            ) % {"minutes": max(1, math.ceil(wait / 60))}
            response = render_public(request, template, context, status=429)
            response["Retry-After"] = str(wait)
            return _private(response)
        if form.is_valid():
            uploaded = form.cleaned_data.get("file")
            if uploaded:
                uploaded.seek(0)
                result = report_verify_file(uploaded.read())
                context["by_file"] = True
            else:
                result = report_verify_code(form.cleaned_data["code"])
            context["result"] = result
            if result.report is not None:
                context["number"] = report_number(result.report)
    status = 400 if asked and not form.is_valid() else 200
    return _private(render_public(request, template, context, status=status))


# --- workspace ------------------------------------------------------------------------------


class OfficialReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """GET: the form (purpose, period, sections); POST: the PDF, entered in the register.
    A department outside the user's scope does not exist (404)."""

    permission_required = ("core.view_department", "core.add_issuedreport")
    template_name = "core/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            code = normalize_uscc(kwargs["uscc"])
            self.department = get_in_scope_or_404(
                request.user, Department.objects.select_related("region__parent"), uscc=code
            )
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "department": self.department},
            status=status,
        )

    def get(self, request, uscc):
        return self.render_form(OfficialReportForm())

    def post(self, request, uscc):
        form = OfficialReportForm(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        try:
            issued = report_issue(
                department=self.department,
                variant=ReportVariant.OFFICIAL,
                period_start=data["period_start"],
                period_end=data["period_end"],
                sections=data["sections"],
                purpose=data["purpose"],
                purpose_note=data["purpose_note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_form_errors(form, error)
            return self.render_form(form, status=400)
        access_log.record(
            request,
            action=access_log.AccessAction.DOWNLOAD,
            obj=issued.report,
            label=f"{report_number(issued.report)} {self.department.name}",
        )
        return pdf_response(issued)


class IssuedReportListView(
    LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, ListView
):
    """The register of issued reports (both variants) for departments in the user's scope."""

    permission_required = "core.view_issuedreport"
    model = IssuedReport
    queryset = IssuedReport.objects.select_related("department", "issued_by")
    template_name = "core/issuedreport_list.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset()
        variant = self.request.GET.get("variant")
        if variant in ReportVariant.values:
            queryset = queryset.filter(variant=variant)
        uscc = self.request.GET.get("department", "").strip()
        if uscc:
            queryset = queryset.filter(department__uscc=normalize_uscc(uscc))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for report in context["reports"]:
            report.number = report_number(report)
        context["variants"] = ReportVariant.choices
        context["variant"] = self.request.GET.get("variant", "")
        context["department_code"] = self.request.GET.get("department", "")
        return context


class ReportsExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The credit reports of every department the list shows (its filter: a city's, say), as
    a ZIP prepared in the background, with progress on "My exports"."""

    permission_required = ("core.view_department", "core.add_issuedreport")

    def post(self, request):
        form = OfficialReportForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label} {' '.join(errors)}")
            return redirect(
                f"{reverse('workspace:department_list')}?{request.POST.get('query', '')}"
            )
        data = form.cleaned_data
        params = QueryDict(request.POST.get("query", ""), mutable=True)
        params["purpose"] = data["purpose"]
        params["purpose_note"] = data["purpose_note"]
        params["period_start"] = data["period_start"].isoformat()
        params["period_end"] = data["period_end"].isoformat()
        params.setlist("sections", data["sections"])
        try:
            export_jobs.export_job_create(
                actor=request.user,
                view_name=DEPARTMENT_REPORTS_SOURCE,
                query=params.urlencode(),
                fmt="zip",
            )
        except export_jobs.ExportRefused as refused:
            messages.error(request, refused.message)
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.info(
                request,
                _(
                    "The reports are being issued in the background: download the ZIP here "
                    "when it is ready."
                ),
            )
        return redirect("workspace:export_list")
