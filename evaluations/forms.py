"""Forms of the evaluations workspace; each is handed to a service, whose errors are shown
next to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, ModelForm, MultipleFileField
from core.models import RegionLevel
from core.scope import departments_in_scope, regions_in_scope

from .models import IndicatorKind, Round, Scheme, SubjectLevel


class RoundForm(ModelForm):
    """A new round. Its subjects are every region (or department) of the chosen level below
    the organising region, unless the official picks some: only those in their scope are
    offered, and ``services.round_create`` checks that each is below the organising region
    and of the round's level."""

    subjects = forms.MultipleChoiceField(
        label=_("Subjects to evaluate"),
        required=False,
        help_text=_(
            "Leave empty to evaluate every one of the chosen level below the organising "
            "region. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = Round
        fields = ["name", "scheme", "organiser", "level", "period_start", "period_end"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = regions_in_scope(user).exclude(level=RegionLevel.COUNTY)
        self.fields["scheme"].queryset = Scheme.objects.all()
        self.fields["scheme"].initial = Scheme.objects.filter(is_default=True).first()
        regions = regions_in_scope(user).filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
        departments = departments_in_scope(user).filter(active=True)
        self.offered = {
            **{f"region-{region.pk}": region for region in regions.order_by("code")},
            **{
                f"department-{department.pk}": department
                for department in departments.order_by("region__code", "name")
            },
        }
        groups = {
            SubjectLevel.CITY: [],
            SubjectLevel.COUNTY: [],
            SubjectLevel.DEPARTMENT: [],
        }
        for key, subject in self.offered.items():
            if key.startswith("department-"):
                groups[SubjectLevel.DEPARTMENT].append((key, f"{subject.name}（{subject.region}）"))
            else:
                groups[subject.level].append((key, f"{subject.name}（{subject.code}）"))
        self.fields["subjects"].choices = [
            (SubjectLevel(level).label, choices) for level, choices in groups.items() if choices
        ]

    def clean_subjects(self):
        """The chosen regions and departments, or None for the default (all of the level)."""
        chosen = self.cleaned_data["subjects"]
        return [self.offered[key] for key in chosen] or None


class ScoreForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("score"), max_digits=7, decimal_places=2)
    evidence = forms.CharField(
        label=_("evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class WeightsForm(forms.Form):
    """One weight field per dimension and per weighted indicator of a scheme, a maximum per
    bonus or deduction item, and the description of every item evaluators score (computed
    indicators keep their documented formula)."""

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.rows = []
        for dimension in scheme.dimensions.prefetch_related("indicators"):
            name = f"d{dimension.pk}"
            self.fields[name] = forms.DecimalField(
                label=dimension.name, initial=dimension.weight, max_digits=7, decimal_places=2
            )
            items = []
            for indicator in dimension.indicators.all():
                if indicator.is_weighted:
                    field_name = f"i{indicator.pk}"
                    self.fields[field_name] = forms.DecimalField(
                        label=indicator.name,
                        initial=indicator.weight,
                        max_digits=7,
                        decimal_places=2,
                    )
                    items.append(self[field_name])
                else:
                    field_name = f"m{indicator.pk}"
                    self.fields[field_name] = forms.DecimalField(
                        label=_("%(indicator)s: maximum points") % {"indicator": indicator.name},
                        initial=indicator.max_points,
                        # A client changing only the weights may leave it out (unchanged).
                        required=not self.is_bound or field_name in self.data,
                        min_value=0,
                        max_value=100,
                        max_digits=7,
                        decimal_places=2,
                    )
                    items.append(self[field_name])
                if indicator.kind != IndicatorKind.COMPUTED:
                    field_name = f"t{indicator.pk}"
                    self.fields[field_name] = forms.CharField(
                        label=_("%(indicator)s: how it is scored") % {"indicator": indicator.name},
                        initial=indicator.formula_text,
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                    items.append(self[field_name])
            self.rows.append({"dimension": self[name], "indicators": items})

    def weights(self) -> tuple[dict, dict]:
        dimensions, indicators = {}, {}
        for name, value in self.cleaned_data.items():
            if name[0] in "di":
                (dimensions if name[0] == "d" else indicators)[int(name[1:])] = value
        return dimensions, indicators

    def points_and_descriptions(self) -> tuple[dict, dict]:
        """The maximum points and descriptions posted (a field left out of the request, by a
        client that only changes weights, is left as it is)."""
        max_points, descriptions = {}, {}
        for name, value in self.cleaned_data.items():
            if name[0] in "mt" and name in self.data:
                (max_points if name[0] == "m" else descriptions)[int(name[1:])] = value
        return max_points, descriptions


class FeedbackForm(forms.Form):
    """An evaluated region's feedback on one of its scores (``services.feedback_file``)."""

    indicator = forms.IntegerField(widget=forms.HiddenInput)
    explanation = forms.CharField(
        label=_("explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is wrong with the score, and what the evidence shows."),
    )
    proposed_value = forms.DecimalField(
        label=_("score asked for"), max_digits=7, decimal_places=2, required=False
    )
    files = MultipleFileField(label=_("evidence files"))


class FeedbackAnswerForm(forms.Form):
    """The organiser's answer (``services.feedback_answer``)."""

    decision = forms.ChoiceField(
        label=_("answer"),
        choices=[
            ("accept", _("Accept and rescore")),
            ("reject", pgettext_lazy("evaluation feedback", "Reject")),
        ],
        widget=forms.RadioSelect,
    )
    value = forms.DecimalField(
        label=_("new score"),
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text=_("When accepting: the score the indicator gets now."),
    )
    reason = forms.CharField(label=_("reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackWindowForm(forms.Form):
    feedback_closes = forms.DateField(label=_("feedback accepted until"), widget=DateInput())
