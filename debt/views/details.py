"""Detail pages of the region-scoped debt records: emergencies and audits."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from core.views import HISTORY_USER, ScopedQuerysetMixin

from ..models import (
    DebtAudit,
    EmergencyEvent,
)
from .base import DebtPageMixin


@dataclass
class Fact:
    label: str
    value: object
    prose: bool = False
    money: bool = False  # an amount (亿元): shown as 1,234.50


class DebtRecordDetailView(DebtPageMixin, ScopedQuerysetMixin, DetailView):
    """One emergency event or audit in full (the lists cut long texts), with its history."""

    template_name = "debt/record_detail.html"
    context_object_name = "item"
    list_url_name = ""
    list_title = ""
    fields: tuple[str, ...] = ()

    def facts(self) -> list[Fact]:
        facts = []
        for name in self.fields:
            field = self.model._meta.get_field(name)
            value = getattr(self.object, name)
            if field.choices:
                value = getattr(self.object, f"get_{name}_display")()
            kind = field.get_internal_type()
            facts.append(
                Fact(
                    str(field.verbose_name),
                    value,
                    prose=kind == "TextField",
                    money=kind == "DecimalField" and not field.choices,
                )
            )
        return facts

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            facts=self.facts(),
            list_url=reverse(self.list_url_name),
            list_title=self.list_title,
            history=self.object.history.select_related(*HISTORY_USER)[:30],
            **kwargs,
        )


class EmergencyDetailView(DebtRecordDetailView):
    permission_required = "debt.view_emergencyevent"
    model = EmergencyEvent
    queryset = EmergencyEvent.objects.select_related("region")
    list_url_name = "debt:emergency_list"
    list_title = gettext_lazy("Debt emergency events")
    fields = (
        "level",
        "status",
        "occurred_on",
        "amount_involved",
        "description",
        "actions_taken",
        "resolved_on",
    )


class AuditDetailView(DebtRecordDetailView):
    permission_required = "debt.view_debtaudit"
    model = DebtAudit
    queryset = DebtAudit.objects.select_related("region")
    list_url_name = "debt:audit_list"
    list_title = gettext_lazy("Debt audits")
    fields = (
        "report_number",
        "audit_authority",
        "report_date",
        "leading_official",
        "position",
        "term_start",
        "term_end",
        "irregular_amount",
        "findings",
        "accountability",
    )
