"""The anonymous debt disclosure page (``/public/debt/``): approved limits, balances and
ratios per region and year, built only from ``selectors.published_profiles``."""

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import Column, csv_response, export_stem, field_label
from core.public import public_page, render_public

from . import charts, selectors
from .indicators import Thresholds
from .models import DebtProfile, RiskAssessment


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
            "csv_url": reverse("public:debt_csv"),
        },
    )


def published_figures_columns() -> list[Column]:
    """The disclosure page's figures as open data: limits, balances, capacity and ratios."""
    amounts = (
        "general_limit",
        "special_limit",
        "general_balance",
        "special_balance",
        "financial_capacity",
    )
    ratios = (
        "debt_ratio",
        "limit_utilisation",
        "debt_service_ratio",
        "overdue_ratio",
        "new_debt_ratio",
    )
    grades = RiskAssessment._meta.get_field("grade").choices
    return [
        Column.field(_("Region"), "region__name"),
        Column.field(_("Region code"), "region__code"),
        Column.field(_("Year"), "year"),
        *(Column.field(field_label(DebtProfile, name), name) for name in amounts),
        *(
            Column.field(field_label(RiskAssessment, name), f"assessment__{name}")
            for name in ratios
        ),
        Column.choice(_("Grade"), "assessment__grade", grades),
        Column.field(_("Balance above limit"), "any_limit_breached"),
    ]


class _YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


@public_page
def debt_disclosure_csv(request):
    """The published figures (all years, or ``?year=``) as CSV: UTF-8 with a BOM,
    formula-like cells neutralised (``exports.csv_response``); only published profiles,
    like the page."""
    form = _YearForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    breached = Q(assessment__general_limit_breached=True) | Q(
        assessment__special_limit_breached=True
    )
    profiles = selectors.published_profiles().annotate(
        any_limit_breached=ExpressionWrapper(breached, output_field=BooleanField())
    )
    year = form.cleaned_data["year"]
    if year is not None:
        profiles = profiles.filter(year=year)
    # 政府债务公开数据（2025年）-2026-12-07.csv: the list in the reader's language, local date.
    name = (
        _("Published debt figures (%(year)s)") % {"year": year}
        if year is not None
        else _("Published debt figures")
    )
    filename = export_stem(name)
    return csv_response(profiles, published_figures_columns(), filename)
