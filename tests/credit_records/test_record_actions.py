"""The record actions' table (credit_records.actions) as users meet it: the record page offers
exactly the steps ``available_actions`` names, in the table's order; each step's page and API
endpoint refuse a role without the table's permission, and take the step for one with it."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from credit_records import selectors
from credit_records.actions import RECORD_ACTIONS

from ..builders.files import pdf_bytes
from ..builders.records import make_record

PDF = pdf_bytes()
USERS = ("nanjing_supervisor", "nanjing_liaison", "auditor")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def record_in(nanjing_department, nanjing_supervisor, nanjing_liaison):
    """A general record decided four months ago (past its minimum disclosure period, so
    credit repair is open once it is verified), brought to ``state``."""

    def _make(state):
        return make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            liaison=nanjing_liaison,
            state=state,
            decision_date=timezone.localdate() - relativedelta(months=4),
        )

    return _make


def offered_on_page(client, record) -> list[str]:
    html = client.get(reverse("workspace:record_detail", args=[record.pk])).content.decode()
    prefix = re.escape(f"/workspace/records/{record.pk}/")
    return re.findall(rf'<form method="post" action="{prefix}([a-z-]+)/"', html)


@pytest.mark.parametrize(
    "state", ["draft", "confirmed", "rectification_required", "report_submitted", "verified"]
)
def test_the_record_page_offers_exactly_the_available_actions_in_the_tables_order(
    request, login, record_in, state
):
    record = record_in(state)
    offered_to_anyone = set()
    for name in USERS:
        user = request.getfixturevalue(name)
        expected = selectors.available_actions(record, user, unlisted=True)

        offered = offered_on_page(login(user), record)
        offered_to_anyone.update(offered)

        assert offered == expected, (state, name)
        assert offered == [slug for slug in RECORD_ACTIONS if slug in offered]
        # The API's list names the same steps, but for adding evidence.
        listed = set(selectors.available_actions(record, user))
        assert listed == set(offered) - {"add-evidence"}, (state, name)
    assert offered_to_anyone, "every one of these states has a step for someone"


def _pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# For each step: a state it is open in, who takes it there, and a valid input.
STEPS = {
    "confirm": ("draft", "nanjing_supervisor", dict),
    "require-rectification": ("confirmed", "nanjing_supervisor", dict),
    "submit-explanation": (
        "rectification_required",
        "nanjing_liaison",
        lambda: {"explanation": "资金拨付流程延误。"},
    ),
    "submit-report": (
        "in_progress",
        "nanjing_liaison",
        lambda: {"content": "已全额支付。", "files": [_pdf()]},
    ),
    "verify": ("report_submitted", "nanjing_supervisor", lambda: {"reason": "凭证齐全"}),
    "return": ("report_submitted", "nanjing_supervisor", lambda: {"reason": "缺少付款凭证"}),
    "close": ("verified", "nanjing_supervisor", lambda: {"reason": "整改完毕"}),
    "extend-deadline": (
        "rectification_required",
        "nanjing_supervisor",
        lambda: {
            "new_deadline": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "reason": "汛期",
        },
    ),
    "claim-fault-tolerance": (
        "confirmed",
        "nanjing_liaison",
        lambda: {"grounds": "先行先试", "files": [_pdf()]},
    ),
    "apply-credit-repair": (
        "verified",
        "nanjing_liaison",
        lambda: {"commitment_text": "严格履约。", "statement": "已全额支付。"},
    ),
    "object": (
        "confirmed",
        "nanjing_liaison",
        lambda: {"grounds": "facts_wrong", "explanation": "付款日期有误。", "files": [_pdf()]},
    ),
    "add-evidence": ("confirmed", "nanjing_supervisor", lambda: {"files": [_pdf()]}),
}


def test_every_action_in_the_table_has_a_step_here():
    assert list(STEPS) == list(RECORD_ACTIONS)


@pytest.mark.parametrize("slug", list(RECORD_ACTIONS))
def test_each_step_answers_as_the_tables_permission_says(request, login, record_in, slug):
    action = RECORD_ACTIONS[slug]
    state, taker_name, data = STEPS[slug]
    record = record_in(state)
    taker = request.getfixturevalue(taker_name)
    auditor = request.getfixturevalue("auditor")
    assert slug in selectors.available_actions(record, taker, unlisted=True)
    assert taker.has_perm(action.permission)
    assert not auditor.has_perm(action.permission)
    page = reverse("workspace:record_action", args=[record.pk, slug])

    # A role without the permission is refused, on the page and in the API alike.
    assert login(auditor).get(page).status_code == 403
    assert login(auditor).post(page, data()).status_code == 403
    if action.serializer_class is not None:
        endpoint = f"/api/v1/records/{record.pk}/{slug}/"
        client = APIClient()
        client.force_authenticate(auditor)
        assert client.post(endpoint, data(), format="multipart").status_code == 403

        # One with it takes the step, which the record then no longer offers if it was a
        # transition (the record moved on).
        client.force_authenticate(taker)
        response = client.post(endpoint, data(), format="multipart")
        assert response.status_code == 200, response.json()
        record.refresh_from_db()
        if action.transition is not None:
            assert record.status != state
            assert slug not in response.json()["available_actions"]
    else:
        assert login(taker).get(page).status_code == 200
        response = login(taker).post(page, data())
        assert response.status_code == 302
        assert slug not in selectors.available_actions(record, taker, unlisted=True)
