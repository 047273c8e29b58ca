"""The API's report request and answer (``POST /api/v1/departments/<credit code>/report/``).
Validation is the service's (period, sections, purpose), so the API and the form agree."""

import base64

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import ReportPurpose

from .sections import section_choices
from .services import report_number, verify_url

OFFICIAL_PURPOSES = [c for c in ReportPurpose.choices if c[0] != ReportPurpose.PUBLIC]


class ReportRequestSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=OFFICIAL_PURPOSES)
    purpose_note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sections = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text=_("Section keys; all of the official report's sections when left out."),
    )

    def validate_sections(self, value):
        return value or [key for key, _label in section_choices(public=False)]

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        values.setdefault("sections", [key for key, _label in section_choices(public=False)])
        values.setdefault("purpose_note", "")
        return values


class IssuedReportSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The verification code printed on the report."))
    number = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.uscc")
    variant = serializers.CharField()
    purpose = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sections = serializers.ListField(child=serializers.CharField())
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateField()
    sha256 = serializers.CharField()
    verify_url = serializers.SerializerMethodField()
    filename = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField(
        help_text=_("The PDF, base64-encoded: the only copy (the portal keeps its SHA-256).")
    )

    def get_number(self, report) -> str:
        return report_number(report)

    def get_verify_url(self, report) -> str:
        return verify_url(report.code)

    def get_filename(self, report) -> str:
        return self.context["issued"].filename

    def get_file(self, report) -> str:
        return base64.b64encode(self.context["issued"].content).decode("ascii")
