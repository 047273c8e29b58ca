"""Sortable list headings, through the FilterSet's ``o`` ordering filter (``core.filters.
OrderingFilter``): ascending first, then descending, keeping the other filters and starting
again at the first page.

``{% sort_th "field" label %}`` renders the whole ``<th>``, with ``aria-sort`` on it (where
ARIA wants it) and the column's state spelt out for screen readers; ``{% sort_link "field"
label %}`` is the link alone, for a heading that carries more than the link."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

# Query-string keys that point into the old order: a new order starts on its first page.
_POSITION_KEYS = ("page", "cursor")


def _sort_state(request, field: str) -> tuple[str, str]:
    """The column's state (``ascending``, ``descending`` or ``none``) and the ``o`` value
    its heading links to."""
    current = request.GET.get("o", "")
    if current == field:
        return "ascending", f"-{field}"
    if current == f"-{field}":
        return "descending", field
    return "none", field


def _link(request, field: str, label) -> tuple[str, str]:
    state, target = _sort_state(request, field)
    query = request.GET.copy()
    for key in _POSITION_KEYS:
        query.pop(key, None)
    query["o"] = target
    if state == "ascending":
        arrow, spoken = "▲", _("(sorted ascending)")
        title = _("Sort by %(column)s, descending") % {"column": label}
    elif state == "descending":
        arrow, spoken = "▼", _("(sorted descending)")
        title = _("Sort by %(column)s") % {"column": label}
    else:
        arrow, spoken = "", ""
        title = _("Sort by %(column)s") % {"column": label}
    html = format_html(
        '<a class="sort-link" href="?{}" title="{}" data-sort="{}">{}{}{}</a>',
        query.urlencode(),
        title,
        state,
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
        format_html('<span class="visually-hidden">{}</span>', spoken) if spoken else "",
    )
    return state, html


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label) -> str:
    return _link(context["request"], field, label)[1]


@register.simple_tag(takes_context=True)
def sort_th(context, field: str, label, css_class: str = "") -> str:
    state, link = _link(context["request"], field, label)
    return format_html(
        '<th scope="col"{}{}>{}</th>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-sort="{}"', state) if state != "none" else "",
        link,
    )
