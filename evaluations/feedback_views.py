"""The feedback pages of the evaluations workspace (初评—反馈—复评): a region files feedback on
a draft score from its subject page, the organiser answers each item on its page and moves
the last day of feedback; the evidence files and the round's feedback register (XLSX/CSV).
Feedback a user may not read is a 404 (``selectors.feedback``)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core import access_log
from core.exports import Column, export_response
from core.views import add_form_errors

from . import selectors, services
from .forms import FeedbackAnswerForm, FeedbackForm, FeedbackWindowForm
from .models import FeedbackStatus, RoundStatus
from .views import CHANGE_ROUND, VIEW_ROUND, EvaluationPageMixin, SubjectDetailView

ADD_FEEDBACK = "evaluations.add_scorefeedback"
ANSWER_FEEDBACK = "evaluations.change_scorefeedback"


class FeedbackCreateView(SubjectDetailView):
    """The subject page's feedback form posts here; a refused form is shown again on the
    subject page, next to its score."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        if not request.user.has_perm(ADD_FEEDBACK):
            raise PermissionDenied(_("Your role does not allow this action."))
        # The ids of the subject page's form for this indicator, should it be shown again.
        auto_id = f"id_fb_%s_{request.POST.get('indicator', '')}"
        form = FeedbackForm(request.POST, request.FILES, auto_id=auto_id)
        if form.is_valid():
            score = selectors.scores(request.user, self.round).filter(
                subject=self.subject, indicator_id=form.cleaned_data["indicator"]
            )
            score = score.first()
            if score is None:
                raise Http404
            try:
                feedback = services.feedback_file(
                    actor=request.user,
                    score=score,
                    explanation=form.cleaned_data["explanation"],
                    proposed_value=form.cleaned_data["proposed_value"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            except services.WorkflowConflict as error:
                messages.error(request, error.message)
                return redirect("evaluations:subject_detail", self.round.pk, self.subject.pk)
            else:
                messages.success(
                    request, _("Your feedback was filed; the organiser will answer it.")
                )
                return redirect(services.feedback_url(feedback))
        return self.render_to_response(self.get_context_data(failed_feedback=form))


class FeedbackDetailView(EvaluationPageMixin, TemplateView):
    """One feedback item: the score, the explanation and evidence, and the answer; the
    organiser answers it here while the round is under review."""

    permission_required = (VIEW_ROUND, "evaluations.view_scorefeedback")
    template_name = "evaluations/feedback_detail.html"

    def setup_objects(self):
        user = self.request.user
        self.round = selectors.round_for(user, self.kwargs["pk"])
        self.feedback = selectors.feedback_for(user, self.round, self.kwargs["feedback_pk"])
        self.can_answer = (
            self.feedback.is_open
            and self.round.status == RoundStatus.REVIEW
            and user.has_perm(ANSWER_FEEDBACK)
            and selectors.organises(user, self.round)
        )

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        if not self.can_answer:
            raise PermissionDenied(_("Your role does not allow this action."))
        form = FeedbackAnswerForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.feedback_answer(
                    actor=request.user,
                    feedback=self.feedback,
                    accept=data["decision"] == "accept",
                    value=data["value"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_form_errors(form, error)
            except services.WorkflowConflict as error:
                messages.error(request, error.message)
                return redirect(request.path)
            else:
                messages.success(request, _("The feedback was answered."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            round=self.round,
            feedback=self.feedback,
            score=self.feedback.score,
            subject=self.feedback.subject,
            form=(form or FeedbackAnswerForm()) if self.can_answer else None,
        )
        return context


class FeedbackWindowView(LoginRequiredMixin, View):
    """The organiser moves the last day of feedback."""

    def post(self, request, pk):
        if not request.user.has_perm(CHANGE_ROUND):
            raise PermissionDenied(_("Your role does not allow this action."))
        evaluation_round = selectors.round_for(request.user, pk)
        if not selectors.organises(request.user, evaluation_round):
            raise PermissionDenied(_("Your role does not allow this action."))
        form = FeedbackWindowForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("evaluations:round_detail", pk)
        try:
            services.round_set_feedback_window(
                actor=request.user,
                round=evaluation_round,
                closes=form.cleaned_data["feedback_closes"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except services.WorkflowConflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The last day of feedback was changed."))
        return redirect("evaluations:round_detail", pk)


class FeedbackAttachmentDownloadView(LoginRequiredMixin, View):
    """Evidence is never public: only users who may read the feedback get its files."""

    def get(self, request, pk):
        if not request.user.has_perm("evaluations.view_feedbackattachment"):
            raise PermissionDenied
        attachment = selectors.feedback_attachments(request.user).filter(pk=pk).first()
        if attachment is None:
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing from storage.")) from None
        access_log.record(
            request,
            action=access_log.AccessAction.DOWNLOAD,
            obj=attachment,
            label=attachment.original_name,
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


def feedback_columns() -> list[Column]:
    return [
        Column.field(_("Round"), "round__name"),
        Column.field(_("Region code"), "subject__region__code"),
        Column.field(_("Subject"), "subject__name"),
        Column.field(_("Dimension"), "score__indicator__dimension__name"),
        Column.field(_("Indicator"), "score__indicator__name"),
        Column.field(_("Score when filed"), "score_at_filing"),
        Column.field(_("Score asked for"), "proposed_value"),
        Column.field(_("Explanation"), "explanation"),
        Column.field(_("Filed by"), "filed_by__username"),
        Column.field(_("Filed at"), "filed_at"),
        Column.choice(_("Status"), "status", FeedbackStatus.choices),
        Column.field(_("New score"), "new_value"),
        Column.field(_("Reasons of the answer"), "decision_reason"),
        Column.field(_("Answered by"), "decided_by__username"),
        Column.field(_("Answered at"), "decided_at"),
    ]


class FeedbackExportView(LoginRequiredMixin, View):
    """The round's feedback register as the user may read it (``?format=csv``, else XLSX)."""

    def get(self, request, pk):
        if not request.user.has_perms((VIEW_ROUND, "evaluations.export_scorefeedback")):
            raise PermissionDenied(_("Your role does not allow exports."))
        evaluation_round = selectors.round_for(request.user, pk)
        rows = selectors.feedback(request.user, evaluation_round).order_by(
            "subject__region__code", "filed_at", "pk"
        )
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        access_log.record(
            request,
            action=access_log.AccessAction.EXPORT,
            obj=evaluation_round,
            label=f"{evaluation_round} {_('Feedback')}",
        )
        return export_response(
            fmt,
            rows,
            feedback_columns(),
            filename=_("feedback-register-%(pk)s") % {"pk": evaluation_round.pk},
            sheet=_("Feedback"),
        )
