"""Spreadsheets of suppliers, projects, contracts, acceptances and payments, keyed by natural
keys: a supplier by its credit code, a project by its purchaser's credit code and the project
code, a contract or an acceptance by its project, a payment by its project and instalment.
Row-level errors, and all-or-nothing (``IMPORT_EXPORT_USE_TRANSACTIONS`` and
``SpreadsheetRulesMixin``).

The red-flag checks of an import run once per project at the end of the file
(``services.deferred_flag_checks``), on recorded facts only: the files of one purchase come
one after another, and a flag for a date that the next file brings would only be withdrawn
again. The periodic scan flags what is still missing afterwards."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.imports.engine import ScopedResource
from core.imports.widgets import (
    ChoiceLabelWidget,
    ScopedForeignKeyWidget,
    optional_text_field,
    yes_no_field,
)
from core.models import Department
from core.scope import scope_queryset
from core.validators import normalize_uscc, validate_uscc

from .models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    Payment,
    ProcurementMethod,
    ProcurementProject,
    Supplier,
)
from .selectors import suppliers_for

PURCHASER_COLUMN = gettext_lazy("purchaser credit code")
DATE = widgets.DateWidget(format="%Y-%m-%d")


def _check_uscc(value: str) -> str:
    from django.core.exceptions import ValidationError

    value = normalize_uscc(value)
    try:
        validate_uscc(value)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None
    return value


class SupplierWidget(ScopedForeignKeyWidget):
    """A supplier by credit code, in the shared register (suppliers have no region scope)."""

    def __init__(self):
        super().__init__(Supplier, "uscc", normalize=normalize_uscc, validate=validate_uscc)

    def clean(self, value, row=None, **kwargs):
        value = "" if value is None else str(value).strip()
        if not value:
            return None
        code = _check_uscc(value)
        try:
            return Supplier.objects.get(uscc=code)
        except Supplier.DoesNotExist:
            raise ValueError(
                _("No supplier “%(value)s” exists; import the suppliers first.") % {"value": code}
            ) from None


class ProjectKeyWidget(widgets.ForeignKeyWidget):
    """The project named by the row's purchaser credit code and this column's project code,
    inside the importing user's scope; ``target="contract"`` gives the project's contract."""

    def __init__(self, target: str = "project"):
        model = Contract if target == "contract" else ProcurementProject
        super().__init__(model, "pk")
        self.target = target

    def clean(self, value, row=None, **kwargs):
        code = "" if value is None else str(value).strip()
        if not code:
            return None
        uscc = str((row or {}).get(str(PURCHASER_COLUMN)) or "").strip()
        if not uscc:
            raise ValueError(_("The purchaser credit code is missing."))
        uscc = _check_uscc(uscc)
        projects = ProcurementProject.objects.select_related("purchaser")
        user = kwargs.get("user")
        if user is not None:
            projects = scope_queryset(user, projects)
        try:
            project = projects.get(purchaser__uscc=uscc, code=code)
        except ProcurementProject.DoesNotExist:
            raise ValueError(
                _("No project “%(code)s” of purchaser %(uscc)s exists in your scope.")
                % {"code": code, "uscc": uscc}
            ) from None
        if self.target != "contract":
            return project
        try:
            return project.contract
        except Contract.DoesNotExist:
            raise ValueError(
                _("Project “%(code)s” has no contract yet.") % {"code": code}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.project.code if self.target == "contract" else value.code


class SupplierResource(ScopedResource):
    uscc = fields.Field(attribute="uscc", column_name=gettext_lazy("unified social credit code"))
    name = fields.Field(attribute="name", column_name=gettext_lazy("name"))
    # 是/否; an empty cell keeps the default (not an SME) or, on an update, the current flag.
    is_sme = yes_no_field("is_sme", gettext_lazy("small or medium-sized enterprise"))

    class Meta:
        model = Supplier
        import_id_fields = ["uscc"]
        fields = ["uscc", "name", "is_sme"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        # The shared register, not a region's rows (see ``Supplier``).
        return Supplier.objects.all() if self.user is None else suppliers_for(self.user)

    def before_import_row(self, row, **kwargs):
        column = str(self.fields["uscc"].column_name)
        if row.get(column):
            row[column] = normalize_uscc(row[column])


class _FlagCheckedResource(ScopedResource):
    """Rows of a purchase's life: the flag checks of the projects they touch wait for the
    end of the file, inside the import's transaction (a dry run or a failed file leaves no
    flag behind)."""

    def import_data_inner(self, *args, **kwargs):
        from .services import deferred_flag_checks

        with deferred_flag_checks(raise_provisional=False):
            return super().import_data_inner(*args, **kwargs)


class ProjectResource(_FlagCheckedResource):
    purchaser = fields.Field(
        attribute="purchaser",
        column_name=PURCHASER_COLUMN,
        widget=ScopedForeignKeyWidget(
            Department, "uscc", normalize=normalize_uscc, validate=validate_uscc
        ),
    )
    purchaser_name = fields.Field(
        attribute="purchaser__name", column_name=gettext_lazy("purchaser"), readonly=True
    )
    code = fields.Field(attribute="code", column_name=gettext_lazy("project code"))
    title = fields.Field(attribute="title", column_name=gettext_lazy("title"))
    method = fields.Field(
        attribute="method",
        column_name=gettext_lazy("procurement method"),
        widget=ChoiceLabelWidget(ProcurementMethod.choices),
    )
    budget = fields.Field(
        attribute="budget",
        column_name=gettext_lazy("budget (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    notice_date = fields.Field(
        attribute="notice_date", column_name=gettext_lazy("notice date"), widget=DATE
    )
    award_date = fields.Field(
        attribute="award_date", column_name=gettext_lazy("award date"), widget=DATE
    )
    supplier = fields.Field(
        attribute="supplier",
        column_name=gettext_lazy("supplier credit code"),
        widget=SupplierWidget(),
    )
    award_amount = fields.Field(
        attribute="award_amount",
        column_name=gettext_lazy("award amount (yuan)"),
        widget=widgets.DecimalWidget(),
    )

    class Meta:
        model = ProcurementProject
        import_id_fields = ["purchaser", "code"]
        fields = [
            "purchaser",
            "purchaser_name",
            "code",
            "title",
            "method",
            "budget",
            "notice_date",
            "award_date",
            "supplier",
            "award_amount",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("purchaser", "supplier")

    def before_import_row(self, row, **kwargs):
        for name in ("purchaser", "supplier"):
            column = str(self.fields[name].column_name)
            if row.get(column):
                row[column] = normalize_uscc(str(row[column]))

    def after_save_instance(self, instance, row, **kwargs):
        from .services import evaluate_project

        evaluate_project(instance)


class _ProjectKeyedResource(_FlagCheckedResource):
    """Rows that name their project by purchaser credit code and project code."""

    purchaser = fields.Field(column_name=PURCHASER_COLUMN, readonly=True)

    def before_import_row(self, row, **kwargs):
        column = str(PURCHASER_COLUMN)
        if row.get(column):
            row[column] = normalize_uscc(str(row[column]))


class ContractResource(_ProjectKeyedResource):
    project = fields.Field(
        attribute="project",
        column_name=gettext_lazy("project code"),
        widget=ProjectKeyWidget("project"),
    )
    # Optional: an empty cell is no number (""), not NULL.
    number = optional_text_field("number", gettext_lazy("contract number"))
    signed_date = fields.Field(
        attribute="signed_date", column_name=gettext_lazy("signed on"), widget=DATE
    )
    amount = fields.Field(
        attribute="amount",
        column_name=gettext_lazy("contract amount (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    supplementary_amount = fields.Field(
        attribute="supplementary_amount",
        column_name=gettext_lazy("supplementary amount (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    payment_term_days = fields.Field(
        attribute="payment_term_days",
        column_name=gettext_lazy("agreed payment term (days)"),
        widget=widgets.IntegerWidget(),
    )
    # 是/否; an empty cell keeps the default (from acceptance) or the current setting.
    payment_after_acceptance = yes_no_field(
        "payment_after_acceptance", gettext_lazy("payment depends on acceptance")
    )
    acceptance_period_days = fields.Field(
        attribute="acceptance_period_days",
        column_name=gettext_lazy("agreed acceptance period (days)"),
        widget=widgets.IntegerWidget(),
    )
    late_interest_rate = fields.Field(
        attribute="late_interest_rate",
        column_name=gettext_lazy("agreed late-payment interest rate (% a year)"),
        widget=widgets.DecimalWidget(),
    )
    filed_date = fields.Field(
        attribute="filed_date", column_name=gettext_lazy("filed on"), widget=DATE
    )

    class Meta:
        model = Contract
        import_id_fields = ["project"]
        fields = [
            "purchaser",
            "project",
            "number",
            "signed_date",
            "amount",
            "supplementary_amount",
            "payment_term_days",
            "payment_after_acceptance",
            "acceptance_period_days",
            "late_interest_rate",
            "filed_date",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("project__purchaser")

    def dehydrate_purchaser(self, contract):
        return contract.project.purchaser.uscc

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.supplementary_amount is None:
            from decimal import Decimal

            instance.supplementary_amount = Decimal("0.00")

    def after_save_instance(self, instance, row, **kwargs):
        from .services import _refresh_payments, evaluate_project

        _refresh_payments(instance)
        evaluate_project(instance.project)


class AcceptanceResource(_ProjectKeyedResource):
    """Delivery and acceptance of a project's contract: what the payments' due dates run
    from, so an import of payments is complete only with this sheet."""

    contract = fields.Field(
        attribute="contract",
        column_name=gettext_lazy("project code"),
        widget=ProjectKeyWidget("contract"),
    )
    delivery_date = fields.Field(
        attribute="delivery_date", column_name=gettext_lazy("delivered on"), widget=DATE
    )
    acceptance_date = fields.Field(
        attribute="acceptance_date", column_name=gettext_lazy("accepted on"), widget=DATE
    )
    result = fields.Field(
        attribute="result",
        column_name=gettext_lazy("result"),
        widget=ChoiceLabelWidget(AcceptanceResult.choices),
    )
    notes = optional_text_field("notes", gettext_lazy("notes"))

    class Meta:
        model = Acceptance
        import_id_fields = ["contract"]
        fields = ["purchaser", "contract", "delivery_date", "acceptance_date", "result", "notes"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("contract__project__purchaser")

    def dehydrate_purchaser(self, acceptance):
        return acceptance.contract.project.purchaser.uscc

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # As ``services.acceptance_save``: a date without a result is a passed acceptance,
        # and an empty result cell on a row without a date is a pending one.
        if not instance.result:
            instance.result = AcceptanceResult.PENDING
        if instance.acceptance_date and instance.result == AcceptanceResult.PENDING:
            instance.result = AcceptanceResult.PASSED

    def after_save_instance(self, instance, row, **kwargs):
        from .services import _refresh_payments, evaluate_project

        # The payments already on file get their due dates (and interest) from it.
        _refresh_payments(instance.contract)
        evaluate_project(instance.contract.project)


class PaymentResource(_ProjectKeyedResource):
    contract = fields.Field(
        attribute="contract",
        column_name=gettext_lazy("project code"),
        widget=ProjectKeyWidget("contract"),
    )
    sequence = fields.Field(
        attribute="sequence", column_name=gettext_lazy("instalment"), widget=widgets.IntegerWidget()
    )
    amount = fields.Field(
        attribute="amount",
        column_name=gettext_lazy("amount (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    # Optional: an empty cell is no dispute (0).
    disputed_amount = fields.Field(
        attribute="disputed_amount",
        column_name=gettext_lazy("disputed amount (yuan)"),
        widget=widgets.DecimalWidget(),
    )
    paid_date = fields.Field(
        attribute="paid_date", column_name=gettext_lazy("paid on"), widget=DATE
    )
    due_date = fields.Field(
        attribute="due_date", column_name=gettext_lazy("due date"), widget=DATE, readonly=True
    )
    late_days = fields.Field(
        attribute="late_days", column_name=gettext_lazy("days late"), readonly=True
    )
    late_interest = fields.Field(
        attribute="late_interest", column_name=gettext_lazy("late interest (yuan)"), readonly=True
    )

    class Meta:
        model = Payment
        import_id_fields = ["contract", "sequence"]
        fields = [
            "purchaser",
            "contract",
            "sequence",
            "amount",
            "disputed_amount",
            "paid_date",
            "due_date",
            "late_days",
            "late_interest",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("contract__project__purchaser")

    def dehydrate_purchaser(self, payment):
        return payment.contract.project.purchaser.uscc

    def import_instance(self, instance, row, **kwargs):
        from .services import _compute_payment

        super().import_instance(instance, row, **kwargs)
        if instance.disputed_amount is None:
            instance.disputed_amount = Decimal("0.00")
        if instance.contract_id and instance.amount is not None:
            # Due date and interest are the rules', never the spreadsheet's.
            _compute_payment(instance, instance.contract)

    def after_save_instance(self, instance, row, **kwargs):
        from .services import evaluate_project

        evaluate_project(instance.contract.project)
