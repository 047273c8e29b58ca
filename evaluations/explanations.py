"""How a computed score was obtained, in words: each formula's stored inputs (kept as they
were computed, in ``Score.explanation``) read back as a translated sentence, with the
records, red flags, payments and debt assessments that counted linked to their workspace
pages.

A linked object outside the reader's scope is named by its number only, without a link
(``scope_queryset`` decides, as everywhere): a published round is read by every region.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from core.money import format_money
from core.scope import scope_queryset
from credit_records.models import DishonestyRecord

# Enough to check a score by hand; the rest are counted.
MAX_LINKS = 50


@dataclass(frozen=True)
class Link:
    label: str
    url: str = ""


@dataclass
class LinkGroup:
    label: str
    links: list[Link]
    more: int = 0


@dataclass
class Explanation:
    text: str
    groups: list[LinkGroup] = field(default_factory=list)
    # Nothing to measure: the score is full marks by convention, not earned.
    no_data: bool = False


EXPLAINERS: dict[str, Callable] = {}


def explains(key: str):
    def decorator(function):
        EXPLAINERS[key] = function
        return function

    return decorator


def explain(score, user) -> Explanation | None:
    """The explanation of a computed score, or None for a manual one."""
    explanation = score.explanation or {}
    explainer = EXPLAINERS.get(explanation.get("formula", ""))
    if explainer is None or "inputs" not in explanation:
        return None
    return explainer(explanation["inputs"], score.subject, user)


def _group(label: str, ids: list[int], links: Callable[[list[int]], dict[int, Link]]):
    if not ids:
        return None
    shown = ids[:MAX_LINKS]
    found = links(shown)
    return LinkGroup(
        label=label,
        links=[found.get(pk, Link(label=f"#{pk}")) for pk in shown],
        more=len(ids) - len(shown),
    )


def _record_links(user):
    def links(ids):
        visible = scope_queryset(user, DishonestyRecord.objects.filter(pk__in=ids))
        return {
            record.pk: Link(
                label=record.decision_number or f"#{record.pk}",
                url=reverse("workspace:record_detail", args=[record.pk]),
            )
            for record in visible.only("pk", "decision_number")
        }

    return links


def _flag_links(user):
    from procurement.models import RedFlag

    def links(ids):
        visible = scope_queryset(user, RedFlag.objects.filter(pk__in=ids)).select_related(
            "payment__contract"
        )
        result = {}
        for flag in visible:
            project_id = flag.project_id or (
                flag.payment.contract.project_id if flag.payment else None
            )
            result[flag.pk] = Link(
                label=f"#{flag.pk} {flag.get_rule_display()}",
                url=reverse("procurement:project_detail", args=[project_id]) if project_id else "",
            )
        return result

    return links


def _payment_links(user):
    from procurement.models import Payment

    def links(ids):
        visible = scope_queryset(user, Payment.objects.filter(pk__in=ids)).select_related(
            "contract__project"
        )
        return {
            payment.pk: Link(
                label=_("%(project)s, instalment %(sequence)s")
                % {"project": payment.contract.project.title, "sequence": payment.sequence},
                url=reverse("procurement:project_detail", args=[payment.contract.project_id]),
            )
            for payment in visible
        }

    return links


def _no_data(inputs) -> Explanation | None:
    if inputs.get("no_data"):
        return Explanation(text=_("Nothing to measure in the period: full marks."), no_data=True)
    return None


@explains("records_per_100_departments")
def _records_per_100_departments(inputs, subject, user):
    if inputs.get("no_data"):
        return Explanation(
            text=_("No active departments to measure: full marks (%(records)s records).")
            % {"records": inputs.get("records", 0)},
            no_data=True,
        )
    return Explanation(
        text=_(
            "%(records)s dishonesty records counted in %(departments)s departments → "
            "%(rate)s per 100 departments."
        )
        % {
            "records": inputs["records"],
            "departments": inputs["departments"],
            "rate": inputs["per_100_departments"],
        },
        groups=[
            group
            for group in [
                _group(_("Records counted"), inputs.get("record_ids", []), _record_links(user))
            ]
            if group
        ],
    )


@explains("rectification_on_time")
def _rectification_on_time(inputs, subject, user):
    if empty := _no_data(inputs):
        return empty
    on_time = set(inputs.get("on_time_record_ids", []))
    late = [pk for pk in inputs.get("record_ids", []) if pk not in on_time]
    awaiting = inputs.get("awaiting_verification_record_ids", [])
    return Explanation(
        text=_(
            "%(on_time)s of %(due)s rectifications due were done on time: the report that was "
            "verified had been submitted by the deadline."
        )
        % {"on_time": inputs["on_time"], "due": inputs["due"]},
        groups=[
            group
            for group in [
                _group(
                    _("Verified report submitted on time"), sorted(on_time), _record_links(user)
                ),
                _group(_("Late or not done"), late, _record_links(user)),
                _group(
                    _("Left out: report submitted by the deadline, awaiting verification"),
                    awaiting,
                    _record_links(user),
                ),
            ]
            if group
        ],
    )


@explains("escalated_rectifications")
def _escalated_rectifications(inputs, subject, user):
    return Explanation(
        text=_("%(escalated)s rectifications escalated to the parent region or further.")
        % {"escalated": inputs.get("escalated", 0)},
        groups=[
            group
            for group in [_group(_("Escalated"), inputs.get("record_ids", []), _record_links(user))]
            if group
        ],
    )


@explains("commitments_kept")
def _commitments_kept(inputs, subject, user):
    if empty := _no_data(inputs):
        return empty
    return Explanation(
        text=_("%(kept)s of %(assessed)s assessed commitments were kept.")
        % {"kept": inputs["kept"], "assessed": inputs["assessed"]}
    )


@explains("procurement_red_flags")
def _procurement_red_flags(inputs, subject, user):
    if empty := _no_data(inputs):
        return empty
    return Explanation(
        text=_(
            "%(flags)s red flags not dismissed on %(projects)s projects → %(rate)s per 100 "
            "projects."
        )
        % {
            "flags": inputs["flags"],
            "projects": inputs["projects"],
            "rate": inputs["per_100_projects"],
        },
        groups=[
            group
            for group in [
                _group(_("Red flags counted"), inputs.get("flag_ids", []), _flag_links(user))
            ]
            if group
        ],
    )


@explains("sme_payment_on_time")
def _sme_payment_on_time(inputs, subject, user):
    if empty := _no_data(inputs):
        return empty
    return Explanation(
        text=_("%(on_time)s of %(due)s payments due to SMEs were paid on time.")
        % {"on_time": inputs["on_time"], "due": inputs["payments_due"]},
        groups=[
            group
            for group in [
                _group(
                    _("Paid late or overdue"),
                    inputs.get("late_payment_ids", []),
                    _payment_links(user),
                )
            ]
            if group
        ],
    )


def _assessment_group(inputs, subject, user) -> list[LinkGroup]:
    from debt.models import RiskAssessment

    pk = inputs.get("assessment_id")
    if not pk:
        return []
    visible = scope_queryset(user, RiskAssessment.objects.filter(pk=pk)).exists()
    link = Link(
        label=_("Debt risk assessment %(year)s") % {"year": inputs["year"]},
        url=reverse("debt:region_detail", args=[subject.region.code]) if visible else "",
    )
    return [LinkGroup(label=_("Assessment used"), links=[link])]


def _years(inputs) -> dict:
    # Scores computed before the period's year was recorded used the period's own year.
    return {"year": inputs["year"], "period_year": inputs.get("period_year", inputs["year"])}


def _debt_no_data(inputs) -> Explanation | None:
    if inputs.get("no_data"):
        return Explanation(
            text=_("No debt risk assessment up to %(year)s: no data, full marks.")
            % {"year": inputs.get("period_year", inputs.get("year"))},
            no_data=True,
        )
    return None


@explains("debt_risk_grade")
def _debt_risk_grade(inputs, subject, user):
    from debt.models import Grade

    if empty := _debt_no_data(inputs):
        return empty
    return Explanation(
        text=_(
            "Debt risk grade %(grade)s (debt ratio %(ratio)s%%) in the assessment of %(year)s, "
            "the latest up to %(period_year)s."
        )
        % {
            "grade": Grade(inputs["grade"]).label,
            "ratio": inputs["debt_ratio"],
            **_years(inputs),
        },
        groups=_assessment_group(inputs, subject, user),
    )


@explains("debt_limit_compliance")
def _debt_limit_compliance(inputs, subject, user):
    if empty := _debt_no_data(inputs):
        return empty
    if inputs["limit_breached"]:
        text = _(
            "In the assessment of %(year)s, the latest up to %(period_year)s, the debt "
            "balances exceeded their limits; overdue debt %(overdue)s (100 million yuan)."
        )
    else:
        text = _(
            "In the assessment of %(year)s, the latest up to %(period_year)s, the debt "
            "balances stayed within their limits; overdue debt %(overdue)s (100 million yuan)."
        )
    return Explanation(
        text=text % {"overdue": format_money(inputs["overdue_amount"]), **_years(inputs)},
        groups=_assessment_group(inputs, subject, user),
    )


def _obligation_links(user):
    from procurement.models import Obligation

    def links(ids):
        visible = scope_queryset(user, Obligation.objects.filter(pk__in=ids)).select_related(
            "agreement"
        )
        return {
            obligation.pk: Link(
                label=_("%(agreement)s: %(obligation)s")
                % {"agreement": obligation.agreement.number, "obligation": obligation.description},
                url=reverse("procurement:agreement_detail", args=[obligation.agreement_id]),
            )
            for obligation in visible
        }

    return links


@explains("agreements_kept_on_time")
def _agreements_kept_on_time(inputs, subject, user):
    if empty := _no_data(inputs):
        return empty
    return Explanation(
        text=_("%(kept)s of %(due)s obligations of government agreements were fulfilled on time.")
        % {"kept": inputs["kept"], "due": inputs["obligations_due"]},
        groups=[
            group
            for group in [
                _group(
                    _("Fulfilled late or overdue"),
                    inputs.get("late_obligation_ids", []),
                    _obligation_links(user),
                )
            ]
            if group
        ],
    )


@explains("arrears_reduced")
def _arrears_reduced(inputs, subject, user):
    if inputs.get("no_data"):
        return Explanation(
            text=_("No arrears baseline for this region: no data, full marks."), no_data=True
        )
    return Explanation(
        text=_(
            "Arrears of %(outstanding)s yuan outstanding on %(date)s against a stock of "
            "%(baseline)s yuan on %(since)s: %(reduced)s yuan cleared."
        )
        % {
            "outstanding": inputs["outstanding"],
            "date": inputs["as_of"],
            "baseline": inputs["baseline_amount"],
            "since": inputs["baseline_as_of"],
            "reduced": inputs["reduced"],
        }
    )
