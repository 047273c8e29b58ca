"""The forms that ask for a report (period, sections, purpose) and for a verification."""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import ReportPurpose
from core.uploads import validate_attachment

from .sections import section_choices
from .services import normalize_code, validate_period

# A period a requester does not choose: the last three years up to today.
DEFAULT_YEARS = 3


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - relativedelta(years=DEFAULT_YEARS) + datetime.timedelta(days=1), today


class ReportRequestForm(forms.Form):
    """Period and sections; the official variant adds the purpose."""

    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Period end"), widget=DateInput)
    sections = forms.MultipleChoiceField(
        label=_("Sections"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    public = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = section_choices(public=self.public)
        self.fields["sections"].choices = choices
        today = timezone.localdate()
        start, end = default_period(today)
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end
        self.fields["sections"].initial = [key for key, _label in choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            try:
                validate_period(start, end, timezone.localdate())
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return data


class PublicReportForm(ReportRequestForm):
    public = True

    @classmethod
    def from_query(cls, query):
        """The public report's query string; missing fields take their defaults."""
        data = query.copy()
        today = timezone.localdate()
        start, end = default_period(today)
        data.setdefault("period_start", start.isoformat())
        data.setdefault("period_end", end.isoformat())
        if not data.getlist("sections"):
            data.setlist("sections", [key for key, _label in section_choices(public=True)])
        return cls(data)


class OfficialReportForm(ReportRequestForm):
    public = False

    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[("", "—")] + [c for c in ReportPurpose.choices if c[0] != ReportPurpose.PUBLIC],
    )
    purpose_note = forms.CharField(
        label=_("Purpose details"),
        max_length=200,
        required=False,
        help_text=_("Required for “other purpose”: the procedure the report is for."),
    )

    field_order = ["purpose", "purpose_note", "period_start", "period_end", "sections"]

    def clean(self):
        data = super().clean()
        if data.get("purpose") == ReportPurpose.OTHER and not data.get("purpose_note", "").strip():
            self.add_error("purpose_note", _("Say what the report is for."))
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40, required=False)
    file = forms.FileField(
        label=_("Or the report's PDF file"),
        required=False,
        help_text=_("The file as it was issued; any change makes it fail."),
    )

    def clean_code(self):
        code = self.cleaned_data.get("code", "").strip()
        if code and not normalize_code(code):
            raise ValidationError(
                _("A verification code has 20 letters and digits, e.g. ABCDE-12345-FGHJK-67890.")
            )
        return normalize_code(code) if code else ""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            if not uploaded.name.lower().endswith(".pdf"):
                raise ValidationError(_("Upload the report's PDF file."))
            validate_attachment(uploaded)
        return uploaded

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("file"):
            raise ValidationError(_("Enter a verification code or upload the report's file."))
        return data
