"""Plain region-scoped debt records (emergencies, audits, term assessments, bonds, ratings)
and the debt-default dishonesty record of a region's government."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import Department, User
from core.money import format_money
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records.models import RecordCategory, RecordSource
from credit_records.services import record_create

from .. import selectors
from ..models import (
    DebtDefault,
    DebtProfile,
)
from .base import _ensure_region_in_scope, region_government

# --------------------------------------------------------------------------------------------
# Emergencies, audits, term assessments, bonds, ratings: plain region-scoped records
# --------------------------------------------------------------------------------------------


@transaction.atomic
def debt_record_save(*, actor: User | None, instance):
    """Create or update an emergency event, audit, term assessment, bond issue or credit
    rating: both the stored object and the region it is given must be in scope."""
    ensure_role(actor, Role.SUPERVISOR)
    model = type(instance)
    if actor is not None and instance.pk:
        ensure_in_scope(actor, model, instance.pk)
    _ensure_region_in_scope(actor, instance.region if instance.region_id else None)
    instance.full_clean()
    label = model._meta.verbose_name
    save_with_history(
        instance,
        actor=actor,
        reason=(_("%(model)s created") if instance._state.adding else _("%(model)s updated"))
        % {"model": label},
    )
    return instance


# --------------------------------------------------------------------------------------------
# Debt default → dishonesty record of the region's government
# --------------------------------------------------------------------------------------------


@transaction.atomic
def debt_default_report(
    *,
    actor: User | None,
    profile: DebtProfile,
    severity: str,
    decision_number: str,
    issuing_authority: str,
    decision_date: datetime.date,
    facts: str,
    department: Department | None = None,
) -> DebtDefault:
    """An overdue or defaulted payment becomes a draft dishonesty record (category debt
    default, source debt) against the region's government, through the credit-records
    service, linked to the profile both ways."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DebtProfile, profile.pk)
    # Locked, so that two supervisors reporting the same overdue debt at once cannot both
    # pass the check below (the unique constraint on DebtDefault.profile is the backstop).
    profile = (
        DebtProfile.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=profile.pk)
    )
    existing = selectors.debt_default_of(profile)
    if existing is not None:
        raise WorkflowConflict(
            _(
                "This overdue debt was already reported as dishonesty record %(number)s "
                "(%(url)s); update that record instead."
            )
            % {
                "number": existing.record.decision_number,
                "url": reverse("workspace:record_detail", args=[existing.record_id]),
            }
        )
    if not profile.overdue_amount or profile.overdue_amount <= 0:
        raise ValidationError(
            _("The %(year)s profile of %(region)s shows no overdue debt.")
            % {"year": profile.year, "region": profile.region.name}
        )
    department = department or region_government(profile.region)
    if department is None:
        raise ValidationError(
            {
                "department": _(
                    "%(region)s has no people's government (人民政府) among its departments; "
                    "choose the department."
                )
                % {"region": profile.region.name}
            }
        )
    if department.region_id != profile.region_id:
        raise ValidationError({"department": _("Choose a department of the profile's region.")})
    record = record_create(
        actor=actor,
        department=department,
        category=RecordCategory.DEBT_DEFAULT,
        severity=severity,
        decision_number=decision_number,
        issuing_authority=issuing_authority,
        decision_date=decision_date,
        facts=facts,
        source=RecordSource.DEBT,
        internal_notes=_("From the %(year)s debt profile of %(region)s (overdue: %(amount)s).")
        % {
            "year": profile.year,
            "region": profile.region.name,
            "amount": format_money(profile.overdue_amount),
        },
    )
    link = DebtDefault(
        profile=profile, record=record, overdue_amount=profile.overdue_amount, created_by=actor
    )
    save_with_history(link, actor=actor, reason=_("Debt default recorded"))
    return link
