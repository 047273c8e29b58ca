"""``{{ record.pk|pk_url:"workspace:record_detail" }}``: the URL ``{% url name pk %}`` gives,
without reversing it for every row (core/urls_memo.py): a department's profile lists up to
70 links to records."""

from django import template

from core.urls_memo import pk_url as _pk_url

register = template.Library()


@register.filter
def pk_url(pk, name: str) -> str:
    return _pk_url(name)(pk)
