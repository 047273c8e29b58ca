"""Each computed score says how it was obtained in words, with the records, flags, payments
and assessments that counted linked to their pages; the stored inputs stay as they were."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from evaluations import services
from evaluations.models import Dimension, Indicator, IndicatorKind, Scheme, Score

from ..builders.debt import make_profile
from ..builders.evaluations import make_county_round, make_scored_round

pytestmark = pytest.mark.django_db
RAW_KEYS = ["record_ids", "per_100_departments", "no_data", "flag_ids", "assessment_id"]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def subject_page(client, evaluation_round, code):
    subject = evaluation_round.subjects.get(region__code=code)
    url = reverse("evaluations:subject_detail", args=[evaluation_round.pk, subject.pk])
    return client.get(url).content.decode()


def test_a_score_explains_itself_and_links_the_records_it_counted(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    record_id = Score.objects.get(subject__region__code="320115", indicator__name="A").explanation[
        "inputs"
    ]["record_ids"][0]

    page = subject_page(english(login(nanjing_supervisor)), evaluation_round, "320115")

    assert "1 dishonesty records counted in 20 departments → 5.00 per 100 departments." in page
    assert f'href="{reverse("workspace:record_detail", args=[record_id])}"' in page
    assert "3 of 4 assessed commitments were kept." in page
    for key in RAW_KEYS:
        assert key not in page
    # The raw inputs are kept as they were computed.
    score = Score.objects.get(subject__region__code="320115", indicator__name="A")
    assert score.explanation["inputs"]["record_ids"] == [record_id]


def test_a_record_outside_the_readers_scope_is_named_but_not_linked(
    regions, nanjing_supervisor, suzhou_supervisor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    services.round_publish(actor=None, round=evaluation_round)  # now everyone may read it
    record_id = Score.objects.get(subject__region__code="320115", indicator__name="A").explanation[
        "inputs"
    ]["record_ids"][0]

    page = subject_page(english(login(suzhou_supervisor)), evaluation_round, "320115")

    assert f"#{record_id}" in page
    assert reverse("workspace:record_detail", args=[record_id]) not in page


def debt_round(regions):
    scheme = Scheme.objects.create(name="债务方案")
    dimension = Dimension.objects.create(scheme=scheme, name="债务", weight=100)
    Indicator.objects.create(
        dimension=dimension,
        name="债务风险等级",
        kind=IndicatorKind.COMPUTED,
        formula_key="debt_risk_grade",
        weight=100,
    )
    evaluation_round = make_county_round(regions, scheme)
    services.round_compute(actor=None, round=evaluation_round)
    return evaluation_round


def test_the_debt_score_says_which_years_assessment_it_used(regions, nanjing_supervisor, login):
    period_year = datetime.date.today().year  # make_county_round's period ends today
    make_profile(regions["320115"], period_year - 1, ratio=150)  # yellow, last year's
    evaluation_round = debt_round(regions)
    client = english(login(nanjing_supervisor))

    page = subject_page(client, evaluation_round, "320115")
    assert (
        f"Debt risk grade Yellow (debt ratio 150.00%) in the assessment of {period_year - 1}, "
        f"the latest up to {period_year}."
    ) in page
    assert f'href="{reverse("debt:region_detail", args=["320115"])}"' in page
    jiangning = evaluation_round.subjects.get(region__code="320115")
    assert jiangning.total == 80

    # 玄武区 has no assessment at all: no data, said so on the page.
    page = subject_page(client, evaluation_round, "320102")
    assert f"No debt risk assessment up to {period_year}: no data, full marks." in page
    assert '<span class="badge muted">no data</span>' in page
