"""The anonymous evaluation results page (``/public/evaluations/``): published rounds only,
built from ``selectors.published_rounds``; unpublished rounds do not exist here."""

from django.utils.translation import gettext as _

from core.public import public_page, render_public

from . import results, selectors


@public_page
def evaluation_results(request):
    rounds = list(selectors.published_rounds().order_by("-period_end", "name"))
    selected = None
    wanted = request.GET.get("round")
    for evaluation_round in rounds:
        if wanted and str(evaluation_round.pk) == wanted:
            selected = evaluation_round
    if selected is None and rounds:
        selected = rounds[0]
    context = {"rounds": rounds, "round": selected, "page_title": _("Evaluation results")}
    if selected is not None:
        subjects = list(selected.subjects.select_related("region").order_by("rank", "name"))
        dimensions = selectors.dimension_names(selected)
        context.update(
            dimensions=dimensions,
            rows=[
                {"subject": s, "dimensions": [s.dimension_scores.get(d) for d in dimensions]}
                for s in subjects
            ],
            chart=results.totals_chart(selected, subjects, selected.grade_cutoffs),
        )
    return render_public(request, "public/evaluations.html", context)
