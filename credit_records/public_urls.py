"""The public disclosure pages, mounted at ``/public/`` (namespace ``public``).

The other apps' disclosure pages are included here under the names their items of the
public navigation (``core.public.register_public_nav``) point to: ``evaluations``,
``procurement``, ``debt``.
"""

from django.urls import include, path

from core.public import language
from core.public_transparency import transparency_page
from core.reports import views as report_views

from . import public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("records/", public.record_list, name="record_list"),
    path("records.csv", public.record_list_csv, name="record_list_csv"),
    path("records.json", public.record_list_json, name="record_list_json"),
    path("records/<int:pk>/", public.record_detail, name="record"),
    path("departments/<str:uscc>/", public.department_detail, name="department"),
    path(
        "departments/<str:uscc>/report.pdf",
        report_views.public_report,
        name="department_report",
    ),
    path("reports/verify/", report_views.verify, name="report_verify"),
    path("language/", language, name="language"),
    path("transparency/", transparency_page, name="transparency"),
    path("sitemap.xml", public.sitemap, name="sitemap"),
    path("procurement/", include("procurement.public_urls")),
    path("debt/", include("debt.public_urls")),
    path("evaluations/", include("evaluations.public_urls")),
    path("complaints/", include("credit_records.public_complaint_urls")),
]
