"""The public API (``/api/v1/public/records/``): published dishonesty records for anyone, no
sign-in, rate-limited per client address.

The same selector (``selectors.public_record_queryset``), FilterSet (``PublicRecordFilter``)
and representation (``PublicRecord.as_dict``) as the public pages and their JSON export;
keyset pagination (``keyset.paginate``) so that following ``next`` stays as fast on the
4,000th page as on the first.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.api.filtering import StrictDjangoFilterBackend
from core.keyset import InvalidCursor, paginate

from .. import selectors
from ..filters import PublicRecordFilter
from ..publication import public_record

# Spectacular cannot tell these types from a filter method: a region's six-digit code, a year.
extend_schema_field(OpenApiTypes.STR)(PublicRecordFilter.in_region)
extend_schema_field(OpenApiTypes.INT)(PublicRecordFilter.in_year)


class PublicRateThrottle(AnonRateThrottle):
    """Requests per client address, counted in the default cache (``CACHES``); the rate is
    ``CHENGXIN_PUBLIC_API_RATE`` (REST_FRAMEWORK's ``DEFAULT_THROTTLE_RATES["public"]``)."""

    scope = "public"

    def get_rate(self):
        # Read at request time, not import time, so a changed setting takes effect.
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class KeysetPagination(BasePagination):
    """``?cursor=`` from the previous answer's ``next`` / ``previous``; ``?page_size=`` up
    to 100."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.page_size
        if self.page_size_query_param in request.query_params:
            try:
                page_size = int(request.query_params[self.page_size_query_param])
                if not 1 <= page_size <= self.max_page_size:
                    raise ValueError(page_size)
            except ValueError:
                raise ValidationError(
                    {
                        self.page_size_query_param: [
                            _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                        ]
                    }
                ) from None
        try:
            self.page = paginate(
                queryset, request.query_params.get(self.cursor_query_param), page_size
            )
        except InvalidCursor:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("Not a cursor from this API: follow the next and previous links.")
                    ]
                }
            ) from None
        self.count = view.cached_count(queryset) if view is not None else queryset.count()
        return self.page.rows

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        first = None
        if not self.page.is_first:
            first = remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return Response(
            {
                "count": self.count,
                "first": first,
                "previous": self._link(self.page.previous_cursor),
                "next": self._link(self.page.next_cursor),
                "last": self._link(self.page.last_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "first": link,
                "previous": link,
                "next": link,
                "last": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page position, from a previous answer's links.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {self.max_page_size}.",
                "schema": {"type": "integer"},
            },
        ]


class PublicRecordSerializer(serializers.Serializer):
    """A published record as the public may see it (``publication.PublicRecord.as_dict``):
    the fields are declared for the schema; the representation is the shared one."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    decision_number = serializers.CharField()
    department = serializers.CharField()
    department_uscc = serializers.CharField()
    department_url = serializers.URLField()
    region_code = serializers.CharField()
    region = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    severity = serializers.CharField()
    severity_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    issuing_authority = serializers.CharField()
    decision_date = serializers.DateField()
    minimum_period_ends = serializers.DateField()
    disclosure_ends = serializers.DateField()
    facts = serializers.CharField()
    responsible_officials = serializers.ListField(
        child=serializers.CharField(), help_text="Masked names (张*明)."
    )
    rectification_deadline = serializers.DateField(allow_null=True)
    rectification_verified_on = serializers.DateField(allow_null=True)
    rectification_overdue = serializers.BooleanField()
    objection_pending = serializers.BooleanField(
        help_text="The department's objection to the record is under review (异议处理中)."
    )

    def to_representation(self, record):
        request = self.context["request"]
        row = public_record(record)
        return row.as_dict(
            url=request.build_absolute_uri(reverse("public:record", args=[row.pk])),
            department_url=request.build_absolute_uri(
                reverse("public:department", args=[row.department_uscc])
            ),
        )


class PublicRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Published government dishonesty records, newest decision first. No sign-in needed;
    rate-limited per client address. Filters as on the public list page; an unknown query
    parameter is an error (400)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    renderer_classes = [JSONRenderer]
    filter_backends = [StrictDjangoFilterBackend]
    filterset_class = PublicRecordFilter
    pagination_class = KeysetPagination
    serializer_class = PublicRecordSerializer

    def get_queryset(self):
        return selectors.public_record_queryset()

    def cached_count(self, queryset) -> int:
        from ..public import cached_count

        return cached_count(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.CHENGXIN_PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response
