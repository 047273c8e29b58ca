"""Watching a department or a record (its changes reach the inbox, once per unread notice,
never the person who made the change, never someone who can no longer see it) and saved views
of a list (own, shared with the office, deleted only by their owner)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core import watching
from core.models import Notification, NotificationKind, SavedView, Watch
from credit_records import services

from ..builders.core import UserFactory
from ..builders.records import make_record

pytestmark = pytest.mark.django_db


def watch_notices(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.WATCH)


@pytest.fixture
def colleague(regions):
    """A second supervisor of Nanjing's office."""
    return UserFactory(username="nanjing2", role="Supervisor", region=regions["320100"])


def test_a_change_to_a_watched_departments_record_reaches_the_watcher_once(
    nanjing_department, nanjing_supervisor, colleague, django_capture_on_commit_callbacks
):
    watching.watch(user=colleague, target=nanjing_department)
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.record_confirm(record=record, actor=nanjing_supervisor)

    [notice] = watch_notices(colleague)
    assert notice.url == f"/workspace/departments/{nanjing_department.uscc}/"
    assert nanjing_department.name in notice.title
    assert record.decision_number in notice.message
    # The one who made the change is not told about it.
    assert not watch_notices(nanjing_supervisor).exists()

    # While that notice is unread, further changes add nothing; once read, the next one does.
    with django_capture_on_commit_callbacks(execute=True):
        services.record_require_rectification(
            record=record, actor=nanjing_supervisor, requirements="限期整改"
        )
    assert watch_notices(colleague).count() == 1
    notice.read_at = notice.created_at
    notice.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_submit_explanation(
            record=record, actor=None, explanation="审批流程过长导致逾期。"
        )
    assert watch_notices(colleague).count() == 2


def test_a_watched_record_is_told_of_a_change_to_its_rectification_alone(
    nanjing_department, nanjing_supervisor, nanjing_liaison, django_capture_on_commit_callbacks
):
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="rectification_required"
    )
    watching.watch(user=nanjing_liaison, target=record)
    deadline = record.rectification.deadline

    # Extending the deadline saves the rectification, not the record: the record's watchers
    # hear of it all the same.
    with django_capture_on_commit_callbacks(execute=True):
        services.rectification_extend(
            record=record,
            actor=nanjing_supervisor,
            new_deadline=deadline + datetime.timedelta(days=15),
            reason="材料需补充调取",
        )

    [notice] = watch_notices(nanjing_liaison)
    assert notice.url == f"/workspace/records/{record.pk}/"
    assert "整改" in notice.message  # the rectification is what changed
    # The supervisor who extended it is named with their office.
    assert "（南京市）" in notice.message


def test_a_watcher_who_lost_the_scope_is_not_told(
    regions, nanjing_department, nanjing_supervisor, django_capture_on_commit_callbacks
):
    moved = UserFactory(username="moved", role="Supervisor", region=regions["320100"])
    watching.watch(user=moved, target=nanjing_department)
    moved.region = regions["320500"]
    moved.save()

    with django_capture_on_commit_callbacks(execute=True):
        make_record(nanjing_department, actor=nanjing_supervisor, state="confirmed")

    assert not watch_notices(moved).exists()


def toggle(client, obj, watch="1"):
    return client.post(
        "/workspace/watching/toggle/",
        {
            "type": ContentType.objects.get_for_model(obj).pk,
            "id": obj.pk,
            "watch": watch,
            "next": "/workspace/",
        },
    )


def test_the_watch_button_watches_and_unwatches(login, nanjing_department, nanjing_supervisor):
    client = login(nanjing_supervisor)
    page = client.get(f"/workspace/departments/{nanjing_department.uscc}/").content.decode()
    assert "☆ 关注" in page

    assert toggle(client, nanjing_department).status_code == 302
    assert watching.is_watching(nanjing_supervisor, nanjing_department)
    page = client.get(f"/workspace/departments/{nanjing_department.uscc}/").content.decode()
    assert "★ 已关注" in page
    listing = client.get("/workspace/watching/").content.decode()
    assert nanjing_department.name in listing

    toggle(client, nanjing_department, watch="0")
    assert not watching.is_watching(nanjing_supervisor, nanjing_department)


def test_nobody_watches_what_they_cannot_see(login, suzhou_department, nanjing_supervisor):
    client = login(nanjing_supervisor)

    assert toggle(client, suzhou_department).status_code == 404
    assert client.post("/workspace/watching/toggle/", {"type": "x", "id": "1"}).status_code == 404
    # A user is not a watchable object, even one in scope.
    assert toggle(client, nanjing_supervisor).status_code == 404
    assert not Watch.objects.exists()


def test_a_view_keeps_the_lists_filters_without_paging(login, nanjing_supervisor):
    client = login(nanjing_supervisor)

    response = client.post(
        "/workspace/views/new/",
        {
            "path": "/workspace/records/",
            "query": "status=confirmed&severity=serious&page=3",
            "name": "严重失信待整改",
        },
    )

    view = SavedView.objects.get()
    assert (view.owner, view.path, view.name, view.shared) == (
        nanjing_supervisor,
        "/workspace/records/",
        "严重失信待整改",
        False,
    )
    assert view.query == "status=confirmed&severity=serious"
    assert response.url == "/workspace/records/?status=confirmed&severity=serious"
    page = client.get(response.url).content.decode()
    assert 'aria-current="page"' in page.split('class="saved-views"')[1].split("</nav>")[0]


def test_a_shared_view_is_offered_to_the_office_only(
    login, nanjing_supervisor, colleague, suzhou_supervisor
):
    for name, shared in (("共享视图", True), ("个人视图", False)):
        watching.save_view(
            user=nanjing_supervisor,
            path="/workspace/records/",
            name=name,
            query="severity=serious",
            shared=shared,
        )

    seen = {
        user.username: login(user).get("/workspace/records/").content.decode()
        for user in (nanjing_supervisor, colleague, suzhou_supervisor)
    }

    assert "共享视图" in seen["nanjing"] and "个人视图" in seen["nanjing"]
    assert "共享视图" in seen["nanjing2"] and "个人视图" not in seen["nanjing2"]
    assert "共享视图" not in seen["suzhou"]


def test_only_the_owner_deletes_a_view(login, nanjing_supervisor, colleague):
    view = watching.save_view(
        user=nanjing_supervisor, path="/workspace/records/", name="甲", query="", shared=True
    )

    assert login(colleague).post(f"/workspace/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert login(nanjing_supervisor).post(f"/workspace/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("path", "name", "status"),
    [
        ("/public/records/", "公开页", 404),  # not a workspace list
        ("https://evil.example/workspace/", "外站", 404),
        ("/workspace/records/", "   ", 302),  # no name: refused with a message
        ("/workspace/records/", "名" * 81, 302),  # too long
    ],
)
def test_a_bad_view_is_refused_and_nothing_saved(login, nanjing_supervisor, path, name, status):
    response = login(nanjing_supervisor).post(
        "/workspace/views/new/", {"path": path, "query": "", "name": name}, follow=status == 302
    )

    assert (response.redirect_chain[0][1] if status == 302 else response.status_code) == status
    if status == 302:
        page = response.content.decode()
        assert "请为视图命名" in page or "名称过长" in page
    assert not SavedView.objects.exists()
