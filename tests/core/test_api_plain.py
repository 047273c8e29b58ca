"""The API's plain representation (core/api/plain.py) gives what DRF's own would, field by
field: for the record list's rows as the list reads them, and for the cases DRF treats
specially (a missing link, a callable source, a value its field converts)."""

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.plain import PlainRepresentationMixin
from credit_records.api.serializers import RecordSerializer
from credit_records.api.views import RecordViewSet

from ..builders.core import DepartmentFactory
from ..builders.records import OfficialFactory, make_objection, make_record


def drf(serializer, instance) -> dict:
    return serializers.Serializer.to_representation(serializer, instance)


def plain(serializer, instance) -> dict:
    return PlainRepresentationMixin.to_representation(serializer, instance)


def assert_same(plain_row: dict, drf_row: dict) -> None:
    assert list(plain_row) == list(drf_row)  # the same fields, in the same order
    for name, value in drf_row.items():
        assert plain_row[name] == value, name
        assert type(plain_row[name]) is type(value), name
    assert json.dumps(plain_row, ensure_ascii=False) == json.dumps(drf_row, ensure_ascii=False)


def listed_records(user):
    """The rows as the API's list reads them (its queryset, its serializer's context)."""
    request = APIRequestFactory().get("/api/v1/records/")
    request.user = user
    view = RecordViewSet(request=request, action="list", format_kwarg=None, kwargs={})
    records = list(view.get_queryset().order_by("pk"))
    serializer = RecordSerializer(records, many=True, context={"request": request, "view": view})
    return records, serializer.child


def test_a_listed_record_is_represented_as_drf_represents_it(regions, province_supervisor):
    department = DepartmentFactory(region=regions["320100"])
    with_officials = make_record(department, state="rectification_required")
    with_officials.officials.set([OfficialFactory(department=department) for _n in range(2)])
    make_record(department, state="draft", internal_notes="")
    make_record(department, state="closed")
    objected = make_record(department)
    make_objection(objected)
    records, child = listed_records(province_supervisor)
    assert len(records) == 4
    for record in records:
        assert_same(plain(child, record), drf(child, record))
    # Through the serializer as the view uses it, internal notes included for a supervisor.
    rows = RecordSerializer(records, many=True, context=child.context).data
    assert [row["id"] for row in rows] == [record.pk for record in records]
    assert all("internal_notes" in row for row in rows)
    assert rows[0]["officials"] == sorted(o.pk for o in with_officials.officials.all())


def test_a_liaison_still_gets_no_internal_notes_in_the_list(nanjing_department, nanjing_liaison):
    make_record(nanjing_department, internal_notes="仅供监管部门阅读")
    records, child = listed_records(nanjing_liaison)
    rows = RecordSerializer(records, many=True, context=child.context).data
    assert rows and all("internal_notes" not in row for row in rows)


class Sample(PlainRepresentationMixin, serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[("a", "A"), (1, "one")])
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    label = serializers.CharField(source="make_label", read_only=True)
    day = serializers.DateField()
    stamp = serializers.DateTimeField()
    whole = serializers.SerializerMethodField()

    def get_whole(self, obj) -> str:
        return f"{obj.name}:{obj.count}"


def sample(**overrides) -> SimpleNamespace:
    values = {
        "name": "名称",
        "count": 3,
        "kind": "a",
        "owner": SimpleNamespace(name="主人"),
        "make_label": lambda: "标签",
        "day": datetime.date(2026, 12, 7),
        "stamp": datetime.datetime(2026, 12, 7, 4, 30, tzinfo=datetime.UTC),
    }
    return SimpleNamespace(**{**values, **overrides})


def test_the_cases_drf_treats_specially_come_out_the_same(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    cases = [
        sample(),
        sample(owner=None),  # a missing link: DRF leaves the field out
        sample(count=Decimal("4"), name=12),  # values the fields convert
        sample(kind=1),  # a choice that is not a string
        sample(kind="unknown"),
        sample(day=None, stamp=None, name=None),
    ]
    serializer = Sample()
    for case in cases:
        assert_same(plain(serializer, case), drf(serializer, case))
    assert "owner_name" not in plain(serializer, sample(owner=None))
    assert plain(serializer, sample())["label"] == "标签"
    assert plain(serializer, sample())["stamp"] == "2026-12-07T12:30:00+08:00"
