"""Jiangsu's administrative divisions (GB/T 2260) as a tree: reference data, paths, subtrees."""

import csv
import io

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import override

from core.models import Region
from core.reference import load_jiangsu_regions
from core.scope import departments_in_scope

# From BRIEF.md (GB/T 2260): the province and its thirteen prefecture-level cities.
CITIES = {
    "320100": "南京市",
    "320200": "无锡市",
    "320300": "徐州市",
    "320400": "常州市",
    "320500": "苏州市",
    "320600": "南通市",
    "320700": "连云港市",
    "320800": "淮安市",
    "320900": "盐城市",
    "321000": "扬州市",
    "321100": "镇江市",
    "321200": "泰州市",
    "321300": "宿迁市",
}


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


# --- Reference data ---------------------------------------------------------------------------
# The data migration loads them; the ``regions`` fixture puts them back after a transactional
# test on the same worker has flushed the database.


def test_the_province_is_jiangsu_at_the_root(regions):
    province = Region.objects.get(code="320000")
    assert (province.name, province.level, province.parent) == ("江苏省", "province", None)
    assert list(Region.objects.filter(parent__isnull=True)) == [province]


def test_the_thirteen_cities_hang_below_the_province_with_their_names(regions):
    cities = Region.objects.filter(level="city")
    assert {city.code: city.name for city in cities} == CITIES
    assert {city.parent.code for city in cities} == {"320000"}


def test_every_county_hangs_below_the_city_its_code_names(regions):
    counties = Region.objects.filter(level="county").select_related("parent")
    assert counties.exists()
    for county in counties:
        assert county.parent.code == county.code[:4] + "00", county
        assert county.parent.level == "city"


def test_well_known_counties_are_where_they_belong(regions):
    assert Region.objects.get(code="320115").name == "江宁区"
    assert Region.objects.get(code="320115").parent.name == "南京市"
    assert Region.objects.get(code="320583").name == "昆山市"
    assert Region.objects.get(code="320583").parent.name == "苏州市"


def test_loading_the_reference_data_again_adds_nothing(regions):
    before = Region.objects.count()
    assert load_jiangsu_regions(Region) == 0
    assert Region.objects.count() == before


# --- Paths and subtrees -----------------------------------------------------------------------


def test_a_region_path_lists_the_codes_from_the_root(regions):
    assert regions["320000"].path == "320000/"
    assert regions["320100"].path == "320000/320100/"
    assert regions["320115"].path == "320000/320100/320115/"


def test_a_new_region_gets_its_path_from_its_parent(regions):
    county = Region.objects.create(
        code="320199", name="测试区", level="county", parent=regions["320100"]
    )
    assert Region.objects.get(pk=county.pk).path == "320000/320100/320199/"


def test_a_city_subtree_is_the_city_and_its_counties(regions):
    nanjing = codes(Region.objects.subtree(regions["320100"]))
    assert nanjing == {code for code in regions if code.startswith("3201")}
    assert "320115" in nanjing
    assert "320500" not in nanjing and "320000" not in nanjing


def test_the_province_subtree_is_everything(regions):
    assert codes(Region.objects.subtree(regions["320000"])) == set(regions)


def test_a_county_subtree_is_just_the_county(regions):
    assert codes(Region.objects.subtree(regions["320115"])) == {"320115"}


def test_a_city_whose_code_is_a_prefix_of_another_does_not_swallow_it(regions):
    # Codes are compared path segment by path segment, not as bare prefixes.
    assert "321000" not in codes(Region.objects.subtree(regions["320100"]))


def test_ancestors_run_from_the_province_down_to_the_parent(regions):
    assert [region.code for region in regions["320115"].ancestors()] == ["320000", "320100"]
    assert regions["320000"].ancestors() == []


# --- Moving and recoding --------------------------------------------------------------------


def test_recoding_a_city_carries_its_counties_along(regions):
    nanjing = regions["320100"]
    nanjing.code = "320199"
    nanjing.save()

    jiangning = Region.objects.get(code="320115")
    assert jiangning.path == "320000/320199/320115/"
    assert "320115" in codes(Region.objects.subtree(Region.objects.get(code="320199")))


def test_after_a_recoding_a_supervisor_still_sees_the_county_departments(
    nanjing_supervisor, jiangning_department, regions
):
    nanjing = regions["320100"]
    nanjing.code = "320199"
    nanjing.save()
    nanjing_supervisor.refresh_from_db()
    assert jiangning_department in departments_in_scope(nanjing_supervisor)


def test_moving_a_county_to_another_city_moves_it_between_scopes(
    nanjing_supervisor, suzhou_supervisor, jiangning_department, regions
):
    county = regions["320115"]
    county.parent = regions["320500"]
    county.save()

    assert Region.objects.get(code="320115").path == "320000/320500/320115/"
    assert jiangning_department not in departments_in_scope(nanjing_supervisor)
    assert jiangning_department in departments_in_scope(suzhou_supervisor)


def test_moving_a_region_with_grandchildren_rewrites_every_path(regions):
    """A second province makes a three-level move possible."""
    anhui = Region.objects.create(code="340000", name="安徽省", level="province")
    city = regions["320100"]
    city.parent = anhui
    city.save()
    below = Region.objects.filter(code__startswith="3201")
    assert below.exists()
    for region in below:
        assert region.path.startswith("340000/320100/"), region.path
    assert codes(Region.objects.subtree(regions["320000"])).isdisjoint(codes(below))


# --- Validation ------------------------------------------------------------------------------


def clean_errors(region) -> dict:
    with pytest.raises(ValidationError) as caught:
        region.full_clean()
    return caught.value.message_dict


def test_a_city_without_a_province_parent_is_refused(regions):
    assert "parent" in clean_errors(Region(code="320199", name="无父市", level="city"))


def test_a_county_directly_below_the_province_is_refused(regions):
    region = Region(code="320199", name="测试县", level="county", parent=regions["320000"])
    assert "parent" in clean_errors(region)


def test_a_city_below_another_city_is_refused(regions):
    region = Region(code="320199", name="测试市", level="city", parent=regions["320100"])
    assert "parent" in clean_errors(region)


def test_a_province_with_a_parent_is_refused(regions):
    region = Region(code="340000", name="安徽省", level="province", parent=regions["320000"])
    assert "parent" in clean_errors(region)


def test_a_county_below_a_city_is_accepted(regions):
    Region(code="320199", name="测试区", level="county", parent=regions["320100"]).full_clean()


@pytest.mark.parametrize(
    "code, level, parent",
    [
        ("110105", "county", "320100"),  # a Beijing county code under 南京市
        ("320500", "county", "320100"),  # a city's code (ends with 00)
        ("320201", "county", "320100"),  # a county of 无锡市 under 南京市
        ("320199", "city", "320000"),  # a city code must end with 00
        ("330100", "city", "320000"),  # 杭州市 under 江苏省
        ("320000", "city", "320000"),  # the province's own code
        ("320100", "province", None),  # a province's code ends with 0000
    ],
)
def test_a_code_that_does_not_fit_its_level_and_parent_is_refused(regions, code, level, parent):
    region = Region(code=code, name="测试", level=level, parent=regions[parent] if parent else None)
    with override("en"):
        errors = clean_errors(region)

    assert "code" in errors
    assert "GB/T 2260" in errors["code"][0]


def test_the_code_error_names_the_prefix_the_parent_requires(regions):
    region = Region(code="110105", name="测试区", level="county", parent=regions["320100"])
    with override("en"):
        [message] = clean_errors(region)["code"]

    assert "first four digits of its city's code (3201)" in message
    assert "does not end with 00" in message


@pytest.mark.parametrize(
    "code, level, parent",
    [("320199", "county", "320100"), ("321399", "county", "321300"), ("329900", "city", "320000")],
)
def test_a_code_that_fits_its_level_and_parent_is_accepted(regions, code, level, parent):
    Region(code=code, name="测试", level=level, parent=regions[parent]).full_clean()


def test_every_reference_region_fits_the_code_rules(regions):
    for region in Region.objects.select_related("parent"):
        region.full_clean(validate_unique=False)


def test_an_admin_import_of_a_county_under_the_wrong_city_is_a_row_error(
    regions, login, administrator
):
    client = login(administrator)
    client.cookies["django_language"] = "en"
    rows = [
        ["region code", "name", "level", "parent region code"],
        ["320199", "测试区", "county", "320100"],
        ["110105", "朝阳区", "county", "320100"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = SimpleUploadedFile("regions.csv", buffer.getvalue().encode("utf-8-sig"), "text/csv")

    response = client.post(
        "/admin/core/region/import/",
        {"resource": "0", "format": csv_format_index(), "import_file": upload},
    )

    assert response.status_code == 200
    result = response.context["result"]
    errors = {row.number: dict(row.field_specific_errors) for row in result.invalid_rows}
    assert list(errors) == [2]
    assert "GB/T 2260" in errors[2]["code"][0]
    assert response.context.get("confirm_form") is None  # nothing can be confirmed
    assert not Region.objects.filter(code__in=["320199", "110105"]).exists()


def csv_format_index() -> str:
    model_admin = admin.site._registry[Region]
    titles = [file_format().get_title() for file_format in model_admin.get_import_formats()]
    return str(titles.index("csv"))


@pytest.mark.parametrize("code", ["32010", "3201000", "32010A", "", "３２０１００"])
def test_a_region_code_must_be_six_digits(regions, code):
    region = Region(code=code, name="测试区", level="county", parent=regions["320100"])
    assert "code" in clean_errors(region)


def test_region_codes_are_unique(regions):
    region = Region(code="320100", name="又一个南京", level="city", parent=regions["320000"])
    assert "code" in clean_errors(region)


def test_the_database_refuses_a_city_without_a_parent(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="320199", name="无父市", level="city")


def test_the_database_refuses_a_province_with_a_parent(regions):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(
            code="340000", name="安徽省", level="province", parent=regions["320000"]
        )


def test_a_region_in_use_cannot_be_deleted(regions, nanjing_department):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        regions["320100"].delete()
    assert Region.objects.filter(code="320100").exists()
