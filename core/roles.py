"""Roles are auth groups with model permissions, declared here in code.

``sync_role_groups`` runs after every ``migrate`` and sets each group's permissions to
exactly what is declared below, so a permission added with a new model reaches its roles
without a manual step (and a permission granted by hand in the admin does not survive).
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

# Apps whose models the roles work on; Django's own auth tables stay with administrators.
DOMAIN_APPS = {"core"}
ACCOUNT_MODELS = ("user", "historicaluser")
# What the portal sends each user (notifications, and the log of the reminders sent): not
# audited credit data either. Everyone reads their own in the workspace inbox; only
# administrators browse everyone's in the admin. The access log (who read whose personal data)
# and the signed-in sessions are administrators' only too.
PERSONAL_MODELS = ("notification", "reminderlog", "dataaccess", "usersession")
# What only administrators see: the webhook subscriptions (their secrets sign what other
# systems trust), the outbox and the deliveries. The transparency log is public anyway.
ADMIN_ONLY_MODELS = (
    "webhooksubscription",
    "webhookdelivery",
    "webhookattempt",
    "outboxevent",
    "transparencyhead",
)


class Role(models.TextChoices):
    # The value is the group name stored in the database; the label is what users read.
    ADMINISTRATOR = "Administrator", _("Administrator")
    SUPERVISOR = "Supervisor", _("Supervisor")
    LIAISON = "Department liaison", _("Department liaison")
    AUDITOR = "Auditor", _("Auditor")
    # A platform's account (a court, the provincial credit platform, the trading platform)
    # that pushes records on the intake API with its token; it reads nothing.
    INTAKE = "Intake platform", _("Intake platform")


# Roles whose members work in the Django admin as well as the workspace.
STAFF_ROLES = {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.AUDITOR}
# Which scope each role needs: a region, a department, or none (sees everything).
SCOPE_KIND = {
    Role.ADMINISTRATOR: None,
    Role.SUPERVISOR: "region",
    Role.LIAISON: "department",
    Role.AUDITOR: "region",
    Role.INTAKE: None,
}

# Explicit grants per role: "app_label.model" -> actions (view, add, change, delete, import,
# export). Core declares its own models' here; every other app registers its models' grants
# with ``register_grants`` from its ``AppConfig.ready`` (see the app's ``grants.py``).
# Auditors additionally get view and export on every model of the apps that registered
# grants, but the accounts and the personal messages (see below).
ROLE_GRANTS: dict[Role, dict[str, set[str]]] = {
    Role.SUPERVISOR: {
        "core.region": {"view", "export"},
        "core.department": {"view", "add", "change", "import", "export"},
        # Credit reports: issue official reports for departments in scope, read the register.
        "core.issuedreport": {"view", "add", "export"},
    },
    Role.LIAISON: {
        "core.region": {"view"},
        "core.department": {"view"},
        # A liaison asks for their own department's report (honours, projects, funding).
        "core.issuedreport": {"view", "add"},
    },
    Role.AUDITOR: {},
    Role.INTAKE: {},
}


def register_grants(app_label: str, grants: dict[Role, dict[str, set[str]]]) -> None:
    """Add an app's grants to the roles; its models become domain models (auditors read and
    export them). Called from the app's ``AppConfig.ready``; ``sync_role_groups`` applies
    them after every ``migrate``."""
    DOMAIN_APPS.add(app_label)
    for role, models_actions in grants.items():
        for label, actions in models_actions.items():
            ROLE_GRANTS[role].setdefault(label, set()).update(actions)


def role_of(user) -> Role | None:
    """The user's role, from their groups; a superuser is an administrator."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    if not user.is_authenticated or not user.pk:
        return None
    from .backends import group_names

    names = group_names(user)
    for role in Role:  # declaration order is the precedence order
        if role.value in names:
            return role
    return None


def permissions_for(role: Role) -> models.QuerySet:
    domain = Permission.objects.filter(content_type__app_label__in=sorted(DOMAIN_APPS))
    if role == Role.ADMINISTRATOR:
        return Permission.objects.all()
    query = models.Q(pk__in=[])
    if role == Role.AUDITOR:
        query |= models.Q(codename__startswith="view_") | models.Q(codename__startswith="export_")
        query &= models.Q(content_type__app_label__in=sorted(DOMAIN_APPS))
        # Accounts and personal messages are the administrators' business, not part of the
        # audited credit data.
        query &= ~models.Q(
            content_type__model__in=ACCOUNT_MODELS + PERSONAL_MODELS + ADMIN_ONLY_MODELS
        )
    for label, actions in ROLE_GRANTS[role].items():
        app_label, model = label.split(".")
        query |= models.Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    return domain.filter(query) if role != Role.ADMINISTRATOR else domain


def sync_role_groups(sender=None, using: str = "default", **kwargs) -> None:
    """Create the role groups and give each exactly its declared permissions."""
    if not apps.is_installed("django.contrib.auth"):
        return
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        group.permissions.set(permissions_for(role).using(using))
