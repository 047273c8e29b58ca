"""The workspace forms of procurement: projects, contracts, acceptance, payments, violations."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ModelForm
from core.models import Department
from core.scope import scope_queryset

from .models import (
    Acceptance,
    Contract,
    Payment,
    ProcurementProject,
    ViolationKind,
    ViolationSeverity,
)
from .selectors import suppliers_for

DATE_FIELDS = {"widget": DateInput()}


class ScopedModelForm(ModelForm):
    """The purchaser and supplier choices are limited to what the user may see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "purchaser" in self.fields:
            self.fields["purchaser"].queryset = scope_queryset(
                user, Department.objects.filter(active=True)
            )
        if "supplier" in self.fields:
            self.fields["supplier"].queryset = suppliers_for(user)


class ProjectForm(ScopedModelForm):
    class Meta:
        model = ProcurementProject
        fields = [
            "purchaser",
            "code",
            "title",
            "method",
            "budget",
            "notice_date",
            "award_date",
            "supplier",
            "award_amount",
        ]
        widgets = {"notice_date": DateInput(), "award_date": DateInput()}


class ContractForm(ScopedModelForm):
    class Meta:
        model = Contract
        fields = [
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
        widgets = {"signed_date": DateInput(), "filed_date": DateInput()}


class AcceptanceForm(ScopedModelForm):
    class Meta:
        model = Acceptance
        fields = ["delivery_date", "acceptance_date", "result", "notes"]
        widgets = {
            "delivery_date": DateInput(),
            "acceptance_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class PaymentForm(ScopedModelForm):
    class Meta:
        model = Payment
        fields = ["sequence", "amount", "disputed_amount", "paid_date"]
        widgets = {"paid_date": DateInput()}


class FlagDismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this flag is not a violation (an explained delay, a data error)."),
    )


class ViolationWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why this violation was entered in error. It stays on file but no longer counts "
            "in the purchaser's score."
        ),
    )


class ViolationFieldsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ViolationKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=ViolationSeverity.choices)
    decision_number = forms.CharField(label=_("Decision document number"), max_length=100)
    issuing_authority = forms.CharField(label=_("Issuing authority"), max_length=200)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    create_record = forms.BooleanField(
        label=_("Also create a dishonesty record"),
        required=False,
        initial=True,
        help_text=_("A draft record of the purchaser, confirmed later in its own workflow."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class FlagConfirmForm(ViolationFieldsForm):
    def __init__(self, *args, flag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facts"].required = False
        self.fields["facts"].help_text = _("Leave empty to use the flag's evidence.")
        if flag is not None:
            from .services import default_violation_kind

            self.fields["kind"].initial = default_violation_kind(flag)


class ViolationForm(ViolationFieldsForm):
    purchaser = forms.ModelChoiceField(label=_("Purchaser"), queryset=Department.objects.none())
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=ProcurementProject.objects.none(), required=False
    )
    field_order = ["purchaser", "project"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchaser"].queryset = scope_queryset(user, Department.objects.all())
        self.fields["project"].queryset = scope_queryset(
            user, ProcurementProject.objects.select_related("purchaser")
        )
