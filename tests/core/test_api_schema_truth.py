"""The OpenAPI schema (``/api/schema/``) says what the API answers: each response below is
checked against it with schemathesis' response-conformance check, on the data that once broke
it — a blank grade, a region subject's ``department``, a province's ``parent`` and a system
step's ``actor`` (null), a round's results and scores (whole lists, not pages) and a record
read by a liaison (no ``internal_notes``). The fuzz test (tests/integration/test_api_fuzz.py)
runs the same check over generated requests."""

import pytest
import requests
import schemathesis
from rest_framework.test import APIClient
from schemathesis.core.transport import Response

from config.wsgi import application
from debt import services as debt
from evaluations.models import Grade

from ..builders.evaluations import make_county_round, make_small_scheme
from ..builders.records import make_record

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)


def conforms(response, path: str, method: str = "GET"):
    """Asserts the Django test response is what the schema documents for ``path``; returns
    its JSON."""
    assert response.status_code == 200, response.content
    request = requests.Request(method, f"http://testserver{response.request['PATH_INFO']}")
    checked = Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content,
        request=request.prepare(),
        elapsed=0.0,
        verify=False,
        encoding="utf-8",
    )
    SCHEMA[path][method].validate_response(checked)
    return response.json()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def evaluation_round(regions):
    # Not computed yet: every subject's total is empty and its grade blank.
    return make_county_round(regions, make_small_scheme())


def test_a_rounds_results_and_scores_are_whole_lists_with_blank_grades_and_no_department(
    evaluation_round, nanjing_supervisor
):
    client = api(nanjing_supervisor)
    base = f"/api/v1/evaluations/rounds/{evaluation_round.pk}"

    results = conforms(client.get(f"{base}/results/"), "/api/v1/evaluations/rounds/{id}/results/")
    scores = conforms(client.get(f"{base}/scores/"), "/api/v1/evaluations/rounds/{id}/scores/")

    assert isinstance(results, list) and isinstance(scores, list)
    assert {(row["grade"], row["department"]) for row in results} == {("", None)}


def test_the_results_across_rounds_are_pages_with_blank_grades(
    evaluation_round, nanjing_supervisor
):
    page = conforms(
        api(nanjing_supervisor).get("/api/v1/evaluations/results/"), "/api/v1/evaluations/results/"
    )

    assert page["count"] == 2
    assert {row["grade"] for row in page["results"]} == {""}
    assert "" not in Grade.values  # the blank is the schema's BlankEnum, not a grade


def test_a_warning_issued_by_hand_has_a_blank_grade(regions, nanjing_supervisor):
    warning = debt.warning_create(
        actor=nanjing_supervisor,
        region=regions["320115"],
        title="债务风险提示",
        reason="偿债率上升",
    )
    client = api(nanjing_supervisor)

    listed = conforms(client.get("/api/v1/debt/warnings/"), "/api/v1/debt/warnings/")
    one = conforms(
        client.get(f"/api/v1/debt/warnings/{warning.pk}/"), "/api/v1/debt/warnings/{id}/"
    )

    assert listed["results"][0]["grade"] == one["grade"] == ""


def test_a_province_has_no_parent_region(regions, province_supervisor):
    page = conforms(
        api(province_supervisor).get("/api/v1/regions/", {"page_size": 200}), "/api/v1/regions/"
    )

    assert {row["code"]: row["parent"] for row in page["results"]}["320000"] is None


def test_a_step_the_system_took_has_no_actor_and_a_liaison_gets_no_internal_notes(
    nanjing_department, nanjing_supervisor, nanjing_liaison
):
    record = make_record(nanjing_department, state="confirmed", internal_notes="内部意见")

    for user, notes in ((nanjing_supervisor, True), (nanjing_liaison, False)):
        one = conforms(api(user).get(f"/api/v1/records/{record.pk}/"), "/api/v1/records/{id}/")
        listed = conforms(api(user).get("/api/v1/records/"), "/api/v1/records/")
        assert ("internal_notes" in one) is notes
        assert ("internal_notes" in listed["results"][0]) is notes
        assert {event["actor"] for event in one["timeline"]} == {None}
