"""The XLSX laid out for performance assessment (绩效考核): what the results are, how final,
the weights and cut-offs used, and numbers a spreadsheet can add up."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.utils.timezone import localtime

from evaluations import services
from evaluations.models import Indicator

from ..builders.evaluations import make_county_round, make_scored_round, make_small_scheme

pytestmark = pytest.mark.django_db


def export(client, evaluation_round, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/export.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(sheet):
    """The header row and the rows below it (the description comes first)."""
    rows = list(sheet.iter_rows())
    header = next(index for index, row in enumerate(rows) if row[0].value == "Rank")
    return [cell.value for cell in rows[header]], rows[header + 1 :]


def described(sheet) -> dict:
    return {
        row[0].value: row[2].value
        for row in sheet.iter_rows(min_row=2, max_row=12)
        if row[0].value and row[0].value != "Rank"
    }


def test_the_export_says_what_the_results_are_and_that_a_draft_is_not_final(
    regions, nanjing_supervisor, login, settings
):
    settings.CHENGXIN_EVALUATION_GRADES = ["85", "70", "60"]
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    sheet = export(login(nanjing_supervisor), evaluation_round)["Results"]

    title = sheet["A1"].value
    assert title.startswith("测试轮次 (")
    assert "not published, for internal review only" in title
    about = described(sheet)
    assert about["Organising region"] == "南京市"
    assert about["Region code"] == "320100"
    assert about["Subjects"] == "Counties"
    assert about["Status"] == "Under review"
    assert about["Published at"] == "Not published"
    assert about["Scheme"] == "测试方案"
    assert about["Weights"].startswith("守信 60.00 · 履约 40.00")
    assert about["Grade cut-offs"] == (
        "Grades: Excellent from 85.00, Good from 70.00, Pass from 60.00, Fail below."
    )


def test_a_published_rounds_export_is_final_and_dated(regions, nanjing_supervisor, login, settings):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    settings.CHENGXIN_EVALUATION_GRADES = ["95", "85", "75"]  # later: not what it was graded by
    sheet = export(login(nanjing_supervisor), evaluation_round)["Results"]

    assert "not published" not in sheet["A1"].value
    about = described(sheet)
    assert about["Status"] == "Published"
    assert about["Published at"] == localtime(evaluation_round.published_at).date().isoformat()
    assert about["Grade cut-offs"].startswith("Grades: Excellent from 90.00, Good from 80.00")


def test_the_description_is_in_the_readers_language(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    sheet = export(login(nanjing_supervisor), evaluation_round, "zh-hans").active
    assert "绩效考核结果" in sheet["A1"].value
    about = described(sheet)
    assert about["组织地区"] == "南京市"
    assert about["行政区划代码"] == "320100"
    assert about["评价对象"] == "县（市、区）"


def test_each_subject_has_its_region_code_and_numeric_scores_with_two_decimals(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    headers, rows = table(export(login(nanjing_supervisor), evaluation_round)["Results"])

    assert headers[:5] == ["Rank", "Region code", "Subject", "守信", "履约"]
    assert len(rows) == 2
    first, second = ([cell.value for cell in row] for row in rows)
    assert first[:3] == [1, "320102", "玄武区"]
    assert second[:3] == [2, "320115", "江宁区"]
    total = headers.index("Total")
    assert second[3:5] == [36, 30] and second[total] == 68
    assert headers[total - 2 : total] == ["Bonus points", "Deduction points"]
    assert second[total - 2 : total] == [3, 1]
    for cell in rows[1][3 : total + 1]:
        assert cell.data_type == "n", cell.coordinate
        assert cell.number_format == "#,##0.00", cell.coordinate
    assert rows[1][1].data_type == "s"  # a code stays text (leading zeros, no sums)


def test_the_weights_sheet_lists_the_weights_the_round_was_scored_with(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    # A later change of the scheme does not rewrite what the published round used.
    Indicator.objects.filter(dimension__scheme=evaluation_round.scheme, name="A").update(weight=10)
    workbook = export(login(nanjing_supervisor), evaluation_round)

    rows = [[cell.value for cell in row] for row in workbook["Weights"].iter_rows()]
    assert rows[0] == ["Dimension", "Indicator", "Kind", "Weight", "Maximum points"]
    assert rows[1] == ["守信", None, None, 60, None]
    assert rows[2] == ["守信", "A", "Computed from the data", 40, None]
    assert ["履约", "Bonus", "Bonus item", None, 5] in rows
    assert workbook["Weights"]["D3"].number_format == "#,##0.00"
