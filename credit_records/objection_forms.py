"""The workspace forms of objections (异议申诉): filing one, and the credit office's steps
(acknowledge, suspend disclosure, decide). The services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, MultipleFileField

from .models import DishonestyRecord, ObjectionGrounds, ObjectionOutcome
from .services.objections import CORRECTABLE_FIELDS


class ObjectionForm(forms.Form):
    grounds = forms.ChoiceField(
        label=_("Grounds of the objection"),
        choices=[("", _("Choose the grounds")), *ObjectionGrounds.choices],
    )
    explanation = forms.CharField(
        label=_("Explanation of the objection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is wrong with the record, and what the evidence shows."),
    )
    files = MultipleFileField(label=_("Evidence"))


class ObjectionAcknowledgeForm(forms.Form):
    suspend_disclosure = forms.BooleanField(
        label=_("Suspend the record's public disclosure until the decision"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectionSuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


REJECT = "reject"


class ObjectionDecisionForm(forms.ModelForm):
    """Reject, or uphold by correcting the record (the fields below, prefilled with the
    record's values: change what is wrong) or by withdrawing it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (REJECT, _("Reject the objection")),
            (ObjectionOutcome.CORRECTED, _("Uphold: correct the record")),
            (ObjectionOutcome.WITHDRAWN, _("Uphold: withdraw the record")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    # A choice, not a checkbox: a form posted without it must not "correct" disclosure to no.
    disclose = forms.TypedChoiceField(
        label=_("Public disclosure"),
        choices=[
            ("", _("Unchanged")),
            ("yes", _("Publish within the disclosure window")),
            ("no", _("Do not publish")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = DishonestyRecord
        fields = list(CORRECTABLE_FIELDS)
        widgets = {
            # ISO, the only format a date input reads: the record's date is prefilled.
            "decision_date": DateInput(format="%Y-%m-%d"),
            "facts": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The corrections are optional: only an upheld correction reads them.
        for name in CORRECTABLE_FIELDS:
            self.fields[name].required = False
        self.initial.pop("disclose", None)
        self.order_fields(["decision", "reason", *CORRECTABLE_FIELDS])

    def _post_clean(self):
        # Not the model's validation: the service validates the corrected record, and only
        # when the decision corrects it.
        pass

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        decision = data["decision"]
        arguments = {"uphold": decision != REJECT, "reason": data["reason"]}
        if decision != REJECT:
            arguments["outcome"] = decision
        if decision == ObjectionOutcome.CORRECTED:
            arguments["corrections"] = {
                name: data[name] for name in CORRECTABLE_FIELDS if data.get(name) not in (None, "")
            }
        return arguments
