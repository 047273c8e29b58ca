"""The anonymous debt disclosure page (``/public/debt/``): approved limits, balances and
ratios per region and year, built only from ``selectors.published_profiles``."""

from django.utils.translation import gettext as _

from credit_records.public import public_page, render_public

from . import charts, selectors
from .indicators import Thresholds


@public_page
def debt_disclosure(request):
    profiles = list(selectors.published_profiles())
    years = sorted({profile.year for profile in profiles}, reverse=True)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    if years and year not in years:
        year = years[0]
    rows = [profile for profile in profiles if profile.year == year]
    overview = [
        selectors.OverviewRow(region=p.region, profile=p, assessment=getattr(p, "assessment", None))
        for p in rows
    ]
    return render_public(
        request,
        "public/debt.html",
        {
            "years": years,
            "year": year,
            "rows": rows,
            "all_rows": profiles,
            "chart": charts.regions_by_grade_chart(overview, year) if overview else "",
            "thresholds": Thresholds.from_settings(),
            "page_title": _("Government debt"),
        },
    )
