"""The procurement section of a department's credit report (``core.reports``): the
purchaser's credit score with its reasons (official variant, as the purchaser panel of the
department's profile shows it), or what the public purchaser page shows (public variant:
projects, amount awarded and payment punctuality, no score)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.reports.sections import ReportRequest, Section, register_section

from .models import Payment
from .selectors import payment_punctuality, public_projects, purchaser_score, purchaser_summary


def _punctuality_text(figures: dict) -> str:
    if figures["on_time_rate"] is None:
        return _("No payment due yet")
    return _("%(on_time)d of %(due)d on time (%(rate)s%%)") % {
        "on_time": figures["payments_on_time"],
        "due": figures["payments_due"],
        "rate": figures["on_time_rate"],
    }


def purchaser_section(request: ReportRequest) -> Section | None:
    department = request.department
    if request.public:
        projects = list(public_projects().filter(purchaser=department))
        if not projects:
            return None
        awarded = sum((p.award_amount or Decimal(0) for p in projects), Decimal(0))
        punctuality = payment_punctuality(
            Payment.objects.filter(contract__project__purchaser=department), request.today
        )
        return Section(
            title=_("Government procurement (purchaser)"),
            facts=[
                (_("Procurement projects"), str(len(projects))),
                (_("Amount awarded (yuan)"), f"{awarded:,.2f}"),
                (_("Payments to suppliers"), _punctuality_text(punctuality)),
            ],
        )
    if not (department.procurement_projects.exists() or department.procurement_violations.exists()):
        return None
    score = purchaser_score(department, request.today)
    summary = purchaser_summary(department)
    return Section(
        title=_("Government procurement (purchaser)"),
        facts=[
            (
                _("Purchaser credit score"),
                _("%(score)d points, %(stars)d stars")
                % {
                    "score": score.score,
                    "stars": score.stars,
                },
            ),
            (_("Procurement projects"), str(summary["projects"])),
            (_("Open red flags"), str(summary["open_flags"])),
            (_("Payments to suppliers"), _punctuality_text(summary)),
        ],
        paragraphs=[_("Reasons:"), *[f"· {reason}" for reason in score.reasons]],
    )


def register_report_sections() -> None:
    register_section(
        "procurement", gettext_lazy("Procurement purchaser score"), purchaser_section, order=50
    )
