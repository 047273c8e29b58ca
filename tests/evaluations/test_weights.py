"""Who may change a scheme's weights, and when: the default scheme is shared by every
region, so only the province changes it, and never under a round being scored or reviewed;
a subject's total is always weighted with one set of weights."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluations import services
from evaluations.models import Score

from ..builders.evaluations import (
    make_county_round,
    make_jiangning_data,
    make_score,
    make_small_scheme,
)

pytestmark = pytest.mark.django_db
D = Decimal


def weights_form(scheme, **changes) -> dict:
    data = {}
    for dimension in scheme.dimensions.all():
        data[f"d{dimension.pk}"] = str(dimension.weight)
        for item in dimension.indicators.all():
            if item.is_weighted:
                data[f"i{item.pk}"] = str(item.weight)
    data.update(changes)
    return data


def new_weights(scheme):
    """守信 70 (A 40, B 30), 履约 30 (C 30): different from the fixture's 60/40."""
    d1 = scheme.dimensions.get(name="守信")
    d2 = scheme.dimensions.get(name="履约")
    return (
        {d1.pk: D(70), d2.pk: D(30)},
        {
            d1.indicators.get(name="A").pk: D(40),
            d1.indicators.get(name="B").pk: D(30),
            d2.indicators.get(name="C").pk: D(30),
        },
    )


def test_a_city_supervisor_cannot_change_the_shared_weights(regions, nanjing_supervisor, login):
    scheme = services.default_scheme()
    first = scheme.dimensions.first()
    client = login(nanjing_supervisor)
    page = client.get(f"/workspace/evaluations/schemes/{scheme.pk}/").content.decode()
    assert "Save weights" not in page and "保存权重" not in page

    data = weights_form(scheme)
    data[f"d{first.pk}"] = "30"
    data[f"i{first.indicators.first().pk}"] = "30"
    second = scheme.dimensions.all()[1]
    data[f"d{second.pk}"] = "10"
    data[f"i{second.indicators.first().pk}"] = "10"
    response = client.post(f"/workspace/evaluations/schemes/{scheme.pk}/", data)
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.weight == D(20)
    with pytest.raises(PermissionDenied):
        services.scheme_set_weights(
            actor=nanjing_supervisor,
            scheme=scheme,
            dimensions={first.pk: D(30), second.pk: D(10)},
            indicators={},
        )


def test_the_province_changes_the_weights_when_no_round_is_open(
    regions, province_supervisor, login
):
    scheme = make_small_scheme()
    make_county_round(regions, scheme)  # a draft round does not lock the weights
    d1 = scheme.dimensions.get(name="守信")
    dimensions, indicators = new_weights(scheme)
    data = weights_form(
        scheme,
        **{f"d{pk}": str(value) for pk, value in dimensions.items()},
        **{f"i{pk}": str(value) for pk, value in indicators.items()},
    )
    response = login(province_supervisor).post(f"/workspace/evaluations/schemes/{scheme.pk}/", data)
    assert response.status_code == 302
    d1.refresh_from_db()
    assert d1.weight == D(70)


def test_the_weights_are_locked_while_a_round_using_them_is_in_scoring(
    regions, province_supervisor, login
):
    scheme = make_small_scheme()
    evaluation_round = make_county_round(regions, scheme)
    services.round_start_scoring(actor=None, round=evaluation_round)
    dimensions, indicators = new_weights(scheme)

    with pytest.raises(services.WorkflowConflict) as conflict:
        services.scheme_set_weights(
            actor=province_supervisor, scheme=scheme, dimensions=dimensions, indicators=indicators
        )
    assert "测试轮次" in conflict.value.message

    client = login(province_supervisor)
    url = f"/workspace/evaluations/schemes/{scheme.pk}/"
    page = client.get(url).content.decode()
    # The page names the round holding the lock, links to it, and offers no form.
    assert f'href="/workspace/evaluations/rounds/{evaluation_round.pk}/"' in page
    assert 'name="d' not in page
    data = weights_form(
        scheme,
        **{f"d{pk}": str(value) for pk, value in dimensions.items()},
        **{f"i{pk}": str(value) for pk, value in indicators.items()},
    )
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "测试轮次" in refused.content.decode()
    assert scheme.dimensions.get(name="守信").weight == D(60)  # nothing saved


def test_a_subjects_weights_total_100_when_the_weights_change_after_a_draft_was_computed(
    regions, province_supervisor
):
    scheme = make_small_scheme()
    make_jiangning_data(regions)
    evaluation_round = make_county_round(regions, scheme)
    services.round_compute(actor=None, round=evaluation_round)  # computed while a draft
    dimensions, indicators = new_weights(scheme)
    services.scheme_set_weights(
        actor=province_supervisor, scheme=scheme, dimensions=dimensions, indicators=indicators
    )
    services.round_start_scoring(actor=None, round=evaluation_round)
    make_score(evaluation_round, "320115", "B", "80")
    make_score(evaluation_round, "320102", "B", "90")
    services.round_submit_for_review(actor=None, round=evaluation_round)
    services.round_publish(actor=None, round=evaluation_round)

    for subject in evaluation_round.subjects.all():
        weights = Score.objects.filter(
            subject=subject, indicator__kind__in=["computed", "manual"]
        ).values_list("weight", flat=True)
        assert sum(weights) == D(100)
    jiangning = evaluation_round.subjects.get(region__code="320115")
    # A 50 × 40 % = 20, B 80 × 30 % = 24, C 75 × 30 % = 22.50: 66.50 under the new weights.
    assert jiangning.total == D("66.50")
    assert jiangning.dimension_scores == {"守信": "44.00", "履约": "22.50"}


def test_the_province_edits_the_bonus_maximum_and_an_items_description(
    regions, province_supervisor, login
):
    scheme = make_small_scheme()
    bonus = scheme.dimensions.get(name="履约").indicators.get(name="Bonus")
    manual = scheme.dimensions.get(name="守信").indicators.get(name="B")
    computed = scheme.dimensions.get(name="守信").indicators.get(name="A")
    client = login(province_supervisor)
    url = f"/workspace/evaluations/schemes/{scheme.pk}/"
    page = client.get(url).content.decode()
    assert f'name="m{bonus.pk}"' in page and f'name="t{manual.pk}"' in page
    assert f'name="t{computed.pk}"' not in page  # a computed indicator keeps its formula

    data = weights_form(
        scheme, **{f"m{bonus.pk}": "8", f"t{manual.pk}": "  查阅公开目录和抽查文件  "}
    )
    assert client.post(url, data).status_code == 302
    bonus.refresh_from_db()
    manual.refresh_from_db()
    assert bonus.max_points == D(8)
    assert manual.formula_text == "查阅公开目录和抽查文件"
    assert manual.history.first().history_user == province_supervisor
    page = client.get(url).content.decode()
    assert "查阅公开目录和抽查文件" in page

    # A client posting only the weights leaves the maximums and descriptions as they are.
    assert client.post(url, weights_form(scheme)).status_code == 302
    manual.refresh_from_db()
    assert manual.formula_text == "查阅公开目录和抽查文件"


def test_a_maximum_out_of_range_is_refused_and_changes_nothing(regions, province_supervisor, login):
    scheme = make_small_scheme()
    bonus = scheme.dimensions.get(name="履约").indicators.get(name="Bonus")
    url = f"/workspace/evaluations/schemes/{scheme.pk}/"
    refused = login(province_supervisor).post(url, weights_form(scheme, **{f"m{bonus.pk}": "-1"}))
    assert refused.status_code == 200
    assert 'class="field has-error"' in refused.content.decode()
    with pytest.raises(ValidationError):
        services.scheme_set_weights(
            actor=province_supervisor,
            scheme=scheme,
            dimensions={},
            indicators={},
            max_points={bonus.pk: D(101)},
        )
    bonus.refresh_from_db()
    assert bonus.max_points == D(5)


def test_maximums_and_descriptions_are_locked_like_the_weights(
    regions, province_supervisor, nanjing_supervisor
):
    scheme = make_small_scheme()
    bonus = scheme.dimensions.get(name="履约").indicators.get(name="Bonus")
    change = {
        "scheme": scheme,
        "dimensions": {},
        "indicators": {},
        "max_points": {bonus.pk: D(20)},
        "descriptions": {bonus.pk: "任何加分"},
    }
    with pytest.raises(PermissionDenied):
        services.scheme_set_weights(actor=nanjing_supervisor, **change)
    evaluation_round = make_county_round(regions, scheme)
    services.round_start_scoring(actor=None, round=evaluation_round)
    with pytest.raises(services.WorkflowConflict):
        services.scheme_set_weights(actor=province_supervisor, **change)
    bonus.refresh_from_db()
    assert (bonus.max_points, bonus.formula_text) == (D(5), "")
