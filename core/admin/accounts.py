"""The admin of regions, departments and users (with their role and scope), and of the role
groups with their permissions named in the reader's language."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import (
    RevertNeedsChangePermissionMixin,
    ScopedAdminMixin,
    SpreadsheetRulesMixin,
)
from core.filters import uscc_starts_with
from core.imports.organisations import DepartmentResource, RegionResource, UserResource
from core.models import Department, Region, User
from core.roles import Role
from core.search import name_contains
from core.services import user_assign_role, validate_role_scope


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [RegionResource]
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "uscc", "region", "kind", "parent", "active"]
    list_filter = ["kind", "active", "region__level", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "uscc", "region__name", "region__code"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["region", "parent"]
    readonly_fields = ["created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        """Each word of the search (as Django's admin splits it) in the name, through its
        indexes (core/search.py), or the beginning of the credit code, or the region's name
        or code. Every other admin's department autocomplete asks this too: Django's
        ``icontains`` over four columns and a join would read all 40,000 departments."""
        for word in smart_split(search_term):
            if word[:1] in ("'", '"') and word[0] == word[-1] and len(word) > 1:
                word = unescape_string_literal(word)
            regions = list(
                Region.objects.filter(Q(name__icontains=word) | Q(code=word)).values_list(
                    "pk", flat=True
                )
            )
            queryset = queryset.filter(
                name_contains("name", word)
                | uscc_starts_with("uscc", word)
                | Q(region_id__in=regions)
            )
        return queryset, False

    fieldsets = [
        (None, {"fields": ["name", "uscc", "kind", "region", "parent", "active"]}),
        # Step 1 of the escalation ladder emails the head when an address is recorded.
        (_("Head of department"), {"fields": ["head_name", "head_email", "head_since"]}),
        (_("Record keeping"), {"fields": ["created_at", "updated_at"]}),
    ]


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(
        label=_("role"),
        choices=[("", "---------"), *Role.choices],
        required=False,
        help_text=_("Supervisors and auditors need a region; liaisons need a department."),
    )

    def clean(self):
        cleaned = super().clean()
        role = Role(cleaned["role"]) if cleaned.get("role") else None
        if role is None and not cleaned.get(
            "is_superuser", getattr(self.instance, "is_superuser", False)
        ):
            self.add_error("role", _("Choose a role."))
            return cleaned
        try:
            validate_role_scope(
                role=role, region=cleaned.get("region"), department=cleaned.get("department")
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class PortalUserCreationForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "region", "department", "language"]


class PortalUserChangeForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.role:
            self.initial.setdefault("role", self.instance.role.value)


class RoleListFilter(admin.SimpleListFilter):
    """The users' roles by their translated names (the groups filter showed the groups'
    stored English names)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(User)
class UserAdmin(
    RevertNeedsChangePermissionMixin,
    SpreadsheetRulesMixin,
    ImportExportModelAdmin,
    DjangoUserAdmin,
    SimpleHistoryAdmin,
):
    """Users are managed by administrators only (the role's permissions say so)."""

    resource_classes = [UserResource]
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ["username", "full_name", "role_label", "scope", "is_active", "last_login"]
    list_filter = [RoleListFilter, "is_active", "is_superuser", "region__level"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Role and scope"), {"fields": ["role", "region", "department"]}),
        (
            _("Status"),
            {"fields": ["is_active", "is_superuser", "break_glass", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "role",
                    "region",
                    "department",
                    "language",
                ],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (a lost phone)"))
    def reset_two_factor(self, request, queryset):
        from core.admin.signin import reset_two_factor

        reset_two_factor(self, request, queryset)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("full name"))
    def full_name(self, user):
        return user.get_full_name() or "—"

    @admin.display(description=_("role"))
    def role_label(self, user):
        return user.role.label if user.role else "—"

    @admin.display(description=_("scope"))
    def scope(self, user):
        return user.scope_label

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        role = form.cleaned_data.get("role")
        if role:
            user_assign_role(
                user=form.instance,
                role=Role(role),
                region=form.cleaned_data.get("region"),
                department=form.cleaned_data.get("department"),
                actor=request.user,
            )


# Django stores a model's built-in permissions under English names ("Can add acceptance",
# from the untranslated verbose_name_raw); these name them in the reader's language.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


# django-otp names its models in English only ("TOTP device", "static token").
OTP_MODEL_NAMES = {
    "otp_totp.totpdevice": _("authenticator app"),
    "otp_static.staticdevice": _("recovery code set"),
    "otp_static.statictoken": _("recovery code"),
}


def permission_label(permission: Permission) -> str:
    """“<app>｜<what it allows>”, translated: a built-in permission from its action and the
    model's name, a declared one (``Meta.permissions``) from its own translated name."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    opts = model._meta
    model_name = OTP_MODEL_NAMES.get(opts.label_lower, opts.verbose_name)
    tracked = getattr(model, "instance_type", None)
    if tracked is not None and opts.model_name.startswith("historical"):
        # django-simple-history names its models "historical <name>", untranslatable.
        model_name = _("%(model)s (change history)") % {"model": tracked._meta.verbose_name}
    declared = {codename: name for codename, name in opts.permissions}
    action = permission.codename.split("_", 1)[0]
    if permission.codename in declared:
        label = str(declared[permission.codename])
    elif permission.codename == f"{action}_{opts.model_name}" and action in PERMISSION_ACTIONS:
        label = str(PERMISSION_ACTIONS[action] % {"model": model_name})
    else:
        label = permission.name
    app_name = _("Two-factor sign-in") if opts.label_lower in OTP_MODEL_NAMES else None
    return f"{app_name or opts.app_config.verbose_name}｜{label}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The role groups: their names and permissions in the reader's language."""

    list_display = ["group_name"]

    @admin.display(description=_("name"), ordering="name")
    def group_name(self, group):
        return Role(group.name).label if group.name in Role.values else group.name

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)
