"""The credit records' panels on the workspace cockpit (``core.cockpit``): records by status
and by decision month with the rectification on-time rate; the regions below the user's
with their records and standing (the 13 cities as a tile map for the province); and the
overdue rectifications. Registered in ``apps.py``; the reads are ``selectors.cockpit``."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import TILE_GRID, Bar, Column, Tile, bar_chart, column_chart, tile_map
from core.cockpit import Figure, Panel, list_url

from .models import RECTIFYING_STATUSES, RecordStatus
from .rules import REGION_STANDING_SHARE
from .selectors import Grade
from .selectors.cockpit import (
    ENTERED_STATUSES,
    month_range,
    records_by_month,
    records_by_region,
    records_by_status,
    rectification_punctuality,
    scoped_records,
)

VIEW_RECORDS = "credit_records.view_dishonestyrecord"
RECORD_LIST = "workspace:record_list"
TREND_MONTHS = 24


def standing_css(grade: str) -> str:
    return f"standing-{grade or 'none'}"


def standing_legend() -> list[dict]:
    return [{"css": standing_css(g.value), "label": f"{g.value} {g.label}"} for g in Grade] + [
        {"css": standing_css(""), "label": _("No departments")}
    ]


def records_panel(user) -> Panel | None:
    """Records by status, entered records by decision month, the on-time rate."""
    if not user.has_perm(VIEW_RECORDS):
        return None
    today = timezone.localdate()
    by_status = records_by_status(user)
    labels = dict(RecordStatus.choices)
    status_chart = bar_chart(
        chart_id="cockpit-status",
        title=_("Dishonesty records by status"),
        bars=[
            Bar(
                label=str(labels[status]),
                value=count,
                url=list_url(RECORD_LIST, status=status),
                css=f"status-{status}",
            )
            for status, count in by_status.items()
        ],
    )
    months = records_by_month(user, months=TREND_MONTHS, today=today)
    columns = []
    for index, (start, count) in enumerate(months):
        first, last = month_range(start)
        columns.append(
            Column(
                label=start.strftime("%Y-%m"),
                value=count,
                url=list_url(
                    RECORD_LIST,
                    status=ENTERED_STATUSES,
                    decided_from=first.isoformat(),
                    decided_to=last.isoformat(),
                ),
                # Every sixth month labelled, the current one among them.
                tick=(len(months) - 1 - index) % 6 == 0,
            )
        )
    trend_chart = column_chart(
        chart_id="cockpit-trend",
        title=_("Records by month of decision, last %(months)d months") % {"months": TREND_MONTHS},
        columns=columns,
    )
    punctuality = rectification_punctuality(user, today)
    entered = sum(count for status, count in by_status.items() if status in ENTERED_STATUSES)
    return Panel(
        template="credit_records/cockpit/records.html",
        wide=True,
        context={
            "status_chart": status_chart,
            "trend_chart": trend_chart,
            "months": TREND_MONTHS,
            "trend_total": sum(count for _start, count in months),
            "entered": Figure(
                _("Records entered (drafts aside)"),
                entered,
                list_url(RECORD_LIST, status=ENTERED_STATUSES),
            ),
            "rate": punctuality["rate"],
            "punctuality": [
                Figure(
                    _("Deadline passed"),
                    punctuality["due"],
                    list_url(RECORD_LIST, punctuality="due"),
                ),
                Figure(
                    _("Rectified on time"),
                    punctuality["on_time"],
                    list_url(RECORD_LIST, punctuality="on_time"),
                ),
                Figure(
                    _("Not rectified on time"),
                    punctuality["late"],
                    list_url(RECORD_LIST, punctuality="late"),
                    alert=True,
                ),
            ],
        },
    )


def _row_url(row) -> str:
    if row.itself:
        return list_url(RECORD_LIST, region_itself=row.region.pk, status=ENTERED_STATUSES)
    return list_url(RECORD_LIST, region=row.region.pk, status=ENTERED_STATUSES)


def _standing_note(row) -> str:
    grade = Grade(row.standing).label if row.standing else _("no departments")
    return _("standing %(grade)s; %(poor)d of %(departments)d departments graded C or D") % {
        "grade": f"{row.standing} {grade}" if row.standing else grade,
        "poor": row.below_b,
        "departments": row.departments,
    }


def regions_panel(user) -> Panel | None:
    """The regions below the user's: for the province, the 13 cities as a tile map coloured
    by standing; for a city, its counties as bars in the same colours. Each figure is the
    region's entered records."""
    if not user.has_perm(VIEW_RECORDS):
        return None
    rows = records_by_region(user)
    if len(rows) < 2:
        return None
    parent, children = rows[0], rows[1:]
    context = {
        "parent": parent,
        "parent_url": _row_url(parent),
        "rows": rows,
        "row_urls": [_row_url(row) for row in rows],
        "legend": standing_legend(),
        "share": f"{REGION_STANDING_SHARE * 100:.0f}",
    }
    if all(row.region.code in TILE_GRID for row in children):
        context["map"] = tile_map(
            chart_id="cockpit-standing-map",
            title=_("Dishonesty records and credit standing by city"),
            tiles=[
                Tile(
                    code=row.region.code,
                    name=row.region.name,
                    shown=f"{row.records:,}",
                    url=_row_url(row),
                    css=standing_css(row.standing),
                    note=_standing_note(row),
                    figure=row.records,
                )
                for row in children
            ],
        )
    else:
        context["chart"] = bar_chart(
            chart_id="cockpit-regions",
            title=_("Dishonesty records and credit standing by region"),
            bars=[
                Bar(
                    label=(_("%(region)s itself") % {"region": row.region.name})
                    if row.itself
                    else row.region.name,
                    value=row.records,
                    url=_row_url(row),
                    css=standing_css(row.standing),
                    note=_standing_note(row),
                )
                for row in rows
            ],
        )
    context["table"] = [
        {"row": row, "url": url, "note": _standing_note(row)}
        for row, url in zip(rows, context["row_urls"], strict=True)
    ]
    return Panel(template="credit_records/cockpit/regions.html", context=context)


def overdue_rectifications(user) -> list[Figure]:
    if not user.has_perm(VIEW_RECORDS):
        return []
    count = (
        scoped_records(user)
        .filter(status__in=RECTIFYING_STATUSES, rectification__deadline__lt=timezone.localdate())
        .count()
    )
    return [
        Figure(
            _("Rectifications past their deadline"),
            count,
            list_url(RECORD_LIST, overdue="true"),
            alert=True,
        )
    ]
