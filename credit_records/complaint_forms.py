"""Forms of complaints: the public form (with its honeypot and the department resolved from a
name or a credit code), the status look-up, and the handling office's steps."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, MultipleFileField

from .models import ComplaintCategory, ComplaintOutcome, RecordCategory, Severity
from .selectors.complaints import resolve_department


class HoneypotField(forms.CharField):
    """A field people never see (hidden by the stylesheet, skipped by the keyboard and by
    screen readers) and form-filling robots fill in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "class": "hp-input"}),
        )
        super().__init__(**kwargs)


class PublicComplaintForm(forms.Form):
    department = forms.CharField(
        label=_("Department complained about"),
        max_length=200,
        help_text=_("Its name (for example 南京市财政局) or its unified social credit code."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Facts, dates and places. The handling office reads it; it is never published."
        ),
    )
    contract_reference = forms.CharField(
        label=_("Contract name or number"),
        max_length=200,
        required=False,
        help_text=_("Late payment to an SME: the contract under which payment is owed."),
    )
    amount_owed = forms.DecimalField(
        label=_("Amount owed (yuan)"),
        max_digits=15,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    payment_due_date = forms.DateField(
        label=_("Payment was due on"), required=False, widget=DateInput()
    )
    files = MultipleFileField(label=_("Evidence files"))
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    organisation = forms.CharField(
        label=_("Your enterprise or organisation"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    # The honeypot: see HoneypotField. Named like a field robots like to fill.
    website = HoneypotField(label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Up to %(count)d files: PDF, images, Word, Excel or OFD, up to %(size)d MB each."
        ) % {
            "count": settings.CHENGXIN_COMPLAINT_MAX_FILES,
            "size": settings.CHENGXIN_ATTACHMENT_MAX_BYTES // 2**20,
        }

    def clean_department(self):
        return resolve_department(self.cleaned_data["department"])

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(
                _("The complaint could not be accepted. Please fill in the form again."),
                code="honeypot",
            )
        return data

    def contact(self) -> dict:
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("name", "organisation", "phone", "email")
        }


class ComplaintStatusForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=40,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


def _reason(label, required=True):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintAcceptForm(forms.Form):
    reason = _reason(_("Note"), required=False)


class ComplaintRejectForm(forms.Form):
    reason = _reason(_("Reasons for not accepting (the complainant reads them)"))


class ComplaintAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Investigating official"), queryset=None)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.models import User

        self.fields["assignee"].queryset = (
            assignees if assignees is not None else User.objects.none()
        )


class ComplaintCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplaintOutcome.choices)
    reason = _reason(_("Reasons of the outcome (the complainant reads them)"))
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        required=False,
        help_text=_("For a referral: the authority that takes the complaint over."),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False
    )
    record_category = forms.ChoiceField(
        label=_("Record category"), choices=[("", "—"), *RecordCategory.choices], required=False
    )
    decision_number = forms.CharField(label=_("Decision document number"), required=False)
    issuing_authority = forms.CharField(label=_("Issuing authority"), required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    facts = forms.CharField(
        label=_("Facts of the record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a draft record: published as written once confirmed; name no complainant."
        ),
    )
