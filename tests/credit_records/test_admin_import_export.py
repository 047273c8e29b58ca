"""Department spreadsheets through the admin, driven as a real user with the test client:
the upload form, the dry-run preview with its per-row errors, the confirm step, and export."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import override

from core.models import Department, Region
from core.validators import uscc_check_character, validate_uscc

from ..builders.core import DepartmentFactory, valid_uscc

ADMIN_LIST = "/admin/core/department/"
IMPORT_URL = f"{ADMIN_LIST}import/"
PROCESS_IMPORT_URL = f"{ADMIN_LIST}process_import/"
EXPORT_URL = f"{ADMIN_LIST}export/"
EXPORT_FIELDS = ["uscc", "name", "region", "kind", "parent", "active"]

# What an official sees as the CSV header (zh-hans is the default language; locale/ has these).
HEADERS = {
    "uscc": "统一社会信用代码",
    "name": "名称",
    "region": "行政区划代码",
    "kind": "类型",
    "parent": "上级部门统一社会信用代码",
    "active": "有效",
}


def format_index(title: str, *, export: bool = False) -> str:
    model_admin = admin.site._registry[Department]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    return str([file_format().get_title() for file_format in formats].index(title))


# A complete row needs every column; these fill the ones a test does not care about.
ROW_DEFAULTS = {"kind": "organ", "parent": "", "active": "1"}


def csv_file(rows, headers=HEADERS, name="departments.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([headers[key] for key in EXPORT_FIELDS])
    for row in rows:
        row = {**ROW_DEFAULTS, **row}
        writer.writerow([row[key] for key in EXPORT_FIELDS])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), "text/csv")


def upload(client, rows=None, *, file=None):
    """The first step: upload and preview (a dry run)."""
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": format_index("csv"), "import_file": file or csv_file(rows)},
    )


def confirm(client, preview):
    """The second step: the confirm form rendered with the preview, submitted as is."""
    form = preview.context["confirm_form"]
    return client.post(PROCESS_IMPORT_URL, {name: form.initial[name] for name in form.fields})


def import_csv(client, rows):
    preview = upload(client, rows)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    return confirm(client, preview)


def row_errors(response) -> dict[int, dict[str, list[str]]]:
    result = response.context["result"]
    errors = {row.number: dict(row.field_specific_errors) for row in result.invalid_rows}
    for number, row_error_list in result.row_errors():
        errors.setdefault(number, {})["row"] = [str(error.error) for error in row_error_list]
    return errors


def export_csv(client, **params) -> list[list[str]]:
    data = {"format": format_index("csv", export=True), "resource": "0"}
    data.update({f"departmentresource_{field}": "on" for field in EXPORT_FIELDS})
    response = client.post(EXPORT_URL + (f"?{params['query']}" if params else ""), data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def uscc_error_message(code: str) -> str:
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    return caught.value.messages[0]


def row_for(department, **changes):
    row = {
        "uscc": department.uscc,
        "name": department.name,
        "region": department.region.code,
        "kind": department.kind,
        "parent": department.parent.uscc if department.parent else "",
        "active": "1" if department.active else "0",
    }
    row.update(changes)
    return row


# --- Import -----------------------------------------------------------------------------------


def test_rows_whose_code_breaks_a_rule_of_its_parts_or_disagrees_with_the_kind_are_refused(
    login, nanjing_supervisor, nanjing_department
):
    """GB 32100-2015: the category code must exist for its authority, the organisation code
    (characters 9-17) carries its own GB 11714 check character, and 11… is a government organ,
    12… a public institution. Each broken rule is reported on its row; nothing is saved."""
    before = Department.objects.count()
    organ_code = valid_uscc(900, "320100", prefix="11")
    first17 = organ_code[:16] + ("1" if organ_code[16] != "1" else "2")  # a wrong 17th
    wrong_organisation_check = first17 + uscc_check_character(first17)
    first17 = "94" + organ_code[2:17]  # 工商 has no category 4
    unknown_category = first17 + uscc_check_character(first17)
    rows = [
        {"uscc": organ_code, "name": "南京市审计局", "region": "320100", "kind": "institution"},
        {"uscc": wrong_organisation_check, "name": "南京市统计局", "region": "320100"},
        {"uscc": unknown_category, "name": "南京市水务局", "region": "320100"},
        {
            "uscc": valid_uscc(901, "320100", prefix="12"),
            "name": "南京市档案馆",
            "region": "320100",
            "kind": "institution",
        },
    ]
    response = upload(login(nanjing_supervisor), rows)

    errors = row_errors(response)
    assert set(errors) == {1, 2, 3}
    assert list(errors[1]) == ["kind"] and "11" in errors[1]["kind"][0]
    assert errors[2] == {"uscc": [uscc_error_message(wrong_organisation_check)]}
    assert "GB 11714" in errors[2]["uscc"][0]
    assert errors[3] == {"uscc": [uscc_error_message(unknown_category)]}
    assert response.context.get("confirm_form") is None
    assert Department.objects.count() == before


def test_a_file_with_a_bad_code_and_an_unknown_region_is_reported_row_by_row_and_saves_nothing(
    login, nanjing_supervisor, nanjing_department
):
    before = Department.objects.count()
    bad_code = valid_uscc(501, "320100")[:17] + "0"
    if bad_code == valid_uscc(501, "320100"):
        bad_code = bad_code[:17] + "1"
    rows = [
        {"uscc": valid_uscc(500, "320100"), "name": "南京市审计局", "region": "320100"},
        {"uscc": bad_code, "name": "南京市统计局", "region": "320100"},
        {"uscc": valid_uscc(502, "320100"), "name": "南京市水务局", "region": "329999"},
        {"uscc": valid_uscc(503, "320115"), "name": "江宁区教育局", "region": "320115"},
    ]
    client = login(nanjing_supervisor)
    response = upload(client, rows)

    assert response.status_code == 200
    errors = row_errors(response)
    assert set(errors) == {2, 3}
    assert errors[2] == {"uscc": [uscc_error_message(bad_code)]}
    assert list(errors[3]) == ["region"]
    [region_error] = errors[3]["region"]
    assert "329999" in region_error

    page = response.content.decode()
    assert escape(uscc_error_message(bad_code)) in page
    assert "329999" in page
    # No way forward but to fix the file: no confirm form, and nothing saved.
    assert response.context.get("confirm_form") is None
    assert 'name="confirm"' not in page
    assert Department.objects.count() == before
    assert not Department.objects.filter(name__in=["南京市审计局", "江宁区教育局"]).exists()


def test_a_clean_file_imports_every_row(login, nanjing_supervisor, regions):
    rows = [
        {"uscc": valid_uscc(600, "320100"), "name": "南京市审计局", "region": "320100"},
        {
            "uscc": valid_uscc(601, "320115", prefix="12").lower(),  # 12: a public institution
            "name": "江宁区教育局",
            "region": "320115",
            "kind": "事业单位",
            "parent": valid_uscc(600, "320100"),
            "active": "0",
        },
    ]
    client = login(nanjing_supervisor)
    response = import_csv(client, rows)

    assert response.status_code == 302
    audit = Department.objects.get(uscc=valid_uscc(600, "320100"))
    education = Department.objects.get(uscc=valid_uscc(601, "320115", prefix="12"))
    assert (audit.name, audit.region.code, audit.kind, audit.active) == (
        "南京市审计局",
        "320100",
        "organ",
        True,
    )
    assert (education.region.code, education.kind, education.parent, education.active) == (
        "320115",
        "institution",
        audit,
        False,
    )
    # The import is in each department's change history, attributed to the importing user.
    assert audit.history.latest().history_user == nanjing_supervisor


def test_an_import_updates_a_department_found_by_its_code(
    login, nanjing_supervisor, nanjing_department
):
    row = row_for(
        nanjing_department, uscc=nanjing_department.uscc.lower(), name="南京市财政局（新）"
    )
    assert import_csv(login(nanjing_supervisor), [row]).status_code == 302
    nanjing_department.refresh_from_db()
    assert nanjing_department.name == "南京市财政局（新）"
    assert Department.objects.count() == 1


def head_csv(rows):
    """A department file with the head's columns too (as the export writes them)."""
    fields = [*EXPORT_FIELDS, "head_name", "head_email"]
    headers = {**HEADERS, "head_name": "部门负责人", "head_email": "负责人电子邮箱"}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([headers[key] for key in fields])
    for row in rows:
        row = {**ROW_DEFAULTS, "head_name": "", "head_email": "", **row}
        writer.writerow([row[key] for key in fields])
    return SimpleUploadedFile("departments.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")


def test_the_head_of_department_and_their_email_are_imported(login, nanjing_supervisor, regions):
    rows = [
        {
            "uscc": valid_uscc(610, "320100"),
            "name": "南京市审计局",
            "region": "320100",
            "head_name": "王局长",
            "head_email": "head@audit.nanjing.gov.cn",
        }
    ]
    client = login(nanjing_supervisor)
    preview = upload(client, file=head_csv(rows))
    assert preview.context.get("confirm_form") is not None, row_errors(preview)
    assert confirm(client, preview).status_code == 302

    department = Department.objects.get(uscc=valid_uscc(610, "320100"))
    assert (department.head_name, department.head_email) == ("王局长", "head@audit.nanjing.gov.cn")


def test_a_bad_head_email_is_reported_on_its_row_and_saves_nothing(
    login, nanjing_supervisor, regions
):
    rows = [
        {"uscc": valid_uscc(611, "320100"), "name": "南京市审计局", "region": "320100"},
        {
            "uscc": valid_uscc(612, "320100"),
            "name": "南京市统计局",
            "region": "320100",
            "head_name": "李局长",
            "head_email": "not-an-address",
        },
    ]
    response = upload(login(nanjing_supervisor), file=head_csv(rows))

    errors = row_errors(response)
    assert list(errors) == [2]
    assert list(errors[2]) == ["head_email"]
    assert response.context.get("confirm_form") is None
    assert not Department.objects.filter(
        uscc__in=[valid_uscc(611, "320100"), valid_uscc(612, "320100")]
    ).exists()


def test_the_export_has_the_head_of_department_columns(
    login, province_supervisor, nanjing_department
):
    nanjing_department.head_name = "王局长"
    nanjing_department.head_email = "head@czj.nanjing.gov.cn"
    nanjing_department.save()
    data = {"format": format_index("csv", export=True), "resource": "0"}
    data.update(
        {f"departmentresource_{field}": "on" for field in ["uscc", "head_name", "head_email"]}
    )
    response = login(province_supervisor).post(EXPORT_URL, data)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert rows[0] == ["统一社会信用代码", "部门负责人", "负责人电子邮箱"]
    assert rows[1] == [nanjing_department.uscc, "王局长", "head@czj.nanjing.gov.cn"]


def test_re_importing_an_unchanged_export_changes_nothing(login, nanjing_supervisor, regions):
    parent = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    DepartmentFactory(name="南京市政府采购中心", region=regions["320100"], parent=parent)
    DepartmentFactory(name="江宁区住建局", region=regions["320115"], kind="institution")
    DepartmentFactory(name="鼓楼区教育局", region=regions["320106"], active=False)
    client = login(nanjing_supervisor)
    exported = export_csv(client)
    before = {
        department.pk: (department.updated_at, department.history.count())
        for department in Department.objects.all()
    }

    buffer = io.StringIO()
    csv.writer(buffer).writerows(exported)
    file = SimpleUploadedFile("export.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")
    preview = upload(client, file=file)
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 4
    assert result.totals["new"] == result.totals["update"] == 0
    assert confirm(client, preview).status_code == 302

    after = {
        department.pk: (department.updated_at, department.history.count())
        for department in Department.objects.all()
    }
    assert after == before


def test_a_nanjing_supervisor_cannot_import_into_a_suzhou_region(
    login, nanjing_supervisor, regions
):
    rows = [{"uscc": valid_uscc(700, "320500"), "name": "苏州市审计局", "region": "320500"}]
    response = upload(login(nanjing_supervisor), rows)
    errors = row_errors(response)
    assert list(errors) == [1]
    assert "320500" in str(errors[1])
    assert not Department.objects.filter(uscc=valid_uscc(700, "320500")).exists()


def test_a_nanjing_supervisor_cannot_overwrite_a_suzhou_department_by_its_code(
    login, nanjing_supervisor, suzhou_department
):
    row = row_for(suzhou_department, name="改名", region="320100")
    response = upload(login(nanjing_supervisor), [row])
    assert list(row_errors(response)) == [1]
    assert response.context.get("confirm_form") is None
    suzhou_department.refresh_from_db()
    assert (suzhou_department.name, suzhou_department.region.code) == ("苏州市财政局", "320500")


def test_a_nanjing_supervisor_cannot_attach_a_department_to_a_suzhou_parent(
    login, nanjing_supervisor, suzhou_department
):
    rows = [
        {
            "uscc": valid_uscc(701, "320100"),
            "name": "南京市审计局",
            "region": "320100",
            "parent": suzhou_department.uscc,
        }
    ]
    response = upload(login(nanjing_supervisor), rows)
    errors = row_errors(response)
    assert list(errors) == [1]
    assert suzhou_department.uscc in str(errors[1])
    assert not Department.objects.filter(uscc=valid_uscc(701, "320100")).exists()


def test_a_confirmed_import_whose_rows_went_bad_after_the_preview_saves_nothing(
    login, nanjing_supervisor, regions
):
    """All-or-nothing holds at the confirm step too: here the second row's region is deleted
    between the preview and the confirmation."""
    county = Region.objects.create(
        code="320199", name="测试区", level="county", parent=regions["320100"]
    )
    rows = [
        {"uscc": valid_uscc(800, "320100"), "name": "南京市审计局", "region": "320100"},
        {"uscc": valid_uscc(801, "320199"), "name": "测试区财政局", "region": "320199"},
    ]
    client = login(nanjing_supervisor)
    preview = upload(client, rows)
    assert preview.context.get("confirm_form") is not None
    county.delete()

    response = confirm(client, preview)
    assert not Department.objects.filter(uscc__in=[row["uscc"] for row in rows]).exists()
    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    page = client.get(response["Location"]).content.decode()
    assert "320199" in page  # the failing row's reason, shown to the user
    assert not LogEntry.objects.exists()  # no "added" entries for rows that were never saved


@pytest.mark.parametrize(
    ("user_fixture", "status"),
    [("auditor", 403), ("nanjing_liaison", 302), ("user_without_role", 302)],
)
def test_only_supervisors_may_import(request, login, user_fixture, status, regions):
    """Auditors are refused; liaisons and users without a role never get into the admin."""
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(IMPORT_URL).status_code == status
    rows = [{"uscc": valid_uscc(900, "320100"), "name": "南京市审计局", "region": "320100"}]
    assert upload(client, rows).status_code == status
    assert not Department.objects.filter(uscc=valid_uscc(900, "320100")).exists()


# --- Export -----------------------------------------------------------------------------------


def test_the_csv_export_has_chinese_column_headers(login, province_supervisor, nanjing_department):
    header, *_rows = export_csv(login(province_supervisor))
    assert header == [HEADERS[field] for field in EXPORT_FIELDS]


def test_the_export_headers_follow_the_language_the_user_chose(
    login, province_supervisor, nanjing_department
):
    client = login(province_supervisor)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    header, *_rows = export_csv(client)
    assert header == [
        "unified social credit code",
        "name",
        "region code",
        "kind",
        "parent department code",
        "active",
    ]


def test_the_csv_export_opens_in_excel_with_chinese_intact(
    login, province_supervisor, nanjing_department
):
    data = {"format": format_index("csv", export=True), "resource": "0"}
    data.update({f"departmentresource_{field}": "on" for field in EXPORT_FIELDS})
    response = login(province_supervisor).post(EXPORT_URL, data)
    # Excel reads a CSV as the local code page unless it starts with a UTF-8 byte order mark.
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "南京市财政局" in response.content.decode("utf-8-sig")


def test_an_export_row_shows_the_department_as_officials_read_it(
    login, province_supervisor, regions
):
    parent = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    child = DepartmentFactory(
        name="南京市政府采购中心", region=regions["320100"], kind="institution", parent=parent
    )
    _header, *rows = export_csv(login(province_supervisor))
    with override("zh-hans"):
        assert [child.uscc, child.name, "320100", "事业单位", parent.uscc, "是"] in rows


def test_a_nanjing_supervisor_exports_only_nanjing(
    login, nanjing_supervisor, nanjing_department, jiangning_department, suzhou_department
):
    _header, *rows = export_csv(login(nanjing_supervisor))
    assert {row[1] for row in rows} == {nanjing_department.name, jiangning_department.name}


def test_the_auditor_can_export_every_department_in_the_province(
    login, auditor, nanjing_department, suzhou_department
):
    _header, *rows = export_csv(login(auditor))
    assert {row[1] for row in rows} == {"南京市财政局", "苏州市财政局"}


def test_the_export_honours_the_changelist_filter(
    login, province_supervisor, nanjing_department, suzhou_department
):
    _header, *rows = export_csv(login(province_supervisor), query="q=苏州")
    assert [row[1] for row in rows] == ["苏州市财政局"]


@pytest.mark.parametrize("user_fixture", ["nanjing_liaison", "user_without_role"])
def test_export_needs_the_export_permission(request, login, user_fixture, nanjing_department):
    user = request.getfixturevalue(user_fixture)
    user.is_staff = True  # even with admin access, no export permission means no export
    user.save()
    client = login(user)
    data = {"format": format_index("csv", export=True), "resource": "0"}
    data.update({f"departmentresource_{field}": "on" for field in EXPORT_FIELDS})
    assert client.get(EXPORT_URL).status_code == 403
    response = client.post(EXPORT_URL, data)
    assert response.status_code == 403
    assert not response["Content-Type"].startswith("text/csv")


def test_a_formula_typed_into_a_department_name_is_neutralised_in_the_export(
    login, province_supervisor, regions
):
    DepartmentFactory(name="=1+1", region=regions["320100"])
    _header, *rows = export_csv(login(province_supervisor))
    [cell] = [row[1] for row in rows]
    assert not cell.startswith("=")
    assert "1+1" in cell
    assert Department.objects.get().name == "=1+1"  # only the export is neutralised


@pytest.mark.parametrize("name", ["==1+1", "+1+1", "-1+1", "@SUM(1+1)"])
def test_other_formula_prefixes_are_neutralised_in_the_export(
    login, province_supervisor, regions, name
):
    DepartmentFactory(name=name, region=regions["320100"])
    _header, *rows = export_csv(login(province_supervisor))
    [cell] = [row[1] for row in rows]
    assert not cell.startswith(("=", "+", "-", "@"))


def test_re_importing_an_export_keeps_a_formula_like_name_as_it_was(
    login, nanjing_supervisor, regions
):
    department = DepartmentFactory(name="=1+1", region=regions["320100"])
    client = login(nanjing_supervisor)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(export_csv(client))
    file = SimpleUploadedFile("export.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")
    preview = upload(client, file=file)
    assert preview.context["result"].totals["skip"] == 1
    confirm(client, preview)
    department.refresh_from_db()
    assert department.name == "=1+1"


# --- Change form ------------------------------------------------------------------------------


def test_a_supervisor_records_the_head_of_department_in_the_admin(
    login, nanjing_supervisor, nanjing_department
):
    client = login(nanjing_supervisor)
    url = f"{ADMIN_LIST}{nanjing_department.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert {"head_name", "head_email"} <= set(form.fields)

    data = {**form.initial, "head_name": "王局长", "head_email": "head@czj.nanjing.gov.cn"}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["region"] = nanjing_department.region_id
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    nanjing_department.refresh_from_db()
    assert nanjing_department.head_email == "head@czj.nanjing.gov.cn"
    assert nanjing_department.history.latest().history_user == nanjing_supervisor
