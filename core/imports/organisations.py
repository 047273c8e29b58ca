"""Spreadsheet resources of the platform's models: regions, departments and users."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields

from core.imports.engine import ScopedResource
from core.imports.widgets import (
    ChoiceLabelWidget,
    ScopedForeignKeyWidget,
    optional_text_field,
    yes_no_field,
)
from core.models import Department, DepartmentKind, Region, RegionLevel, User
from core.roles import Role
from core.validators import normalize_uscc, validate_uscc


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
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    active = yes_no_field("active", gettext_lazy("active"))
    # Validated by the model's full_clean (clean_model_instances): a bad address is reported
    # on its row and column like any other error.
    head_name = fields.Field(attribute="head_name", column_name=gettext_lazy("head of department"))
    head_email = fields.Field(attribute="head_email", column_name=gettext_lazy("head's email"))

    class Meta:
        model = Department
        import_id_fields = ["uscc"]
        fields = ["uscc", "name", "region", "kind", "parent", "active", "head_name", "head_email"]
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
    first_name = optional_text_field("first_name", gettext_lazy("first name"))
    last_name = optional_text_field("last_name", gettext_lazy("last name"))
    email = optional_text_field("email", gettext_lazy("email address"))
    role = fields.Field(column_name=gettext_lazy("role"), readonly=False)
    region = fields.Field(
        attribute="region",
        column_name=gettext_lazy("region code"),
        widget=ScopedForeignKeyWidget(Region, "code"),
    )
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("department code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    is_active = yes_no_field("is_active", gettext_lazy("active"))

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

        from core.services import validate_role_scope

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
        from core.services import user_assign_role

        user_assign_role(
            user=instance,
            role=instance._imported_role,
            region=instance.region,
            department=instance.department,
            actor=kwargs.get("user"),
        )
