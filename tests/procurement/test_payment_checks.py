"""Sanity checks on contracts, acceptances and payments: a payment is not made before the
contract is signed, the payments do not exceed the contract with its supplementary amounts,
and nothing moves to another parent (project, contract) once created."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement import services
from procurement.models import Contract, Payment

from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db

API = "/api/v1/procurement"


@pytest.fixture
def contract(purchaser):
    # Signed 2026-03-12 for 100,000 yuan plus 10,000 of supplementary contracts.
    contract = make_contract(make_project(purchaser, code="NJ-PAY"), supplementary="10000")
    make_acceptance(contract)
    return contract


@pytest.fixture
def other_contract(purchaser):
    return make_contract(make_project(purchaser, code="NJ-OTHER"))


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_payment_dated_before_the_signing_is_refused(login, nanjing_supervisor, contract):
    client = login(nanjing_supervisor)
    data = {"contract": contract.pk, "sequence": 1, "amount": "1000.00"}
    response = post(client, f"{API}/payments/", {**data, "paid_date": "2026-03-11"})
    assert response.status_code == 400
    assert "paid_date" in response.json()
    assert not Payment.objects.exists()
    # The day of signing itself is allowed.
    assert post(client, f"{API}/payments/", {**data, "paid_date": "2026-03-12"}).status_code == 201


def test_payments_may_reach_but_not_exceed_the_contract_with_its_supplements(
    login, nanjing_supervisor, contract
):
    make_payment(contract, amount="60000", sequence=1)
    with pytest.raises(ValidationError) as error:
        make_payment(contract, amount="50000.01", sequence=2)
    assert "amount" in error.value.message_dict
    assert "110,000.00" in error.value.message_dict["amount"][0]
    assert contract.payments.count() == 1

    second = make_payment(contract, amount="50000", sequence=2)  # exactly 110,000 in all
    # Raising an existing instalment counts the others, not itself twice.
    second.amount = Decimal("50000.01")
    with pytest.raises(ValidationError):
        services.payment_save(actor=None, payment=second)
    second.refresh_from_db()
    assert second.amount == Decimal("50000.00")

    client = login(nanjing_supervisor)
    response = post(
        client, f"{API}/payments/", {"contract": contract.pk, "sequence": 3, "amount": "0.01"}
    )
    assert response.status_code == 400 and "amount" in response.json()


def test_a_payment_stays_with_its_contract(
    login, nanjing_supervisor, contract, other_contract, time_machine
):
    payment = make_payment(contract, amount="1000")
    client = login(nanjing_supervisor)
    response = client.patch(
        f"{API}/payments/{payment.pk}/",
        {"contract": other_contract.pk, "amount": "2000.00"},
        content_type="application/json",
    )
    # The contract is read-only on update: the amount changes, the contract does not.
    assert response.status_code == 200
    assert response.json()["contract"] == contract.pk
    payment.refresh_from_db()
    assert (payment.contract_id, payment.amount) == (contract.pk, Decimal("2000.00"))

    # The service refuses the move whatever calls it (admin, a script).
    payment.contract = other_contract
    with pytest.raises(ValidationError) as error:
        services.payment_save(actor=nanjing_supervisor, payment=payment)
    assert "contract" in error.value.message_dict
    assert Payment.objects.get(pk=payment.pk).contract_id == contract.pk


def test_a_contract_stays_with_its_project_and_an_acceptance_with_its_contract(
    login, nanjing_supervisor, contract, other_contract, purchaser
):
    client = login(nanjing_supervisor)
    project = other_contract.project
    response = client.patch(
        f"{API}/contracts/{contract.pk}/",
        {"project": project.pk, "number": "HT-1"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Contract.objects.get(pk=contract.pk).project_id != project.pk

    acceptance = contract.acceptance
    response = client.patch(
        f"{API}/acceptances/{acceptance.pk}/",
        {"contract": other_contract.pk, "notes": "复验"},
        content_type="application/json",
    )
    assert response.status_code == 200
    acceptance.refresh_from_db()
    assert (acceptance.contract_id, acceptance.notes) == (contract.pk, "复验")

    moved = Contract.objects.get(pk=contract.pk)
    moved.project = make_project(purchaser, code="NJ-EMPTY")
    with pytest.raises(ValidationError):
        services.contract_save(actor=None, contract=moved)


def test_the_admin_shows_the_parent_read_only_once_created(
    login, province_supervisor, contract, other_contract
):
    payment = make_payment(contract, amount="1000")
    client = login(province_supervisor)
    page = client.get(f"/admin/procurement/payment/{payment.pk}/change/")
    assert page.status_code == 200
    assert "contract" not in page.context["adminform"].form.fields
    add = client.get("/admin/procurement/payment/add/")
    assert "contract" in add.context["adminform"].form.fields
    for url in (
        f"/admin/procurement/contract/{contract.pk}/change/",
        f"/admin/procurement/acceptance/{contract.acceptance.pk}/change/",
    ):
        fields = client.get(url).context["adminform"].form.fields
        assert "project" not in fields and "contract" not in fields, url
