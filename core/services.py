"""Services of the platform: saving with an audit entry, who may act, users' roles, and
deciding a review (filed → decided).

Every app's services use these public helpers (keyword-only, ``actor=``)."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import watching
from core.exceptions import OutOfScope, WorkflowConflict
from core.models import Department, Region, Review, ReviewStatus, User
from core.roles import SCOPE_KIND, STAFF_ROLES, Role
from core.scope import scope_queryset


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


def ensure_in_scope(actor, model, pk) -> None:
    """The object must be in the actor's scope, and the actor must be allowed to change
    anything at all (auditors read and export only)."""
    if actor.role == Role.AUDITOR:
        raise PermissionDenied(_("Your role does not allow this action."))
    if not scope_queryset(actor, model._default_manager.filter(pk=pk)).exists():
        raise OutOfScope(
            _("No %(name)s matches the given query.") % {"name": model._meta.verbose_name}
        )


def ensure_role(actor, *roles: Role) -> None:
    """The actor has one of ``roles`` (administrators always do); ``actor=None`` is a trusted
    system call. Otherwise 403."""
    if actor is None:
        return  # trusted system call (imports from the command line, periodic scans)
    if actor.is_superuser or actor.role in roles or actor.role == Role.ADMINISTRATOR:
        return
    raise PermissionDenied(_("Your role does not allow this action."))


def save_with_history(instance, *, actor, reason: str = "") -> None:
    """Save ``instance`` with its history row naming ``actor`` and ``reason`` (cut to the
    100 characters django-simple-history keeps)."""
    instance._history_user = actor
    instance._change_reason = reason[:100] if reason else ""
    instance.save()
    watching.changed(instance, actor=actor, reason=reason)


@transaction.atomic
def review_decide(*, review: Review, actor: User | None, approve: bool, reason: str) -> Review:
    """Decide a pending review: lock its row, refuse one already decided (its
    ``already_decided_message`` as a WorkflowConflict), record who decided, when and why, and
    save it with a history entry. Returns the locked, decided row; the caller checks role,
    scope and the reason's presence first, and applies what the decision means."""
    # The lock makes two supervisors deciding at once meet: the second sees the first's decision.
    review = type(review).objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise WorkflowConflict(str(review.already_decided_message))
    review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.decision_reason = reason
    save_with_history(review, actor=actor, reason=reason)
    return review


@transaction.atomic
def department_save(*, actor: User | None, department: Department) -> Department:
    """Create or edit a department: validated by the model (the credit code's checksum among
    it), and only inside the actor's region, whether it is new, moved or edited in place."""
    ensure_role(actor, Role.SUPERVISOR)
    department.full_clean()
    if actor is not None:
        if department.pk:
            ensure_in_scope(actor, Department, department.pk)
        ensure_in_scope(actor, Region, department.region_id)
        if department.parent_id:
            ensure_in_scope(actor, Department, department.parent_id)
    save_with_history(department, actor=actor, reason="")
    return department
