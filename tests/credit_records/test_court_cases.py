"""Court enforcement against government bodies (府院联动), from the court's notice to the
record: a pre-listing warning to the department and its credit office with a deadline in
working days and reminders before it, a settlement closed with its evidence, a listing that
drafts a "dishonest judgment debtor" record, a delisting recorded, and the open cases per
city counted towards zero."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.deadlines import send_reminders
from core.exceptions import WorkflowConflict
from core.models import Notification, ReminderLog
from credit_records.court_case_deadlines import SETTLEMENT_KIND
from credit_records.models import (
    CourtCase,
    CourtCaseStatus,
    IntakeItem,
    IntakeKind,
    RecordCategory,
    RecordStatus,
    Severity,
)
from credit_records.services import court_cases, intake

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.intake import court_item, make_source

pytestmark = pytest.mark.django_db

D = datetime.date
COURT_CASES = "/api/v1/intake/court-cases/"


@pytest.fixture
def court(regions):
    account = UserFactory(username="court", role="Intake platform")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=account).key}")
    source = make_source(code="xuanwu-court", kind=IntakeKind.COURT_CASE, account=account)
    return client, source


def push(court, *items):
    client, source = court
    response = client.post(
        COURT_CASES, {"source": source.code, "items": list(items)}, format="json"
    )
    assert response.status_code == 200, response.content
    return [IntakeItem.objects.get(pk=entry["id"]) for entry in response.json()["items"]]


def test_settle_by_is_the_configured_number_of_working_days_after_the_notice(regions):
    # Monday 2 March 2026: ten working days on (no holiday in between) is Monday 16 March.
    assert court_cases.settle_by(D(2026, 3, 2)) == D(2026, 3, 16)
    with override_settings(CHENGXIN_COURT_CASE_SETTLE_WORKING_DAYS=5):
        assert court_cases.settle_by(D(2026, 3, 2)) == D(2026, 3, 9)
        # A Friday's notice: the weekend does not count.
        assert court_cases.settle_by(D(2026, 3, 6)) == D(2026, 3, 13)


def test_a_court_case_from_notice_to_record_and_delisting(
    time_machine, court, nanjing_department, nanjing_liaison, nanjing_supervisor, login
):
    time_machine.move_to(at(D(2026, 3, 2)), tick=False)
    settled_case, listed_case = "(2026)苏0102执100号", "(2026)苏0102执200号"
    notices = push(
        court,
        court_item("pre_listing", settled_case, nanjing_department.uscc, "2026-03-02"),
        court_item("pre_listing", listed_case, nanjing_department.uscc, "2026-03-02"),
    )
    for notice in notices:
        intake.intake_item_accept(item=notice, actor=nanjing_supervisor)
    first = CourtCase.objects.get(case_number=settled_case)
    assert (first.status, first.settle_by) == (CourtCaseStatus.WARNING, D(2026, 3, 16))
    warned = Notification.objects.filter(title__contains="即将被纳入失信被执行人名单")
    assert {n.recipient for n in warned} == {nanjing_liaison, nanjing_supervisor}

    # Seven days before the last day, the reminder scan reminds both of each case.
    time_machine.move_to(at(D(2026, 3, 9)), tick=False)
    assert send_reminders() == 2
    assert ReminderLog.objects.filter(kind=SETTLEMENT_KIND, days_before=7).count() == 2
    assert send_reminders() == 0  # once

    # The cockpit's figure and the page: two open cases in 南京, zero elsewhere.
    client = login(nanjing_supervisor)
    page = client.get("/workspace/court-cases/?status=open")
    assert page.context["open_total"] == 2
    assert [row["open"] for row in page.context["by_city"]] == [2]
    home = client.get("/workspace/")
    assert any(f.value == 2 for f in home.context["cockpit"]["overdue"] if "府院" in f.label)

    # Settled in time, with the evidence.
    time_machine.move_to(at(D(2026, 3, 12)), tick=False)
    client = login(nanjing_supervisor)  # a new day's session
    with pytest.raises(ValidationError) as refused:
        court_cases.court_case_settle(
            case=first, actor=nanjing_supervisor, settled_on=D(2026, 3, 12), evidence=" "
        )
    assert "evidence" in refused.value.message_dict
    with pytest.raises(ValidationError):
        court_cases.court_case_settle(
            case=first, actor=nanjing_supervisor, settled_on=D(2026, 3, 13), evidence="回单"
        )
    response = client.post(
        f"/workspace/court-cases/{first.pk}/settle/",
        {
            "settled_on": "2026-03-12",
            "evidence": "执行款已划付，法院结案通知书（2026）苏0102执100号之一",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.settled_on) == (CourtCaseStatus.SETTLED, D(2026, 3, 12))

    # The other is listed after its deadline: a draft record of that category is made.
    time_machine.move_to(at(D(2026, 3, 20)), tick=False)
    [listing] = push(
        court, court_item("listed", listed_case, nanjing_department.uscc, "2026-03-20")
    )
    intake.intake_item_accept(item=listing, actor=nanjing_supervisor)
    second = CourtCase.objects.get(case_number=listed_case)
    record = second.record
    assert second.status == CourtCaseStatus.LISTED and second.listed_on == D(2026, 3, 20)
    assert record.category == RecordCategory.DISHONEST_DEBTOR
    assert record.status == RecordStatus.DRAFT and record.severity == Severity.SERIOUS
    assert record.decision_number == listed_case and record.department == nanjing_department
    assert record.decision_date == D(2026, 3, 20)
    with pytest.raises(WorkflowConflict):
        court_cases.court_case_settle(
            case=second, actor=nanjing_supervisor, settled_on=D(2026, 3, 20), evidence="晚了"
        )

    # Delisted: recorded, and nothing is open any more (动态清零).
    time_machine.move_to(at(D(2026, 6, 1)), tick=False)
    [delisting] = push(
        court,
        court_item(
            "delisted", listed_case, nanjing_department.uscc, "2026-06-01", facts="已履行完毕"
        ),
    )
    intake.intake_item_accept(item=delisting, actor=nanjing_supervisor)
    second.refresh_from_db()
    assert (second.status, second.delisted_on) == (CourtCaseStatus.DELISTED, D(2026, 6, 1))
    assert second.delisting_note == "已履行完毕"
    assert login(nanjing_supervisor).get("/workspace/court-cases/").context["open_total"] == 0

    # The same notice sent again is a duplicate, never a second case or record.
    again = court[0].post(
        COURT_CASES,
        {
            "source": court[1].code,
            "items": [court_item("listed", listed_case, nanjing_department.uscc, "2026-03-20")],
        },
        format="json",
    )
    assert again.json()["counts"] == {"duplicate": 1}
    assert CourtCase.objects.count() == 2


def test_a_delisting_without_a_listing_is_refused_and_nothing_changes(
    court, nanjing_department, nanjing_supervisor
):
    [notice] = push(
        court, court_item("delisted", "(2026)苏01执9号", nanjing_department.uscc, "2026-03-02")
    )
    with pytest.raises(WorkflowConflict):
        intake.intake_item_accept(item=notice, actor=nanjing_supervisor)
    assert CourtCase.objects.count() == 0
    assert IntakeItem.objects.get(pk=notice.pk).status == "staged"


def test_the_court_case_pages_are_scoped_and_a_liaison_sees_their_own(
    court, nanjing_department, suzhou_department, nanjing_liaison, suzhou_supervisor, login
):
    notices = push(
        court,
        court_item("pre_listing", "(2026)苏01执1号", nanjing_department.uscc, "2026-03-02"),
        court_item("pre_listing", "(2026)苏05执1号", suzhou_department.uscc, "2026-03-02"),
    )
    for notice in notices:
        intake.intake_item_accept(item=notice, actor=None)
    shown = login(nanjing_liaison).get("/workspace/court-cases/").context["object_list"]
    assert [case.case_number for case in shown] == ["(2026)苏01执1号"]
    nanjing_case = CourtCase.objects.get(department=nanjing_department)
    settle = login(suzhou_supervisor).post(
        f"/workspace/court-cases/{nanjing_case.pk}/settle/",
        {"settled_on": "2026-03-03", "evidence": "x"},
    )
    assert settle.status_code == 404
    assert (
        login(nanjing_liaison)
        .post(
            f"/workspace/court-cases/{nanjing_case.pk}/settle/",
            {"settled_on": "2026-03-03", "evidence": "x"},
        )
        .status_code
        == 403
    )
