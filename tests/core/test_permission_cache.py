"""Each user's permissions kept in the cache (credit_records/backends.py): a repeated check
costs no query, and any change to who may do what holds from the very next check."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from core.backends import PERMISSIONS
from core.roles import Role
from core.services import user_assign_role

VIEW = "credit_records.view_dishonestyrecord"
CHANGE = "credit_records.change_dishonestyrecord"


@pytest.fixture(autouse=True)
def permission_cache(settings):
    settings.CHENGXIN_PERMISSION_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def fresh(user):
    """The user as the next request loads it: no permissions remembered on the object."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_second_request_reads_the_permissions_from_the_cache(
    nanjing_supervisor, django_assert_num_queries
):
    assert fresh(nanjing_supervisor).has_perm(VIEW)
    may_change = fresh_uncached_has_perm(nanjing_supervisor, CHANGE)
    user = fresh(nanjing_supervisor)
    with django_assert_num_queries(0):
        assert user.has_perm(VIEW)
        assert user.has_perm(CHANGE) == may_change
        assert not user.has_perm("core.delete_region")


def fresh_uncached_has_perm(user, permission) -> bool:
    """What Django's own backend answers, read from the database."""
    from django.contrib.auth.backends import ModelBackend

    return ModelBackend().has_perm(get_user_model().objects.get(pk=user.pk), permission)


def test_a_role_taken_away_holds_on_the_next_request(nanjing_supervisor, nanjing_department):
    assert fresh(nanjing_supervisor).has_perm(CHANGE)
    user_assign_role(
        user=nanjing_supervisor,
        role=Role.LIAISON,
        department=nanjing_department,
        actor=None,
    )
    assert fresh(nanjing_supervisor).has_perm(CHANGE) == fresh_uncached_has_perm(
        nanjing_supervisor, CHANGE
    )
    nanjing_supervisor.groups.clear()
    assert not fresh(nanjing_supervisor).has_perm(VIEW)


def test_a_permission_taken_from_a_group_or_granted_to_a_user_holds_at_once(nanjing_liaison):
    group = Group.objects.get(name=Role.LIAISON.value)
    permission = Permission.objects.get(
        content_type__app_label="credit_records", codename="view_dishonestyrecord"
    )
    assert fresh(nanjing_liaison).has_perm(VIEW)
    group.permissions.remove(permission)
    assert not fresh(nanjing_liaison).has_perm(VIEW)
    nanjing_liaison.user_permissions.add(permission)
    assert fresh(nanjing_liaison).has_perm(VIEW)
    Group.objects.get(name=Role.LIAISON.value).delete()
    nanjing_liaison.user_permissions.clear()
    assert not fresh(nanjing_liaison).has_perm(VIEW)


def test_an_inactive_user_has_no_permission_even_when_cached(nanjing_supervisor):
    assert fresh(nanjing_supervisor).has_perm(VIEW)
    get_user_model().objects.filter(pk=nanjing_supervisor.pk).update(is_active=False)
    assert not fresh(nanjing_supervisor).has_perm(VIEW)


@pytest.mark.django_db(transaction=True)
def test_a_change_bumps_the_generation_again_at_commit(regions):
    """Another process may cache the old permissions between the change and its commit."""
    user = get_user_model().objects.create_user("perm-commit", password="x")
    before = PERMISSIONS.current()
    with transaction.atomic():
        user.groups.add(Group.objects.get(name=Role.AUDITOR.value))
        user.groups.remove(Group.objects.get(name=Role.AUDITOR.value))
        during = PERMISSIONS.current()
        assert during > before
    assert PERMISSIONS.current() == during + 1  # one more bump at commit, however many changes


def test_pages_follow_a_role_change(nanjing_supervisor, nanjing_department):
    client = Client()
    client.force_login(nanjing_supervisor)
    assert client.get("/workspace/records/new/").status_code == 200
    user_assign_role(
        user=nanjing_supervisor, role=Role.AUDITOR, region=nanjing_department.region, actor=None
    )
    assert client.get("/workspace/records/new/").status_code == 403


def test_switched_off_by_default_with_the_in_process_cache():
    """The memory cache is per process: a role taken away in one would live on in another."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = "from django.conf import settings; print(settings.CHENGXIN_PERMISSION_CACHE_SECONDS)"
    root = Path(__file__).resolve().parents[2]

    def default_with(cache_url: str) -> int:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("CACHE_URL", "CHENGXIN_PERMISSION_CACHE_SECONDS")
        }
        environment["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
        if cache_url:
            environment["CACHE_URL"] = cache_url
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.strip().splitlines()[-1])

    assert default_with("") == 0
    assert default_with("redis://127.0.0.1:6379/0") == 300


def test_the_role_is_kept_too_and_follows_a_change(
    nanjing_supervisor, nanjing_department, django_assert_num_queries
):
    assert fresh(nanjing_supervisor).role == Role.SUPERVISOR
    user = fresh(nanjing_supervisor)
    with django_assert_num_queries(0):
        assert user.role == Role.SUPERVISOR
    user_assign_role(
        user=nanjing_supervisor, role=Role.LIAISON, department=nanjing_department, actor=None
    )
    assert fresh(nanjing_supervisor).role == Role.LIAISON
    group = Group.objects.get(name=Role.LIAISON.value)
    group.name = "renamed"
    group.save()
    assert fresh(nanjing_supervisor).role is None
