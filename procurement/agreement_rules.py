"""The rules of government agreements and the arrears ledger, as pure functions.

* An agreement binds the government side however its officials change: 《优化营商环境条例》
  art. 31 (State Council decree 722) — a government keeps the policy commitments and the
  contracts it lawfully made, and may not break them on the ground of a change of its
  administrative divisions, its organs or its officials (新官不理旧账).
* 《保障中小企业款项支付条例》 (decree 802) arts. 9 and 17: what is unpaid after it is due
  is arrears; art. 22 (paraphrased): arrears are cleared and reported; the ageing buckets
  below are the clearing campaigns' (清欠) reporting classes.

Edge rules, worked from these:

* Overdue: an obligation or an instalment is overdue from the day after its due date (the
  due day itself is still on time: Civil Code art. 201 counts a period from the next day and
  its last day is included). ``days_overdue`` is ``as_of − due_date``: 1 on the day after.
* An obligation due on a condition falls due ``days_after_condition`` days after the day the
  condition was met; a period ending on a rest day ends on the next working day (Civil Code
  art. 203). An agreed date is a date, not a period: it does not move.
* Ageing: by days overdue, ``1–30`` ("up to 30 days"), ``31–90``, ``91–180``, ``181–365``,
  ``366+`` ("over a year"): each bucket holds its upper edge (30 days overdue is in the first
  bucket, 31 in the second, 365 in the fourth, 366 in the last).
* New head: an obligation is marked when its department's head changed after the agreement
  was signed and no later than the first day the obligation was overdue (a change on that
  very day counts: the new head let it fall overdue).
"""

import datetime
import itertools
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.calendar import statutory_end

# (key, label, lowest days overdue, highest days overdue or None)
AGEING_BUCKETS = [
    ("d30", _("Up to 30 days"), 1, 30),
    ("d90", _("31–90 days"), 31, 90),
    ("d180", _("91–180 days"), 91, 180),
    ("d365", _("181–365 days"), 181, 365),
    ("over365", _("Over a year"), 366, None),
]


def condition_due_date(met_on: datetime.date, days_after: int) -> datetime.date:
    """The due date of an obligation whose condition was met on ``met_on``: the agreed days
    after it, rolled past rest days (Civil Code art. 203); the day itself with no days."""
    if not days_after:
        return met_on
    return statutory_end(met_on, days=days_after)


def obligation_due_date(
    *,
    agreed_due_date: datetime.date | None,
    condition_met_on: datetime.date | None,
    days_after_condition: int,
) -> datetime.date | None:
    """The agreed date; else, once the condition is met, the condition's due date; else
    none yet (the obligation awaits its condition)."""
    if agreed_due_date is not None:
        return agreed_due_date
    if condition_met_on is not None:
        return condition_due_date(condition_met_on, days_after_condition)
    return None


def days_overdue(due_date: datetime.date | None, as_of: datetime.date) -> int:
    """Days past the due date on ``as_of`` (0 on the due day and before)."""
    if due_date is None:
        return 0
    return max((as_of - due_date).days, 0)


def is_overdue(due_date: datetime.date | None, settled_on: datetime.date | None, as_of) -> bool:
    """Not settled by the end of the due day: still unsettled on a later ``as_of``, or
    settled after the due date (then it *was* overdue)."""
    if due_date is None:
        return False
    return (settled_on or as_of) > due_date


def obligation_status(
    *, due_date: datetime.date | None, fulfilled_on: datetime.date | None, as_of: datetime.date
) -> str:
    if fulfilled_on is not None:
        if due_date is not None and fulfilled_on > due_date:
            return "kept_late"
        return "kept"
    if due_date is None:
        return "awaiting"
    if as_of > due_date:
        return "overdue"
    return "not_due"


def ageing_bucket(days: int) -> str | None:
    """The bucket of ``days`` overdue; None when not overdue (0 or fewer days)."""
    for key, _label, low, high in AGEING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return key
    return None


def bucket_due_range(key: str, as_of: datetime.date) -> tuple[datetime.date | None, datetime.date]:
    """The due dates whose debts are in bucket ``key`` on ``as_of``, as (earliest or None,
    latest), inclusive: for the database to count each bucket with one range."""
    for bucket, _label, low, high in AGEING_BUCKETS:
        if bucket == key:
            latest = as_of - datetime.timedelta(days=low)
            earliest = as_of - datetime.timedelta(days=high) if high is not None else None
            return earliest, latest
    raise KeyError(key)


def head_change_before_overdue(
    *,
    signed_date: datetime.date,
    due_date: datetime.date | None,
    head_changes: list[datetime.date],
) -> datetime.date | None:
    """The latest change of head after signing and no later than the first overdue day."""
    if due_date is None:
        return None
    first_overdue = due_date + datetime.timedelta(days=1)
    within = [day for day in head_changes if signed_date < day <= first_overdue]
    return max(within) if within else None


def plan_problems(
    *,
    owed: Decimal,
    instalments: list[tuple[int, datetime.date, Decimal]],
    due_date: datetime.date,
) -> list[str]:
    """What is wrong with a repayment plan of ``(sequence, due date, amount)`` for a debt of
    ``owed``: its total may not exceed the debt (equal is a full plan), amounts are positive,
    and the due dates follow the instalments' order (two on one day are allowed)."""
    problems = []
    total = sum((amount for _seq, _date, amount in instalments), Decimal("0"))
    if total > owed:
        problems.append(
            str(
                _("The instalments total %(total)s yuan, more than the %(owed)s yuan owed.")
                % {"total": f"{total:,.2f}", "owed": f"{owed:,.2f}"}
            )
        )
    ordered = sorted(instalments)
    for (_s1, first, _a1), (_s2, second, _a2) in itertools.pairwise(ordered):
        if second < first:
            problems.append(str(_("Each instalment falls due no earlier than the one before.")))
            break
    return problems


def reduction(baseline: Decimal, outstanding: Decimal) -> tuple[Decimal, Decimal | None]:
    """How much the stock fell from the baseline (negative if it grew), and the share of the
    baseline, in per cent to two places (None for a baseline of zero)."""
    fall = baseline - outstanding
    if not baseline:
        return fall, None
    return fall, (fall * 100 / baseline).quantize(Decimal("0.01"))


def _money(value) -> str:
    return f"{Decimal(str(value)):,.2f}"


def describe_overdue(rule: str, e: dict) -> str:
    """The finding behind an overdue obligation's or instalment's flag, in the reader's
    language (``rules.describe_flag`` hands these two rules here)."""
    from django.utils.translation import gettext

    if rule == "obligation_overdue":
        what = e["obligation"]
        if e.get("amount"):
            what = gettext("%(what)s (%(amount)s yuan)") % {
                "what": what,
                "amount": _money(e["amount"]),
            }
        text = gettext(
            "Agreement %(agreement)s with %(enterprise)s: %(what)s was due on %(due)s, %(state)s, "
            "%(days)d days overdue."
        ) % {
            "agreement": e["agreement"],
            "enterprise": e["enterprise"],
            "what": what,
            "due": e["due_date"],
            "state": gettext("fulfilled on %(date)s") % {"date": e["fulfilled_on"]}
            if e.get("fulfilled_on")
            else gettext("still unfulfilled on %(date)s") % {"date": e["as_of"]},
            "days": e["days_overdue"],
        }
        if e.get("head_changed_on"):
            text += " " + gettext(
                "The department's head changed on %(date)s, before it fell overdue "
                "(新官不理旧账 risk)."
            ) % {"date": e["head_changed_on"]}
        return text
    return gettext(
        "Arrears %(reference)s: instalment %(sequence)d of %(amount)s yuan was due on %(due)s, "
        "%(state)s, %(days)d days overdue."
    ) % {
        "reference": e["reference"],
        "sequence": e["sequence"],
        "amount": _money(e["amount"]),
        "due": e["due_date"],
        "state": gettext("paid on %(date)s") % {"date": e["paid_on"]}
        if e.get("paid_on")
        else gettext("still unpaid on %(date)s") % {"date": e["as_of"]},
        "days": e["days_overdue"],
    }
