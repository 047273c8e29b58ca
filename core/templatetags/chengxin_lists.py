"""``{% sort_link "field" "label" %}``: a list's column heading that sorts by that column
(through the FilterSet's ``o`` ordering filter), ascending first, then descending, keeping the
other filters and starting again at the first page."""

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
