"""``CachedCountPaginator`` (the record list's and the API's): a page's ids are read first,
from the ordering's index alone, then its rows by id, in the same order as a plain slice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.public_cache import CachedCountPaginator
from credit_records.models import DishonestyRecord
from credit_records.selectors import with_record_list_annotations

from ..builders.core import DepartmentFactory
from ..builders.records import RecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(regions):
    first = DepartmentFactory(region=regions["320100"])
    second = DepartmentFactory(region=regions["320583"])
    start = datetime.date(2026, 1, 1)
    # Two records share each date, so the id decides between them (the list's order).
    return [
        RecordFactory(
            department=first if n % 2 else second, decision_date=start + datetime.timedelta(n // 2)
        )
        for n in range(7)
    ]


def listed():
    return with_record_list_annotations(
        DishonestyRecord.objects.select_related("department"), honours=False
    )


def test_every_page_holds_the_rows_of_a_plain_slice_in_the_same_order(records):
    expected = list(listed())  # Meta.ordering: newest decision first, then the higher id
    assert [r.decision_date for r in expected] == sorted(
        (r.decision_date for r in records), reverse=True
    )
    paginator = CachedCountPaginator(listed(), 3, orphans=1)
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
    assert [[r.pk for r in page] for page in pages] == [
        [r.pk for r in expected[0:3]],
        [r.pk for r in expected[3:7]],  # the last page takes the orphan
    ]
    # The rows keep what the queryset gave them: annotations and the department.
    row = pages[0][0]
    assert row.department.name == expected[0].department.name
    assert hasattr(row, "deadline") and hasattr(row, "overdue")


def test_the_ids_are_read_alone_before_the_rows(records):
    paginator = CachedCountPaginator(listed(), 3)
    paginator.count  # noqa: B018 - counted (and cached) apart from the page
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(2).object_list)
    ids_query, rows_query = (query["sql"] for query in queries.captured_queries)
    selected = ids_query.split(" FROM ")[0]
    assert "decision_number" not in selected and '"id"' in selected
    assert "LIMIT 3" in ids_query and "OFFSET 3" in ids_query
    assert "decision_number" in rows_query.split(" FROM ")[0]
    assert "ORDER BY" not in rows_query


def test_a_queryset_of_values_is_sliced_as_it_is(records):
    values = DishonestyRecord.objects.values("pk", "decision_number")
    paginator = CachedCountPaginator(values, 3)
    assert list(paginator.page(1).object_list) == list(values[:3])
