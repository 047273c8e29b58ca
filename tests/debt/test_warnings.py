"""A risk warning's lifecycle: draft → issued (with a response deadline) → responded →
closed, through the services, with history; reminders before the deadline through the
portal's deadline sources, and the overdue escalation (notice, then the parent region's
office), each step once. The office above the warned region issues and closes (the
province for Nanjing's warnings); the warned region's own office responds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from core.exceptions import WorkflowConflict
from core.models import Notification, NotificationKind, ReminderLog
from credit_records import deadlines as core_deadlines
from debt import deadlines, services, tasks
from debt.models import RiskWarning, WarningStatus

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(regions, nanjing_supervisor):
    make_profile(regions["320100"], ratio="250")
    return RiskWarning.objects.get()


def issue(warning, actor, days=20):
    return services.warning_issue(
        actor=actor,
        warning=warning,
        required_response="报送化债方案",
        response_deadline=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_a_warning_goes_from_draft_to_closed_with_its_history(
    draft, nanjing_supervisor, province_supervisor
):
    today = timezone.localdate()
    warning = issue(draft, province_supervisor)
    assert warning.status == WarningStatus.ISSUED
    assert warning.response_deadline == today + datetime.timedelta(days=20)
    assert warning.issued_by == province_supervisor

    warning = services.warning_respond(
        actor=nanjing_supervisor, warning=warning, response="已制定化债方案。"
    )
    assert warning.status == WarningStatus.RESPONDED
    assert warning.response == "已制定化债方案。"

    warning = services.warning_close(actor=province_supervisor, warning=warning, note="方案可行")
    assert warning.status == WarningStatus.CLOSED
    statuses = list(warning.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "issued", "responded", "closed"]
    assert warning.history.first().history_user == province_supervisor
    assert warning.responded_by == nanjing_supervisor


@override_settings(CHENGXIN_DEBT_WARNING_RESPONSE_DAYS=45)
def test_issuing_without_a_deadline_gives_the_default_period(draft, province_supervisor):
    warning = services.warning_issue(actor=province_supervisor, warning=draft)
    assert warning.response_deadline == timezone.localdate() + datetime.timedelta(days=45)


def test_a_deadline_in_the_past_is_refused(draft, province_supervisor):
    with pytest.raises(ValidationError) as error:
        issue(draft, province_supervisor, days=-1)
    assert "response_deadline" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == WarningStatus.DRAFT


def test_steps_out_of_order_are_conflicts(draft, nanjing_supervisor, province_supervisor):
    with pytest.raises(WorkflowConflict):
        services.warning_respond(actor=nanjing_supervisor, warning=draft, response="x")
    with pytest.raises(WorkflowConflict):
        services.warning_close(actor=province_supervisor, warning=draft, note="x")
    services.warning_withdraw(actor=province_supervisor, warning=draft, note="数据有误")
    with pytest.raises(WorkflowConflict):
        issue(draft, province_supervisor)


def test_an_empty_response_is_refused(draft, nanjing_supervisor, province_supervisor):
    warning = issue(draft, province_supervisor)
    with pytest.raises(ValidationError):
        services.warning_respond(actor=nanjing_supervisor, warning=warning, response="  ")


def test_another_region_cannot_touch_the_warning(draft, suzhou_supervisor):
    from django.http import Http404

    with pytest.raises(Http404):
        issue(draft, suzhou_supervisor)


def test_reminders_go_out_before_the_response_deadline_once_per_stage(
    draft, nanjing_supervisor, province_supervisor
):
    warning = issue(draft, province_supervisor)
    deadline = warning.response_deadline
    Notification.objects.all().delete()

    assert core_deadlines.send_reminders(deadline - datetime.timedelta(days=8)) == 0
    assert core_deadlines.send_reminders(deadline - datetime.timedelta(days=7)) == 1
    assert core_deadlines.send_reminders(deadline - datetime.timedelta(days=7)) == 0
    assert core_deadlines.send_reminders(deadline - datetime.timedelta(days=3)) == 1

    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert reminders.count() == 2
    assert {n.recipient for n in reminders} == {nanjing_supervisor}
    assert reminders.first().url.endswith(f"/debt/warnings/{warning.pk}/")
    assert ReminderLog.objects.filter(kind=deadlines.KIND, object_id=warning.pk).count() == 2


def test_a_responded_warning_gets_no_reminder(draft, nanjing_supervisor, province_supervisor):
    warning = issue(draft, province_supervisor)
    services.warning_respond(actor=nanjing_supervisor, warning=warning, response="已答复")
    Notification.objects.all().delete()
    assert core_deadlines.send_reminders(warning.response_deadline) == 0


def test_an_overdue_response_is_notified_then_escalated_once(
    draft, nanjing_supervisor, province_supervisor
):
    warning = issue(draft, province_supervisor)
    deadline = warning.response_deadline
    Notification.objects.all().delete()

    assert deadlines.escalate_overdue_warnings(deadline) == 0
    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=1)) == 1
    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=1)) == 0
    warning.refresh_from_db()
    assert warning.escalation_level == 1
    overdue = Notification.objects.get()
    assert overdue.recipient == nanjing_supervisor
    # Told as a missed deadline, not as one more reminder of a deadline to come.
    assert overdue.kind == NotificationKind.OVERDUE

    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=15)) == 0
    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=16)) == 1
    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=40)) == 0
    warning.refresh_from_db()
    assert warning.escalation_level == 2
    assert warning.escalated_to.code == "320000"
    escalated = Notification.objects.get(kind=NotificationKind.ESCALATED)
    assert escalated.recipient == province_supervisor
    assert Notification.objects.count() == 2
    # Both steps are in the warning's audit history.
    assert warning.history.filter(escalation_level=1).exists()
    assert warning.history.filter(escalation_level=2, escalated_to__isnull=False).exists()


def test_a_scan_that_missed_days_catches_up_in_one_run(draft, province_supervisor):
    warning = issue(draft, province_supervisor)
    later = warning.response_deadline + datetime.timedelta(days=60)
    assert deadlines.escalate_overdue_warnings(later) == 2
    assert deadlines.escalate_overdue_warnings(later) == 0


@override_settings(CHENGXIN_DEBT_WARNING_ESCALATION_DAYS=5)
def test_the_escalation_delay_is_configurable(draft, province_supervisor):
    warning = issue(draft, province_supervisor)
    deadline = warning.response_deadline
    deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=1))
    assert deadlines.escalate_overdue_warnings(deadline + datetime.timedelta(days=6)) == 1


def test_a_response_stops_the_escalation(draft, nanjing_supervisor, province_supervisor):
    warning = issue(draft, province_supervisor)
    services.warning_respond(actor=nanjing_supervisor, warning=warning, response="已答复")
    later = warning.response_deadline + datetime.timedelta(days=60)
    assert deadlines.escalate_overdue_warnings(later) == 0


def test_the_scan_task_runs_the_escalation(draft, province_supervisor):
    issue(draft, province_supervisor, days=0)
    assert tasks.scan_warnings.run() == {"warning_steps": 0}


def test_the_warning_pages_run_the_lifecycle(draft, nanjing_supervisor, province_supervisor, login):
    province = login(province_supervisor)
    page = province.get(f"/workspace/debt/warnings/{draft.pk}/")
    assert page.status_code == 200
    assert "issue-required_response" in page.content.decode()

    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = province.post(
        f"/workspace/debt/warnings/{draft.pk}/issue/",
        {"required_response": "说明原因", "response_deadline": deadline},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == WarningStatus.ISSUED

    nanjing = login(nanjing_supervisor)
    empty = nanjing.post(f"/workspace/debt/warnings/{draft.pk}/respond/", {"response": ""})
    assert empty.status_code == 400
    conflict = province.post(
        f"/workspace/debt/warnings/{draft.pk}/issue/", {"required_response": "x"}
    )
    assert conflict.status_code == 409

    nanjing.post(f"/workspace/debt/warnings/{draft.pk}/respond/", {"response": "已答复"})
    province.post(f"/workspace/debt/warnings/{draft.pk}/close/", {"note": "完毕"})
    draft.refresh_from_db()
    assert draft.status == WarningStatus.CLOSED


def test_an_auditor_sees_warnings_but_cannot_move_them(draft, auditor, login):
    client = login(auditor)
    assert client.get(f"/workspace/debt/warnings/{draft.pk}/").status_code == 200
    assert (
        client.post(
            f"/workspace/debt/warnings/{draft.pk}/issue/", {"required_response": "x"}
        ).status_code
        == 403
    )


def test_a_supervisor_drafts_a_warning_by_hand(regions, nanjing_supervisor, login):
    client = login(nanjing_supervisor)
    response = client.post(
        "/workspace/debt/warnings/new/",
        {
            "region": regions["320115"].pk,
            "kind": "prompt",
            "title": "江宁区专项债券收益不足提示",
            "reason": "项目收益覆盖率偏低",
            "required_response": "",
        },
    )
    assert response.status_code == 302
    warning = RiskWarning.objects.get()
    assert (warning.region.code, warning.status, warning.automatic) == ("320115", "draft", False)


# --- who takes which step ---------------------------------------------------------------------


def test_the_warned_regions_own_office_cannot_issue_close_or_withdraw_its_warning(
    draft, nanjing_supervisor, province_supervisor
):
    with pytest.raises(PermissionDenied):
        issue(draft, nanjing_supervisor)
    with pytest.raises(PermissionDenied):
        services.warning_withdraw(actor=nanjing_supervisor, warning=draft, note="不同意")
    warning = issue(draft, province_supervisor)
    with pytest.raises(PermissionDenied):
        services.warning_close(actor=nanjing_supervisor, warning=warning, note="自行关闭")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ISSUED


def test_only_the_warned_regions_office_records_the_response(draft, province_supervisor):
    warning = issue(draft, province_supervisor)
    with pytest.raises(PermissionDenied):
        services.warning_respond(actor=province_supervisor, warning=warning, response="代答")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ISSUED


def test_an_automatic_draft_is_announced_to_the_office_above(
    province_supervisor, nanjing_supervisor, draft
):
    assert province_supervisor.notifications.filter(url__contains=f"/{draft.pk}/").exists()
    assert not nanjing_supervisor.notifications.exists()


def test_a_county_without_an_office_of_its_own_is_warned_and_answered_by_the_city(
    regions, nanjing_supervisor, province_supervisor
):
    make_profile(regions["320115"], ratio="250")  # 江宁区: no supervisor of its own
    warning = RiskWarning.objects.get()
    assert nanjing_supervisor.notifications.filter(url__contains=f"/{warning.pk}/").exists()

    warning = issue(warning, nanjing_supervisor)
    warning = services.warning_respond(actor=nanjing_supervisor, warning=warning, response="已答复")
    assert warning.status == WarningStatus.RESPONDED


def test_each_office_is_offered_only_its_own_steps(
    draft, nanjing_supervisor, province_supervisor, login
):
    nanjing = login(nanjing_supervisor)
    own = nanjing.get(f"/workspace/debt/warnings/{draft.pk}/").content.decode()
    assert f"/workspace/debt/warnings/{draft.pk}/issue/" not in own
    assert (
        nanjing.post(
            f"/workspace/debt/warnings/{draft.pk}/issue/", {"required_response": "x"}
        ).status_code
        == 403
    )

    issue(draft, province_supervisor)
    province_page = login(province_supervisor).get(f"/workspace/debt/warnings/{draft.pk}/")
    assert f"/workspace/debt/warnings/{draft.pk}/respond/" not in province_page.content.decode()
    assert f"/workspace/debt/warnings/{draft.pk}/close/" in province_page.content.decode()
    own = nanjing.get(f"/workspace/debt/warnings/{draft.pk}/").content.decode()
    assert f"/workspace/debt/warnings/{draft.pk}/respond/" in own
    assert f"/workspace/debt/warnings/{draft.pk}/close/" not in own


def test_the_detail_page_labels_the_warnings_grounds_and_names_no_missing_issuer(
    draft, auditor, login
):
    services.warning_issue(actor=None, warning=draft, required_response="说明原因")  # the system

    html = login(auditor).get(f"/workspace/debt/warnings/{draft.pk}/").content.decode()

    assert "申请理由" not in html  # a fault-tolerance claim's label, not a warning's
    facts = [value.split("</dd>")[0] for value in html.split("<dd>")[1:]]
    assert not any(value.rstrip().endswith("·") for value in facts)
