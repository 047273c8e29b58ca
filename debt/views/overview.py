"""The debt overview and a region's debt page."""

from django.db.models import F
from django.views.generic import TemplateView

from .. import charts, selectors
from ..indicators import Thresholds
from .base import DebtPageMixin


class OverviewView(DebtPageMixin, TemplateView):
    """The regions in scope side by side for one year: table, grade counts and chart."""

    template_name = "debt/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        years = selectors.profile_years(user)
        try:
            year = int(self.request.GET.get("year") or (years[0] if years else 0))
        except ValueError:
            year = years[0] if years else 0
        rows = selectors.overview(user, year) if years else []
        compared = selectors.compared_rows(rows)
        context.update(
            years=years,
            year=year,
            rows=rows,
            totals=[row for row in rows if row not in compared],
            compared_count=len(compared),
            grades=selectors.grade_counts(rows),
            chart=charts.regions_by_grade_chart(compared, year) if compared else "",
            thresholds=Thresholds.from_settings(),
            open_warnings=selectors.warnings(user)
            .filter(status__in=["draft", "issued", "responded"])
            .order_by(F("response_deadline").asc(nulls_last=True), "-created_at")[:10],
        )
        return context


class RegionDebtView(DebtPageMixin, TemplateView):
    """A region's debt over the years: indicators, charts, warnings, events, audits."""

    template_name = "debt/region_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        region = selectors.region_for(user, kwargs["code"])
        page = selectors.region_page(user, region)
        context.update(page)
        context.update(
            region=region,
            charts=charts.region_charts(region, page["series"]) if page["series"] else {},
            latest=page["series"][-1] if page["series"] else None,
            thresholds=Thresholds.from_settings(),
            can_change=user.has_perm("debt.change_debtprofile"),
        )
        return context
