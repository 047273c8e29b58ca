"""Every edit form of the workspace shows what is stored and saves it unchanged: a real
Chromium, in Chinese, opens each form on the demo data and presses save without touching a
field. A date written in the language's format (``2026/11/25``) is dropped by
``<input type="date">``, so the form came back "该字段是必填项"; a number with a thousands
separator is refused by ``<input type="number">`` the same way."""

import datetime
import io
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import models

from credit_records.demo import DEMO_PASSWORD
from credit_records.models import Commendation, DishonestyRecord, PublicOfficial, RecordStatus
from debt.models import DebtProfile
from evaluations.models import Round, RoundStatus, Score
from procurement.models import Acceptance, Payment, ProcurementProject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where screenshots go when CHENGXIN_SCREENSHOTS names a folder (to look at them).
SCREENSHOTS = os.environ.get("CHENGXIN_SCREENSHOTS", "")

# Touched by every save whatever the form: not what the official entered.
VOLATILE = {"updated_at", "created_at", "entered_at", "modified_at"}


# Who last saved it: the signed-in official, by design (a score records its evaluator).
SAVED_BY = {Score: {"scored_by", "explanation"}}


def stored(obj) -> dict:
    """The object's stored concrete field values, read again from the database."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    values = {}
    ignored = VOLATILE | SAVED_BY.get(type(obj), set())
    for field in fresh._meta.concrete_fields:
        if field.name in ignored or isinstance(field, models.DateTimeField):
            continue
        values[field.name] = getattr(fresh, field.attname)
    for field in fresh._meta.many_to_many:
        values[field.name] = sorted(getattr(fresh, field.name).values_list("pk", flat=True))
    return values


def edit_forms():
    """(what, URL, the form's objects, the form's selector) of every workspace edit form
    over stored demo data, each with a date, a number or both where the model has them."""
    record = (
        DishonestyRecord.objects.filter(status=RecordStatus.DRAFT, decision_date__isnull=False)
        .order_by("pk")
        .first()
    )
    commendation = Commendation.objects.filter(date__isnull=False).order_by("pk").first()
    official = PublicOfficial.objects.order_by("pk").first()
    project = (
        ProcurementProject.objects.filter(
            notice_date__isnull=False, award_date__isnull=False, budget__isnull=False
        )
        .order_by("pk")
        .first()
    )
    acceptance = (
        Acceptance.objects.filter(delivery_date__isnull=False, acceptance_date__isnull=False)
        .select_related("contract")
        .order_by("pk")
        .first()
    )
    contract = acceptance.contract
    payment = Payment.objects.filter(paid_date__isnull=False).order_by("pk").first()
    profile = DebtProfile.objects.order_by("pk").first()
    forms = [
        ("draft record", f"/workspace/records/{record.pk}/edit/", [record], "main form"),
        (
            "commendation",
            f"/workspace/commendations/{commendation.pk}/edit/",
            [commendation],
            "main form",
        ),
        ("official", f"/workspace/officials/{official.pk}/edit/", [official], "main form"),
        (
            "procurement project",
            f"/workspace/procurement/projects/{project.pk}/edit/",
            [project],
            "main form",
        ),
        (
            "contract",
            f"/workspace/procurement/projects/{contract.project_id}/contract/",
            [contract],
            "main form",
        ),
        (
            "acceptance",
            f"/workspace/procurement/projects/{contract.project_id}/acceptance/",
            [acceptance],
            "main form",
        ),
        (
            "payment",
            f"/workspace/procurement/projects/{payment.contract.project_id}/payments/{payment.pk}/",
            [payment],
            "main form",
        ),
        ("debt profile", f"/workspace/debt/profiles/{profile.pk}/edit/", [profile], "main form"),
    ]
    scoring = Round.objects.filter(status=RoundStatus.SCORING).order_by("pk").first()
    score = (
        Score.objects.filter(round=scoring, value__isnull=False, indicator__kind="manual")
        .select_related("indicator")
        .order_by("pk")
        .first()
        if scoring
        else None
    )
    if score is not None:
        forms.append(
            (
                "evaluation score",
                f"/workspace/evaluations/rounds/{scoring.pk}/subjects/{score.subject_id}/",
                [score],
                f"form.eval-score-form:has(input[name=indicator][value='{score.indicator_id}'])",
            )
        )
    return forms


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/workspace/")


def test_every_edit_form_shows_its_stored_values_and_saves_them_unchanged(
    browser_page, live_server, demo
):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    base = live_server.url
    sign_in(page, base, "province")
    forms = edit_forms()
    assert len(forms) >= 9, [what for what, *_rest in forms]
    checked_dates = checked_numbers = 0
    for what, url, objects, selector in forms:
        before = [stored(obj) for obj in objects]
        response = page.goto(base + url)
        assert response is not None and response.ok, f"{what}: {url} {response.status}"
        form = page.locator(selector).first
        if SCREENSHOTS:
            name = what.replace(" ", "-")
            page.screenshot(path=f"{SCREENSHOTS}/edit-{name}.png", full_page=True)
        # What the browser holds in each date and number input is the stored value.
        for input_ in form.locator("input[type=date]").all():
            name = input_.get_attribute("name")
            value = input_.input_value()
            expected = getattr(objects[0], name, None)
            if isinstance(expected, datetime.date):
                assert value == expected.isoformat(), f"{what}: {name} shows {value!r}"
                checked_dates += 1
        for input_ in form.locator("input[type=number]").all():
            name = input_.get_attribute("name")
            value = input_.input_value()
            expected = getattr(objects[0], name, None)
            if isinstance(expected, Decimal | int) and not isinstance(expected, bool):
                assert value != "", f"{what}: {name} shows nothing for {expected}"
                assert Decimal(value) == Decimal(expected), f"{what}: {name} shows {value!r}"
                checked_numbers += 1
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        page.wait_for_load_state("load")
        errors = page.locator(".form-errors, .field .error, .messages .error").all_inner_texts()
        assert errors == [], f"{what}: saving it unchanged failed: {errors}"
        assert page.locator(".messages .success, .message.success").count() >= 1 or (
            page.url != base + url
        ), f"{what}: no sign of success at {page.url}"
        after = [stored(obj) for obj in objects]
        assert after == before, f"{what}: saving it unchanged changed it"
    assert checked_dates >= 8
    assert checked_numbers >= 8
