"""The province benchmark's builder (bench/province_data.py) at a thousandth of the size:
it must keep up with the models (a required field added later fails here, not in the middle
of a 20-minute build), and what it builds must be what the pages and the scan expect."""

import datetime

import pytest
from django.db import connection

from bench.province_data import SIZES, Builder, Copier
from core.models import Department
from core.uscc import identifier_from_number, make_uscc
from credit_records.models import DishonestyRecord, Rectification
from credit_records.selectors import published_records
from procurement.models import Contract, ProcurementProject


@pytest.fixture
def province(require_postgres, regions):
    builder = Builder(scale=0.001, seed=7)
    for name, step in [
        ("departments", builder.departments),
        ("users", builder.users),
        ("officials", builder.officials),
        ("records", builder.records),
        ("record officials", builder.record_officials),
        ("timeline", builder.timeline),
        ("rectifications", builder.rectifications),
        ("history", builder.history),
        ("suppliers", builder.suppliers),
        ("procurement", builder.procurement),
        ("debt", builder.debt),
        ("complaints", builder.complaints),
        ("objections", builder.objections),
        ("intake", builder.intake),
        ("reports", builder.reports),
        ("agreements", builder.agreements),
    ]:
        builder.step(name, step)  # VACUUM is left out: it cannot run in the test's transaction
    return builder


def test_builds_the_scaled_province(province):
    sizes = province.sizes
    assert sizes["records"] == round(SIZES["records"] * 0.001)
    assert DishonestyRecord.objects.count() == sizes["records"]
    # Every record is valid for the model, not only for the table's constraints.
    for record in DishonestyRecord.objects.order_by("?")[:20]:
        record.full_clean(exclude=["status"], validate_unique=False)
    assert published_records().count() == sizes["published"]
    history = DishonestyRecord.history.model.objects
    assert history.count() == sizes["records"] * sizes["history_per_record"]
    record = DishonestyRecord.objects.order_by("pk").first()
    assert record.history.count() == sizes["history_per_record"]
    departments = Department.objects.count()
    assert departments >= 200
    assert Department.objects.values("uscc").distinct().count() == departments
    open_ones = Rectification.objects.filter(verified_at__isnull=True)
    assert open_ones.count() == sizes["open_rectifications"]
    today = datetime.date.today()
    assert not open_ones.filter(deadline__lte=today).exists()  # none overdue: no ladder backlog
    assert ProcurementProject.objects.count() == sizes["projects"]
    assert (
        Contract.objects.count()
        == ProcurementProject.objects.filter(award_date__isnull=False).count()
    )


def test_sequences_continue_after_the_copied_ids(province):
    """The builder gives ids itself; the ORM's next insert must not collide with them."""
    latest = Department.objects.order_by("-pk").first()
    uscc = make_uscc(prefix="11", region_code="320000", identifier=identifier_from_number(777777))
    made = Department.objects.create(name="新建部门", uscc=uscc, region=latest.region)
    assert made.pk > latest.pk


def test_a_required_field_not_given_is_named(require_postgres):
    with pytest.raises(ValueError, match=r"dishonestyrecord\.category is required"):
        Copier(DishonestyRecord, ["id", "department_id"])
    assert connection.vendor == "postgresql"
