"""Evaluations' panel on the workspace cockpit (``core.cockpit``): the latest published
round's results for the subjects in the user's scope. Registered in ``apps.py``."""

from django.db.models import Count
from django.utils.translation import gettext as _

from core.cockpit import Figure, Panel, list_url

from . import selectors

SHOWN = 5


def evaluations_panel(user) -> Panel | None:
    if not user.has_perm("evaluations.view_round"):
        return None
    evaluation_round = selectors.latest_published_round(user)
    if evaluation_round is None:
        return None
    in_scope = selectors.results_in_scope(user, evaluation_round)
    rows = list(in_scope[:SHOWN])
    if not rows:
        return None
    # A published round's results are public: its page lists every subject.
    total = evaluation_round.subjects.aggregate(count=Count("pk"))["count"]
    return Panel(
        template="evaluations/cockpit.html",
        context={
            "round": evaluation_round,
            "rows": rows,
            "shown": SHOWN,
            "all": Figure(
                _("Evaluated subjects"),
                total,
                list_url("evaluations:round_detail", evaluation_round.pk),
            ),
        },
    )
