"""Forms of the debt workspace. They check the shape of the input; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ModelForm
from core.models import Department
from core.scope import regions_in_scope, scope_queryset
from credit_records.models import Severity

from .models import DebtProfile, WarningKind


class DebtProfileForm(ModelForm):
    class Meta:
        model = DebtProfile
        fields = [
            "region",
            "year",
            "general_limit",
            "special_limit",
            "general_balance",
            "special_balance",
            "financial_capacity",
            "principal_due",
            "interest_due",
            "overdue_amount",
            "new_debt",
            "published",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user)


class WarningForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=WarningKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    reason = forms.CharField(
        label=_("Grounds of the warning"), widget=forms.Textarea(attrs={"rows": 4})
    )
    required_response = forms.CharField(
        label=_("Required response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user)


class IssueForm(forms.Form):
    required_response = forms.CharField(
        label=_("Required response"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the region must explain or submit."),
    )
    response_deadline = forms.DateField(
        label=_("Response deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the default period."),
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Response"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The region's answer, as received."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DebtDefaultForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        help_text=_("The region's people's government is chosen when there is one."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    decision_number = forms.CharField(label=_("Decision document number"), max_length=100)
    issuing_authority = forms.CharField(label=_("Issuing authority"), max_length=200)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scope_queryset(
            user, Department.objects.filter(region=profile.region, active=True)
        )
        self.fields["decision_date"].initial = timezone.localdate()
