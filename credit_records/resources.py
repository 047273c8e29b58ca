"""django-import-export resources: natural keys, scoped lookups, row-level errors.

Imports run inside one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``) and every row is
validated with ``full_clean``, so a file with any bad row is reported row by row and saves
nothing. The admin passes the importing user in, and every lookup is scoped to that user.

Dishonesty records, imported by the ten thousand, take a faster road through the same hooks
(``BulkImportMixin``): no savepoint, copy or diff a row, each distinct cell value converted
once, and the confirmed rows saved with ``bulk_create`` and their history in a few queries.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.imports.bulk import BulkImportMixin
from core.imports.engine import NaturalKeyInstanceLoader, ScopedResource, full_clean_without_queries
from core.imports.widgets import (
    ChoiceLabelWidget,
    DateWidget,
    ScopedForeignKeyWidget,
    memoised,
    optional_text_field,
    yes_no_field,
)
from core.models import Department
from core.validators import normalize_uscc, validate_uscc

from .models import (
    Commendation,
    CommendationLevel,
    Commitment,
    CommitmentStatus,
    DishonestyRecord,
    PublicOfficial,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Severity,
)

SEVERITIES = frozenset(Severity.values)


class DishonestyRecordResource(BulkImportMixin, ScopedResource):
    """Records keyed by subject USCC + decision number. An import creates drafts (source:
    import) or updates drafts; a confirmed record is never changed by a spreadsheet.

    Files of ten thousand rows are usual, so the import takes ``BulkImportMixin``'s road:
    validated without a query a row, saved with ``bulk_create`` and history in bulk."""

    department = fields.Field(
        attribute="department",
        column_name=gettext_lazy("unified social credit code"),
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc, final=True
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
        widget=DateWidget(format="%Y-%m-%d"),
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
    # the database's constraints still guard it. (These per-row saves are import_export's own
    # road, taken only when BulkImportMixin's is not; bulk_save below is the usual one.)
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
        if instance.severity in SEVERITIES and instance.decision_date:
            instance.minimum_period_ends, instance.disclosure_ends = memoised(
                disclosure_window,
                (instance.severity, instance.decision_date),
                lambda key: disclosure_window(*key),
            )
        instance._imported_as_new = instance._state.adding
        if instance._state.adding:
            instance.source = RecordSource.IMPORT
            instance.created_by = self.user
            if instance.severity in SEVERITIES:
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
        # No query a row (Django's unique and constraint checks, and its foreign-key checks,
        # are one each). The department was found by the scoped widget (or is missing, and
        # its own error says so); a new record's creator is the importing user, an existing
        # one's was read with it. The natural-key loader looked this department and number
        # up: a new row's key is free, and an existing row was found by it (the key cannot
        # change). The disclosure window is derived above and checked here; an import sets
        # no other date a constraint compares (closing, early end). The database's
        # constraints still guard the save.
        exclude.append("created_by")
        if instance.department_id is not None:
            exclude.append("department")
        ends = (instance.minimum_period_ends, instance.disclosure_ends)
        if (
            None not in ends
            and instance.decision_date
            and not instance.decision_date <= ends[0] <= ends[1]
        ):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("The disclosure window is not ordered.")
            )
        try:
            full_clean_without_queries(instance, exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        self._event(instance).save()

    def _event(self, instance):
        from .models import RecordEvent, RecordEventAction

        return RecordEvent(
            record=instance,
            action=RecordEventAction.CREATED
            if getattr(instance, "_imported_as_new", True)
            else RecordEventAction.UPDATED,
            actor=self.user,
            reason=_("Imported from a spreadsheet"),
            to_status=instance.status,
        )

    # The fields an import writes to a record it updates: the file's columns and the window
    # derived from them. Never the workflow's (status, closing, disclosure flags, creator).
    UPDATED_FIELDS = [
        "category",
        "severity",
        "issuing_authority",
        "decision_date",
        "facts",
        "minimum_period_ends",
        "disclosure_ends",
        "updated_at",
    ]

    def bulk_save(self, created, updated, **kwargs):
        """New drafts with their "+" history rows (``bulk_writes.insert_with_history``: COPY
        on PostgreSQL, bulk_create_with_history elsewhere), updated drafts with
        ``bulk_update`` and their "~" history rows (with the officials each version had, as
        django-simple-history records them on a save), then one timeline entry each. The
        history and the entries name the importing user. A few statements for the whole
        file."""
        from core.bulk_writes import insert_values, insert_with_history
        from core.public_cache import invalidate_public_pages

        from .models import RecordEvent, RecordEventAction

        using = self.get_db_connection_name()
        batch = self.bulk_batch_size
        now = timezone.now()
        if created:
            insert_with_history(
                DishonestyRecord, created, user=self.user, using=using, batch_size=batch
            )
            if any(instance.pk is None for instance in created):  # a database without RETURNING
                found = DishonestyRecord.objects.filter(
                    department__in={instance.department_id for instance in created},
                    decision_number__in={instance.decision_number for instance in created},
                ).values_list("department_id", "decision_number", "pk")
                ids = {(department, number): pk for department, number, pk in found}
                for instance in created:
                    instance.pk = ids[(instance.department_id, instance.decision_number)]
                    instance._state.adding = False
        if updated:
            for instance in updated:
                instance.updated_at = now
            DishonestyRecord.objects.bulk_update(updated, self.UPDATED_FIELDS, batch_size=batch)
            history = DishonestyRecord.history.bulk_history_create(
                updated,
                batch_size=batch,
                update=True,
                default_user=self.user,
                default_change_reason=None,  # as a save() records it
            )
            _bulk_history_m2m(DishonestyRecord, history or [])
        # One timeline entry a record, as after_save_instance writes it.
        reason, actor, at = _("Imported from a spreadsheet"), getattr(self.user, "pk", None), now
        insert_values(
            RecordEvent,
            ["record_id", "action", "from_status", "to_status", "actor_id", "reason", "at"],
            [
                (instance.pk, action, "", instance.status, actor, reason, at)
                for action, instances in (
                    (RecordEventAction.CREATED, created),
                    (RecordEventAction.UPDATED, updated),
                )
                for instance in instances
            ],
            using=using,
            batch_size=batch,
        )
        # Bulk writes send no model signals: tell the cached pages and counts ourselves.
        invalidate_public_pages(using=using)


def _bulk_history_m2m(model, history_rows) -> None:
    """What django-simple-history does for each saved version of ``model`` that tracks
    many-to-many fields (``create_historical_record_m2ms``), for many versions at once: each
    version keeps the related rows its record has now."""
    from simple_history.models import HistoricalRecords
    from simple_history.utils import get_m2m_field_name

    history_model = model.history.model
    rows_by_record = {}
    for row in history_rows:
        rows_by_record.setdefault(row.id, []).append(row)
    for field in history_model._history_m2m_fields:
        m2m_history_model = HistoricalRecords.m2m_models[field]
        through = getattr(model, field.name).through
        record_field = get_m2m_field_name(field)
        names = [through_field.attname for through_field in through._meta.fields]
        links = through.objects.filter(**{f"{record_field}__in": list(rows_by_record)})
        m2m_history_model.objects.bulk_create(
            [
                m2m_history_model(history=version, **dict(zip(names, values, strict=True)))
                for values in links.values_list(*names)
                for version in rows_by_record[values[names.index(f"{record_field}_id")]]
            ]
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
    position = optional_text_field("position", gettext_lazy("position"))
    active = yes_no_field("active", gettext_lazy("active"))

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
