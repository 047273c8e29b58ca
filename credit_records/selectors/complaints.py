"""Reads of complaints: the scoped register, who may see a complainant, the complainant's
look-up by tracking number and query code, the public statistics by city, and the department a
visitor names on the public form.

The complainant's identity and contact details are read only through ``complainant_for``,
which answers ``None`` to anyone but the handling office's supervisors.
"""

import datetime
from collections import Counter

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Department, Region, RegionLevel
from core.roles import Role
from core.scope import scope_queryset
from core.search import name_contains
from core.validators import normalize_uscc

from ..models import (
    HANDLED_COMPLAINT_STATUSES,
    ComplainantContact,
    Complaint,
)
from ..services.complaints import normalise_query_code, normalise_tracking_number


def complaints_in_scope(user):
    return scope_queryset(
        user,
        Complaint.objects.select_related(
            "department", "department__region", "handling_region", "assigned_to", "escalated_to"
        ),
    )


def can_see_complainant(user, complaint: Complaint) -> bool:
    """The handling office only: a supervisor of the complaint's handling region. Not the
    offices above it (even when it was escalated to them), not auditors, not administrators,
    never the department complained about."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.role == Role.SUPERVISOR
        and user.region_id == complaint.handling_region_id
    )


def complainant_for(user, complaint: Complaint) -> ComplainantContact | None:
    """The complainant's contact details, for the handling office; ``None`` for everyone else
    and for an anonymous complaint."""
    if not can_see_complainant(user, complaint):
        return None
    return ComplainantContact.objects.filter(complaint=complaint).first()


def attachments_for(user, complaint: Complaint):
    """The evidence files, for the handling office (they may identify the complainant)."""
    if not can_see_complainant(user, complaint):
        return complaint.attachments.none()
    return complaint.attachments.all()


# A hash to check against when the tracking number is unknown, so that an unknown number
# takes as long to answer as a wrong code (no timing oracle for valid numbers).
_DUMMY_HASH = None


def complaint_by_code(tracking_number: str, query_code: str) -> Complaint | None:
    """The complaint the complainant asks about, if the tracking number and the query code
    match; ``None`` otherwise (the same answer for an unknown number and a wrong code)."""
    global _DUMMY_HASH
    number = normalise_tracking_number(tracking_number)
    code = normalise_query_code(query_code)
    complaint = (
        Complaint.objects.select_related("department", "department__region")
        .filter(tracking_number=number)
        .first()
        if number and len(number) <= 20
        else None
    )
    if complaint is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = make_password("not-a-query-code")
        check_password(code, _DUMMY_HASH)
        return None
    return complaint if code and check_password(code, complaint.query_code_hash) else None


def public_timeline(complaint: Complaint) -> list[dict]:
    """The steps the complainant sees: what happened and when, not who."""
    return [
        {"action": event.get_action_display(), "at": event.at}
        for event in complaint.events.exclude(action__in=["overdue", "escalated"]).order_by(
            "at", "pk"
        )
    ]


def _city_code(path: str) -> str | None:
    """The city a region path lies in ("320000/320100/320102/" → "320100"); None for the
    province itself."""
    parts = [part for part in path.split("/") if part]
    return parts[1] if len(parts) > 1 else None


def public_complaint_statistics(today: datetime.date | None = None) -> dict:
    """Complaints received, handled (accepted-and-closed or not accepted) and handled on time,
    by city of the department complained about (province-level departments on a row of their
    own). Counts only: nothing about a complaint's content or complainant."""
    rows = Complaint.objects.values_list("department__region__path", "status", "handled_on_time")
    received, handled, on_time = Counter(), Counter(), Counter()
    for path, status, in_time in rows.iterator():
        city = _city_code(path)
        received[city] += 1
        if status in HANDLED_COMPLAINT_STATUSES:
            handled[city] += 1
            if in_time:
                on_time[city] += 1
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    table = []
    for code, name in [(None, province.name if province else "")] + [
        (city.code, city.name) for city in cities
    ]:
        table.append(
            {
                "code": code or "",
                "name": name,
                "received": received[code],
                "handled": handled[code],
                "on_time": on_time[code],
                "on_time_rate": round(100 * on_time[code] / handled[code])
                if handled[code]
                else None,
            }
        )
    totals = {
        "received": sum(received.values()),
        "handled": sum(handled.values()),
        "on_time": sum(on_time.values()),
    }
    totals["on_time_rate"] = (
        round(100 * totals["on_time"] / totals["handled"]) if totals["handled"] else None
    )
    return {"rows": table, "totals": totals}


def overdue(complaint: Complaint, today: datetime.date) -> bool:
    due = complaint.current_due
    return due is not None and due < today


# How many candidates an ambiguous department name lists.
CANDIDATES_SHOWN = 5


def resolve_department(text: str) -> Department:
    """The department a visitor means by ``text``: its unified social credit code, its exact
    name, or the one active department whose name contains it. Anything else is a form error
    that says what to type instead (listing a few candidates by name and code)."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Name the department, or give its credit code."))
    active = Department.objects.filter(active=True)
    code = normalize_uscc(text)
    by_code = active.filter(uscc=code).first()
    if by_code is not None:
        return by_code
    exact = list(active.filter(name=text)[:2])
    if len(exact) == 1:
        return exact[0]
    matches = list(
        active.filter(name_contains("name", text) | Q(uscc__startswith=code))
        .select_related("region")
        .order_by("name")[: CANDIDATES_SHOWN + 1]
    )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            _(
                "No department named “%(text)s” was found. Type its full name as published, "
                "or its 18-character unified social credit code."
            )
            % {"text": text[:50]}
        )
    shown = "；".join(f"{d.name}（{d.uscc}）" for d in matches[:CANDIDATES_SHOWN])
    raise ValidationError(
        _(
            "Several departments match “%(text)s”: %(candidates)s. Type the full name or "
            "the credit code."
        )
        % {"text": text[:50], "candidates": shown}
    )
