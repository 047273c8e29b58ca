"""The evaluations workspace (``/workspace/evaluations/``). Views read selectors and call
services; a round or subject the user may not see is a 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from core.views import add_form_errors

from . import explanations, indicators, results, selectors, services
from .filters import RoundFilter
from .forms import FeedbackForm, FeedbackWindowForm, RoundForm, ScoreForm, WeightsForm
from .models import ComputationStatus, Indicator, IndicatorKind, Round, RoundStatus, Scheme

VIEW_ROUND = "evaluations.view_round"
CHANGE_ROUND = "evaluations.change_round"
DELETE_ROUND = "evaluations.delete_round"


class EvaluationPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = VIEW_ROUND


class RoundListView(EvaluationPageMixin, FilterView):
    template_name = "evaluations/round_list.html"
    filterset_class = RoundFilter
    paginate_by = 50

    def get_queryset(self):
        return selectors.rounds(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("evaluations.add_round")
        return context


class RoundCreateView(EvaluationPageMixin, FormView):
    permission_required = "evaluations.add_round"
    template_name = "evaluations/form.html"
    form_class = RoundForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("New evaluation round")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            evaluation_round = services.round_create(actor=self.request.user, **data)
        except ValidationError as error:
            add_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round was created as a draft."))
        return redirect("evaluations:round_detail", evaluation_round.pk)


class RoundDetailView(EvaluationPageMixin, TemplateView):
    """The round's results: totals, grades, ranks, changes and chart; its progress while it
    is being computed (the page reloads itself every few seconds then)."""

    template_name = "evaluations/round_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        evaluation_round = selectors.round_for(user, kwargs["pk"])
        subjects = list(selectors.subjects(user, evaluation_round))
        cutoffs = evaluation_round.grade_cutoffs or services.grade_cutoffs()
        dimensions = selectors.dimension_names(evaluation_round)
        runs = selectors.organises(user, evaluation_round) and user.has_perm(CHANGE_ROUND)
        context.update(
            round=evaluation_round,
            subjects=subjects,
            dimensions=dimensions,
            rows=[
                {"subject": s, "dimensions": [s.dimension_scores.get(d) for d in dimensions]}
                for s in subjects
            ],
            cutoffs=cutoffs,
            chart=results.totals_chart(evaluation_round, subjects, cutoffs)
            if any(s.total is not None for s in subjects)
            else "",
            previous=services.previous_round(evaluation_round),
            actions=services.available_actions(evaluation_round) if runs else [],
            can_compute=runs and services.can_compute(evaluation_round),
            can_export=user.has_perm("evaluations.export_round"),
            can_delete=selectors.organises(user, evaluation_round)
            and user.has_perm(DELETE_ROUND)
            and services.deletion_refusal(evaluation_round) is None,
            refresh=evaluation_round.is_computing,
            completeness=selectors.round_completeness(evaluation_round)
            if runs and evaluation_round.status in (RoundStatus.DRAFT, RoundStatus.SCORING)
            else None,
        )
        context.update(self.feedback_context(evaluation_round, runs))
        return context

    def feedback_context(self, evaluation_round: Round, runs: bool) -> dict:
        """The feedback step: the window, the items the user may read (the organiser all,
        a region its own) and, for the organiser in review, the form moving the window."""
        user = self.request.user
        in_review = evaluation_round.status == RoundStatus.REVIEW
        return {
            "feedback_items": list(selectors.feedback(user, evaluation_round)),
            "feedback_open": services.feedback_window_is_open(evaluation_round),
            "unanswered": services.open_feedback_count(evaluation_round) if runs else None,
            "window_form": FeedbackWindowForm(
                initial={"feedback_closes": evaluation_round.feedback_closes}
            )
            if runs and in_review
            else None,
            "can_export_feedback": user.has_perm("evaluations.export_scorefeedback"),
        }


class RoundDeleteView(EvaluationPageMixin, TemplateView):
    """Asks before deleting a draft round; says why when the round cannot be deleted."""

    permission_required = DELETE_ROUND
    template_name = "evaluations/round_delete.html"

    def get_round(self) -> Round:
        evaluation_round = selectors.round_for(self.request.user, self.kwargs["pk"])
        if not selectors.organises(self.request.user, evaluation_round):
            # They see the round for their own subjects in it; only its organiser deletes it.
            raise PermissionDenied(_("Your role does not allow this action."))
        return evaluation_round

    def get_context_data(self, **kwargs):
        evaluation_round = self.get_round()
        return {
            **super().get_context_data(**kwargs),
            "round": evaluation_round,
            "subject_count": evaluation_round.subjects.count(),
            "refusal": services.deletion_refusal(evaluation_round),
        }

    def post(self, request, pk):
        evaluation_round = self.get_round()
        try:
            services.round_delete(actor=request.user, round=evaluation_round)
        except services.WorkflowConflict as error:
            messages.error(request, error.message)
            return redirect("evaluations:round_detail", pk)
        messages.success(
            request,
            _("The draft round “%(name)s” was deleted.") % {"name": evaluation_round.name},
        )
        return redirect("evaluations:round_list")


class RoundComputeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        if not request.user.has_perm(CHANGE_ROUND):
            raise PermissionDenied(_("Your role does not allow this action."))
        evaluation_round = selectors.round_for(request.user, pk)
        try:
            services.round_request_computation(actor=request.user, round=evaluation_round)
        except services.WorkflowConflict as error:
            messages.error(request, error.message)
        else:
            if evaluation_round.computation_status == ComputationStatus.FAILED:
                messages.error(request, evaluation_round.computation_error)
            else:
                messages.success(request, _("The computation was queued."))
        return redirect("evaluations:round_detail", pk)


class RoundActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        if action not in services.ROUND_ACTIONS:
            raise Http404
        if not request.user.has_perm(CHANGE_ROUND):
            raise PermissionDenied(_("Your role does not allow this action."))
        evaluation_round = selectors.round_for(request.user, pk)
        try:
            services.ROUND_ACTIONS[action](actor=request.user, round=evaluation_round)
        except services.WorkflowConflict as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Done: %(action)s.") % {"action": services.TRANSITIONS[action]}
            )
        return redirect("evaluations:round_detail", pk)


class RoundExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        if not request.user.has_perm("evaluations.export_round"):
            raise PermissionDenied(_("Your role does not allow exports."))
        evaluation_round = selectors.round_for(request.user, pk)
        subjects = list(selectors.subjects(request.user, evaluation_round))
        return results.xlsx_response(
            evaluation_round,
            subjects,
            selectors.dimension_names(evaluation_round),
            selectors.weights_used(evaluation_round),
        )


class SubjectDetailView(EvaluationPageMixin, TemplateView):
    """One subject's scores, each with how it was obtained; evaluators enter the manual
    scores here while the round is in scoring."""

    template_name = "evaluations/subject_detail.html"

    def setup_objects(self):
        user = self.request.user
        self.round = selectors.round_for(user, self.kwargs["pk"])
        self.subject = selectors.subject_for(user, self.round, self.kwargs["subject_pk"])
        self.can_score = (
            self.round.status == RoundStatus.SCORING
            and user.has_perm("evaluations.change_score")
            and selectors.organises(user, self.round)
        )

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        if not self.can_score:
            raise PermissionDenied(_("Your role does not allow this action."))
        form = ScoreForm(request.POST)
        if form.is_valid():
            indicator = Indicator.objects.filter(
                pk=form.cleaned_data["indicator"], dimension__scheme=self.round.scheme
            ).first()
            if indicator is None:
                raise Http404
            try:
                services.score_enter(
                    actor=request.user,
                    round=self.round,
                    subject=self.subject,
                    indicator=indicator,
                    value=form.cleaned_data["value"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            except services.WorkflowConflict as error:
                messages.error(request, error.message)
                return redirect(request.path)
            else:
                messages.success(request, _("The score was saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(failed=form))

    def get_context_data(self, failed=None, failed_feedback=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The evaluated region's office files feedback on any of its scores while the
        # feedback window is open, one item awaiting an answer per score.
        may_file = (
            user.has_perm("evaluations.add_scorefeedback")
            and selectors.represents(user, self.subject)
            and services.feedback_window_is_open(self.round)
        )
        feedback_by_score: dict[int, list] = {}
        for item in selectors.feedback(user, self.round).filter(subject=self.subject):
            feedback_by_score.setdefault(item.score_id, []).append(item)
        scores = list(
            self.subject.scores.select_related(
                "indicator__dimension", "scored_by", "subject__region"
            )
        )
        items = []
        for score in scores:
            indicator = score.indicator
            formula = indicators.REGISTRY.get(indicator.formula_key)
            form = None
            if self.can_score and indicator.kind != IndicatorKind.COMPUTED:
                if failed is not None and failed.data.get("indicator") == str(indicator.pk):
                    form = failed
                else:
                    form = ScoreForm(
                        initial={
                            "indicator": indicator.pk,
                            "value": score.value,
                            "evidence": score.evidence,
                        },
                        auto_id=f"id_%s_{indicator.pk}",
                    )
            feedback = feedback_by_score.get(score.pk, [])
            feedback_form = None
            if may_file and not any(item.is_open for item in feedback):
                if failed_feedback is not None and failed_feedback.data.get("indicator") == str(
                    indicator.pk
                ):
                    feedback_form = failed_feedback
                else:
                    feedback_form = FeedbackForm(
                        initial={"indicator": indicator.pk}, auto_id=f"id_fb_%s_{indicator.pk}"
                    )
            items.append(
                {
                    "score": score,
                    "indicator": indicator,
                    "formula_text": indicator.formula_text or (formula.text if formula else ""),
                    "explanation": explanations.explain(score, self.request.user),
                    "form": form,
                    "feedback": feedback,
                    "feedback_form": feedback_form,
                }
            )
        for refused, key in ((failed, "form"), (failed_feedback, "feedback_form")):
            if refused is not None and not any(item[key] is refused for item in items):
                # A form for an indicator without one here (a computed score, a score whose
                # feedback awaits an answer): say why it was refused at the top of the page
                # rather than dropping it silently.
                context.setdefault("errors", []).extend(
                    message for field_errors in refused.errors.values() for message in field_errors
                )
        context.update(
            round=self.round,
            subject=self.subject,
            items=items,
            may_file=may_file,
        )
        return context


class SchemeListView(EvaluationPageMixin, TemplateView):
    template_name = "evaluations/scheme_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "schemes": selectors.schemes(self.request.user),
        }


class SchemeDetailView(EvaluationPageMixin, FormView):
    """A scheme's dimensions and indicators, with their formulas; supervisors may change the
    weights (they must total 100)."""

    template_name = "evaluations/scheme_detail.html"
    form_class = WeightsForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # Sign in first: a visitor is not told whether the scheme exists.
            return self.handle_no_permission()
        try:
            self.scheme = selectors.schemes(request.user).get(pk=kwargs["pk"])
        except Scheme.DoesNotExist:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scheme": self.scheme}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        dimensions = []
        for dimension in self.scheme.dimensions.prefetch_related("indicators"):
            rows = []
            for indicator in dimension.indicators.all():
                formula = indicators.REGISTRY.get(indicator.formula_key)
                rows.append(
                    {
                        "indicator": indicator,
                        "formula_text": indicator.formula_text or (formula.text if formula else ""),
                    }
                )
            dimensions.append({"dimension": dimension, "indicators": rows})
        locking = services.rounds_locking_weights(self.scheme)
        visible_locking = list(
            selectors.rounds(self.request.user).filter(pk__in=locking.values("pk"))
        )
        context.update(
            scheme=self.scheme,
            dimensions=dimensions,
            may_change=self.may_change(),
            # Only rounds in the user's scope are named; the others are counted.
            locking_rounds=visible_locking,
            other_locking_rounds=locking.count() - len(visible_locking),
            rounds=Round.objects.filter(scheme=self.scheme).count(),
        )
        context["can_change"] = context["may_change"] and not locking.exists()
        return context

    def may_change(self) -> bool:
        user = self.request.user
        return user.has_perm("evaluations.change_indicator") and services.may_change_weights(user)

    def form_valid(self, form):
        if not self.may_change():
            raise PermissionDenied(
                _("Only the province's supervisors may change a scheme's weights.")
            )
        dimensions, weights = form.weights()
        max_points, descriptions = form.points_and_descriptions()
        try:
            services.scheme_set_weights(
                actor=self.request.user,
                scheme=self.scheme,
                dimensions=dimensions,
                indicators=weights,
                max_points=max_points,
                descriptions=descriptions,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        except services.WorkflowConflict as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The weights, maximum points and descriptions were saved.")
        )
        return redirect(reverse("evaluations:scheme_detail", args=[self.scheme.pk]))
