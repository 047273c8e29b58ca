"""The workspace pages, the XLSX export, the public results page and the API."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.template.loader import render_to_string

from evaluations import services

from ..builders.evaluations import (
    make_county_round,
    make_score,
    make_scored_round,
    make_small_scheme,
)

pytestmark = pytest.mark.django_db


def test_the_round_page_shows_results_chart_and_actions(regions, nanjing_supervisor, login):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    page = login(nanjing_supervisor).get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "江宁区" in body and "68.00" in body
    assert "<svg" in body
    assert "/action/publish/" in body
    assert 'http-equiv="refresh"' not in body


def test_the_round_page_refreshes_itself_while_computing(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    type(evaluation_round).objects.filter(pk=evaluation_round.pk).update(
        computation_status="running", progress=40
    )
    page = login(nanjing_supervisor).get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/")
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body
    assert 'value="40"' in body


def test_a_round_out_of_scope_is_a_404(regions, suzhou_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    page = login(suzhou_supervisor).get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/")
    assert page.status_code == 404


def test_an_evaluator_enters_a_manual_score_in_the_form(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    subject = evaluation_round.subjects.get(region__code="320115")
    indicator = evaluation_round.scheme.dimensions.get(name="守信").indicators.get(name="B")
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/subjects/{subject.pk}/"
    client = login(nanjing_supervisor)
    refused = client.post(url, {"indicator": indicator.pk, "value": "80", "evidence": ""})
    assert refused.status_code == 200
    assert subject.scores.get(indicator=indicator).value is None
    saved = client.post(url, {"indicator": indicator.pk, "value": "80", "evidence": "核查材料"})
    assert saved.status_code == 302
    score = subject.scores.get(indicator=indicator)
    assert (score.value, score.evidence, score.scored_by) == (80, "核查材料", nanjing_supervisor)


def test_the_weights_form_refuses_weights_not_totalling_100(regions, province_supervisor, login):
    scheme = services.default_scheme()
    first = scheme.dimensions.first()
    data = {f"d{d.pk}": str(d.weight) for d in scheme.dimensions.all()}
    for d in scheme.dimensions.all():
        for i in d.indicators.all():
            if i.is_weighted:
                data[f"i{i.pk}"] = str(i.weight)
    data[f"d{first.pk}"] = "30"
    page = login(province_supervisor).post(f"/workspace/evaluations/schemes/{scheme.pk}/", data)
    assert page.status_code == 200
    assert "110.00" in page.content.decode()


def test_the_xlsx_export_has_a_row_per_subject(regions, nanjing_supervisor, login):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    response = login(nanjing_supervisor).get(
        f"/workspace/evaluations/rounds/{evaluation_round.pk}/export.xlsx"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "测试轮次" in rows[0][0]
    # The description of the round comes first, then the table (see test_export).
    header = next(index for index, row in enumerate(rows) if row[0] == "排名")
    assert rows[header][3:5] == ("守信", "履约")
    assert rows[header + 1][:3] == (1, "320102", "玄武区")
    assert rows[header + 2][0:5] == (2, "320115", "江宁区", 36, 30)
    assert rows[header + 2][8] == 68
    assert len(rows) == header + 3


def test_the_public_page_shows_only_published_rounds(regions, client):
    published = make_scored_round(regions)
    services.round_publish(actor=None, round=published)
    type(published).objects.filter(pk=published.pk).update(name="已公布的轮次")
    draft = make_county_round(regions, published.scheme)
    type(draft).objects.filter(pk=draft.pk).update(name="草稿轮次")

    page = client.get("/public/evaluations/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "已公布的轮次" in body and "68.00" in body
    assert "草稿轮次" not in body
    assert (
        client.get(f"/public/evaluations/?round={draft.pk}").content.decode().count("草稿轮次") == 0
    )


def test_the_api_lists_rounds_results_and_refuses_actions_to_auditors(
    regions, nanjing_supervisor, auditor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    client = login(nanjing_supervisor)
    rounds = client.get("/api/v1/evaluations/rounds/").json()
    assert [r["id"] for r in rounds["results"]] == [evaluation_round.pk]
    results = client.get(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/results/").json()
    assert [r["total"] for r in results] == ["98.00", "68.00"]
    assert client.get("/api/v1/evaluations/schemes/").status_code == 200
    assert client.get("/api/v1/evaluations/results/").json()["count"] == 2

    assert (
        login(auditor)
        .post(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/publish/")
        .status_code
        == 403
    )
    published = client.post(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    conflict = client.post(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/compute/")
    assert conflict.status_code == 409


def test_a_supervisor_creates_a_round_and_lists_it(regions, nanjing_supervisor, login):
    services.default_scheme()
    client = login(nanjing_supervisor)
    form = client.get("/workspace/evaluations/rounds/new/")
    assert form.status_code == 200
    scheme = services.default_scheme()
    response = client.post(
        "/workspace/evaluations/rounds/new/",
        {
            "name": "南京市县区评价",
            "scheme": scheme.pk,
            "organiser": regions["320100"].pk,
            "level": "county",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
        },
    )
    assert response.status_code == 302
    listing = client.get("/workspace/evaluations/").content.decode()
    assert "南京市县区评价" in listing
    evaluation_round = type(scheme).objects.get(pk=scheme.pk).rounds.get()
    assert evaluation_round.subjects.count() == 11  # Nanjing's eleven districts


def test_the_scheme_pages_label_the_default_scheme(regions, nanjing_supervisor, login):
    scheme = services.default_scheme()
    client = login(nanjing_supervisor)
    listing = client.get("/workspace/evaluations/schemes/").content.decode()
    assert scheme.name in listing
    detail = client.get(f"/workspace/evaluations/schemes/{scheme.pk}/").content.decode()
    assert "依法行政" in detail and "失信惩戒" in detail


def test_the_navigation_offers_evaluations_to_supervisors(regions, nanjing_supervisor, login):
    page = login(nanjing_supervisor).get("/workspace/evaluations/").content.decode()
    assert 'href="/workspace/evaluations/"' in page


def test_a_score_and_a_total_of_zero_render_as_zero_not_as_missing(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    make_score(evaluation_round, "320115", "B", "0")
    subject = evaluation_round.subjects.get(region__code="320115")
    subject.refresh_from_db()
    type(subject).objects.filter(pk=subject.pk).update(total=0)
    client = login(nanjing_supervisor)

    page = client.get(
        f"/workspace/evaluations/rounds/{evaluation_round.pk}/subjects/{subject.pk}/"
    ).content.decode()
    # B is 0.00 and so is its weighted value; the bonus and deduction items (not awarded
    # yet) are 0.00 points too. The total is 0.00. None of them is shown as missing.
    assert page.count('<td class="num">0.00</td>') == 4
    assert "<strong>0.00</strong>" in page
    results = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/").content.decode()
    assert "<strong>0.00</strong>" in results


def test_the_empty_results_row_spans_every_column():
    html = render_to_string(
        "evaluations/includes/results_table.html",
        {"dimensions": ["依法行政", "政务公开", "勤政高效"], "rows": []},
    )
    columns = html.count('<th scope="col"')
    assert columns == 10
    assert f'colspan="{columns}"' in html


def chart_of(body: str):
    import re
    import xml.etree.ElementTree as ET

    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    return ET.fromstring(svg)


def test_the_chart_axis_follows_the_totals_and_its_cut_off_labels_do_not_overlap(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)  # totals 98 and 68
    client = login(nanjing_supervisor)
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/"

    svg = chart_of(client.get(url).content.decode())
    ticks = [text.text for text in svg.iterfind(".//text[@class='chart-tick']")]
    assert ticks[-1] == "100"  # not 200: the bars use the whole width

    # Bonus points carry a total to 105: the axis ends at the next 20 above, 120.
    type(evaluation_round.subjects.first()).objects.filter(
        round=evaluation_round, region__code="320102"
    ).update(total="105.00")
    svg = chart_of(client.get(url).content.decode())
    ticks = [text.text for text in svg.iterfind(".//text[@class='chart-tick']")]
    assert ticks == ["0", "20", "40", "60", "80", "100", "120"]

    # In English "Excellent" (at 90) and "Good" (at 80) are 38 px apart on this axis, too
    # close to share a row: they are stacked; "Pass" (at 60) has room on the first row.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    svg = chart_of(client.get(url).content.decode())
    labels = {
        label.text: label.get("y")
        for label in svg.findall(".//g[@class='chart-threshold threshold-grade']/text")
    }
    assert labels["Excellent"] != labels["Good"]
    assert labels["Pass"] == labels["Good"]
