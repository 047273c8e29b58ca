"""Spreadsheets: projects, contracts and payments by natural keys, row-level errors,
all-or-nothing; through the resources and once through the admin's upload form."""

import datetime
import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.models import (
    Acceptance,
    Contract,
    Payment,
    ProcurementProject,
    RedFlag,
    Supplier,
)
from procurement.resources import (
    AcceptanceResource,
    ContractResource,
    PaymentResource,
    ProjectResource,
    SupplierResource,
)

from ..builders.core import valid_uscc
from ..builders.procurement import make_acceptance, make_contract, make_project, make_supplier

pytestmark = pytest.mark.django_db


def dataset(resource, rows):
    """A sheet with every column the resource knows, headed as users see them."""
    keys = list(resource.fields)
    data = tablib.Dataset(headers=[str(resource.fields[key].column_name) for key in keys])
    for row in rows:
        data.append([row.get(key, "") for key in keys])
    return data


def run(resource, rows, user, dry_run=False):
    return resource.import_data(
        dataset(resource, rows),
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
    )


def errors_by_row(result):
    errors = {row.number: dict(row.field_specific_errors) for row in result.invalid_rows}
    for number, row_errors in result.row_errors():
        errors.setdefault(number, {})["row"] = [str(e.error) for e in row_errors]
    return errors


def project_row(department, supplier, **changes):
    row = {
        "purchaser": department.uscc,
        "code": "IMP-1",
        "title": "导入项目",
        "method": "open_tender",
        "budget": "100000",
        "notice_date": "2026-05-01",
        "award_date": "2026-05-20",
        "supplier": supplier.uscc,
        "award_amount": "90000",
    }
    row.update(changes)
    return row


def test_projects_import_by_purchaser_code_and_project_code(nanjing_supervisor, purchaser):
    supplier = make_supplier()
    result = run(
        ProjectResource(user=nanjing_supervisor),
        [project_row(purchaser, supplier)],
        nanjing_supervisor,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    project = ProcurementProject.objects.get(purchaser=purchaser, code="IMP-1")
    assert project.award_amount == Decimal("90000")
    # The same key updates the same project.
    run(
        ProjectResource(user=nanjing_supervisor),
        [project_row(purchaser, supplier, award_amount="95000")],
        nanjing_supervisor,
    )
    project.refresh_from_db()
    assert project.award_amount == Decimal("95000")
    assert ProcurementProject.objects.count() == 1


def test_a_file_with_a_bad_code_or_an_unknown_purchaser_saves_nothing(
    nanjing_supervisor, purchaser, suzhou_purchaser
):
    supplier = make_supplier()
    good = valid_uscc(777, "320100")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        project_row(purchaser, supplier, code="OK-1"),
        project_row(purchaser, supplier, code="BAD-1", purchaser=bad),
        project_row(purchaser, supplier, code="BAD-2", purchaser=good),  # no such department
        project_row(purchaser, supplier, code="BAD-3", purchaser=suzhou_purchaser.uscc),
        project_row(purchaser, supplier, code="BAD-4", award_date="2026-04-01"),
    ]
    result = run(ProjectResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    errors = errors_by_row(result)
    assert set(errors) == {2, 3, 4, 5}
    assert errors[2]["purchaser"]  # the checksum message
    assert good in " ".join(errors[3]["purchaser"])
    assert suzhou_purchaser.uscc in " ".join(errors[4]["purchaser"])  # out of scope = unknown
    assert not ProcurementProject.objects.exists()


def test_contracts_and_payments_name_their_project_by_natural_key(nanjing_supervisor, purchaser):
    project = make_project(purchaser, code="NK-1")
    contract_rows = [
        {
            "purchaser": purchaser.uscc.lower(),
            "project": "NK-1",
            "number": "HT-1",
            "signed_date": "2026-03-10",
            "amount": "100000",
            "supplementary_amount": "20000",
            "payment_term_days": "",
            "payment_after_acceptance": "1",
            "filed_date": "2026-03-12",
        }
    ]
    result = run(ContractResource(user=nanjing_supervisor), contract_rows, nanjing_supervisor)
    assert not result.has_validation_errors(), errors_by_row(result)
    contract = Contract.objects.get(project=project)
    assert RedFlag.objects.filter(project=project, rule="supplementary_over_cap").exists()
    make_acceptance(contract)
    payment_rows = [
        {
            "purchaser": purchaser.uscc,
            "contract": "NK-1",
            "sequence": "1",
            "amount": "60000",
            "paid_date": "2026-04-01",
        },
        {
            "purchaser": purchaser.uscc,
            "contract": "NK-1",
            "sequence": "2",
            "amount": "40000",
            "paid_date": "",
        },
    ]
    result = run(PaymentResource(user=nanjing_supervisor), payment_rows, nanjing_supervisor)
    assert not result.has_validation_errors(), errors_by_row(result)
    first = Payment.objects.get(contract=contract, sequence=1)
    assert first.due_date == contract.acceptance.acceptance_date + datetime.timedelta(days=30)


def test_a_payment_for_a_project_without_contract_is_a_row_error(nanjing_supervisor, purchaser):
    make_project(purchaser, code="NC-1")
    rows = [{"purchaser": purchaser.uscc, "contract": "NC-1", "sequence": "1", "amount": "1"}]
    result = run(PaymentResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    errors = errors_by_row(result)
    assert "NC-1" in " ".join(errors[1]["contract"])
    assert not Payment.objects.exists()


def test_the_admin_upload_reports_rows_and_imports_nothing(login, nanjing_supervisor, purchaser):
    supplier = make_supplier()
    resource = ProjectResource(user=nanjing_supervisor)
    data = dataset(
        resource,
        [
            project_row(purchaser, supplier, code="ADM-1"),
            project_row(purchaser, supplier, code="ADM-2", budget="-5"),
        ],
    )
    upload = SimpleUploadedFile(
        "projects.csv", io.BytesIO(data.export("csv").encode("utf-8-sig")).getvalue(), "text/csv"
    )
    client = login(nanjing_supervisor)
    from django.contrib import admin

    model_admin = admin.site._registry[ProcurementProject]
    csv_index = [f().get_title() for f in model_admin.get_import_formats()].index("csv")
    response = client.post(
        "/admin/procurement/procurementproject/import/",
        {"resource": "0", "format": str(csv_index), "import_file": upload},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert response.context.get("confirm_form") is None
    assert not ProcurementProject.objects.exists()


def test_a_contract_already_on_file_is_updated_not_duplicated(nanjing_supervisor, purchaser):
    project = make_project(purchaser, code="UP-1")
    make_contract(project, amount="100000")
    rows = [
        {
            "purchaser": purchaser.uscc,
            "project": "UP-1",
            "signed_date": "2026-03-05",
            "amount": "110000",
            "supplementary_amount": "0",
            "payment_after_acceptance": "1",
        }
    ]
    run(ContractResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    assert Contract.objects.get().amount == Decimal("110000")


# --- flag checks wait for the end of the file, and leave what is missing to the scan -----------


def contract_row(department, **changes):
    row = {
        "purchaser": department.uscc,
        "project": "IMP-1",
        "number": "HT-IMP-1",
        "signed_date": "2026-06-01",
        "amount": "90000",
        "supplementary_amount": "0",
        "payment_term_days": "",
        "payment_after_acceptance": "1",
        "filed_date": "2026-06-03",
    }
    row.update(changes)
    return row


def test_a_historical_project_imported_before_its_contract_gets_no_flag_to_withdraw(
    nanjing_supervisor, purchaser
):
    supplier = make_supplier()
    # Awarded on 20 May, long past the 30 days to sign; its contract is in the next file.
    result = run(
        ProjectResource(user=nanjing_supervisor),
        [project_row(purchaser, supplier)],
        nanjing_supervisor,
    )
    assert not result.has_validation_errors(), errors_by_row(result)
    assert not RedFlag.objects.exists()

    result = run(
        ContractResource(user=nanjing_supervisor), [contract_row(purchaser)], nanjing_supervisor
    )
    assert not result.has_validation_errors(), errors_by_row(result)

    # Signed in time: no flag was raised, and none was raised and withdrawn again.
    assert not RedFlag.objects.exists()
    assert not RedFlag.history.exists()


def test_the_scan_flags_what_is_still_missing_after_an_import(nanjing_supervisor, purchaser):
    from procurement import services

    run(
        ProjectResource(user=nanjing_supervisor),
        [project_row(purchaser, make_supplier())],
        nanjing_supervisor,
    )
    assert not RedFlag.objects.exists()

    services.scan()

    flag = RedFlag.objects.get()
    assert flag.rule == "late_signing"
    assert flag.evidence["provisional"] is True


def test_an_import_flags_the_breaches_its_rows_record(nanjing_supervisor, purchaser):
    supplier = make_supplier()
    run(
        ProjectResource(user=nanjing_supervisor),
        [project_row(purchaser, supplier, budget="80000", award_amount="90000")],
        nanjing_supervisor,
    )
    assert list(RedFlag.objects.values_list("rule", flat=True)) == ["award_over_budget"]

    # Signed 45 days after the award: a recorded fact, flagged by the contract file.
    run(
        ContractResource(user=nanjing_supervisor),
        [contract_row(purchaser, signed_date="2026-07-04", filed_date="2026-07-06")],
        nanjing_supervisor,
    )
    late = RedFlag.objects.get(rule="late_signing")
    assert late.evidence["signed_date"] == "2026-07-04"
    assert late.evidence["provisional"] is False


def test_a_dry_run_or_a_failed_file_leaves_no_flag_behind(nanjing_supervisor, purchaser):
    supplier = make_supplier()
    over_budget = project_row(purchaser, supplier, budget="80000", award_amount="90000")

    run(ProjectResource(user=nanjing_supervisor), [over_budget], nanjing_supervisor, dry_run=True)
    run(
        ProjectResource(user=nanjing_supervisor),
        [over_budget, project_row(purchaser, supplier, code="BAD", budget="-1")],
        nanjing_supervisor,
    )

    assert not ProcurementProject.objects.exists()
    assert not RedFlag.objects.exists()


# --- acceptances: keyed by project, they give the payments their due dates ---------------------


def acceptance_row(department, code, **changes):
    row = {
        "purchaser": department.uscc,
        "contract": code,
        "delivery_date": "2026-04-01",
        "acceptance_date": "2026-04-10",
        "result": "",
        "notes": "",
    }
    row.update(changes)
    return row


def unaccepted_contract_with_payment(purchaser, code):
    from ..builders.procurement import make_payment

    contract = make_contract(make_project(purchaser, code=code), signed_after=10)
    payment = make_payment(contract, amount="50000")
    assert payment.due_date is None  # nothing to run from yet
    return contract, payment


def test_imported_acceptances_give_the_payments_their_due_dates(nanjing_supervisor, purchaser):
    contract, payment = unaccepted_contract_with_payment(purchaser, "ACC-1")
    other, _ = unaccepted_contract_with_payment(purchaser, "ACC-2")

    result = run(
        AcceptanceResource(user=nanjing_supervisor),
        [
            acceptance_row(purchaser, "ACC-1"),
            acceptance_row(purchaser, "ACC-2", acceptance_date="", notes="待验收"),
        ],
        nanjing_supervisor,
    )

    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    accepted = Acceptance.objects.get(contract=contract)
    assert accepted.result == "passed"  # a date without a result: passed, as in the form
    assert accepted.notes == ""
    pending = Acceptance.objects.get(contract=other)
    assert (pending.result, pending.acceptance_date, pending.notes) == ("pending", None, "待验收")
    payment.refresh_from_db()
    # 30 days after acceptance (SME): 10 May is a Sunday, so Monday 11 May (art. 203).
    assert payment.due_date == datetime.date(2026, 5, 11)

    # The same project again updates its acceptance.
    run(
        AcceptanceResource(user=nanjing_supervisor),
        [acceptance_row(purchaser, "ACC-1", acceptance_date="2026-04-20")],
        nanjing_supervisor,
    )
    assert Acceptance.objects.filter(contract=contract).count() == 1
    payment.refresh_from_db()
    assert payment.due_date == datetime.date(2026, 5, 20)


def test_an_acceptance_file_with_a_bad_row_saves_nothing(
    nanjing_supervisor, purchaser, suzhou_purchaser
):
    _, payment = unaccepted_contract_with_payment(purchaser, "ACC-1")
    unaccepted_contract_with_payment(purchaser, "ACC-2")
    unaccepted_contract_with_payment(purchaser, "ACC-3")
    make_project(purchaser, code="NO-CONTRACT")
    unaccepted_contract_with_payment(suzhou_purchaser, "SZ-1")

    result = run(
        AcceptanceResource(user=nanjing_supervisor),
        [
            acceptance_row(purchaser, "ACC-1"),
            acceptance_row(purchaser, "ACC-2", acceptance_date="2026-03-20"),  # before delivery
            acceptance_row(purchaser, "ACC-3", result="maybe"),
            acceptance_row(purchaser, "NO-CONTRACT"),
            acceptance_row(suzhou_purchaser, "SZ-1"),  # outside the importer's scope
        ],
        nanjing_supervisor,
    )

    errors = errors_by_row(result)
    assert set(errors) == {2, 3, 4, 5}
    assert "maybe" in " ".join(errors[3]["result"])
    assert "NO-CONTRACT" in " ".join(errors[4]["contract"])
    assert "SZ-1" in " ".join(errors[5]["contract"])
    assert not Acceptance.objects.exists()
    payment.refresh_from_db()
    assert payment.due_date is None


def test_the_admin_imports_acceptances_from_its_upload_form(login, nanjing_supervisor, purchaser):
    contract, payment = unaccepted_contract_with_payment(purchaser, "ADM-ACC")
    data = dataset(
        AcceptanceResource(user=nanjing_supervisor), [acceptance_row(purchaser, "ADM-ACC")]
    )
    upload = SimpleUploadedFile(
        "acceptances.csv",
        io.BytesIO(data.export("csv").encode("utf-8-sig")).getvalue(),
        "text/csv",
    )
    client = login(nanjing_supervisor)
    from django.contrib import admin

    model_admin = admin.site._registry[Acceptance]
    csv_index = [f().get_title() for f in model_admin.get_import_formats()].index("csv")
    preview = client.post(
        "/admin/procurement/acceptance/import/",
        {"resource": "0", "format": str(csv_index), "import_file": upload},
    )
    assert preview.status_code == 200
    form = preview.context.get("confirm_form")
    assert form is not None, errors_by_row(preview.context["result"])
    assert not Acceptance.objects.exists()  # the preview is a dry run

    response = client.post(
        "/admin/procurement/acceptance/process_import/",
        {name: form.initial[name] for name in form.fields},
    )

    assert response.status_code == 302
    assert Acceptance.objects.get(contract=contract).acceptance_date == datetime.date(2026, 4, 10)
    payment.refresh_from_db()
    assert payment.due_date == datetime.date(2026, 5, 11)  # 10 May is a Sunday


# --- yes/no columns take 是/否 and refuse anything else; empty optional text is "" -------------


def supplier_row(code, name, is_sme):
    return {"uscc": code, "name": name, "is_sme": is_sme}


def test_the_sme_column_takes_yes_and_no_in_chinese_and_an_empty_cell_keeps_the_flag(
    nanjing_supervisor,
):
    codes = [valid_uscc(8100 + n, prefix="91") for n in range(4)]
    result = run(
        SupplierResource(user=nanjing_supervisor),
        [
            supplier_row(codes[0], "甲公司", "是"),
            supplier_row(codes[1], "乙公司", "否"),
            supplier_row(codes[2], "丙公司", ""),
            supplier_row(codes[3], "丁公司", None),  # an empty XLSX cell
        ],
        nanjing_supervisor,
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    assert dict(Supplier.objects.values_list("name", "is_sme")) == {
        "甲公司": True,
        "乙公司": False,
        "丙公司": False,  # the default
        "丁公司": False,
    }

    # Updating 甲 with an empty cell keeps it an SME.
    run(
        SupplierResource(user=nanjing_supervisor),
        [supplier_row(codes[0], "甲公司（更名）", "")],
        nanjing_supervisor,
    )
    assert Supplier.objects.get(uscc=codes[0]).is_sme is True


def test_a_yes_no_cell_that_is_neither_is_a_row_error_and_saves_nothing(nanjing_supervisor):
    codes = [valid_uscc(8200 + n, prefix="91") for n in range(2)]
    result = run(
        SupplierResource(user=nanjing_supervisor),
        [supplier_row(codes[0], "甲公司", "是"), supplier_row(codes[1], "乙公司", "也许")],
        nanjing_supervisor,
    )
    errors = errors_by_row(result)
    assert set(errors) == {2}
    assert "也许" in " ".join(errors[2]["is_sme"])
    assert not Supplier.objects.exists()


def test_a_contract_row_with_empty_optional_cells_keeps_the_defaults(nanjing_supervisor, purchaser):
    first = make_project(purchaser, code="YN-1")
    second = make_project(purchaser, code="YN-2")
    rows = [
        contract_row(purchaser, project="YN-1", number=None, payment_after_acceptance=None),
        contract_row(purchaser, project="YN-2", number="", payment_after_acceptance="否"),
    ]
    result = run(ContractResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    assert not result.has_errors() and not result.has_validation_errors(), errors_by_row(result)
    contract = Contract.objects.get(project=first)
    assert (contract.number, contract.payment_after_acceptance) == ("", True)
    other = Contract.objects.get(project=second)
    assert (other.number, other.payment_after_acceptance) == ("", False)


def test_a_contract_row_with_junk_in_a_yes_no_column_is_refused(nanjing_supervisor, purchaser):
    make_project(purchaser, code="YN-1")
    result = run(
        ContractResource(user=nanjing_supervisor),
        [contract_row(purchaser, project="YN-1", payment_after_acceptance="验收后")],
        nanjing_supervisor,
    )
    assert "验收后" in " ".join(errors_by_row(result)[1]["payment_after_acceptance"])
    assert not Contract.objects.exists()
