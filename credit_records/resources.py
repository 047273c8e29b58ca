"""django-import-export resources: natural keys, scoped lookups, row-level errors.

Imports run inside one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``) and every row is
validated with ``full_clean``, so a file with any bad row is reported row by row and saves
nothing. The admin passes the importing user in, and every lookup is scoped to that user.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from .models import Department, DepartmentKind, Region, RegionLevel, User
from .roles import Role
from .selectors import scope_queryset
from .validators import normalize_uscc


class ScopedResource(resources.ModelResource):
    """A resource that only reads and updates rows inside the importing user's scope.

    ``user`` is None only for trusted server-side imports (management commands).
    """

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.user is None else scope_queryset(self.user, queryset)


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by its natural key inside the importing user's scope and
    reports an unknown key as a row error instead of crashing."""

    def __init__(self, model, field, *, normalize=None, **kwargs):
        super().__init__(model, field, **kwargs)
        self.normalize = normalize

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if self.normalize and value:
            value = self.normalize(value)
        if not value:
            return None
        resource_user = kwargs.get("user")
        queryset = self.model.objects.all()
        if resource_user is not None:
            queryset = scope_queryset(resource_user, queryset)
        try:
            return queryset.get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s “%(value)s” exists in your scope.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice as its translated label and imports either the label or the value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if not value:
            return ""
        for stored, label in self.choices:
            if value in (stored, str(label)):
                return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value, "allowed": "、".join(str(label) for _s, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class RegionResource(ScopedResource):
    code = fields.Field(attribute="code", column_name=gettext_lazy("region code"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    level = fields.Field(
        attribute="level",
        column_name=gettext_lazy("level"),
        widget=ChoiceLabelWidget(RegionLevel.choices),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=gettext_lazy("parent region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )

    class Meta:
        model = Region
        import_id_fields = ["code"]
        fields = ["code", "name", "level", "parent"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class DepartmentResource(ScopedResource):
    uscc = fields.Field(attribute="uscc", column_name=gettext_lazy("unified social credit code"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    region = fields.Field(
        attribute="region",
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )
    kind = fields.Field(
        attribute="kind",
        column_name=gettext_lazy("kind"),
        widget=ChoiceLabelWidget(DepartmentKind.choices),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=gettext_lazy("parent department code"),
        widget=ScopedForeignKeyWidget(Department, "uscc", normalize=normalize_uscc),
    )
    active = fields.Field(
        attribute="active", column_name=gettext_lazy("active"), widget=widgets.BooleanWidget()
    )

    class Meta:
        model = Department
        import_id_fields = ["uscc"]
        fields = ["uscc", "name", "region", "kind", "parent", "active"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        # The natural key is looked up before validation: normalise it so "11320100mb…"
        # finds the stored "11320100MB…".
        column = str(self.fields["uscc"].column_name)
        if row.get(column):
            row[column] = normalize_uscc(row[column])


class UserResource(ScopedResource):
    """Users with their role and scope. Imported users get no usable password: they set one
    through the password-reset flow or an administrator sets it."""

    username = fields.Field(attribute="username", column_name=gettext_lazy("username"))
    first_name = fields.Field(attribute="first_name", column_name=gettext_lazy("first name"))
    last_name = fields.Field(attribute="last_name", column_name=gettext_lazy("last name"))
    email = fields.Field(attribute="email", column_name=gettext_lazy("email address"))
    role = fields.Field(column_name=gettext_lazy("role"), readonly=False)
    region = fields.Field(
        attribute="region",
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("department code"),
        widget=ScopedForeignKeyWidget(Department, "uscc", normalize=normalize_uscc),
    )
    is_active = fields.Field(
        attribute="is_active", column_name=gettext_lazy("active"), widget=widgets.BooleanWidget()
    )

    class Meta:
        model = User
        import_id_fields = ["username"]
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "region",
            "department",
            "is_active",
        ]
        clean_model_instances = True
        skip_unchanged = False

    def get_queryset(self):
        return User.objects.select_related("region", "department").prefetch_related("groups")

    def dehydrate_role(self, user):
        role = user.role
        return str(role.label) if role else ""

    def _row_role(self, row):
        column = str(self.fields["role"].column_name)
        value = str(row.get(column) or "").strip()
        for role in Role:
            if value in (role.value, str(role.label)):
                return role
        raise ValueError(
            _("“%(value)s” is not a role; use one of: %(roles)s.")
            % {"value": value, "roles": "、".join(str(role.label) for role in Role)}
        )

    def import_instance(self, instance, row, **kwargs):
        from django.core.exceptions import ValidationError

        from .services import validate_role_scope

        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance._imported_role = self._row_role(row)
        except ValueError as error:
            errors["role"] = [str(error)]
        else:
            if "region" not in errors and "department" not in errors:
                try:
                    validate_role_scope(
                        role=instance._imported_role,
                        region=instance.region,
                        department=instance.department,
                    )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if instance._state.adding:
            instance.set_unusable_password()
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        from .services import user_assign_role

        user_assign_role(
            user=instance,
            role=instance._imported_role,
            region=instance.region,
            department=instance.department,
            actor=kwargs.get("user"),
        )
