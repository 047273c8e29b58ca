"""The signed-in lists at scale: the workspace record list and the API's record list make the
same number of queries whatever the number of records, and their counts, kept in the cache,
change with the data."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..builders.core import DepartmentFactory
from ..builders.records import make_record


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS = 120  # the filter form's fragment too
    cache.clear()
    yield
    cache.clear()


def queries(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
        assert response.status_code == 200, url
    return len(context.captured_queries)


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_lists_cost_the_same_queries_for_few_records_or_many(
    regions, province_supervisor, login
):
    department = DepartmentFactory(region=regions["320100"])
    make_record(department)
    make_record(department, state="draft")
    page = login(province_supervisor)
    api = api_client(province_supervisor)
    page.get("/workspace/records/")
    api.get("/api/v1/records/")
    few = (queries(page, "/workspace/records/"), queries(api, "/api/v1/records/"))
    for _n in range(4):
        make_record(department)
        make_record(department, state="rectification_required")
    page.get("/workspace/records/")
    api.get("/api/v1/records/")
    many = (queries(page, "/workspace/records/"), queries(api, "/api/v1/records/"))
    assert few == many


def test_a_kept_count_changes_with_the_records(regions, province_supervisor, login):
    department = DepartmentFactory(region=regions["320100"])
    make_record(department)
    client = login(province_supervisor)
    api = api_client(province_supervisor)
    assert client.get("/workspace/records/").context["paginator"].count == 1
    assert api.get("/api/v1/records/").json()["count"] == 1
    make_record(department, state="draft")
    assert client.get("/workspace/records/").context["paginator"].count == 2
    assert api.get("/api/v1/records/").json()["count"] == 2


def test_the_available_actions_of_a_listed_record_are_those_of_its_page(
    regions, province_supervisor
):
    department = DepartmentFactory(region=regions["320100"])
    record = make_record(department)
    api = api_client(province_supervisor)
    listed = api.get("/api/v1/records/").json()["results"][0]["available_actions"]
    alone = api.get(f"/api/v1/records/{record.pk}/").json()["available_actions"]
    assert listed == alone
    assert "claim-fault-tolerance" in listed
