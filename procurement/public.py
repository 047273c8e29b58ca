"""Procurement disclosure under ``/public/procurement/``: purchasers and their projects
(awards, contracts, amounts, on-time payment rate), and an OCDS release per project.

Built only from ``selectors.public_projects`` / ``public_purchasers``: what procurement law
already makes public. Red flags and violations in review are internal and never shown here;
a violation that became a published dishonesty record appears on the record pages.
"""

import datetime
import json
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Department
from core.money import format_money
from core.public import public_page, render_public
from core.validators import normalize_uscc

from . import selectors
from .models import AcceptanceResult, Payment, ProcurementMethod, ProcurementProject

# OCDS procurementMethod codes (open / selective / limited / direct) for our methods.
OCDS_METHOD = {
    ProcurementMethod.OPEN_TENDER: "open",
    ProcurementMethod.INVITED_TENDER: "selective",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "selective",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "selective",
    ProcurementMethod.INQUIRY: "selective",
    ProcurementMethod.SINGLE_SOURCE: "direct",
    ProcurementMethod.FRAMEWORK: "selective",
}
# org-id.guide's list for the unified social credit code (State Administration for Market
# Regulation).
IDENTIFIER_SCHEME = "CN-SAMR"
CURRENCY = "CNY"


@public_page
def index(request):
    purchasers = Paginator(selectors.public_purchasers(), 50).get_page(request.GET.get("page"))
    recent = selectors.public_projects().order_by("-notice_date", "-pk")[:20]
    return render_public(
        request,
        "public/procurement/index.html",
        {"purchasers": purchasers, "recent": recent},
    )


@public_page
def purchaser_detail(request, uscc: str):
    code = normalize_uscc(uscc)
    if code != uscc:
        return redirect("public:procurement_purchaser", uscc=code, permanent=True)
    department = get_object_or_404(Department.objects.select_related("region"), uscc=code)
    projects = list(
        selectors.public_projects().filter(purchaser=department).order_by("-notice_date", "-pk")
    )
    if not projects:
        raise Http404(_("This department has no published procurement."))
    punctuality = selectors.payment_punctuality(
        Payment.objects.filter(contract__project__purchaser=department)
    )
    awarded = sum((p.award_amount or Decimal(0) for p in projects), Decimal(0))
    return render_public(
        request,
        "public/procurement/purchaser.html",
        {
            "department": department,
            "projects": projects,
            "punctuality": punctuality,
            "awarded_amount": awarded,
        },
    )


@public_page
def project_detail(request, pk: int):
    project = get_object_or_404(selectors.public_projects(), pk=pk)
    contract = getattr(project, "contract", None)
    payments = list(contract.payments.all()) if contract else []
    punctuality = selectors.payment_punctuality(Payment.objects.filter(contract__project=project))
    return render_public(
        request,
        "public/procurement/project.html",
        {
            "project": project,
            "contract": contract,
            "acceptance": getattr(contract, "acceptance", None) if contract else None,
            "payments": payments,
            "punctuality": punctuality,
            "release_url": reverse("public:procurement_release", args=[project.pk]),
        },
    )


# --- OCDS ------------------------------------------------------------------------------------


def ocid(project: ProcurementProject) -> str:
    return f"{settings.CHENGXIN_PROCUREMENT_OCID_PREFIX}-{project.pk}"


def _value(amount) -> dict | None:
    if amount is None:
        return None
    # A Decimal, written as an exact JSON number by ``_dumps`` (a float would round the
    # largest amounts: 99999999999999.99 becomes ...99.98).
    return {"amount": Decimal(amount), "currency": CURRENCY}


def _dumps(data) -> str:
    """``json.dumps`` writing Decimals as exact JSON numbers: the standard encoder only
    writes floats as numbers, so each Decimal goes out as a placeholder string (with a
    token no data can contain) that is then replaced by its digits."""
    token = uuid.uuid4().hex
    numbers: list[str] = []

    def default(value):
        if isinstance(value, Decimal):
            numbers.append(format(value, "f"))
            return f"{token}:{len(numbers) - 1}"
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(data, ensure_ascii=False, indent=2, default=default)
    return re.sub(rf'"{token}:(\d+)"', lambda match: numbers[int(match[1])], text)


def _party(uscc: str, name: str, roles: list[str]) -> dict:
    return {
        "id": f"{IDENTIFIER_SCHEME}-{uscc}",
        "name": name,
        "identifier": {"scheme": IDENTIFIER_SCHEME, "id": uscc, "legalName": name},
        "roles": roles,
    }


def _date(day: datetime.date | None) -> str | None:
    """An OCDS date-time: the start of the legal day in the portal's time zone."""
    if day is None:
        return None
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start).isoformat()


def ocds_release(project: ProcurementProject, request=None) -> dict:
    """The project as one OCDS 1.1 release: buyer, tender, award, contract and its
    implementation transactions (the payments made)."""
    buyer = project.purchaser
    release_ocid = ocid(project)
    parties = [_party(buyer.uscc, buyer.name, ["buyer", "procuringEntity"])]
    tags = ["tender"]
    # A new release whenever any of the project's public facts changes; id and date both
    # in the portal's time zone.
    changed = timezone.localtime(selectors.release_changed_at(project))
    release = {
        "ocid": release_ocid,
        "id": f"{release_ocid}-{changed:%Y%m%d%H%M%S}",
        "date": changed.isoformat(),
        "language": "zh",
        "initiationType": "tender",
        "tag": tags,
        "parties": parties,
        "buyer": {"id": parties[0]["id"], "name": buyer.name},
        "tender": {
            "id": project.code,
            "title": project.title,
            "status": "complete" if project.is_awarded else "active",
            "procurementMethod": OCDS_METHOD.get(project.method, "open"),
            "procurementMethodDetails": str(ProcurementMethod(project.method).label),
            "value": _value(project.budget),
            "tenderPeriod": {"startDate": _date(project.notice_date)},
            "procuringEntity": {"id": parties[0]["id"], "name": buyer.name},
        },
        "awards": [],
        "contracts": [],
    }
    if project.is_awarded:
        supplier = project.supplier
        parties.append(_party(supplier.uscc, supplier.name, ["supplier", "tenderer"]))
        supplier_ref = {"id": parties[-1]["id"], "name": supplier.name}
        award_id = f"{release_ocid}-award-1"
        release["awards"].append(
            {
                "id": award_id,
                "status": "active",
                "date": _date(project.award_date),
                "value": _value(project.award_amount),
                "suppliers": [supplier_ref],
            }
        )
        tags.append("award")
        contract = getattr(project, "contract", None)
        if contract is not None:
            tags.append("contract")
            payments = [p for p in contract.payments.all() if p.paid_date]
            acceptance = getattr(contract, "acceptance", None)
            entry = {
                "id": f"{release_ocid}-contract-1",
                "awardID": award_id,
                "title": contract.number or project.title,
                "status": "terminated"
                if acceptance is not None
                and acceptance.result == AcceptanceResult.PASSED
                and payments
                and all(p.paid_date for p in contract.payments.all())
                else "active",
                "dateSigned": _date(contract.signed_date),
                "value": _value(contract.total_amount),
                "implementation": {
                    "transactions": [
                        {
                            "id": f"{release_ocid}-payment-{payment.sequence}",
                            "source": request.build_absolute_uri(
                                reverse("public:procurement_project", args=[project.pk])
                            )
                            if request is not None
                            else "",
                            "date": _date(payment.paid_date),
                            "value": _value(payment.amount),
                            "payer": release["buyer"],
                            "payee": supplier_ref,
                        }
                        for payment in payments
                    ]
                },
            }
            if contract.supplementary_amount:
                entry["amendments"] = [
                    {
                        "id": f"{release_ocid}-amendment-1",
                        "description": _("Supplementary contracts: %(amount)s yuan")
                        % {"amount": format_money(contract.supplementary_amount)},
                    }
                ]
            if payments:
                tags.append("implementation")
            release["contracts"].append(entry)
    return release


@public_page
def project_release(request, pk: int):
    project = get_object_or_404(selectors.public_projects(), pk=pk)
    release = ocds_release(project, request)
    package = {
        "uri": request.build_absolute_uri(),
        "version": "1.1",
        "publishedDate": release["date"],
        "publisher": {"name": "Chengxin"},
        "releases": [release],
    }
    return HttpResponse(
        _dumps(package),
        content_type="application/json; charset=utf-8",
    )


@public_page
def arrears(request):
    """Arrears to enterprises repaid and outstanding, by city, with the debts outstanding:
    the department that owes and the enterprise owed, except an individual business, whose
    name is personal data (the line says "individual business")."""
    from core.models import Region
    from core.models.organisations import RegionLevel

    from . import ledger
    from .models import ArrearsItem

    today = timezone.localdate()
    found = ledger.lines(ArrearsItem.objects.all(), Payment.objects.all(), today)
    cities = ledger.summarise(found, "city")
    city = request.GET.get("city", "")
    chosen = None
    if city:
        chosen = Region.objects.filter(code=city, level=RegionLevel.CITY).first()
        if chosen is None:
            raise Http404(_("No such city."))
    outstanding = [
        line
        for line in found
        if line.outstanding > 0 and (chosen is None or line.city_code == chosen.code)
    ]
    outstanding.sort(key=lambda line: (-line.outstanding, line.due_date))
    return render_public(
        request,
        "public/procurement/arrears.html",
        {
            "today": today,
            "cities": cities,
            "total": ledger.total(found),
            "chosen": chosen,
            "outstanding": outstanding[:100],
        },
    )
