"""Filter backends that refuse what they do not understand.

DRF and django-filter ignore a query parameter they do not know, so ``?severty=serious``
(a typo) quietly returns every record. For an API other systems pull data from, a wrong
filter must be an error: 400, naming the parameter.
"""

import functools

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings


class StrictOrderingFilter(OrderingFilter):
    """Ordering by a field that is not offered is a 400, not silently dropped."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        invalid = [term for term in fields if term not in valid]
        if invalid:
            offered = [name for name, _label in self.get_valid_fields(queryset, view, {})]
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(fields)s. Allowed: %(allowed)s.")
                        % {"fields": ", ".join(invalid), "allowed": ", ".join(sorted(offered))}
                    ]
                }
            )
        return valid


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """The view's FilterSet (``filterset_class``), and a 400 for any query parameter that is
    neither one of its filters nor a pagination, format or ordering parameter."""

    def get_filterset_class(self, view, queryset=None):
        return without_page_ordering(super().get_filterset_class(view, queryset))

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_parameters(request, queryset, view)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = _("Unknown query parameter. Allowed: %(allowed)s.") % {
                "allowed": ", ".join(sorted(allowed))
            }
            raise ValidationError({name: [message] for name in unknown})
        return super().filter_queryset(request, queryset, view)

    def allowed_parameters(self, request, queryset, view) -> set[str]:
        allowed = set()
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
            name = getattr(paginator, attribute, None)
            if name:
                allowed.add(name)
        if api_settings.URL_FORMAT_OVERRIDE:
            allowed.add(api_settings.URL_FORMAT_OVERRIDE)
        for backend in getattr(view, "filter_backends", ()):
            if issubclass(backend, OrderingFilter) and getattr(view, "ordering_fields", None):
                allowed.add(backend.ordering_param)
        return allowed


@functools.cache
def without_page_ordering(filterset_class):
    """The FilterSet without the workspace list's ``o`` (its sortable headings,
    ``core.filters.OrderingFilter``): the API orders with ``ordering`` and its view's
    ``ordering_fields``, one way, and a list's ``o`` may name a column only the page's
    queryset annotates."""
    if filterset_class is None or "o" not in filterset_class.base_filters:
        return filterset_class
    trimmed = type(filterset_class.__name__, (filterset_class,), {"__module__": __name__})
    trimmed.base_filters = {
        name: item for name, item in filterset_class.base_filters.items() if name != "o"
    }
    return trimmed
