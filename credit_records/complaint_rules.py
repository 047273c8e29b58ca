"""Time limits of complaints (投诉举报), as pure functions of the law and the working-day
calendar; the numbers are settings (``CHENGXIN_COMPLAINT_*``), their defaults from:

* late payment to an SME (拖欠中小企业账款): the MIIT's 《保障中小企业款项支付投诉处理暂行办法》
  (工信部企业〔2021〕224号) has the accepting department review a complaint within **10 working
  days** of receiving it and decide whether to accept it; the handling department reaches a
  result within **30 days** (the default handling period here);
* every other complaint: 《信访工作条例》(2022) — decide whether to accept within **15 days**,
  handle within **60 days** of acceptance;
* a period counted in days whose last day is a rest day or public holiday ends on the next
  working day (民法典 art. 203); one counted in working days is counted on the calendar itself.
"""

import datetime

from django.conf import settings

from core.calendar import add_working_days, is_working_day

from .models.complaints import ComplaintCategory


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` if it is a working day, else the first working day after it (民法典 art. 203)."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def decision_due(category: str, received_on: datetime.date) -> datetime.date:
    """The last day to accept or reject a complaint received on ``received_on``."""
    if category == ComplaintCategory.SME_ARREARS:
        return add_working_days(received_on, settings.CHENGXIN_COMPLAINT_SME_DECISION_WORKING_DAYS)
    return next_working_day(
        received_on + datetime.timedelta(days=settings.CHENGXIN_COMPLAINT_DECISION_DAYS)
    )


def handling_due(category: str, accepted_on: datetime.date) -> datetime.date:
    """The last day to close a complaint accepted on ``accepted_on`` with its outcome."""
    days = (
        settings.CHENGXIN_COMPLAINT_SME_HANDLING_DAYS
        if category == ComplaintCategory.SME_ARREARS
        else settings.CHENGXIN_COMPLAINT_HANDLING_DAYS
    )
    return next_working_day(accepted_on + datetime.timedelta(days=days))


def escalation_offsets() -> tuple[int, int]:
    """Days after the limit of step 1 (overdue, told to the handling office) and step 2
    (escalated to the parent region's office)."""
    return 1, 1 + settings.CHENGXIN_COMPLAINT_ESCALATION_DAYS


def handled_on_time(
    *,
    decision_due: datetime.date,
    decided_on: datetime.date,
    handling_due: datetime.date | None = None,
    closed_on: datetime.date | None = None,
) -> bool:
    """A complaint is handled on time when it was accepted or rejected by its decision limit
    and, if accepted, closed by its handling limit (both days included)."""
    if decided_on > decision_due:
        return False
    if closed_on is None:
        return True
    return handling_due is not None and closed_on <= handling_due
