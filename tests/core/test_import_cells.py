"""Spreadsheet cells as officials type them: an empty optional text cell (openpyxl reads it
as None) is an empty text, a yes/no column takes 是/否 as well as true/false and 1/0, an
empty yes/no cell keeps the default, and anything else is a row error that saves nothing."""

import pytest
from tablib import Dataset

from core.imports.organisations import DepartmentResource, UserResource
from core.models import Department, User
from credit_records.models import PublicOfficial
from credit_records.resources import PublicOfficialResource

from ..builders.core import valid_uscc

pytestmark = pytest.mark.django_db


def dataset(resource, rows):
    names = list(rows[0])
    data = Dataset(headers=[str(resource.fields[name].column_name) for name in names])
    for row in rows:
        data.append([row[name] for name in names])
    return data


def run_import(resource_class, user, rows):
    resource = resource_class(user=user)
    return resource.import_data(
        dataset(resource, rows),
        dry_run=False,
        use_transactions=True,
        raise_errors=False,
        rollback_on_validation_errors=True,  # as the admin imports: all or nothing
    )


def errors_of(result):
    found = [str(error.error) for _number, row in result.row_errors() for error in row]
    found += [str(row.error) for row in result.invalid_rows]
    return found


def department_row(sequence, active, region="320100"):
    return {
        "uscc": valid_uscc(sequence, region),
        "name": f"南京市测试局{sequence}",
        "region": region,
        "kind": "机关",
        "parent": None,
        "active": active,
    }


def test_an_empty_optional_text_cell_imports_as_empty_text(nanjing_supervisor, nanjing_department):
    result = run_import(
        PublicOfficialResource,
        nanjing_supervisor,
        [
            {
                "department": nanjing_department.uscc,
                "employee_number": "E900",
                "name": "王五",
                "position": None,
                "active": None,
            }
        ],
    )

    assert errors_of(result) == []
    official = PublicOfficial.objects.get(employee_number="E900")
    assert official.position == ""
    assert official.active is True  # the empty cell kept the default


def test_a_user_without_names_or_email_imports(administrator, regions):
    result = run_import(
        UserResource,
        administrator,
        [
            {
                "username": "new_supervisor",
                "first_name": None,
                "last_name": None,
                "email": None,
                "role": "监管人员",
                "region": "320100",
                "department": None,
                "is_active": "是",
            }
        ],
    )

    assert errors_of(result) == []
    user = User.objects.get(username="new_supervisor")
    assert (user.first_name, user.last_name, user.email, user.is_active) == ("", "", "", True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("是", True), ("否", False), ("TRUE", True), ("false", False), (1, True), ("0", False)],
)
def test_a_yes_no_column_reads_chinese_english_and_digits(
    typed, expected, nanjing_supervisor, regions
):
    result = run_import(DepartmentResource, nanjing_supervisor, [department_row(501, typed)])

    assert errors_of(result) == []
    assert Department.objects.get(uscc=valid_uscc(501, "320100")).active is expected


def test_an_empty_yes_no_cell_keeps_an_existing_departments_state(nanjing_supervisor, regions):
    run_import(DepartmentResource, nanjing_supervisor, [department_row(502, "否")])

    result = run_import(DepartmentResource, nanjing_supervisor, [department_row(502, None)])

    assert errors_of(result) == []
    assert Department.objects.get(uscc=valid_uscc(502, "320100")).active is False


def test_a_yes_no_cell_that_is_neither_is_a_row_error_and_saves_nothing(
    nanjing_supervisor, regions
):
    before = Department.objects.count()

    result = run_import(
        DepartmentResource,
        nanjing_supervisor,
        [department_row(503, "是"), department_row(504, "maybe")],
    )

    assert any("maybe" in error for error in errors_of(result))
    assert Department.objects.count() == before
