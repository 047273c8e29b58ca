"""The workspace forms of government agreements and the arrears ledger: the agreement and
its obligations, what was done or paid, the day a condition was met, arrears, the repayment
plan (one instalment a line), a repayment, and the link of a complaint."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from credit_records.models import Complaint

from .forms import ScopedModelForm
from .models import Agreement, ArrearsItem, Obligation, ObligationEvent


class DepartmentScopedForm(ScopedModelForm):
    """The department choices are the active departments in the user's scope."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "department" in self.fields:
            from core.models import Department
            from core.scope import scope_queryset

            self.fields["department"].queryset = scope_queryset(
                user, Department.objects.filter(active=True)
            )


class AgreementForm(DepartmentScopedForm):
    class Meta:
        model = Agreement
        fields = [
            "department",
            "kind",
            "number",
            "title",
            "counterparty_name",
            "counterparty_uscc",
            "counterparty_is_sme",
            "signed_date",
            "term_end",
        ]
        widgets = {"signed_date": DateInput(), "term_end": DateInput()}


class ObligationForm(ScopedModelForm):
    class Meta:
        model = Obligation
        fields = [
            "description",
            "amount",
            "agreed_due_date",
            "condition",
            "days_after_condition",
        ]
        widgets = {"agreed_due_date": DateInput()}


class ObligationEventForm(ScopedModelForm):
    class Meta:
        model = ObligationEvent
        fields = ["date", "description", "amount", "completes"]
        widgets = {"date": DateInput()}


class ConditionMetForm(forms.Form):
    met_on = forms.DateField(label=_("Condition met on"), widget=DateInput())


class ArrearsItemForm(DepartmentScopedForm):
    class Meta:
        model = ArrearsItem
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
        widgets = {"due_date": DateInput()}


class RepaymentPlanForm(forms.Form):
    agreed_on = forms.DateField(label=_("Plan agreed on"), widget=DateInput())
    instalments = forms.CharField(
        label=_("Instalments"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_("One instalment a line: its due date and amount, e.g. “2026-12-31 50000”."),
    )

    def clean_instalments(self):
        parsed = []
        for number, line in enumerate(self.cleaned_data["instalments"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            parts = line.replace(",", " ").replace("，", " ").split()
            try:
                if len(parts) != 2:
                    raise ValueError
                due = datetime.date.fromisoformat(parts[0])
                amount = Decimal(parts[1])
                if not amount.is_finite():
                    raise ValueError
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("Line %(line)d: write a date (YYYY-MM-DD) and an amount.") % {"line": number}
                ) from None
            parsed.append((due, amount.quantize(Decimal("0.01"))))
        if not parsed:
            raise forms.ValidationError(_("Give at least one instalment."))
        return parsed


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=15, decimal_places=2)


class InstalmentPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


class ComplaintLinkForm(forms.Form):
    tracking_number = forms.CharField(label=_("Complaint tracking number"), max_length=20)

    def __init__(self, *args, complaints=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaints = complaints if complaints is not None else Complaint.objects.none()

    def clean_tracking_number(self):
        number = self.cleaned_data["tracking_number"].strip().upper()
        complaint = self.complaints.filter(tracking_number=number).first()
        if complaint is None:
            raise forms.ValidationError(_("No complaint with this tracking number in your scope."))
        self.complaint = complaint
        return number
