"""Choosing a round's subjects: by default every region (or department) of the level below
the organising region; an official may pick some, only from their scope, and the service
refuses any that is not below the organiser or not of the round's level."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from evaluations import services
from evaluations.models import Round, Scheme, SubjectLevel

from ..builders.core import DepartmentFactory
from ..builders.evaluations import make_small_scheme

pytestmark = pytest.mark.django_db

URL = "/workspace/evaluations/rounds/new/"


def form_data(scheme, organiser, level="county", subjects=()):
    return {
        "name": "南京市部分县区评价",
        "scheme": scheme.pk,
        "organiser": organiser.pk,
        "level": level,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "subjects": list(subjects),
    }


def create(regions, actor, *, subjects, organiser="320100", level=SubjectLevel.COUNTY):
    return services.round_create(
        actor=actor,
        name="测试轮次",
        scheme=Scheme.objects.filter(name="测试方案").first() or make_small_scheme(),
        organiser=regions[organiser],
        level=level,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        subjects=subjects,
    )


def test_a_supervisor_chooses_the_rounds_subjects_in_the_form(regions, nanjing_supervisor, login):
    scheme = make_small_scheme()
    chosen = [f"region-{regions['320115'].pk}", f"region-{regions['320102'].pk}"]
    response = login(nanjing_supervisor).post(
        URL, form_data(scheme, regions["320100"], subjects=chosen)
    )
    assert response.status_code == 302
    evaluation_round = Round.objects.get()
    assert sorted(evaluation_round.subjects.values_list("region__code", flat=True)) == [
        "320102",
        "320115",
    ]


def test_without_a_choice_the_round_takes_every_region_of_the_level(
    regions, nanjing_supervisor, login
):
    response = login(nanjing_supervisor).post(
        URL, form_data(make_small_scheme(), regions["320100"])
    )
    assert response.status_code == 302
    assert Round.objects.get().subjects.count() == 11  # Nanjing's eleven districts


def test_the_form_offers_only_subjects_in_the_officials_scope(
    regions, nanjing_supervisor, jiangning_department, suzhou_department, login
):
    make_small_scheme()
    page = login(nanjing_supervisor).get(URL).content.decode()
    assert f'value="region-{regions["320115"].pk}"' in page  # 江宁区
    assert f'value="department-{jiangning_department.pk}"' in page
    assert f'value="region-{regions["320505"].pk}"' not in page  # 苏州 虎丘区
    assert f'value="region-{regions["320500"].pk}"' not in page
    assert f'value="department-{suzhou_department.pk}"' not in page


def test_a_subject_outside_the_scope_cannot_be_posted(regions, nanjing_supervisor, login):
    scheme = make_small_scheme()
    response = login(nanjing_supervisor).post(
        URL,
        form_data(scheme, regions["320100"], subjects=[f"region-{regions['320505'].pk}"]),
    )
    assert response.status_code == 200
    assert 'class="field has-error"' in response.content.decode()
    assert not Round.objects.exists()


def test_a_subject_below_another_region_is_refused_next_to_the_field(
    regions, province_supervisor, login
):
    client = login(province_supervisor)
    client.cookies["django_language"] = "en"
    response = client.post(
        URL,
        form_data(
            make_small_scheme(),
            regions["320100"],
            subjects=[f"region-{regions['320115'].pk}", f"region-{regions['320505'].pk}"],
        ),
    )
    assert response.status_code == 200
    assert "虎丘区 is not below the organising region." in response.content.decode()
    assert not Round.objects.exists()


def test_the_service_refuses_subjects_not_below_the_organiser_or_of_another_level(
    regions, province_supervisor
):
    department = DepartmentFactory(region=regions["320115"])
    cases = [
        [regions["320505"]],  # below 苏州, not 南京
        [regions["320100"]],  # the organiser itself
        [regions["320115"], department],  # a department in a round over counties
    ]
    for subjects in cases:
        with pytest.raises(ValidationError) as refused:
            create(regions, province_supervisor, subjects=subjects)
        assert "subjects" in refused.value.error_dict, subjects
    with pytest.raises(ValidationError):
        create(regions, province_supervisor, subjects=[regions["320115"]], level="department")
    with pytest.raises(ValidationError):
        create(regions, province_supervisor, subjects=[regions["320100"]], organiser="320000")
    assert not Round.objects.exists()


def test_a_round_over_chosen_departments_takes_only_active_ones(regions, nanjing_supervisor):
    active = DepartmentFactory(region=regions["320115"])
    closed = DepartmentFactory(region=regions["320115"], active=False)
    with pytest.raises(ValidationError):
        create(regions, nanjing_supervisor, subjects=[active, closed], level="department")
    evaluation_round = create(
        regions, nanjing_supervisor, subjects=[active, active], level="department"
    )
    assert list(evaluation_round.subjects.values_list("department", flat=True)) == [active.pk]
