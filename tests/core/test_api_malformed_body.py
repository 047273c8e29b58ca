"""A malformed JSON body is a 400 on every write endpoint, however it is malformed: also a
body nested deeper than the JSON decoder can recurse (about 2,000 levels in 4 KB)."""

import json
import logging

import pytest
from rest_framework.test import APIClient

from credit_records.models import DishonestyRecord
from debt.models import RiskWarning
from procurement.models import ProcurementProject

from ..builders.records import RecordFactory

DEPTH = 2000


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def api(province_supervisor):
    client = APIClient()
    client.force_authenticate(province_supervisor)
    return client


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/records/", DishonestyRecord),
        ("/api/v1/procurement/projects/", ProcurementProject),
        ("/api/v1/debt/warnings/", RiskWarning),
    ],
)
def test_a_body_nested_two_thousand_levels_deep_is_a_400_and_saves_nothing(
    api, path, model, caplog
):
    body = '{"facts": ' + nested(DEPTH) + ', "title": "t"}'
    assert len(body) < 5000
    before = model.objects.count()

    with caplog.at_level(logging.WARNING):
        response = api.post(path, body, content_type="application/json")

    assert response.status_code == 400
    # The translated message (Chinese is the default language): "nested too deeply".
    assert "嵌套层级过深" in response.json()["detail"]
    assert model.objects.count() == before
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records if record.exc_info]


def test_a_deeply_nested_body_on_a_workflow_action_is_a_400_and_changes_nothing(
    api, nanjing_department
):
    record = RecordFactory(department=nanjing_department)

    response = api.post(
        f"/api/v1/records/{record.pk}/confirm/",
        '{"reason": ' + nested(DEPTH) + "}",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "嵌套层级过深" in response.json()["detail"]
    record.refresh_from_db()
    assert record.status == "draft"


def test_an_ordinary_nesting_is_still_read(api, nanjing_department):
    # Ten levels is deeper than any real request: it reaches the serializer, which answers.
    response = api.post(
        "/api/v1/records/",
        json.dumps({"facts": json.loads(nested(10))}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "facts" in response.json()
