"""The Django admin for supervisors and administrators, scoped like every other page."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Region, User
from .resources import DepartmentResource, RegionResource, UserResource
from .roles import Role
from .selectors import scope_queryset
from .services import user_assign_role, validate_role_scope

admin.site.site_header = _("Chengxin government integrity portal")
admin.site.site_title = _("Chengxin administration")
admin.site.index_title = _("Administration")
admin.site.site_url = "/"


class ScopedAdminMixin:
    """Every admin queryset, foreign-key choice and import/export goes through the scoping
    selector, so a supervisor's admin shows only their subtree."""

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related, "scope_region_lookup") and "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, request, *args, **kwargs):
        return {**super().get_import_data_kwargs(request, *args, **kwargs), "user": request.user}

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects to the index for a missing object; out of scope must be
        # indistinguishable from missing, and both are a 404 (ARCHITECTURE: scope is a 404).
        raise Http404(_("No %(name)s matches the given query.") % {"name": opts.verbose_name})


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
    fieldsets = [
        (None, {"fields": ["name", "uscc", "kind", "region", "parent", "active"]}),
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


@admin.register(User)
class UserAdmin(ImportExportModelAdmin, DjangoUserAdmin, SimpleHistoryAdmin):
    """Users are managed by administrators only (the role's permissions say so)."""

    resource_classes = [UserResource]
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ["username", "get_full_name", "role_label", "scope", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_superuser", "region__level"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Role and scope"), {"fields": ["role", "region", "department"]}),
        (_("Status"), {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

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
