"""The notifications inbox (own notifications only, unread count in the navigation, mark as
read and follow the link) and the working-day calendar deadlines in working days use."""

import datetime
import re

import pytest

from core import calendar, notifications
from core.models import CalendarDay, Notification, NotificationKind
from credit_records import services
from credit_records.models import Severity

from ..builders.clock import at
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

INBOX = "/workspace/notifications/"


@pytest.fixture
def inbox(nanjing_liaison, nanjing_supervisor):
    """Two notifications for the liaison (one pointing outside the portal), one for the
    supervisor."""

    def notify(user, title, url):
        [notification] = notifications.notify(
            [user], kind=NotificationKind.REMINDER, title=title, url=url
        )
        return notification

    return {
        "record": notify(nanjing_liaison, "整改期限提醒甲", "/workspace/records/41/"),
        "outside": notify(nanjing_liaison, "外部链接通知乙", "https://evil.example/phish"),
        "theirs": notify(nanjing_supervisor, "督办通知丙", "/workspace/records/42/"),
    }


def unread_badge(page: str) -> str | None:
    """The number next to "Notifications" in the navigation, or None without a badge."""
    link = re.search(r'<a class="inbox-link"[^>]*>(.*?)</a>', page, re.S)
    assert link, "no inbox link in the navigation"
    badge = re.search(r'<span class="count">(\d+)</span>', link.group(1))
    return badge.group(1) if badge else None


def test_the_inbox_lists_only_the_users_own_notifications(login, inbox, nanjing_liaison):
    page = login(nanjing_liaison).get(INBOX).content.decode()

    assert "整改期限提醒甲" in page
    assert "外部链接通知乙" in page
    assert "督办通知丙" not in page


def test_the_unread_filter_hides_what_was_read(login, inbox, nanjing_liaison):
    notifications.mark_read(user=nanjing_liaison, notification_ids=[inbox["record"].pk])

    page = login(nanjing_liaison).get(INBOX + "?unread=1").content.decode()

    assert "外部链接通知乙" in page
    assert "整改期限提醒甲" not in page


def test_the_navigation_shows_how_many_are_unread(login, inbox, nanjing_liaison):
    client = login(nanjing_liaison)
    assert unread_badge(client.get("/workspace/").content.decode()) == "2"

    client.post(f"{INBOX}{inbox['record'].pk}/read/")
    assert unread_badge(client.get("/workspace/").content.decode()) == "1"

    client.post(f"{INBOX}read/")
    assert unread_badge(client.get("/workspace/").content.decode()) is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(login, inbox, nanjing_liaison):
    response = login(nanjing_liaison).post(f"{INBOX}{inbox['record'].pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == "/workspace/records/41/"
    assert Notification.objects.get(pk=inbox["record"].pk).read_at is not None
    assert Notification.objects.get(pk=inbox["outside"].pk).read_at is None


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)"]
)
def test_a_link_leaving_the_portal_is_not_followed(login, nanjing_liaison, url):
    [notification] = notifications.notify(
        [nanjing_liaison], kind=NotificationKind.WORKFLOW, title="外部", url=url
    )

    response = login(nanjing_liaison).post(f"{INBOX}{notification.pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == INBOX
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_mark_all_read_reads_only_the_users_own(login, inbox, nanjing_liaison):
    response = login(nanjing_liaison).post(f"{INBOX}read/", follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert "所有通知已标为已读。" in response.content.decode()
    assert not Notification.objects.filter(recipient=nanjing_liaison, read_at__isnull=True)
    assert Notification.objects.get(pk=inbox["theirs"].pk).read_at is None


def test_another_users_notification_does_not_exist_for_you(login, inbox, nanjing_liaison):
    response = login(nanjing_liaison).post(f"{INBOX}{inbox['theirs'].pk}/read/")

    assert response.status_code == 404
    assert Notification.objects.get(pk=inbox["theirs"].pk).read_at is None


def test_merely_visiting_the_read_address_marks_nothing(login, inbox, nanjing_liaison):
    response = login(nanjing_liaison).get(f"{INBOX}{inbox['record'].pk}/read/")

    assert response.status_code == 405
    assert Notification.objects.get(pk=inbox["record"].pk).read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, inbox):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Working days ---------------------------------------------------------------------------


def non_working(*days, note="国庆节"):
    for day in days:
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working_day": False, "note": note}
        )


def working(day, note="调休上班"):
    CalendarDay.objects.update_or_create(date=day, defaults={"is_working_day": True, "note": note})


@pytest.fixture
def national_day_2026():
    """1–7 October 2026 off; Saturday 10 October worked instead (调休)."""
    non_working(*(datetime.date(2026, 10, day) for day in range(1, 8)))
    working(datetime.date(2026, 10, 10))


def test_working_days_skip_the_weekend():
    assert calendar.add_working_days(datetime.date(2026, 3, 6), 1) == datetime.date(2026, 3, 9)
    assert calendar.add_working_days(datetime.date(2026, 3, 2), 5) == datetime.date(2026, 3, 9)
    # Beyond the years seeded with weekend rows, Saturday and Sunday still rest.
    assert calendar.add_working_days(datetime.date(2031, 1, 3), 1) == datetime.date(2031, 1, 6)


def test_a_holiday_on_a_weekday_is_skipped():
    non_working(datetime.date(2026, 3, 4), note="假日")

    assert not calendar.is_working_day(datetime.date(2026, 3, 4))
    assert calendar.add_working_days(datetime.date(2026, 3, 2), 3) == datetime.date(2026, 3, 6)


def test_a_saturday_worked_instead_counts_as_a_working_day(national_day_2026):
    assert calendar.is_working_day(datetime.date(2026, 10, 10))
    assert not calendar.is_working_day(datetime.date(2026, 10, 11))
    # 30 Sep, then 8, 9, 10 (the Saturday) and 12 October.
    assert calendar.add_working_days(datetime.date(2026, 9, 29), 5) == datetime.date(2026, 10, 12)


def test_a_holiday_longer_than_the_first_look_ahead_is_still_counted_through():
    non_working(*(datetime.date(2026, 7, 2) + datetime.timedelta(days=n) for n in range(40)))

    assert calendar.add_working_days(datetime.date(2026, 7, 1), 1) == datetime.date(2026, 8, 11)


def test_a_credit_repair_must_be_decided_within_ten_working_days(
    time_machine, national_day_2026, nanjing_department, nanjing_liaison
):
    time_machine.move_to(at(datetime.date(2026, 9, 29)), tick=False)
    record = make_record(
        nanjing_department,
        liaison=nanjing_liaison,
        state="verified",
        severity=Severity.GENERAL,
        decision_date=datetime.date(2026, 5, 20),
    )

    application = services.credit_repair_apply(
        record=record, actor=nanjing_liaison, commitment_text="依法依规履约"
    )

    # 30 Sep; 8, 9, 10 (调休), 12–16 and 19 October: the tenth working day.
    assert application.review_due == datetime.date(2026, 10, 19)


@pytest.fixture
def mixed_inbox(nanjing_liaison):
    """Three reminders, one escalation and one workflow note for the liaison."""
    made = {}
    for kind, titles in (
        (NotificationKind.REMINDER, ["提醒一", "提醒二", "提醒三"]),
        (NotificationKind.ESCALATED, ["督办一"]),
        (NotificationKind.WORKFLOW, ["流程一"]),
    ):
        for title in titles:
            [made[title]] = notifications.notify([nanjing_liaison], kind=kind, title=title)
    return made


def tab_counts(page: str) -> dict[str, str]:
    tabs = re.search(r'<nav class="kind-tabs".*?</nav>', page, re.S)
    assert tabs, "no kind tabs on the inbox"
    return dict(re.findall(r">([^<>]+?) <span class=\"count\">(\d+)</span>", tabs.group(0)))


def test_the_inbox_offers_each_kind_it_holds_with_its_count(login, mixed_inbox, nanjing_liaison):
    page = login(nanjing_liaison).get(INBOX).content.decode()

    # 3 reminders + 1 escalation + 1 workflow note = 5; no overdue tab, as none is held.
    assert tab_counts(page) == {"全部": "5", "到期提醒": "3", "提级督办": "1", "办理进度": "1"}


def test_filtering_by_kind_shows_only_that_kind(login, mixed_inbox, nanjing_liaison):
    page = login(nanjing_liaison).get(INBOX + "?kind=reminder").content.decode()

    assert all(title in page for title in ("提醒一", "提醒二", "提醒三"))
    assert "督办一" not in page
    assert "流程一" not in page


def test_an_unknown_kind_filters_nothing_away(login, mixed_inbox, nanjing_liaison):
    response = login(nanjing_liaison).get(INBOX + "?kind=<script>")

    assert response.status_code == 200
    assert all(title in response.content.decode() for title in mixed_inbox)


def test_mark_read_within_a_kind_leaves_the_other_kinds_unread(login, mixed_inbox, nanjing_liaison):
    login(nanjing_liaison).post(f"{INBOX}read/", {"kind": "reminder"})

    unread = set(
        Notification.objects.filter(recipient=nanjing_liaison, read_at__isnull=True).values_list(
            "title", flat=True
        )
    )
    assert unread == {"督办一", "流程一"}


def test_notifications_are_grouped_under_their_day(login, nanjing_liaison, time_machine, settings):
    today = datetime.date(2026, 11, 18)
    for day, title in (
        (today, "今天的通知"),
        (today - datetime.timedelta(days=1), "昨天的通知"),
        (today - datetime.timedelta(days=6), "上周的通知"),
    ):
        time_machine.move_to(at(day, 10), tick=False)
        notifications.notify([nanjing_liaison], kind=NotificationKind.REMINDER, title=title)
    time_machine.move_to(at(today, 16), tick=False)

    page = login(nanjing_liaison).get(INBOX).content.decode()

    headings = re.findall(r'<h2 class="inbox-day">(.*?)</h2>', page)
    assert headings == ["今天", "昨天", "2026年11月12日"]
    # Each notification sits under its own day's heading.
    assert page.index("今天的通知") < page.index("昨天") < page.index("昨天的通知")
    assert page.index("2026年11月12日") < page.index("上周的通知")
