"""django-import-export resources: natural keys, scoped lookups, row-level errors.

Imports run inside one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``) and every row is
validated with ``full_clean``, so a file with any bad row is reported row by row and saves
nothing. The admin passes the importing user in, and every lookup is scoped to that user.
"""

from contextvars import ContextVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader

from .exports import neutralise_formula
from .models import (
    Commendation,
    CommendationLevel,
    Commitment,
    CommitmentStatus,
    Department,
    DepartmentKind,
    DishonestyRecord,
    PublicOfficial,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Region,
    RegionLevel,
    Severity,
    User,
)
from .roles import Role
from .selectors import scope_queryset
from .validators import normalize_uscc, validate_uscc

# Rows already looked up by natural key during the current import (hits only: a miss may be
# created by a later row of the same file). Set by ScopedResource.import_data.
_found: ContextVar[dict | None] = ContextVar("import_lookups", default=None)


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


class NaturalKeyInstanceLoader(ModelInstanceLoader):
    """Loads every existing row that the file names in one query, for composite natural keys
    too (import_export's CachedInstanceLoader takes one key column only): a 10,000-row file
    costs one lookup query instead of 10,000."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.existing = {}
        rows = dataset.dict if dataset is not None else []
        for field in resource.get_import_fields():
            if isinstance(field.widget, ScopedForeignKeyWidget) and field.column_name:
                column = str(field.column_name)
                field.widget.prefetch((row.get(column) for row in rows), user=resource.user)
        wanted = [set() for _field in self.key_fields]
        for row in rows:
            try:
                key = self.key(row)
            except (ValueError, ValidationError, KeyError):
                continue  # reported by the row's own validation
            for values, value in zip(wanted, key, strict=True):
                values.add(value)
        if not all(wanted):
            return
        model = resource._meta.model
        attnames = [model._meta.get_field(field.attribute).attname for field in self.key_fields]
        queryset = self.get_queryset().filter(
            **{f"{attname}__in": values for attname, values in zip(attnames, wanted, strict=True)}
        )
        for instance in queryset:
            self.existing[tuple(getattr(instance, attname) for attname in attnames)] = instance

    def key(self, row):
        user = self.resource.user
        return tuple(_key_value(field.clean(row, user=user)) for field in self.key_fields)

    def get_instance(self, row):
        return self.existing.get(self.key(row))


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

    def export_field(self, field, instance, **kwargs):
        # import_export's own escaping only strips a leading "="; "+", "-", "@", tab and
        # carriage return start formulas too.
        value = super().export_field(field, instance, **kwargs)
        return neutralise_formula(value) if isinstance(value, str) else value

    def import_data(self, *args, **kwargs):
        token = _found.set({})
        try:
            return super().import_data(*args, **kwargs)
        finally:
            _found.reset(token)

    def import_row(self, row, instance_loader, **kwargs):
        # Undo export_field's apostrophe, so that re-importing an unchanged export changes
        # nothing (a department named "=1+1" must not come back as "'=1+1").
        for column, value in row.items():
            if (
                isinstance(value, str)
                and value.startswith("'")
                and neutralise_formula(value[1:]) == value
            ):
                row[column] = value[1:]
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        # A key column that resolves to nothing (an unknown or mistyped code) raises in the
        # instance loader, and import_export then reports the row as a crash, and its preview
        # hides every other row's validation errors. Treat the row as new instead: the
        # column's own validation then reports the reason, next to the column, with the rest.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related row up by its natural key inside the importing user's scope and
    reports an unknown key as a row error instead of crashing."""

    def __init__(self, model, field, *, normalize=None, validate=None, **kwargs):
        super().__init__(model, field, **kwargs)
        self.normalize = normalize
        self.validate = validate

    def prefetch(self, values, *, user) -> None:
        """Looks every key in ``values`` up in one query, for the rest of this import."""
        found = _found.get()
        if found is None:
            return
        keys = set()
        for value in values:
            value = "" if value is None else str(value).strip()
            if value and self.normalize:
                value = self.normalize(value)
            if value:
                keys.add(value)
        queryset = self.model.objects.filter(**{f"{self.field}__in": keys})
        if user is not None:
            queryset = scope_queryset(user, queryset)
        for obj in queryset:
            found[(self.model, self.field, getattr(obj, self.field), getattr(user, "pk", None))] = (
                obj
            )

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if self.normalize and value:
            value = self.normalize(value)
        if not value:
            return None
        if self.validate:
            # Say what is wrong with a malformed key (a pilot-era code failing its checksum)
            # rather than that no such row exists.
            try:
                self.validate(value)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        resource_user = kwargs.get("user")
        found = _found.get()
        cache_key = (self.model, self.field, value, getattr(resource_user, "pk", None))
        if found is not None and cache_key in found:
            return found[cache_key]
        queryset = self.model.objects.all()
        if resource_user is not None:
            queryset = scope_queryset(resource_user, queryset)
        try:
            obj = queryset.get(**{self.field: value})
            if found is not None:
                found[cache_key] = obj
            return obj
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
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
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
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
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


class DishonestyRecordResource(ScopedResource):
    """Records keyed by subject USCC + decision number. An import creates drafts (source:
    import) or updates drafts; a confirmed record is never changed by a spreadsheet."""

    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    department_name = fields.Field(
        attribute="department__name", column_name=gettext_lazy("department"), readonly=True
    )
    decision_number = fields.Field(
        attribute="decision_number", column_name=gettext_lazy("decision document number")
    )
    category = fields.Field(
        attribute="category",
        column_name=gettext_lazy("category"),
        widget=ChoiceLabelWidget(RecordCategory.choices),
    )
    severity = fields.Field(
        attribute="severity",
        column_name=gettext_lazy("severity"),
        widget=ChoiceLabelWidget(Severity.choices),
    )
    issuing_authority = fields.Field(
        attribute="issuing_authority", column_name=gettext_lazy("issuing authority")
    )
    decision_date = fields.Field(
        attribute="decision_date",
        column_name=gettext_lazy("decision date"),
        widget=widgets.DateWidget(format="%Y-%m-%d"),
    )
    facts = fields.Field(attribute="facts", column_name=gettext_lazy("facts"))
    status = fields.Field(
        attribute="status",
        column_name=gettext_lazy("status"),
        widget=ChoiceLabelWidget(RecordStatus.choices),
        readonly=True,
    )
    disclosure_ends = fields.Field(
        attribute="disclosure_ends",
        column_name=gettext_lazy("disclosure ends"),
        widget=widgets.DateWidget(format="%Y-%m-%d"),
        readonly=True,
    )

    class Meta:
        model = DishonestyRecord
        import_id_fields = ["department", "decision_number"]
        fields = [
            "department",
            "department_name",
            "decision_number",
            "category",
            "severity",
            "issuing_authority",
            "decision_date",
            "facts",
            "status",
            "disclosure_ends",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        instance_loader_class = NaturalKeyInstanceLoader

    def get_queryset(self):
        return super().get_queryset().select_related("department")

    # The preview (a dry run) validates every row without saving it: records never refer to
    # one another, so saving and rolling back would only add four queries a row (the record,
    # its history row, its event, its officials). The confirm step saves, all or nothing, and
    # the database's constraints still guard it.
    def save_instance(self, instance, is_create, row, **kwargs):
        if not kwargs.get("dry_run"):
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            super().save_m2m(instance, row, **kwargs)

    def before_import_row(self, row, **kwargs):
        column = str(self.fields["department"].column_name)
        if row.get(column):
            row[column] = normalize_uscc(row[column])

    def import_instance(self, instance, row, **kwargs):
        from .rules import DISCLOSURE_PERIODS, disclosure_window

        super().import_instance(instance, row, **kwargs)
        if instance.severity in Severity.values and instance.decision_date:
            instance.minimum_period_ends, instance.disclosure_ends = disclosure_window(
                instance.severity, instance.decision_date
            )
        instance._imported_as_new = instance._state.adding
        if instance._state.adding:
            instance.source = RecordSource.IMPORT
            instance.created_by = self.user
            if instance.severity in Severity.values:
                instance.disclose = DISCLOSURE_PERIODS[instance.severity].published_by_default

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not instance._state.adding and instance.status != RecordStatus.DRAFT:
            # Checked here, after skip_row: an unchanged row of a confirmed record (a
            # re-imported export) is skipped; only a row that would change it is refused.
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Record %(number)s is already confirmed; a spreadsheet cannot change it.")
                % {"number": instance.decision_number}
            )
        # The status is the workflow's: never validated (or set) from a spreadsheet. The
        # disclosure window is derived from severity and date: when those are wrong, their
        # own errors say what to fix.
        exclude = [*errors.keys(), "status"]
        if instance.minimum_period_ends is None or instance.disclosure_ends is None:
            exclude += ["minimum_period_ends", "disclosure_ends"]
        validate_constraints = True
        if instance.department_id is not None and instance._state.adding:
            # Each of these would be a query a row. The department was found by the scoped
            # widget and the creator is the importing user; the natural-key loader looked this
            # department and number up, so a new row's key is free; the disclosure window is
            # derived above and checked here. The database's constraints still guard the save.
            exclude += ["department", "created_by"]
            validate_unique = validate_constraints = False
            ends = (instance.minimum_period_ends, instance.disclosure_ends)
            if None not in ends and not instance.decision_date <= ends[0] <= ends[1]:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("The disclosure window is not ordered.")
                )
        try:
            instance.full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_constraints,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        from .models import RecordEvent, RecordEventAction

        RecordEvent.objects.create(
            record=instance,
            action=RecordEventAction.CREATED
            if getattr(instance, "_imported_as_new", True)
            else RecordEventAction.UPDATED,
            actor=self.user,
            reason=_("Imported from a spreadsheet"),
            to_status=instance.status,
        )


class PublicOfficialResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    employee_number = fields.Field(
        attribute="employee_number", column_name=gettext_lazy("employee number")
    )
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    position = fields.Field(attribute="position", column_name=gettext_lazy("position"))
    active = fields.Field(
        attribute="active", column_name=gettext_lazy("active"), widget=widgets.BooleanWidget()
    )

    class Meta:
        model = PublicOfficial
        import_id_fields = ["department", "employee_number"]
        fields = ["department", "employee_number", "name", "position", "active"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CommendationResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    title = fields.Field(attribute="title", column_name=gettext_lazy("title"))
    level = fields.Field(
        attribute="level",
        column_name=gettext_lazy("level"),
        widget=ChoiceLabelWidget(CommendationLevel.choices),
    )
    issuing_authority = fields.Field(
        attribute="issuing_authority", column_name=gettext_lazy("issuing authority")
    )
    date = fields.Field(
        attribute="date", column_name=gettext_lazy("date"), widget=widgets.DateWidget("%Y-%m-%d")
    )

    class Meta:
        model = Commendation
        import_id_fields = ["department", "title", "date"]
        fields = ["department", "title", "level", "issuing_authority", "date"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class CommitmentResource(ScopedResource):
    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    content = fields.Field(attribute="content", column_name=gettext_lazy("content"))
    promised_date = fields.Field(
        attribute="promised_date",
        column_name=gettext_lazy("promised date"),
        widget=widgets.DateWidget("%Y-%m-%d"),
    )
    status = fields.Field(
        attribute="status",
        column_name=gettext_lazy("fulfilment status"),
        widget=ChoiceLabelWidget(CommitmentStatus.choices),
        readonly=True,
    )

    class Meta:
        model = Commitment
        import_id_fields = ["department", "content", "promised_date"]
        fields = ["department", "content", "promised_date", "status"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
