"""``{% sort_link "field" "label" %}``: a list's column heading that sorts by that column
(through the FilterSet's ``o`` ordering filter), ascending first, then descending, keeping the
other filters and starting again at the first page. ``{% chosen_filter_count filter %}``: how
many filters a list is filtered by."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label) -> str:
    request = context["request"]
    current = request.GET.get("o", "")
    query = request.GET.copy()
    query.pop("page", None)
    if current == field:
        query["o"] = f"-{field}"
        arrow, state = "▲", "ascending"
    elif current == f"-{field}":
        query["o"] = field
        arrow, state = "▼", "descending"
    else:
        query["o"] = field
        arrow, state = "", "none"
    title = _("Sort by %(column)s") % {"column": label}
    return format_html(
        '<a class="sort-link" href="?{}" title="{}" aria-sort="{}">{}{}</a>',
        query.urlencode(),
        title,
        state,
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.simple_tag
def chosen_filter_count(filterset) -> int:
    """How many of a list's filters are set (the sort order is not a filter): shown on the
    folded filter form of a phone, so a filtered list never looks like the whole list."""
    data = getattr(filterset, "data", None) or {}
    count = 0
    for name in filterset.form.fields:
        if name == "o":
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if any(value not in (None, "") for value in values):
            count += 1
    return count
