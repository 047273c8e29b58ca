"""What the debt pages share: the permission, the page mixin, the tabs and export columns."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import Column, field_label

VIEW_DEBT = "debt.view_debtprofile"


def _field(model, name: str, header=None, source: str | None = None) -> Column:
    """A column read straight from ``values_list()`` (the fast export path)."""
    return Column.field(header or field_label(model, name), source or name)


def _choice(model, name: str, header=None, source: str | None = None) -> Column:
    """A choice field shown as its label, read from ``values_list()``."""
    return Column.choice(
        header or field_label(model, name), source or name, model._meta.get_field(name).choices
    )


class DebtPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = VIEW_DEBT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["debt_tabs"] = debt_tabs(self.request)
        return context


def debt_tabs(request) -> list[dict]:
    """The debt section's own navigation, limited to what the user may see."""
    tabs = [
        (_("Overview"), "debt:overview", VIEW_DEBT),
        (_("Debt profiles"), "debt:profile_list", VIEW_DEBT),
        (_("Risk assessments"), "debt:assessment_list", "debt.view_riskassessment"),
        (_("Risk warnings"), "debt:warning_list", "debt.view_riskwarning"),
        (_("Emergencies"), "debt:emergency_list", "debt.view_emergencyevent"),
        (_("Audits"), "debt:audit_list", "debt.view_debtaudit"),
        (_("Term assessments"), "debt:term_list", "debt.view_termassessment"),
        (_("Bonds"), "debt:bond_list", "debt.view_bondissue"),
        (_("Credit ratings"), "debt:rating_list", "debt.view_creditrating"),
    ]
    items = []
    for label, name, permission in tabs:
        if request.user.has_perm(permission):
            url = reverse(name)
            items.append({"label": label, "url": url, "active": request.path == url})
    return items
