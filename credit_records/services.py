"""Writes. Every change of state goes through a function here: keyword-only arguments, the
acting user as ``actor``, one transaction, and the audit trail written with it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Department, Region, User
from .roles import SCOPE_KIND, STAFF_ROLES, Role


def validate_role_scope(
    *, role: Role | None, region: Region | None, department: Department | None
) -> None:
    """The scope a role needs: a region for supervisors and auditors, a department for
    liaisons, nothing for administrators. Raises a ValidationError keyed by field."""
    kind = SCOPE_KIND.get(role) if role else None
    if region is not None and department is not None:
        raise ValidationError(_("A user is scoped to a region or to a department, not both."))
    if kind == "region" and region is None:
        raise ValidationError({"region": _("A %(role)s needs a region.") % {"role": role.label}})
    if kind == "department" and department is None:
        raise ValidationError(
            {"department": _("A %(role)s needs a department.") % {"role": role.label}}
        )
    if kind == "region" and department is not None:
        raise ValidationError({"department": _("This role is scoped to a region.")})
    if kind == "department" and region is not None:
        raise ValidationError({"region": _("This role is scoped to a department.")})


@transaction.atomic
def user_assign_role(
    *,
    user: User,
    role: Role,
    region: Region | None = None,
    department: Department | None = None,
    actor: User | None,
) -> User:
    """Give ``user`` exactly one role and the scope that goes with it."""
    from django.contrib.auth.models import Group

    validate_role_scope(role=role, region=region, department=department)
    user.region = region
    user.department = department
    user.is_staff = role in STAFF_ROLES or user.is_superuser
    user._change_reason = _("Role set to %(role)s by %(actor)s") % {
        "role": role.label,
        "actor": actor.get_username() if actor else _("the system"),
    }
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    user.__dict__.pop("role", None)
    return user
