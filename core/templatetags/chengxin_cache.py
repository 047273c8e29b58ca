"""``{% filter_form_key as key %}``: the cache key of a list's filter form, for the
``{% cache %}`` fragment in ``includes/filter_form.html``.

Rendering a filter form costs a third of a list page (a region select of a hundred options,
each through the widget templates) and its own query, yet it only changes with the filters
chosen, the language, the user's scope and the data (the data generation of
``credit_records.public_cache``, bumped by any write to the apps' models)."""

import hashlib

from django import template
from django.conf import settings
from django.utils import translation

from core.public_cache import generation

register = template.Library()

# Query parameters the form does not show: paging a list keeps its form.
NOT_IN_FORM = frozenset({"page", "cursor", "export"})


@register.simple_tag
def fragment_cache_seconds() -> int:
    """How long a fragment is kept: as long as a public page (0 in the tests: not at all)."""
    return settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS


@register.simple_tag(takes_context=True)
def filter_form_key(context) -> str:
    request = context["request"]
    user = request.user
    query = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in NOT_IN_FORM
        for value in values
    )
    scope = tuple(
        getattr(user, name, None) for name in ("pk", "region_id", "department_id", "has_full_scope")
    )
    raw = repr((request.path, query, translation.get_language(), scope, generation()))
    return hashlib.sha256(raw.encode()).hexdigest()
