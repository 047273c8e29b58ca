"""Spreadsheets of government agreements and of arrears, keyed by natural keys: an agreement
by its department's credit code and its number, an arrears item by its department's credit
code and its reference. The enterprise's credit code is checked (GB 32100-2015) and a code of
an individual business (92…) marks it as one. Row-level errors, all-or-nothing
(``IMPORT_EXPORT_USE_TRANSACTIONS`` and ``SpreadsheetRulesMixin``)."""

from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.imports.engine import ScopedResource
from core.imports.widgets import ChoiceLabelWidget, ScopedForeignKeyWidget, yes_no_field
from core.models import Department
from core.validators import normalize_uscc, validate_uscc

from .models import Agreement, AgreementKind, ArrearsItem, ArrearsKind

DEPARTMENT_COLUMN = gettext_lazy("department credit code")
DATE = widgets.DateWidget(format="%Y-%m-%d")


def _department_field():
    return fields.Field(
        attribute="department",
        column_name=DEPARTMENT_COLUMN,
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )


class _CreditCodedResource(ScopedResource):
    """Credit-code columns are normalised (upper case, no spaces) before they are read, and
    an individual business's code sets the flag that keeps its name off public pages."""

    code_columns: tuple[str, ...] = ()
    individual_flag = ""

    def before_import_row(self, row, **kwargs):
        for name in self.code_columns:
            column = str(self.fields[name].column_name)
            if row.get(column):
                row[column] = normalize_uscc(str(row[column]))

    def import_instance(self, instance, row, **kwargs):
        from .services import is_individual_business

        super().import_instance(instance, row, **kwargs)
        uscc = getattr(instance, self.code_columns[-1], "") or ""
        if is_individual_business(uscc):
            setattr(instance, self.individual_flag, True)


class AgreementResource(_CreditCodedResource):
    code_columns = ("department", "counterparty_uscc")
    individual_flag = "counterparty_is_individual"

    department = _department_field()
    number = fields.Field(attribute="number", column_name=gettext_lazy("agreement number"))
    kind = fields.Field(
        attribute="kind",
        column_name=gettext_lazy("kind"),
        widget=ChoiceLabelWidget(AgreementKind.choices),
    )
    title = fields.Field(attribute="title", column_name=gettext_lazy("title"))
    counterparty_name = fields.Field(
        attribute="counterparty_name", column_name=gettext_lazy("enterprise")
    )
    counterparty_uscc = fields.Field(
        attribute="counterparty_uscc", column_name=gettext_lazy("enterprise credit code")
    )
    counterparty_is_sme = yes_no_field(
        "counterparty_is_sme", gettext_lazy("small or medium-sized enterprise")
    )
    signed_date = fields.Field(
        attribute="signed_date", column_name=gettext_lazy("signed on"), widget=DATE
    )
    term_end = fields.Field(
        attribute="term_end", column_name=gettext_lazy("term ends on"), widget=DATE
    )

    class Meta:
        model = Agreement
        import_id_fields = ["department", "number"]
        fields = [
            "department",
            "number",
            "kind",
            "title",
            "counterparty_name",
            "counterparty_uscc",
            "counterparty_is_sme",
            "signed_date",
            "term_end",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("department")


class ArrearsItemResource(_CreditCodedResource):
    code_columns = ("department", "creditor_uscc")
    individual_flag = "creditor_is_individual"

    department = _department_field()
    reference = fields.Field(attribute="reference", column_name=gettext_lazy("reference"))
    kind = fields.Field(
        attribute="kind",
        column_name=gettext_lazy("kind"),
        widget=ChoiceLabelWidget(ArrearsKind.choices),
    )
    description = fields.Field(attribute="description", column_name=gettext_lazy("what is owed"))
    creditor_name = fields.Field(attribute="creditor_name", column_name=gettext_lazy("enterprise"))
    creditor_uscc = fields.Field(
        attribute="creditor_uscc", column_name=gettext_lazy("enterprise credit code")
    )
    creditor_is_sme = yes_no_field(
        "creditor_is_sme", gettext_lazy("small or medium-sized enterprise")
    )
    amount = fields.Field(
        attribute="amount",
        column_name=gettext_lazy("amount owed (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    due_date = fields.Field(attribute="due_date", column_name=gettext_lazy("due date"), widget=DATE)

    class Meta:
        model = ArrearsItem
        import_id_fields = ["department", "reference"]
        fields = [
            "department",
            "reference",
            "kind",
            "description",
            "creditor_name",
            "creditor_uscc",
            "creditor_is_sme",
            "amount",
            "due_date",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("department")
