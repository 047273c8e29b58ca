"""Moving a project to another purchaser: its red flags follow it (scope and decisions),
unless a violation was already found on it."""

import pytest
from django.core.exceptions import ValidationError

from procurement import services
from procurement.models import FlagRule, FlagStatus, ProcurementProject, RedFlag

from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def misfiled_project(purchaser):
    """A Nanjing project (award above budget, an SME paid late) that in fact is Suzhou's."""
    project = make_project(purchaser, code="MOVE-1", budget="100000", award_amount="120000")
    contract = make_contract(project, amount="120000")
    make_acceptance(contract)
    make_payment(contract, amount="120000")  # unpaid, long overdue: provisional flag
    return project


def move(project, purchaser, actor=None):
    project = ProcurementProject.objects.get(pk=project.pk)
    project.purchaser = purchaser
    return services.project_save(actor=actor, project=project)


def test_the_flags_follow_a_project_to_its_new_purchaser(
    login, misfiled_project, suzhou_purchaser, nanjing_supervisor, suzhou_supervisor
):
    flags = RedFlag.objects.filter(rule__in=[FlagRule.AWARD_OVER_BUDGET, FlagRule.SME_PAYMENT_LATE])
    assert flags.count() == 2
    move(misfiled_project, suzhou_purchaser)

    assert set(flags.values_list("purchaser", flat=True)) == {suzhou_purchaser.pk}
    nanjing, suzhou = login(nanjing_supervisor), login(suzhou_supervisor)
    for flag in flags:
        assert nanjing.get(f"/api/v1/procurement/flags/{flag.pk}/").status_code == 404
        assert suzhou.get(f"/api/v1/procurement/flags/{flag.pk}/").status_code == 200
    assert nanjing.get("/workspace/procurement/flags/").context["object_list"].count() == 0
    # Every flag of the project moves, decided ones (the withdrawn "not signed yet") too.
    listed = suzhou.get("/workspace/procurement/flags/").context["object_list"]
    assert listed.count() == RedFlag.objects.count() == 3
    assert flags.first().history.first().history_change_reason


def test_the_new_purchasers_supervisor_can_confirm_a_moved_flag(
    misfiled_project, suzhou_purchaser, suzhou_supervisor
):
    move(misfiled_project, suzhou_purchaser)
    flag = RedFlag.objects.get(rule=FlagRule.AWARD_OVER_BUDGET)
    violation = services.flag_confirm(
        actor=suzhou_supervisor,
        flag=flag,
        severity="general",
        decision_number="苏财采监〔2026〕1号",
        issuing_authority="苏州市财政局",
    )
    assert violation.purchaser == suzhou_purchaser
    assert violation.record.department == suzhou_purchaser


def test_a_project_with_a_violation_keeps_its_purchaser(
    misfiled_project, purchaser, suzhou_purchaser, nanjing_supervisor
):
    flag = RedFlag.objects.get(rule=FlagRule.AWARD_OVER_BUDGET)
    services.flag_confirm(
        actor=nanjing_supervisor,
        flag=flag,
        severity="general",
        decision_number="宁财采监〔2026〕1号",
        issuing_authority="南京市财政局",
    )
    with pytest.raises(ValidationError) as error:
        move(misfiled_project, suzhou_purchaser)
    assert "purchaser" in error.value.message_dict

    misfiled_project.refresh_from_db()
    assert misfiled_project.purchaser == purchaser
    assert set(RedFlag.objects.values_list("purchaser", flat=True)) == {purchaser.pk}
    assert RedFlag.objects.get(pk=flag.pk).status == FlagStatus.CONFIRMED


def test_the_edit_form_refuses_the_move_next_to_the_purchaser_field(
    login, province_supervisor, misfiled_project, suzhou_purchaser
):
    flag = RedFlag.objects.get(rule=FlagRule.AWARD_OVER_BUDGET)
    services.flag_confirm(
        actor=None,
        flag=flag,
        severity="general",
        decision_number="宁财采监〔2026〕2号",
        issuing_authority="南京市财政局",
    )
    p = misfiled_project
    response = login(province_supervisor).post(
        f"/workspace/procurement/projects/{p.pk}/edit/",
        {
            "purchaser": suzhou_purchaser.pk,
            "code": p.code,
            "title": p.title,
            "method": p.method,
            "budget": p.budget,
            "notice_date": p.notice_date,
            "award_date": p.award_date,
            "supplier": p.supplier_id,
            "award_amount": p.award_amount,
        },
    )
    assert response.status_code == 200
    assert "purchaser" in response.context["form"].errors
    p.refresh_from_db()
    assert p.purchaser_id != suzhou_purchaser.pk
