"""Deleting a draft round: its organiser (or an administrator) may, after confirming; once
scoring has started the round stays (409 in the API), and nobody else may."""

import pytest
from django.conf import settings

from evaluations import services
from evaluations.models import Round, RoundSubject, Score

from ..builders.evaluations import make_county_round, make_scored_round, make_small_scheme

pytestmark = pytest.mark.django_db


def page_url(evaluation_round):
    return f"/workspace/evaluations/rounds/{evaluation_round.pk}/delete/"


def api_url(evaluation_round):
    return f"/api/v1/evaluations/rounds/{evaluation_round.pk}/"


def test_the_organiser_deletes_a_draft_round_after_confirming(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_compute(actor=None, round=evaluation_round)
    client = login(nanjing_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    detail = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/").content.decode()
    assert page_url(evaluation_round) in detail
    confirmation = client.get(page_url(evaluation_round))
    assert confirmation.status_code == 200
    assert "with its 2 subjects" in confirmation.content.decode()
    assert Round.objects.filter(pk=evaluation_round.pk).exists()  # asking deletes nothing

    response = client.post(page_url(evaluation_round), follow=True)
    assert response.redirect_chain[-1][0] == "/workspace/evaluations/"
    assert "was deleted" in response.content.decode()
    assert not Round.objects.filter(pk=evaluation_round.pk).exists()
    assert not RoundSubject.objects.exists() and not Score.objects.exists()
    deleted = Round.history.filter(id=evaluation_round.pk, history_type="-").get()
    assert deleted.history_user == nanjing_supervisor


def test_a_round_in_scoring_cannot_be_deleted(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    client = login(nanjing_supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    detail = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/").content.decode()
    assert page_url(evaluation_round) not in detail
    page = client.get(page_url(evaluation_round)).content.decode()
    assert "only a draft round can be deleted" in page
    assert "This cannot be undone" not in page  # no confirmation offered
    response = client.post(page_url(evaluation_round))
    assert response.status_code == 302
    assert Round.objects.filter(pk=evaluation_round.pk).exists()
    with pytest.raises(services.WorkflowConflict):
        services.round_delete(actor=nanjing_supervisor, round=evaluation_round)


def test_a_draft_being_computed_cannot_be_deleted(regions, nanjing_supervisor):
    evaluation_round = make_county_round(regions, make_small_scheme())
    Round.objects.filter(pk=evaluation_round.pk).update(computation_status="running")
    with pytest.raises(services.WorkflowConflict):
        services.round_delete(actor=nanjing_supervisor, round=evaluation_round)
    assert Round.objects.filter(pk=evaluation_round.pk).exists()


def test_the_api_deletes_a_draft_and_answers_409_for_any_other_round(
    regions, nanjing_supervisor, login
):
    client = login(nanjing_supervisor)
    in_review = make_scored_round(regions)
    draft = make_county_round(regions, in_review.scheme)
    assert client.delete(api_url(draft)).status_code == 204
    assert not Round.objects.filter(pk=draft.pk).exists()

    response = client.delete(api_url(in_review))
    assert response.status_code == 409
    services.round_publish(actor=None, round=in_review)
    assert client.delete(api_url(in_review)).status_code == 409
    assert Round.objects.filter(pk=in_review.pk).exists()


def test_only_the_organiser_or_an_administrator_may_delete(
    regions, suzhou_supervisor, auditor, administrator, login
):
    draft = make_county_round(regions, make_small_scheme())
    assert login(suzhou_supervisor).get(page_url(draft)).status_code == 404
    assert login(suzhou_supervisor).delete(api_url(draft)).status_code == 404
    assert login(auditor).post(page_url(draft)).status_code == 403
    assert login(auditor).delete(api_url(draft)).status_code == 403
    assert Round.objects.filter(pk=draft.pk).exists()
    assert login(administrator).delete(api_url(draft)).status_code == 204


def test_a_city_seeing_its_county_in_a_province_round_may_not_delete_it(
    regions, nanjing_supervisor, login
):
    province_round = make_county_round(
        regions, make_small_scheme(), organiser="320000", subjects=("320115", "320505")
    )
    client = login(nanjing_supervisor)
    assert client.get(f"/workspace/evaluations/rounds/{province_round.pk}/").status_code == 200
    assert client.get(page_url(province_round)).status_code == 403
    assert client.post(page_url(province_round)).status_code == 403
    assert client.delete(api_url(province_round)).status_code == 404
    assert Round.objects.filter(pk=province_round.pk).exists()
