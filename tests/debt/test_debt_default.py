"""An overdue or defaulted payment can become a draft dishonesty record (category debt
default, source debt) against the region's people's government, linked both ways."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from credit_records.models import DishonestyRecord, RecordCategory, RecordSource, RecordStatus
from credit_records.services import record_create
from debt import services
from debt.models import DebtDefault

from ..builders.core import DepartmentFactory
from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(regions):
    return make_profile(regions["320100"], overdue_amount=Decimal("3.2"))


@pytest.fixture
def government(regions):
    return DepartmentFactory(name="南京市人民政府", region=regions["320100"])


def report(profile, actor, **extra):
    values = {
        "severity": "general",
        "decision_number": "宁财债〔2025〕1号",
        "issuing_authority": "南京市财政局",
        "decision_date": timezone.localdate() - datetime.timedelta(days=3),
        "facts": "到期政府债务本息3.2亿元逾期未还。",
        **extra,
    }
    return services.debt_default_report(actor=actor, profile=profile, **values)


def test_it_records_a_debt_default_of_the_regions_government(
    overdue, government, nanjing_supervisor
):
    DepartmentFactory(name="南京市财政局", region=overdue.region)
    link = report(overdue, nanjing_supervisor)

    record = DishonestyRecord.objects.get()
    assert record.department == government
    assert record.category == RecordCategory.DEBT_DEFAULT
    assert record.source == RecordSource.DEBT
    assert record.status == RecordStatus.DRAFT
    assert record.created_by == nanjing_supervisor
    # Linked both ways.
    assert record.debt_default == link
    assert link.profile == overdue
    assert list(overdue.defaults.all()) == [link]
    assert link.overdue_amount == Decimal("3.2")


def test_the_supervisor_may_choose_the_department(overdue, nanjing_supervisor):
    finance = DepartmentFactory(name="南京市财政局", region=overdue.region)
    link = report(overdue, nanjing_supervisor, department=finance)
    assert link.record.department == finance


def test_without_a_government_the_department_must_be_chosen(overdue, nanjing_supervisor):
    with pytest.raises(ValidationError) as error:
        report(overdue, nanjing_supervisor)
    assert "department" in error.value.message_dict


def test_a_department_of_another_region_is_refused(overdue, nanjing_supervisor, regions):
    other = DepartmentFactory(name="南京市江宁区人民政府", region=regions["320115"])
    with pytest.raises(ValidationError):
        report(overdue, nanjing_supervisor, department=other)
    assert not DishonestyRecord.objects.exists()


def test_no_overdue_debt_no_default(regions, government, nanjing_supervisor):
    profile = make_profile(regions["320100"])
    with pytest.raises(ValidationError):
        report(profile, nanjing_supervisor)
    assert not DebtDefault.objects.exists()


def test_another_city_cannot_record_it(overdue, government, suzhou_supervisor):
    with pytest.raises(Http404):
        report(overdue, suzhou_supervisor)


def test_the_page_records_it_and_the_department_shows_it(
    overdue, government, nanjing_supervisor, login
):
    client = login(nanjing_supervisor)
    form = client.get(f"/workspace/debt/profiles/{overdue.pk}/default/")
    assert form.status_code == 200
    assert "南京市人民政府" in form.content.decode()
    response = client.post(
        f"/workspace/debt/profiles/{overdue.pk}/default/",
        {
            "department": government.pk,
            "severity": "serious",
            "decision_number": "宁财债〔2025〕2号",
            "issuing_authority": "南京市财政局",
            "decision_date": timezone.localdate().isoformat(),
            "facts": "逾期",
        },
    )
    record = DishonestyRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/records/{record.pk}/"
    profile_page = client.get(f"/workspace/departments/{government.uscc}/").content.decode()
    assert "宁财债〔2025〕2号" in profile_page
    region_page = client.get("/workspace/debt/regions/320100/").content.decode()
    assert "宁财债〔2025〕2号" in region_page


def test_the_same_overdue_debt_cannot_be_reported_twice(overdue, government, nanjing_supervisor):
    first = report(overdue, nanjing_supervisor)

    with pytest.raises(services.WorkflowConflict) as conflict:
        report(overdue, nanjing_supervisor, decision_number="宁财债〔2025〕9号")

    assert first.record.decision_number in conflict.value.message
    assert f"/workspace/records/{first.record_id}/" in conflict.value.message
    assert DishonestyRecord.objects.count() == 1


def test_the_database_refuses_a_second_link_for_one_profile(
    overdue, government, nanjing_supervisor
):
    first = report(overdue, nanjing_supervisor)
    other = DepartmentFactory(name="南京市财政局", region=overdue.region)
    record = record_create(
        actor=None,
        department=other,
        category=RecordCategory.DEBT_DEFAULT,
        severity="general",
        decision_number="宁财债〔2025〕8号",
        issuing_authority="南京市财政局",
        decision_date=first.record.decision_date,
        facts="重复",
        source=RecordSource.DEBT,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DebtDefault.objects.create(profile=overdue, record=record, overdue_amount=Decimal("1"))


def test_the_page_of_an_already_reported_profile_links_to_the_record_instead_of_a_form(
    overdue, government, nanjing_supervisor, login
):
    first = report(overdue, nanjing_supervisor)
    client = login(nanjing_supervisor)
    url = f"/workspace/debt/profiles/{overdue.pk}/default/"

    page = client.get(url)
    assert f'href="/workspace/records/{first.record_id}/"' in page.content.decode()
    assert 'name="decision_number"' not in page.content.decode()

    response = client.post(
        url,
        {
            "department": government.pk,
            "severity": "serious",
            "decision_number": "宁财债〔2025〕3号",
            "issuing_authority": "南京市财政局",
            "decision_date": timezone.localdate().isoformat(),
            "facts": "逾期",
        },
    )
    assert response.status_code == 409
    assert f'href="/workspace/records/{first.record_id}/"' in response.content.decode()
    assert DishonestyRecord.objects.count() == 1


def test_the_api_reports_a_debt_default_once_and_then_names_the_record(
    overdue, government, nanjing_supervisor, login
):
    client = login(nanjing_supervisor)
    url = f"/api/v1/debt/profiles/{overdue.pk}/report-default/"
    body = {
        "severity": "general",
        "decision_number": "宁财债〔2025〕4号",
        "issuing_authority": "南京市财政局",
        "decision_date": timezone.localdate().isoformat(),
        "facts": "逾期",
    }

    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    record = DishonestyRecord.objects.get()
    assert created.json()["id"] == record.pk
    assert record.department == government
    assert record.debt_default.profile == overdue

    again = client.post(
        url, {**body, "decision_number": "宁财债〔2025〕5号"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert f"/workspace/records/{record.pk}/" in again.json()["detail"]
    assert DishonestyRecord.objects.count() == 1
