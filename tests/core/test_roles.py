"""Roles are groups with declared permissions; each role comes with exactly one kind of scope."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.models import Notification, User
from core.roles import Role
from core.services import user_assign_role

from ..builders.core import UserFactory


def group_permissions(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_four_role_groups_exist_after_migrate(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names
    assert len(Role) == 5


def test_a_supervisor_can_view_add_change_import_and_export_departments(db):
    permissions = group_permissions(Role.SUPERVISOR)
    for action in ("view", "add", "change", "import", "export"):
        assert f"core.{action}_department" in permissions
    assert "core.delete_department" not in permissions


def test_a_supervisor_reads_regions_but_does_not_edit_them(db):
    permissions = group_permissions(Role.SUPERVISOR)
    assert {"core.view_region", "core.export_region"} <= permissions
    for action in ("add", "change", "delete", "import"):
        assert f"core.{action}_region" not in permissions


def test_a_supervisor_does_not_manage_users(db):
    assert not {p for p in group_permissions(Role.SUPERVISOR) if p.endswith("_user")}


def test_the_auditor_can_view_and_export_but_not_change_or_import(db):
    permissions = group_permissions(Role.AUDITOR)
    for model in ("department", "region"):
        assert f"core.view_{model}" in permissions
        assert f"core.export_{model}" in permissions
        for action in ("add", "change", "delete", "import"):
            assert f"core.{action}_{model}" not in permissions
    assert all(
        permission.split(".")[1].startswith(("view_", "export_")) for permission in permissions
    )


def test_a_liaison_may_view_departments_and_regions_but_not_change_them(db):
    permissions = group_permissions(Role.LIAISON)
    assert {"core.view_department", "core.view_region"} <= permissions
    for model in ("department", "region", "user"):
        for action in ("add", "change", "delete", "import", "export"):
            assert f"core.{action}_{model}" not in permissions


def test_the_administrator_group_has_every_permission(db):
    assert Group.objects.get(name=Role.ADMINISTRATOR.value).permissions.count() == (
        Permission.objects.count()
    )


def test_a_permission_granted_by_hand_does_not_survive_the_next_migrate(db):
    group = Group.objects.get(name=Role.SUPERVISOR.value)
    group.permissions.add(Permission.objects.get(codename="delete_department"))
    group.permissions.remove(Permission.objects.get(codename="import_department"))

    call_command("migrate", verbosity=0)

    permissions = group_permissions(Role.SUPERVISOR)
    assert "core.delete_department" not in permissions
    assert "core.import_department" in permissions


def test_each_role_user_has_the_permissions_of_their_role(
    nanjing_supervisor, auditor, nanjing_liaison
):
    assert nanjing_supervisor.has_perm("core.import_department")
    assert auditor.has_perm("core.export_department")
    assert not auditor.has_perm("core.change_department")
    assert not auditor.has_perm("core.import_department")
    assert not nanjing_liaison.has_perm("core.export_department")
    assert not nanjing_liaison.has_perm("core.change_department")


# --- Who reaches the admin ------------------------------------------------------------------


def test_supervisors_and_auditors_reach_the_admin(login, nanjing_supervisor, auditor):
    assert login(nanjing_supervisor).get("/admin/").status_code == 200
    assert login(auditor).get("/admin/").status_code == 200


def test_a_liaison_cannot_reach_the_admin(login, nanjing_liaison):
    assert nanjing_liaison.is_staff is False
    response = login(nanjing_liaison).get("/admin/core/department/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_user_without_a_role_cannot_reach_the_admin(login, user_without_role):
    assert login(user_without_role).get("/admin/").status_code == 302


def test_the_auditor_cannot_make_themselves_a_superuser_through_the_history_view(
    login, auditor, regions
):
    version = auditor.history.latest()
    response = login(auditor).post(
        f"/admin/core/user/{auditor.pk}/history/{version.history_id}/",
        {
            "username": auditor.username,
            "language": "zh-hans",
            "role": Role.AUDITOR.value,
            "region": regions["320000"].pk,
            "is_active": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert not auditor.is_superuser


def test_a_supervisor_cannot_open_the_user_admin(login, nanjing_supervisor, auditor):
    client = login(nanjing_supervisor)
    assert client.get("/admin/core/user/").status_code == 403
    assert client.get(f"/admin/core/user/{auditor.pk}/change/").status_code == 403


def test_an_auditor_cannot_list_or_export_the_accounts(login, auditor, nanjing_supervisor):
    client = login(auditor)
    assert client.get("/admin/core/user/").status_code == 403
    assert client.get("/admin/core/user/export/").status_code == 403
    assert not auditor.has_perm("core.view_user")
    assert auditor.has_perm("core.view_department")


def test_an_auditor_does_not_read_other_users_notifications(login, auditor, suzhou_supervisor):
    Notification.objects.create(recipient=suzhou_supervisor, kind="reminder", title="苏州提醒")
    client = login(auditor)
    assert not auditor.has_perm("core.view_notification")
    assert not auditor.has_perm("core.view_reminderlog")
    assert client.get("/admin/core/notification/").status_code == 403
    assert client.get("/admin/core/reminderlog/").status_code == 403


def test_only_administrators_see_notifications_in_the_admin(
    login, administrator, nanjing_supervisor, suzhou_supervisor
):
    Notification.objects.create(recipient=suzhou_supervisor, kind="reminder", title="苏州提醒")
    # Even a hand-granted view permission shows a supervisor no one's notifications.
    nanjing_supervisor.user_permissions.add(Permission.objects.get(codename="view_notification"))
    response = login(nanjing_supervisor).get("/admin/core/notification/")
    assert response.status_code == 200
    assert "苏州提醒" not in response.content.decode()
    assert "苏州提醒" in login(administrator).get("/admin/core/notification/").content.decode()


# --- Assigning a role with its scope -------------------------------------------------------


def assign(user, role, **scope):
    return user_assign_role(user=user, role=role, actor=None, **scope)


def test_a_liaison_needs_a_department(db):
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        assign(user, Role.LIAISON)
    assert "department" in caught.value.message_dict
    assert not user.groups.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR])
def test_a_supervisor_or_auditor_needs_a_region(db, role):
    user = UserFactory()
    with pytest.raises(ValidationError) as caught:
        assign(user, role)
    assert "region" in caught.value.message_dict
    assert not user.groups.exists()


@pytest.mark.parametrize("role", list(Role))
def test_no_role_takes_a_region_and_a_department_at_once(regions, nanjing_department, role):
    user = UserFactory()
    with pytest.raises(ValidationError):
        assign(user, role, region=regions["320100"], department=nanjing_department)
    user.refresh_from_db()
    assert (user.region, user.department) == (None, None)
    assert not user.groups.exists()


def test_a_supervisor_cannot_be_scoped_to_a_department(nanjing_department):
    with pytest.raises(ValidationError) as caught:
        assign(UserFactory(), Role.SUPERVISOR, department=nanjing_department)
    assert "region" in caught.value.message_dict or "department" in caught.value.message_dict


def test_a_liaison_cannot_be_scoped_to_a_region(regions):
    with pytest.raises(ValidationError):
        assign(UserFactory(), Role.LIAISON, region=regions["320100"])


def test_assigning_a_role_replaces_the_previous_role_and_admin_access(
    nanjing_supervisor, nanjing_department
):
    assert nanjing_supervisor.is_staff
    assign(nanjing_supervisor, Role.LIAISON, department=nanjing_department)
    user = User.objects.get(pk=nanjing_supervisor.pk)
    assert user.role == Role.LIAISON
    assert list(user.groups.values_list("name", flat=True)) == [Role.LIAISON.value]
    assert (user.region, user.department, user.is_staff) == (None, nanjing_department, False)
    assert not user.has_perm("core.change_department")


def test_an_administrator_needs_no_scope_and_sees_everything(db):
    user = assign(UserFactory(is_superuser=True), Role.ADMINISTRATOR)
    assert user.is_staff
    assert user.has_full_scope


def test_the_database_refuses_a_user_with_both_scopes(nanjing_liaison, regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=nanjing_liaison.pk).update(region=regions["320100"])


def test_full_clean_reports_a_user_with_both_scopes(nanjing_liaison, regions):
    nanjing_liaison.region = regions["320100"]
    with pytest.raises(ValidationError) as caught:
        nanjing_liaison.full_clean()
    [constraint] = [c for c in User._meta.constraints if c.name == "user_has_one_scope"]
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [constraint.get_violation_error_message()]


def test_the_admin_user_form_refuses_a_liaison_without_a_department(login, administrator):
    response = login(administrator).post(
        "/admin/core/user/add/",
        {
            "username": "new_liaison",
            "password1": "a-long-test-password-123",
            "password2": "a-long-test-password-123",
            "role": Role.LIAISON.value,
            "language": "zh-hans",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_liaison").exists()


def test_the_admin_user_form_gives_a_new_supervisor_their_role_and_region(
    login, administrator, regions
):
    response = login(administrator).post(
        "/admin/core/user/add/",
        {
            "username": "new_supervisor",
            "password1": "a-long-test-password-123",
            "password2": "a-long-test-password-123",
            "role": Role.SUPERVISOR.value,
            "region": regions["320500"].pk,
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_supervisor")
    assert (user.role, user.region.code, user.is_staff) == (Role.SUPERVISOR, "320500", True)
