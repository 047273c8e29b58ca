"""Payment due dates as a reminder source (``credit_records.deadlines``): the purchaser's
liaisons and its supervising office are reminded before an unpaid instalment falls due."""

from django.urls import reverse
from django.utils.translation import gettext as _

from credit_records.deadlines import DeadlineSource, DueItem, _days_phrase
from credit_records.notifications import liaisons_of, supervisors_of

from .models import Payment


def _payment_items(start, end):
    payments = Payment.objects.filter(
        paid_date__isnull=True, due_date__range=(start, end)
    ).select_related("contract__project__purchaser__region", "contract__project__supplier")
    for payment in payments:
        project = payment.contract.project
        purchaser = project.purchaser

        def describe(days_left, payment=payment, project=project):
            return (
                _("Payment for %(project)s is due %(when)s")
                % {"project": project.code, "when": _days_phrase(days_left)},
                _("%(purchaser)s must pay %(amount)s yuan to %(supplier)s by %(date)s.")
                % {
                    "purchaser": project.purchaser.name,
                    "amount": f"{payment.amount:,.2f}",
                    "supplier": project.supplier.name if project.supplier else "",
                    "date": payment.due_date.isoformat(),
                },
            )

        yield DueItem(
            object_id=payment.pk,
            due_date=payment.due_date,
            recipients=[*liaisons_of(purchaser), *supervisors_of(purchaser.region)],
            describe=describe,
            url=reverse("procurement:project_detail", args=[project.pk]),
        )


PAYMENT_DEADLINES = DeadlineSource("procurement_payment", _payment_items)
