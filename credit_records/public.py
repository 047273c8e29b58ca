"""The anonymous disclosure pages under ``/public/`` (以公开为常态，不公开为例外).

Built only from ``selectors.published_records`` (through ``public_record_queryset``) and
public department and region data; templates receive ``publication.PublicRecord`` objects,
never model instances, so a page cannot show a field the disclosure rules keep back.

The page shell (navigation, ``public_page`` caching, ``render_public``, the language switch)
is core's (``core.public``); this app adds its items to the navigation (``apps.py``).
"""

import datetime
import json
import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exports import content_disposition, csv_response, export_stem
from core.keyset import InvalidCursor, paginate
from core.models import Department
from core.public import cached_count, public_page, render_public
from core.public_cache import versioned_key
from core.reports.forms import PublicReportForm
from core.validators import normalize_uscc

from . import selectors
from .filters import PublicRecordFilter
from .models import RecordCategory, Severity
from .publication import public_commendation, public_csv_columns, public_record

PAGE_SIZE = 25


def headline_figures(today: datetime.date) -> dict:
    key = versioned_key(f"figures:{today.isoformat()}")
    figures = cache.get(key)
    if figures is None:
        figures = selectors.public_headline_figures(today)
        cache.set(key, figures, settings.CHENGXIN_PUBLIC_CACHE_SECONDS)
    return figures


# --- Pages -----------------------------------------------------------------------------------


@public_page
def home(request):
    today = timezone.localdate()
    figures = headline_figures(today)
    categories = [
        {"code": code, "label": label, "count": figures["by_category"].get(code, 0)}
        for code, label in RecordCategory.choices
    ]
    severities = [
        {"code": code, "label": label, "count": figures["by_severity"].get(code, 0)}
        for code, label in Severity.choices
    ]
    rectification = figures["rectification"]
    on_time_rate = (
        round(100 * rectification["on_time"] / rectification["due"])
        if rectification["due"]
        else None
    )
    return render_public(
        request,
        "public/home.html",
        {
            "today": today,
            "figures": figures,
            "categories": categories,
            "severities": severities,
            "on_time_rate": on_time_rate,
        },
    )


def _filter_query(request) -> str:
    """The list's current filter as a query string, without the page position."""
    return urlencode(
        [
            (name, request.GET[name])
            for name in PublicRecordFilter.base_filters
            if request.GET.get(name)
        ]
    )


def _filtered(request, today: datetime.date):
    return PublicRecordFilter(request.GET, queryset=selectors.public_record_queryset(today))


@public_page
def record_list(request):
    today = timezone.localdate()
    filterset = _filtered(request, today)
    query = _filter_query(request)
    context = {
        "filter": filterset,
        "query": query,
        "filtered": bool(query),
        "search": request.GET.get("q", "").strip()[:100],
        "csv_url": _with_query(reverse("public:record_list_csv"), query),
        "json_url": _with_query(reverse("public:record_list_json"), query),
        "api_url": _with_query(reverse("api:public-record-list"), query),
        "rows": [],
        "count": 0,
    }
    if not filterset.is_valid():
        return render_public(request, "public/record_list.html", context, status=400)
    try:
        page = paginate(filterset.qs, request.GET.get("cursor"), PAGE_SIZE)
    except InvalidCursor:
        context["invalid_cursor"] = True
        return render_public(request, "public/record_list.html", context, status=400)
    base = _with_query(request.path, query)
    separator = "&" if query else "?"

    def link(cursor):
        return f"{base}{separator}{urlencode({'cursor': cursor})}" if cursor else None

    context.update(
        rows=[public_record(record) for record in page.rows],
        count=cached_count(filterset.qs),
        page=page,
        first_url=None if page.is_first else base,
        previous_url=link(page.previous_cursor),
        next_url=link(page.next_cursor),
        last_url=link(page.last_cursor),
    )
    return render_public(request, "public/record_list.html", context)


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


class _Urls:
    """Absolute URLs of records and departments for the exports, without a ``reverse`` per
    row (a 100,000-row export would spend seconds on it)."""

    def __init__(self, request):
        self.records = request.build_absolute_uri(reverse("public:record_list"))
        self.request = request
        self.departments: dict[str, str] = {}

    def record(self, row) -> str:
        return f"{self.records}{row.pk}/"

    def department(self, row) -> str:
        uscc = row.department_uscc
        if uscc not in self.departments:
            self.departments[uscc] = self.request.build_absolute_uri(
                reverse("public:department", args=[uscc])
            )
        return self.departments[uscc]


def _export_rows(filterset):
    for record in filterset.qs.iterator(chunk_size=2000):
        yield public_record(record)


def _export_filename(today: datetime.date, suffix: str) -> str:
    """The download's name as every export's: the list in the reader's language and today's
    local date (公示中的失信记录-2026-12-07.csv)."""
    return export_stem(_("Published dishonesty records"), today=today) + suffix


def _download_refused(request) -> HttpResponse | None:
    """429 when this client has used up the public API's rate (``CHENGXIN_PUBLIC_API_RATE``,
    the same counter per client address): a download streams up to every published record
    for tens of seconds, and a few clients repeating them would hold every web worker."""
    from .api.public import PublicRateThrottle

    throttle = PublicRateThrottle()
    if throttle.allow_request(request, None):
        return None
    wait = math.ceil(throttle.wait() or 1)
    response = HttpResponse(
        _(
            "Too many downloads and API requests from your address. "
            "Please try again in %(seconds)s seconds."
        )
        % {"seconds": wait},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


@public_page
def record_list_csv(request):
    """The list's current filter as CSV: UTF-8 with a BOM, formula-like cells neutralised
    (``exports.csv_response``), every matching row, streamed."""
    if refused := _download_refused(request):
        return refused
    today = timezone.localdate()
    filterset = _filtered(request, today)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    urls = _Urls(request)
    return csv_response(
        _export_rows(filterset), public_csv_columns(urls.record), _export_filename(today, "")
    )


@public_page
def record_list_json(request):
    """The list's current filter as JSON, streamed: the same fields as the public API."""
    if refused := _download_refused(request):
        return refused
    today = timezone.localdate()
    filterset = _filtered(request, today)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    urls = _Urls(request)
    filters = {name: request.GET[name] for name in filterset.base_filters if request.GET.get(name)}

    def stream():
        head = {"generated_on": today.isoformat(), "filters": filters}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
        for index, row in enumerate(_export_rows(filterset)):
            data = row.as_dict(url=urls.record(row), department_url=urls.department(row))
            yield ("," if index else "") + json.dumps(data, ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in stream()),
        content_type="application/json; charset=utf-8",
    )
    filename = _export_filename(today, ".json")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@public_page
def record_detail(request, pk: int):
    record = selectors.public_record_queryset().filter(pk=pk).first()
    if record is None:
        # Never published, or no longer: the same answer either way.
        raise Http404(_("No published record matches the given query."))
    return render_public(request, "public/record_detail.html", {"record": public_record(record)})


DEPARTMENT_RECORDS_SHOWN = 20


@public_page
def department_detail(request, uscc: str):
    code = normalize_uscc(uscc)
    if code != uscc:
        return redirect("public:department", uscc=code, permanent=True)
    department = get_object_or_404(
        Department.objects.select_related("region__parent", "parent"), uscc=code
    )
    today = timezone.localdate()
    # The standing reads every published record; the table shows the newest, and the list
    # (searched by the department's code) has them all, paged.
    records = list(selectors.public_record_queryset(today).filter(department=department))
    commendations = department.commendations.select_related("official").order_by("-date", "-pk")
    return render_public(
        request,
        "public/department_detail.html",
        {
            "department": department,
            "region": department.region,
            "records": [public_record(record) for record in records[:DEPARTMENT_RECORDS_SHOWN]],
            "records_total": len(records),
            "standing": selectors.standing_from_records(records, today),
            "honours_cancelled": selectors.public_honours_cancelled(today)
            .filter(pk=department.pk)
            .exists(),
            "commendations": [public_commendation(c) for c in commendations],
            "records_query": urlencode({"q": department.uscc}),
            "report_form": PublicReportForm(auto_id="report-%s"),
        },
    )


# --- robots.txt, sitemap ---------------------------------------------------------------------


@public_page
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Exports, and the list's endless filter and page combinations, are not for crawlers;
        # every record is reachable from the department pages in the sitemap.
        f"Disallow: {reverse('public:record_list_csv')}",
        f"Disallow: {reverse('public:record_list_json')}",
        f"Disallow: {reverse('public:record_list')}?",
        f"Allow: {reverse('public:home')}",
        "Disallow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["public:home", "public:record_list"]

    def location(self, item):
        return reverse(item)


class DepartmentSitemap(Sitemap):
    """Every department's public page; Django splits the sitemap into pages of 50,000."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        # An inactive department keeps its page (old links), but is not offered to crawlers.
        return Department.objects.filter(active=True).order_by("pk").only("uscc", "updated_at")

    def location(self, department):
        return reverse("public:department", args=[department.uscc])

    def lastmod(self, department):
        return department.updated_at


SITEMAPS = {"pages": PublicPagesSitemap, "departments": DepartmentSitemap}


@public_page
def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS)
