"""The admin speaks to a Chinese-speaking official in Chinese: deadlines by their names,
the sign-in throttling group named, the official greeted by name, role groups and their
permissions translated."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from core.admin.accounts import permission_label
from core.deadlines import SOURCES, kind_label
from core.models import ReminderLog

from ..builders.core import UserFactory

pytestmark = pytest.mark.django_db


def test_every_registered_kind_of_deadline_has_a_chinese_name():
    with translation.override("zh-hans"):
        labels = {kind: kind_label(kind) for kind in SOURCES}
    assert labels["procurement_payment"] == "中小企业款项支付"
    for kind, label in labels.items():
        assert label != kind, f"{kind} has no name"
        assert not any("a" <= character.lower() <= "z" for character in label), label


def test_the_reminder_log_shows_deadline_kinds_by_name(login, administrator):
    ReminderLog.objects.create(
        kind="procurement_payment",
        object_id=1,
        due_date=datetime.date(2026, 12, 10),
        days_before=3,
    )
    page = login(administrator).get("/admin/core/reminderlog/").content.decode()
    assert "中小企业款项支付" in page
    assert "procurement_payment</td>" not in page
    # The filter offers the names too, by the stored kind.
    assert "?kind=procurement_payment" in page


def test_the_sign_in_throttling_group_has_a_chinese_name(login, administrator):
    page = login(administrator).get("/admin/").content.decode()
    assert "登录限制" in page
    assert ">Axes<" not in page and "AXES" not in page


def test_the_admin_greets_an_official_by_name_not_login(login, regions):
    official = UserFactory(
        username="nanjing_office",
        role="Supervisor",
        region=regions["320100"],
        last_name="南京市信用办 李科长",
    )
    page = login(official).get("/admin/").content.decode()
    assert "南京市信用办 李科长" in page
    assert "nanjing_office" not in page


def test_an_account_without_a_name_is_greeted_by_its_login(regions):
    official = UserFactory(username="nameless", role="Supervisor", region=regions["320100"])
    assert official.get_short_name() == "nameless"


def test_role_groups_and_permissions_read_in_chinese(login, administrator):
    page = login(administrator).get("/admin/auth/group/").content.decode()
    assert "监管人员" in page
    assert ">Supervisor<" not in page
    with translation.override("zh-hans"):
        add_department = Permission.objects.get(codename="add_department")
        assert permission_label(add_department) == "平台｜可增加部门"
        import_users = Permission.objects.get(codename="import_user")
        assert permission_label(import_users).startswith("平台｜")
        assert "Can" not in permission_label(import_users)
    group = Group.objects.order_by("pk").first()
    form_page = login(administrator).get(f"/admin/auth/group/{group.pk}/change/")
    assert "可增加部门" in form_page.content.decode()
