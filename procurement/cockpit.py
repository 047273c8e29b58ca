"""Procurement's panel on the workspace cockpit (``core.cockpit``): open red flags by rule
and unpaid late payments to SMEs; and its overdue figures: contracts not signed or not
filed in time, payments past their due date. Registered in ``apps.py``; the reads are in
``selectors``."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import Bar, bar_chart
from core.cockpit import Figure, Panel, list_url
from core.money import format_money

from . import selectors
from .models import FlagRule

# Short names of the rules for the chart's labels (the full ones are in the tooltip).
RULE_SHORT = {
    FlagRule.LATE_SIGNING: gettext_lazy("Late signing"),
    FlagRule.SUPPLEMENTARY_OVER_CAP: gettext_lazy("Supplement over 10%"),
    FlagRule.SME_PAYMENT_LATE: gettext_lazy("SME paid late"),
    FlagRule.ACCEPTANCE_LATE: gettext_lazy("Late acceptance"),
    FlagRule.FILING_LATE: gettext_lazy("Late filing"),
    FlagRule.AWARD_OVER_BUDGET: gettext_lazy("Award over budget"),
    FlagRule.SINGLE_SOURCE_SHARE: gettext_lazy("Single-source share"),
}


def procurement_panel(user) -> Panel | None:
    if not (
        user.has_perm("procurement.view_redflag") and user.has_perm("procurement.view_payment")
    ):
        return None
    today = timezone.localdate()
    flags = selectors.open_flags_by_rule(user)
    labels = dict(FlagRule.choices)
    chart = bar_chart(
        chart_id="cockpit-flags",
        title=_("Open red flags by rule"),
        bars=[
            Bar(
                label=str(RULE_SHORT.get(rule, labels[rule])),
                value=count,
                url=list_url("procurement:flag_list", status="open", rule=rule),
                css="flag-bar",
                note=str(labels[rule]),
            )
            for rule, count in flags.items()
        ],
    )
    payments = selectors.late_payments(user, today)
    return Panel(
        template="procurement/cockpit.html",
        context={
            "chart": chart,
            "open_flags": Figure(
                _("Open red flags"),
                sum(flags.values()),
                list_url("procurement:flag_list", status="open"),
                alert=True,
            ),
            "late_sme": Figure(
                _("Payments to SMEs past their due date"),
                payments["late_sme"],
                list_url("procurement:payment_list", paid="false", late="true", sme="true"),
                alert=True,
            ),
            "owed_sme": format_money(payments["owed_sme"]),
        },
    )


def procurement_overdue(user) -> list[Figure]:
    today = timezone.localdate()
    figures = []
    deadlines = None
    if user.has_perm("procurement.view_procurementproject"):
        deadlines = selectors.overdue_deadlines(user, today)
        figures.append(
            Figure(
                _("Contracts not signed within the signing period"),
                deadlines["signing"],
                list_url("procurement:project_list", signing_overdue="true"),
                alert=True,
            )
        )
    if deadlines is not None and user.has_perm("procurement.view_contract"):
        figures.append(
            Figure(
                _("Contracts not filed in time"),
                deadlines["filing"],
                list_url("procurement:contract_list", filing_overdue="true"),
                alert=True,
            )
        )
    if user.has_perm("procurement.view_payment"):
        figures.append(
            Figure(
                _("Payments past their due date"),
                selectors.late_payments(user, today)["late"],
                list_url("procurement:payment_list", paid="false", late="true"),
                alert=True,
            )
        )
    return figures
