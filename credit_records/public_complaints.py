"""The public side of complaints (投诉举报), under ``/public/complaints/``: the statistics by
city, the form (no sign-in), and the status page the complainant reads with their tracking
number and query code.

Abuse is held off without outside services: a per-address rate limit on filing and on status
look-ups (counted in the cache, by the same client address as the public API's limit,
``core.network`` / DRF's ``NUM_PROXIES``), a honeypot field, the files' size, type and number
(checked by content), and duplicate detection (``services.complaints.complaint_file``).

Nothing here shows who complained: the statistics are counts, and the status page shows the
progress and the outcome, never the description, contact details or evidence.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from core.exceptions import WorkflowConflict
from core.public import public_page, render_public
from core.views import add_form_errors

from .complaint_forms import ComplaintStatusForm, PublicComplaintForm
from .selectors.complaints import complaint_by_code, public_complaint_statistics, public_timeline
from .services.complaints import complaint_file


class AddressRateThrottle(SimpleRateThrottle):
    """Requests per client address (signed in or not), counted in the default cache; the
    rate is the setting named by ``rate_setting``, read at request time."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ComplaintFilingThrottle(AddressRateThrottle):
    scope = "complaint"
    rate_setting = "CHENGXIN_COMPLAINT_RATE"


class ComplaintStatusThrottle(AddressRateThrottle):
    scope = "complaint_status"
    rate_setting = "CHENGXIN_COMPLAINT_STATUS_RATE"


def _refused(request, throttle_class, template: str, context: dict):
    """429 with the page and a translated message when this address used up its rate."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    wait = math.ceil(throttle.wait() or 1)
    context = {
        **context,
        "refusal": _(
            "Too many requests from your address. Please try again in %(minutes)s minutes."
        )
        % {"minutes": max(1, math.ceil(wait / 60))},
    }
    response = _private(render_public(request, template, context, status=429))
    response["Retry-After"] = str(wait)
    return response


def _private(response):
    """Answers about one visitor's submission: never kept by a browser or a proxy."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Pages -------------------------------------------------------------------------------------


@public_page
def complaints(request):
    today = timezone.localdate()
    return render_public(
        request,
        "public/complaints/index.html",
        {
            "today": today,
            "statistics": public_complaint_statistics(today),
            "sme_days": settings.CHENGXIN_COMPLAINT_SME_DECISION_WORKING_DAYS,
            "decision_days": settings.CHENGXIN_COMPLAINT_DECISION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    template = "public/complaints/new.html"
    if request.method == "POST":
        form = PublicComplaintForm(request.POST, request.FILES)
        if refused := _refused(request, ComplaintFilingThrottle, template, {"form": form}):
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    complaint, code = complaint_file(
                        department=data["department"],
                        category=data["category"],
                        description=data["description"],
                        contract_reference=data["contract_reference"],
                        amount_owed=data["amount_owed"],
                        payment_due_date=data["payment_due_date"],
                        contact=form.contact(),
                        files=data["files"],
                    )
            except ValidationError as error:
                add_form_errors(form, error)
            except WorkflowConflict as conflict:
                form.add_error(None, conflict.message)
            else:
                return _private(
                    render_public(
                        request,
                        "public/complaints/filed.html",
                        {"complaint": complaint, "query_code": code},
                    )
                )
        return _private(render_public(request, template, {"form": form}, status=400))
    return _private(render_public(request, template, {"form": PublicComplaintForm()}))


@require_http_methods(["GET", "POST"])
def complaint_status(request):
    template = "public/complaints/status.html"
    if request.method == "POST":
        form = ComplaintStatusForm(request.POST)
        if refused := _refused(request, ComplaintStatusThrottle, template, {"form": form}):
            return refused
        if form.is_valid():
            complaint = complaint_by_code(
                form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
            )
            if complaint is not None:
                return _private(
                    render_public(
                        request,
                        template,
                        {
                            "form": ComplaintStatusForm(
                                initial={"tracking_number": complaint.tracking_number}
                            ),
                            "complaint": complaint,
                            "timeline": public_timeline(complaint),
                        },
                    )
                )
            form.add_error(
                None,
                _("No complaint matches this tracking number and query code. Check both."),
            )
        return _private(render_public(request, template, {"form": form}, status=400))
    return _private(render_public(request, template, {"form": ComplaintStatusForm()}))
