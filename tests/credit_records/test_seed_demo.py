"""``manage.py seed_demo``: believable demo data and one account per role, safe to run twice,
never in production."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from core.models import Department, Region, User
from core.roles import Role
from core.scope import departments_in_scope, scope_queryset
from core.validators import validate_uscc
from credit_records.models import DishonestyRecord

PASSWORD = "chengxin-demo"
# username -> (role, region code, department name)
ACCOUNTS = {
    "admin": (Role.ADMINISTRATOR, None, None),
    "province": (Role.SUPERVISOR, "320000", None),
    "nanjing": (Role.SUPERVISOR, "320100", None),
    "suzhou": (Role.SUPERVISOR, "320500", None),
    "nanjing_liaison": (Role.LIAISON, None, "南京市财政局"),
    "auditor": (Role.AUDITOR, "320000", None),
}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def seeded(db):
    seed()


# One seeding for all the accounts: loading the demo takes seconds.
def test_each_demo_account_signs_in_with_the_demo_password(seeded):
    refused = [
        username
        for username in ACCOUNTS
        if authenticate(username=username, password=PASSWORD) is None
    ]
    assert refused == []


def test_each_demo_account_has_its_role_and_scope(seeded):
    for username, (role, region_code, department_name) in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.role == role, username
        assert (user.region.code if user.region else None) == region_code, username
        assert (user.department.name if user.department else None) == department_name, username


def test_the_demo_administrator_is_a_superuser_and_the_liaison_stays_out_of_the_admin(seeded):
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="nanjing_liaison").is_staff
    assert User.objects.get(username="auditor").is_staff


def test_the_demo_departments_spread_over_several_cities(seeded):
    cities = set()
    for department in Department.objects.select_related("region__parent"):
        region = department.region
        if region.level == "county":
            region = region.parent
        if region.level == "city":
            cities.add(region.code)
    assert {"320100", "320500"} <= cities
    assert len(cities) >= 5


def test_every_demo_department_has_a_valid_code_for_its_region_and_kind(seeded):
    departments = list(Department.objects.select_related("region"))
    assert len(departments) >= 10
    for department in departments:
        validate_uscc(department.uscc)
        assert department.uscc[2:8] == department.region.code, department
        prefix = "12" if department.kind == "institution" else "11"
        assert department.uscc.startswith(prefix), department
    assert len({department.uscc for department in departments}) == len(departments)


def test_the_demo_nanjing_supervisor_signs_in_and_sees_only_nanjing(seeded, client):
    response = client.post("/accounts/login/", {"username": "nanjing", "password": PASSWORD})
    assert response.status_code == 302
    listed = client.get("/workspace/departments/", {"page": 1}).context["paginator"].object_list
    names = {department.name for department in listed}
    assert "南京市财政局" in names
    assert "南京市江宁区住房和城乡建设局" in names
    assert not any(name.startswith(("苏州", "昆山", "无锡")) for name in names)
    nanjing = User.objects.get(username="nanjing")
    assert names == {department.name for department in departments_in_scope(nanjing)}


def test_the_demo_on_time_rate_is_believable(seeded, client):
    response = client.get("/public/")
    figures = response.context["figures"]["rectification"]
    assert figures["due"] >= 5
    assert 60 <= response.context["on_time_rate"] <= 80


def test_the_demo_nanjing_workspace_has_more_than_five_records_of_several_categories(seeded):
    nanjing = User.objects.get(username="nanjing")
    records = scope_queryset(nanjing, DishonestyRecord.objects.all())
    assert records.count() > 5
    assert records.values("category").distinct().count() >= 4


def test_the_verified_demo_records_spread_over_several_cities_and_categories(seeded):
    verified = DishonestyRecord.objects.filter(rectification__verified_at__isnull=False)
    cities = {record.department.region.path[7:13] for record in verified}
    assert len(cities - {""}) >= 4
    assert verified.values("category").distinct().count() >= 4


def test_every_demo_decision_number_carries_its_decision_dates_year(seeded):
    mismatched = [
        (record.decision_number, record.decision_date)
        for record in DishonestyRecord.objects.all()
        if str(record.decision_date.year) not in record.decision_number
    ]
    assert mismatched == []


def every_table() -> dict[str, int]:
    """Rows of every model of every app, the history tables included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_running_it_twice_creates_nothing_new(db):
    seed()
    before = counts()
    memberships = {user.username: user.role for user in User.objects.all()}
    seed()
    assert counts() == before
    assert {user.username: user.role for user in User.objects.all()} == memberships


def test_running_it_again_writes_no_row_anywhere_not_even_history(db):
    seed()
    before = every_table()
    assert before["core.HistoricalUser"] > 0
    assert before["evaluations.HistoricalScore"] > 0

    seed()

    after = every_table()
    assert {
        label: (before[label], after[label]) for label in before if after[label] != before[label]
    } == {}


def test_running_it_again_resets_a_changed_demo_password(db):
    seed()
    user = User.objects.get(username="nanjing")
    user.set_password("something-else-entirely")
    user.save()
    seed()
    assert authenticate(username="nanjing", password=PASSWORD) is not None


@override_settings(ENVIRONMENT="production")
def test_it_refuses_to_run_in_production(db):
    before = counts()
    with pytest.raises(CommandError):
        seed()
    assert counts() == before
    assert not User.objects.filter(username="admin").exists()


def test_the_demo_has_a_complaint_in_each_state_and_seeding_again_adds_none(seeded):
    from credit_records.models import Complaint, ComplaintStatus

    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus.values)
    before = Complaint.objects.count()
    seed()
    assert Complaint.objects.count() == before
