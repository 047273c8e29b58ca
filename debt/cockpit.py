"""Debt's panel on the workspace cockpit (``core.cockpit``): the debt grade of each region
the overview compares (the 13 cities as a tile map for the province) in the latest year with
profiles, the number of regions in each grade; and the debt warnings whose response is
overdue. Registered in ``apps.py``; the reads are ``selectors.overview`` and friends."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import TILE_GRID, Tile, tile_map
from core.cockpit import Figure, Panel, list_url
from core.scope import scope_queryset

from . import selectors
from .charts import grade_css
from .models import RiskWarning, WarningStatus


def debt_panel(user) -> Panel | None:
    if not user.has_perm("debt.view_debtprofile"):
        return None
    years = selectors.profile_years(user)
    if not years:
        return None
    year = years[0]
    rows = selectors.overview(user, year)
    compared = selectors.compared_rows(rows)
    if not any(row.assessment for row in compared):
        # A city whose counties have no profiles: its own figures, rather than a column of
        # blanks.
        compared = [row for row in rows if row.total and row.assessment]
    if not compared:
        return None
    level = compared[0].region.level
    grades = [
        Figure(
            str(row["label"]),
            row["count"],
            list_url("debt:profile_list", year=year, grade=row["grade"].value, level=level),
            css=grade_css(row["grade"].value),
        )
        for row in selectors.grade_counts(compared)
    ]
    context = {"year": year, "grades": grades, "rows": compared}
    codes = {row.region.code for row in compared}
    if codes == set(TILE_GRID):
        context["map"] = tile_map(
            chart_id="cockpit-debt-map",
            title=_("Debt grade by city, %(year)s") % {"year": year},
            tiles=[
                Tile(
                    code=row.region.code,
                    name=row.region.name,
                    # Whole per cent on the tile (the grade's thresholds are whole numbers);
                    # the region's page has the exact ratio.
                    shown=f"{row.assessment.debt_ratio:.0f}%" if row.assessment else "—",
                    url=reverse("debt:region_detail", args=[row.region.code]),
                    css=grade_css(row.assessment.grade if row.assessment else None),
                    note=_("debt ratio %(ratio)s%%; grade %(grade)s")
                    % {
                        "ratio": row.assessment.debt_ratio if row.assessment else "—",
                        "grade": row.assessment.get_grade_display()
                        if row.assessment
                        else _("not assessed"),
                    },
                )
                for row in compared
            ],
        )
    return Panel(template="debt/cockpit.html", context=context)


def debt_overdue(user) -> list[Figure]:
    if not user.has_perm("debt.view_riskwarning"):
        return []
    count = scope_queryset(
        user,
        RiskWarning.objects.filter(
            status=WarningStatus.ISSUED, response_deadline__lt=timezone.localdate()
        ),
    ).count()
    return [
        Figure(
            _("Debt warnings awaiting a response past the deadline"),
            count,
            list_url("debt:warning_list", overdue="true"),
            alert=True,
        )
    ]
