"""The cockpit's server-side SVG charts: horizontal bars, a monthly trend and the tile map
of Jiangsu's 13 cities. No JavaScript, no library, nothing loaded from elsewhere; the
stylesheet is ``static/css/cockpit.css`` (no style attribute: the CSP forbids them).

The charts are drawn for a phone first: a view box about as wide as a phone's content
column, so that their 13-unit labels never render below 11 px at 390 px (the browser test
measures them), and shown at their natural size, a little larger, on a desktop. Every bar,
column and tile is a link (an SVG ``<a>``) to the list that makes it up, carrying the figure
in ``data-figure`` so that the tests can follow it and compare the list's total.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

WIDTH = 340
FONT = 13  # units of the view box; see the module docstring


def text_width(text: str, size: float = FONT) -> float:
    """A rough width of a label: wide CJK characters, narrower Latin ones and digits."""
    return sum(size if ord(char) > 0x2E80 else size * 0.6 for char in str(text))


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (at least 1): an axis maximum."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if value <= step * magnitude:
                return step * magnitude
        magnitude *= 10


@dataclass
class Bar:
    label: str
    value: int
    url: str = ""
    css: str = ""
    note: str = ""


def bar_chart(*, chart_id: str, title: str, bars: list[Bar]) -> SafeString:
    """One horizontal bar per row, its label on the left and its figure at its end."""
    row = 26
    label_width = min(max((text_width(b.label) for b in bars), default=40) + 8, 150)
    value_room = max((text_width(f"{b.value:,}") for b in bars), default=10) + 8
    plot = WIDTH - label_width - value_room
    maximum = max((b.value for b in bars), default=0) or 1
    rows = []
    for index, b in enumerate(bars):
        length = plot * b.value / maximum
        top = index * row
        rows.append(
            {
                "bar": b,
                "y": top + 4,
                "height": row - 8,
                "text_y": top + row / 2 + FONT * 0.35,
                "width": max(length, 1.5) if b.value else 0,
                "end": label_width + length + 4,
                "shown": f"{b.value:,}",
            }
        )
    context = {
        "chart_id": chart_id,
        "title": title,
        "width": WIDTH,
        "height": row * max(len(bars), 1),
        "left": label_width,
        "label_x": label_width - 8,
        "hit_width": WIDTH,
        "row": row,
        "rows": rows,
    }
    return SafeString(render_to_string("cockpit/charts/bars.svg", context))


@dataclass
class Column:
    label: str  # the month, "2026-11"
    value: int
    url: str = ""
    tick: bool = False  # labelled on the axis


def column_chart(*, chart_id: str, title: str, columns: list[Column]) -> SafeString:
    """Columns over time (records by month), every sixth or so labelled on the axis."""
    height, top, bottom = 190, 14, 160
    maximum = nice_ceiling(max((c.value for c in columns), default=0))
    left = text_width(str(maximum)) + 8
    step = (WIDTH - left - 2) / max(len(columns), 1)

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / maximum

    drawn = []
    for index, c in enumerate(columns):
        x = left + step * index
        # The last label ends at the right edge rather than run past it.
        last = index == len(columns) - 1
        drawn.append(
            {
                "column": c,
                "anchor": "end" if last else "middle",
                "label_x": x + step if last else x + step / 2,
                "x": x + 1,
                "width": max(step - 2, 1),
                "y": y(c.value),
                "height": bottom - y(c.value),
                "centre": x + step / 2,
                "hit_x": x,
                "hit_width": step,
            }
        )
    ticks = [{"y": y(v), "label": f"{v:,}"} for v in sorted({0, maximum // 2, maximum})]
    context = {
        "chart_id": chart_id,
        "title": title,
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": WIDTH - 2,
        "top": top,
        "bottom": bottom,
        "label_y": bottom + 20,
        "plot_height": bottom - top,
        "tick_x": left - 5,
        "columns": drawn,
        "ticks": ticks,
    }
    return SafeString(render_to_string("cockpit/charts/columns.svg", context))


# The 13 cities of Jiangsu on a grid, roughly where they lie: (column, row) from the
# north-west. 徐州 alone in the north-west, 连云港 on the northern coast; 宿迁 淮安 盐城 across
# the middle; 扬州 泰州 南通 north of the Yangtze; 南京 镇江 常州 无锡 along it; 苏州 in the
# south-east corner.
TILE_GRID = {
    "320300": (0, 0),  # 徐州
    "320700": (2, 0),  # 连云港
    "321300": (1, 1),  # 宿迁
    "320800": (2, 1),  # 淮安
    "320900": (3, 1),  # 盐城
    "321000": (2, 2),  # 扬州
    "321200": (3, 2),  # 泰州
    "320600": (4, 2),  # 南通
    "320100": (1, 3),  # 南京
    "321100": (2, 3),  # 镇江
    "320400": (3, 3),  # 常州
    "320200": (4, 3),  # 无锡
    "320500": (4, 4),  # 苏州
}


@dataclass
class Tile:
    code: str
    name: str
    shown: str  # the figure as shown on the tile
    url: str = ""
    css: str = ""
    note: str = ""  # what the colour means, for the tooltip and screen readers
    figure: int | None = None  # the count the linked list must total (data-figure)


def tile_map(*, chart_id: str, title: str, tiles: list[Tile]) -> SafeString:
    """The cities as tiles on ``TILE_GRID``, each coloured by its ``css`` class."""
    size, height, gap = 64, 54, 4
    drawn = []
    for tile in tiles:
        column, row = TILE_GRID[tile.code]
        x = 2 + column * (size + gap)
        y = 2 + row * (height + gap)
        drawn.append(
            {
                "tile": tile,
                "short": tile.name.removesuffix("市"),
                "x": x,
                "y": y,
                "width": size,
                "height": height,
                "centre": x + size / 2,
                "name_y": y + 21,
                "value_y": y + 42,
            }
        )
    rows = 1 + max((row for _column, row in TILE_GRID.values()), default=0)
    context = {
        "chart_id": chart_id,
        "title": title,
        "width": WIDTH,
        "height": 4 + rows * (height + gap) - gap,
        "tiles": drawn,
    }
    return SafeString(render_to_string("cockpit/charts/tiles.svg", context))
