"""The surfaces of agreements and arrears: spreadsheet imports by credit code (row errors,
all-or-nothing, through the admin too), the API (scope, writes through the services, bad
input), the workspace pages and forms, exports, the public page by city (no individual
business named) and the two evaluation indicators."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from procurement import services
from procurement.models import Agreement, ArrearsBaseline, ArrearsItem
from procurement.resources_agreements import AgreementResource, ArrearsItemResource

from ..builders.agreements import enterprise_uscc, make_agreement, make_arrears, make_obligation
from .test_import import dataset, errors_by_row, run

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def agreement_row(department, **changes):
    row = {
        "department": department.uscc,
        "number": "IMP-XY-1",
        "kind": "招商引资协议",
        "title": "导入的协议",
        "counterparty_name": "导入企业",
        "counterparty_uscc": enterprise_uscc(901),
        "counterparty_is_sme": "是",
        "signed_date": "2026-02-01",
        "term_end": "",
    }
    row.update(changes)
    return row


def arrears_row(department, **changes):
    row = {
        "department": department.uscc,
        "reference": "IMP-QK-1",
        "kind": "工程",
        "description": "工程尾款",
        "creditor_name": "导入施工企业",
        "creditor_uscc": enterprise_uscc(902),
        "creditor_is_sme": "是",
        "amount": "120000",
        "due_date": "2026-06-30",
    }
    row.update(changes)
    return row


# --- imports ---------------------------------------------------------------------------------


def test_agreements_import_by_department_credit_code(nanjing_supervisor, purchaser):
    individual = enterprise_uscc(903, individual=True)
    result = run(
        AgreementResource(user=nanjing_supervisor),
        [
            agreement_row(purchaser),
            agreement_row(purchaser, number="IMP-XY-2", counterparty_uscc=individual.lower()),
        ],
        nanjing_supervisor,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Agreement.objects.get(number="IMP-XY-1").counterparty_is_sme
    assert Agreement.objects.get(number="IMP-XY-2").counterparty_is_individual


def test_an_agreement_file_with_bad_rows_imports_nothing_and_names_each_row(
    nanjing_supervisor, purchaser, suzhou_purchaser
):
    code = enterprise_uscc(904)
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    result = run(
        AgreementResource(user=nanjing_supervisor),
        [
            agreement_row(purchaser),
            agreement_row(purchaser, number="IMP-XY-2", counterparty_uscc=broken),
            agreement_row(suzhou_purchaser, number="IMP-XY-3"),
            agreement_row(purchaser, number="IMP-XY-4", kind="借款"),
            agreement_row(purchaser, number="IMP-XY-5", term_end="2026-01-01"),
        ],
        nanjing_supervisor,
    )
    errors = errors_by_row(result)
    assert set(errors) == {2, 3, 4, 5}
    assert "counterparty_uscc" in errors[2]
    assert not Agreement.objects.exists()


def test_arrears_import_and_a_bad_amount_is_a_row_error(nanjing_supervisor, purchaser):
    result = run(
        ArrearsItemResource(user=nanjing_supervisor),
        [arrears_row(purchaser), arrears_row(purchaser, reference="IMP-QK-2", amount="-1")],
        nanjing_supervisor,
    )
    assert set(errors_by_row(result)) == {2}
    assert not ArrearsItem.objects.exists()
    result = run(
        ArrearsItemResource(user=nanjing_supervisor), [arrears_row(purchaser)], nanjing_supervisor
    )
    assert not result.has_validation_errors()
    assert ArrearsItem.objects.get().amount == Decimal("120000.00")


def test_the_admin_upload_of_arrears_reports_rows_and_imports_nothing(
    login, nanjing_supervisor, purchaser
):
    data = dataset(
        ArrearsItemResource(user=nanjing_supervisor),
        [arrears_row(purchaser), arrears_row(purchaser, reference="IMP-QK-2", due_date="明天")],
    )
    upload = SimpleUploadedFile(
        "arrears.csv", io.BytesIO(data.export("csv").encode("utf-8-sig")).getvalue(), "text/csv"
    )
    from django.contrib import admin

    model_admin = admin.site._registry[ArrearsItem]
    csv_index = [f().get_title() for f in model_admin.get_import_formats()].index("csv")
    response = login(nanjing_supervisor).post(
        "/admin/procurement/arrearsitem/import/",
        {"resource": "0", "format": str(csv_index), "import_file": upload},
    )
    assert response.status_code == 200
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert not ArrearsItem.objects.exists()


# --- API -------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_lists_a_citys_own_agreements_and_arrears(
    nanjing_supervisor, purchaser, suzhou_purchaser
):
    mine = make_agreement(purchaser)
    make_obligation(mine, due=datetime.date(2026, 6, 30))
    make_agreement(suzhou_purchaser)
    make_arrears(purchaser, amount="1000", due=datetime.date(2026, 11, 10))
    make_arrears(suzhou_purchaser)
    body = api(nanjing_supervisor).get("/api/v1/procurement/agreements/").json()
    assert [row["number"] for row in body["results"]] == [mine.number]
    assert body["results"][0]["obligations"][0]["status"] == "overdue"
    body = api(nanjing_supervisor).get("/api/v1/procurement/arrears/").json()
    assert [(r["outstanding"], r["days_overdue"]) for r in body["results"]] == [("1000.00", 10)]


def test_the_api_creates_an_agreement_through_the_service_and_refuses_bad_input(
    nanjing_supervisor, purchaser, suzhou_purchaser
):
    client = api(nanjing_supervisor)
    payload = {
        "department": purchaser.uscc,
        "kind": "ppp",
        "number": "API-1",
        "title": "特许经营协议",
        "counterparty_name": "企业",
        "counterparty_uscc": enterprise_uscc(905, individual=True),
        "counterparty_is_sme": True,
        "signed_date": "2026-03-01",
    }
    response = client.post("/api/v1/procurement/agreements/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["counterparty_is_individual"] is True
    bad = {**payload, "number": "API-2", "counterparty_uscc": "91320100ABCDEFGHIJ"}
    assert client.post("/api/v1/procurement/agreements/", bad, format="json").status_code == 400
    elsewhere = {**payload, "number": "API-3", "department": suzhou_purchaser.uscc}
    assert client.post("/api/v1/procurement/agreements/", elsewhere, format="json").status_code in (
        400,
        404,
    )
    assert list(Agreement.objects.values_list("number", flat=True)) == ["API-1"]


# --- pages -----------------------------------------------------------------------------------


def test_an_official_records_an_agreement_and_an_obligation_through_the_pages(
    login, nanjing_supervisor, purchaser
):
    client = login(nanjing_supervisor)
    response = client.post(
        "/workspace/procurement/agreements/new/",
        {
            "department": purchaser.pk,
            "kind": "services",
            "number": "WEB-1",
            "title": "购买服务协议",
            "counterparty_name": "服务企业",
            "counterparty_uscc": enterprise_uscc(906),
            "signed_date": "2026-03-01",
        },
    )
    agreement = Agreement.objects.get(number="WEB-1")
    assert response.status_code == 302
    response = client.post(
        f"/workspace/procurement/agreements/{agreement.pk}/obligations/new/",
        {
            "description": "支付服务费",
            "amount": "1000",
            "agreed_due_date": "2026-02-01",
            "days_after_condition": "0",
        },
    )
    assert response.status_code == 200  # due before signing: an error next to the field
    assert "agreed_due_date" in response.context["form"].errors
    client.post(
        f"/workspace/procurement/agreements/{agreement.pk}/obligations/new/",
        {
            "description": "支付服务费",
            "amount": "1000",
            "agreed_due_date": "2026-12-01",
            "days_after_condition": "0",
        },
    )
    page = client.get(f"/workspace/procurement/agreements/{agreement.pk}/").content.decode()
    assert "支付服务费" in page and "尚未到期" in page


def test_a_repayment_plan_is_typed_one_instalment_a_line(login, nanjing_supervisor, purchaser):
    item = make_arrears(purchaser, amount="1000")
    client = login(nanjing_supervisor)
    url = f"/workspace/procurement/arrears/{item.pk}/plan/"
    response = client.post(url, {"agreed_on": "2026-11-01", "instalments": "2026-12-01 x"})
    assert "instalments" in response.context["form"].errors
    response = client.post(
        url, {"agreed_on": "2026-11-01", "instalments": "2026-12-01 600\n2027-01-04 400.01"}
    )
    assert "instalments" in response.context["form"].errors
    response = client.post(
        url, {"agreed_on": "2026-11-01", "instalments": "2026-12-01 600\n2027-01-04 400"}
    )
    assert response.status_code == 302
    assert item.instalments.count() == 2


def test_the_ledger_page_and_the_exports_show_the_arrears(login, nanjing_supervisor, purchaser):
    make_arrears(purchaser, amount="2500", due=TODAY - datetime.timedelta(days=31))
    client = login(nanjing_supervisor)
    page = client.get("/workspace/procurement/arrears/ledger/").content.decode()
    assert purchaser.name in page and "2,500.00" in page
    csv = client.get("/workspace/procurement/arrears/?export=csv")
    text = (
        b"".join(csv.streaming_content).decode("utf-8-sig")
        if csv.streaming
        else csv.content.decode("utf-8-sig")
    )
    assert "2500.00" in text and "31" in text


# --- public page and indicators --------------------------------------------------------------


def test_the_public_page_sums_by_city_and_never_names_an_individual_business(
    client, purchaser, suzhou_purchaser
):
    make_arrears(purchaser, amount="700", individual=True, name="张三五金店")
    make_arrears(purchaser, amount="300", name="南京某建设有限公司")
    make_arrears(suzhou_purchaser, amount="100")
    page = client.get("/public/procurement/arrears/").content.decode()
    assert "南京市" in page and "苏州市" in page and "1,000.00" in page
    assert "张三五金店" not in page and "个体工商户" in page
    assert "南京某建设有限公司" in page
    assert client.get("/public/procurement/arrears/?city=999999").status_code == 404


def test_the_indicators_measure_agreements_kept_and_arrears_reduced(purchaser, regions):
    from evaluations import indicators
    from evaluations.models import RoundSubject

    agreement = make_agreement(purchaser)
    kept = make_obligation(agreement, due=datetime.date(2026, 6, 30), amount="100")
    services.obligation_event_record(
        actor=None,
        event=kept.events.model(
            obligation=kept, date=datetime.date(2026, 6, 30), description="付", amount=100
        ),
    )
    make_obligation(agreement, due=datetime.date(2026, 7, 31), amount="100")
    subject = RoundSubject(region=regions["320100"])
    period = indicators.Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    value, inputs = indicators.compute("agreements_kept_on_time", subject, period)
    assert (value, inputs["kept"], inputs["obligations_due"]) == (Decimal("50.00"), 1, 2)
    value, inputs = indicators.compute("arrears_reduced", subject, period)
    assert inputs["no_data"] is True and value == 100
    ArrearsBaseline.objects.create(
        region=regions["320100"], as_of=datetime.date(2026, 1, 1), amount=1000
    )
    make_arrears(purchaser, amount="400", due=datetime.date(2025, 12, 1))
    value, inputs = indicators.compute("arrears_reduced", subject, period)
    assert value == Decimal("60.00")


def test_the_agreements_and_arrears_answers_conform_to_the_schema(nanjing_supervisor, purchaser):
    from ..core.test_api_schema_truth import conforms

    agreement = make_agreement(purchaser)
    make_obligation(agreement, condition="企业投产", amount=None)
    make_arrears(purchaser)
    client = api(nanjing_supervisor)
    body = conforms(
        client.get("/api/v1/procurement/agreements/"), "/api/v1/procurement/agreements/"
    )
    assert body["results"][0]["obligations"][0]["status"] == "awaiting"
    conforms(client.get("/api/v1/procurement/arrears/"), "/api/v1/procurement/arrears/")
