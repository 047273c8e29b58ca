"""The workspace forms of credit records: a record, the steps of its workflow, officials,
commendations and commitments."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, ModelForm, MultipleFileField
from core.models import Department

from .models import Commendation, Commitment, DishonestyRecord, PublicOfficial, Severity


def _reason(required: bool = False, label=None):
    return forms.CharField(
        label=label or _("Reason"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordForm(ModelForm):
    """Enter or edit a draft dishonesty record. Choices are limited to the user's scope."""

    files = MultipleFileField(label=_("Evidence"))
    disclose = forms.TypedChoiceField(
        label=_("Public disclosure"),
        choices=[
            ("", _("According to severity (minor records are not published)")),
            ("yes", _("Publish within the disclosure window")),
            ("no", _("Do not publish")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = DishonestyRecord
        fields = [
            "department",
            "category",
            "severity",
            "decision_number",
            "issuing_authority",
            "decision_date",
            "facts",
            "officials",
            "internal_notes",
            "disclose",
        ]
        widgets = {
            "decision_date": DateInput(),
            "facts": forms.Textarea(attrs={"rows": 5}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "officials": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scope import scope_queryset

        self.fields["department"].queryset = scope_queryset(
            user, Department.objects.filter(active=True).select_related("region")
        )
        self.fields["officials"].queryset = scope_queryset(
            user, PublicOfficial.objects.filter(active=True).select_related("department")
        )
        self.fields["officials"].help_text = _(
            "Only officials of the record's department; hold Ctrl to choose several."
        )
        self.fields["facts"].help_text = _(
            "Published as written on the disclosure pages once the record is confirmed: "
            "describe what happened without naming individuals."
        )
        if self.instance.pk:
            # A record keeps its department; its officials are chosen among that department's.
            self.fields["officials"].queryset = self.fields["officials"].queryset.filter(
                department=self.instance.department_id
            )
            del self.fields["department"]
            del self.fields["files"]
            self.initial["disclose"] = "yes" if self.instance.disclose else "no"


class ConfirmForm(forms.Form):
    reason = _reason(label=_("Note"))


class RequireRectificationForm(forms.Form):
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the default of %(days)d days.")
        % {"days": settings.CHENGXIN_RECTIFICATION_DAYS},
    )
    requirements = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = _reason(label=_("Note"))


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=_("Written explanation of causes"), widget=forms.Textarea(attrs={"rows": 6})
    )


class ReportForm(forms.Form):
    content = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(label=_("Evidence"))


class VerifyForm(forms.Form):
    reason = _reason(required=True, label=_("Verification notes"))


class ReturnForm(forms.Form):
    reason = _reason(required=True, label=_("Why the report is returned"))


class CloseForm(forms.Form):
    reason = _reason(required=True)


class ExtendDeadlineForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = _reason(required=True)


class FaultToleranceClaimForm(forms.Form):
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Evidence"))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = _reason(required=True, label=_("Reasons"))


class CreditRepairForm(forms.Form):
    commitment_text = forms.CharField(
        label=_("Credit commitment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The department's written commitment to keep faith (信用承诺)."),
    )
    statement = forms.CharField(
        label=_("How the behaviour was corrected and obligations met"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Evidence"), required=True)


class PublicOfficialForm(ModelForm):
    class Meta:
        model = PublicOfficial
        fields = ["name", "employee_number", "department", "position", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scope import scope_queryset

        self.fields["department"].queryset = scope_queryset(user, Department.objects.all())


class CommendationForm(ModelForm):
    class Meta:
        model = Commendation
        fields = ["title", "level", "issuing_authority", "date", "department", "official"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scope import scope_queryset

        self.fields["department"].queryset = scope_queryset(user, Department.objects.all())
        self.fields["official"].queryset = scope_queryset(
            user, PublicOfficial.objects.select_related("department")
        )


class CommitmentForm(ModelForm):
    class Meta:
        model = Commitment
        fields = ["department", "content", "promised_date"]
        widgets = {"promised_date": DateInput(), "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from core.scope import scope_queryset

        self.fields["department"].queryset = scope_queryset(user, Department.objects.all())


class CommitmentAssessForm(forms.Form):
    fulfilled = forms.TypedChoiceField(
        label=_("Was the commitment kept?"),
        choices=[("yes", _("Kept")), ("no", _("Broken"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(label=_("Evidence files"))


class CommitmentToRecordForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial="general")
    issuing_authority = forms.CharField(label=_("Issuing authority"), required=False)
