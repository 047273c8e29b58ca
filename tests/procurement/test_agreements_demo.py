"""The demo's government agreements and arrears: every state of an obligation, one overdue
after a change of head, one confirmed into a violation with its record, arrears in the
ledger with a plan and its overdue instalment flagged; loading it twice adds nothing."""

import pytest
from django.core.management import call_command

from procurement import agreement_rules as ar
from procurement import ledger
from procurement.models import (
    Agreement,
    ArrearsItem,
    FlagRule,
    FlagStatus,
    Obligation,
    Payment,
    RedFlag,
)

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_state_and_is_idempotent(regions, time_machine):
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Agreement.objects.count(), Obligation.objects.count(), ArrearsItem.objects.count())
    import datetime

    today = datetime.date(2026, 11, 20)
    statuses = {
        ar.obligation_status(due_date=o.due_date, fulfilled_on=o.fulfilled_on, as_of=today)
        for o in Obligation.objects.all()
    }
    assert statuses == {"awaiting", "not_due", "overdue", "kept", "kept_late"}
    marked = Obligation.objects.get(head_changed_on__isnull=False)
    assert marked.agreement.number == "JNZJ-GC-2024-07"
    assert (
        RedFlag.objects.filter(rule=FlagRule.OBLIGATION_OVERDUE, status=FlagStatus.CONFIRMED)
        .get()
        .violation.record
        is not None
    )
    assert RedFlag.objects.filter(rule=FlagRule.INSTALMENT_OVERDUE).exists()
    found = ledger.lines(ArrearsItem.objects.all(), Payment.objects.all(), today)
    buckets = {line.bucket for line in found if line.bucket}
    assert {"d30", "d90", "d180", "d365", "over365"} <= buckets
    assert any(line.is_individual for line in found)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Agreement.objects.count(),
        Obligation.objects.count(),
        ArrearsItem.objects.count(),
    ) == counts
