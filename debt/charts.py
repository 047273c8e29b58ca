"""Server-side SVG charts: no JavaScript, no library, nothing loaded from elsewhere.

Each function lays a chart out (scales, ticks, coordinates) and renders it with a template
under ``templates/debt/charts/``; the SVG is inlined in the page, with a title and a
description for screen readers, and every figure also appears in a table beside it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# Plot area inside the SVG's view box.
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 20, 52


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value`` (for the axis maximum)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _ticks(maximum: float, count: int = 5) -> list[float]:
    return [maximum * index / count for index in range(count + 1)]


def _fmt(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass
class Series:
    label: str
    values: list[Decimal | None]
    css: str = "series-a"


@dataclass
class Threshold:
    value: Decimal
    label: str
    css: str


@dataclass
class _Tick:
    y: float
    label: str


@dataclass
class _Point:
    x: float
    y: float
    label: str
    value: str


@dataclass
class _PlottedSeries:
    label: str
    css: str
    points: list[_Point] = field(default_factory=list)

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _y_scale(maximum: float):
    plot_height = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_height * (1 - value / maximum)

    return y


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    thresholds: list[Threshold] = (),
    unit: str = "",
) -> SafeString:
    """Lines over categories (years), with horizontal threshold lines."""
    values = [float(v) for s in series for v in s.values if v is not None]
    values += [float(t.value) for t in thresholds]
    maximum = nice_ceiling(max(values, default=0) * 1.08)
    y = _y_scale(maximum)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(categories), 1)
    xs = [LEFT + step * (index + 0.5) for index in range(len(categories))]
    plotted = []
    for s in series:
        line = _PlottedSeries(label=s.label, css=s.css)
        for x, category, value in zip(xs, categories, s.values, strict=True):
            if value is not None:
                line.points.append(_Point(x, y(float(value)), category, _fmt(float(value))))
        plotted.append(line)
    context = {
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "unit": unit,
        "ticks": [_Tick(y(t), _fmt(t)) for t in _ticks(maximum)],
        "categories": [{"x": x, "label": label} for x, label in zip(xs, categories, strict=True)],
        "series": plotted,
        "thresholds": [
            {"y": y(float(t.value)), "label": t.label, "css": t.css} for t in thresholds
        ],
    }
    return SafeString(render_to_string("debt/charts/line.svg", context))


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[Series],
    flagged: list[bool] = (),
    unit: str = "",
) -> SafeString:
    """Grouped columns per category (balance beside limit); flagged categories (a balance
    above its limit) are marked."""
    values = [float(v) for s in series for v in s.values if v is not None]
    maximum = nice_ceiling(max(values, default=0) * 1.08)
    y = _y_scale(maximum)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(categories), 1)
    bar = step * 0.7 / max(len(series), 1)
    groups = []
    for index, category in enumerate(categories):
        start = LEFT + step * index + step * 0.15
        bars = []
        for position, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            top = y(float(value))
            bars.append(
                {
                    "x": start + bar * position,
                    "y": top,
                    "width": bar - 2,
                    "height": (HEIGHT - BOTTOM) - top,
                    "css": s.css,
                    "label": s.label,
                    "value": _fmt(float(value)),
                }
            )
        groups.append(
            {
                "label": category,
                "x": LEFT + step * (index + 0.5),
                "bars": bars,
                "flagged": bool(flagged[index]) if index < len(flagged) else False,
            }
        )
    context = {
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "unit": unit,
        "ticks": [_Tick(y(t), _fmt(t)) for t in _ticks(maximum)],
        "groups": groups,
        "legend": [
            {"label": s.label, "css": s.css, "x": LEFT + 160 * index}
            for index, s in enumerate(series)
        ],
    }
    return SafeString(render_to_string("debt/charts/columns.svg", context))


@dataclass
class Bar:
    label: str
    value: Decimal | None
    css: str
    note: str = ""


def _label_width(text: str) -> float:
    """A rough width of a 11px label: wide CJK characters, narrower Latin ones."""
    return sum(12 if ord(char) > 0x2E80 else 7 for char in str(text))


def _label_rows(xs_and_labels: list[tuple[float, str]]) -> list[int]:
    """The row (0 = lowest) of each threshold label so that none overlaps another on its row:
    each goes on the lowest row whose last label ends before it starts."""
    order = sorted(range(len(xs_and_labels)), key=lambda i: xs_and_labels[i][0])
    row_ends: list[float] = []
    rows = [0] * len(xs_and_labels)
    for index in order:
        x, label = xs_and_labels[index]
        half = _label_width(label) / 2 + 3
        row = next((r for r, end in enumerate(row_ends) if x - half >= end), None)
        if row is None:
            row = len(row_ends)
            row_ends.append(0)
        row_ends[row] = x + half
        rows[index] = row
    return rows


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    thresholds: list[Threshold] = (),
    unit: str = "",
    maximum: float | None = None,
    tick_count: int = 4,
) -> SafeString:
    """Horizontal bars (one per region), coloured by grade, with vertical threshold lines.

    ``maximum`` fixes the axis (by default a round number above the largest value); the
    threshold labels are stacked in rows where they would overlap."""
    row, label_width, right = 24, 110, 70
    values = [float(b.value) for b in bars if b.value is not None]
    values += [float(t.value) for t in thresholds]
    if maximum is None:
        maximum = nice_ceiling(max(values, default=0) * 1.05)
    plot_width = WIDTH - label_width - right

    def x(value: float) -> float:
        return label_width + plot_width * value / maximum

    label_rows = _label_rows([(x(float(t.value)), str(t.label)) for t in thresholds])
    top = TOP + 12 * max(label_rows, default=0)
    height = top + row * max(len(bars), 1) + BOTTOM

    context = {
        "chart_id": chart_id,
        "title": title,
        "description": description,
        "width": WIDTH,
        "height": height,
        "left": label_width,
        "top": top,
        "bottom": height - BOTTOM,
        "unit": unit,
        "maximum": _fmt(maximum),
        "ticks": [{"x": x(t), "label": _fmt(t)} for t in _ticks(maximum, tick_count)],
        "bars": [
            {
                "label": b.label,
                "y": top + row * index + 4,
                "text_y": top + row * index + row / 2 + 4,
                "width": x(float(b.value)) - label_width if b.value is not None else 0,
                "end": x(float(b.value)) + 4 if b.value is not None else label_width + 4,
                "value": _fmt(float(b.value)) if b.value is not None else "—",
                "css": b.css,
                "note": b.note,
                "height": row - 8,
            }
            for index, b in enumerate(bars)
        ],
        "thresholds": [
            {
                "x": x(float(t.value)),
                "label": t.label,
                "css": t.css,
                "label_y": top - 8 - 12 * label_row,
            }
            for t, label_row in zip(thresholds, label_rows, strict=True)
        ],
    }
    return SafeString(render_to_string("debt/charts/bars.svg", context))


# --- The debt pages' charts ------------------------------------------------------------------


def grade_css(grade: str | None) -> str:
    return f"grade-{grade}" if grade else "grade-none"


def threshold_lines(thresholds) -> list[Threshold]:
    from django.utils.translation import gettext as _

    return [
        Threshold(
            thresholds.yellow,
            _("yellow %(value)s%%") % {"value": thresholds.yellow},
            "grade-yellow",
        ),
        Threshold(
            thresholds.orange,
            _("orange %(value)s%%") % {"value": thresholds.orange},
            "grade-orange",
        ),
        Threshold(thresholds.red, _("red %(value)s%%") % {"value": thresholds.red}, "grade-red"),
    ]


def region_charts(region, series) -> dict[str, SafeString]:
    """A region's debt ratio over the years, and its balance against its limit."""
    from django.utils.translation import gettext as _

    from .indicators import Thresholds

    years = [str(profile.year) for profile in series]
    ratios = [getattr(getattr(p, "assessment", None), "debt_ratio", None) for p in series]
    ratio = line_chart(
        chart_id="debt-ratio-chart",
        title=_("Debt ratio of %(region)s by year") % {"region": region.name},
        description=_(
            "Debt balance as a percentage of comprehensive financial capacity, "
            "with the grade thresholds."
        ),
        categories=years,
        series=[Series(_("Debt ratio (%)"), ratios, "series-ratio")],
        thresholds=threshold_lines(Thresholds.from_settings()),
        unit="%",
    )
    balance = column_chart(
        chart_id="debt-balance-chart",
        title=_("Debt balance and approved limit of %(region)s by year") % {"region": region.name},
        description=_("Years marked ▲ have a balance above its approved limit."),
        categories=years,
        series=[
            Series(_("Debt balance"), [p.total_balance for p in series], "series-balance"),
            Series(_("Approved limit"), [p.total_limit for p in series], "series-limit"),
        ],
        flagged=[
            bool(getattr(p, "assessment", None) and p.assessment.limit_breached) for p in series
        ],
        unit=_("100 million yuan"),
    )
    return {"ratio": ratio, "balance": balance}


def regions_by_grade_chart(rows, year) -> SafeString:
    """One bar per region: its debt ratio in ``year``, coloured by grade."""
    from django.utils.translation import gettext as _

    from .indicators import Thresholds

    bars = []
    for row in rows:
        assessment = row.assessment
        bars.append(
            Bar(
                label=row.region.name,
                value=assessment.debt_ratio if assessment else None,
                css=grade_css(assessment.grade if assessment else None),
                note=(assessment.get_grade_display() if assessment else _("no data")),
            )
        )
    return bar_chart(
        chart_id="debt-grade-chart",
        title=_("Debt ratio by region, %(year)s") % {"year": year},
        description=_(
            "Each bar is a region's debt ratio, coloured by its grade; the vertical "
            "lines are the grade thresholds."
        ),
        bars=bars,
        thresholds=threshold_lines(Thresholds.from_settings()),
        unit="%",
    )
