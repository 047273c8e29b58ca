"""Every debt list offers its rows' change history for download (who, when, what changed),
like the records list, under the same permission, filter and scope."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from core import history_exports

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db

DEBT_LISTS = [
    "/workspace/debt/profiles/",
    "/workspace/debt/assessments/",
    "/workspace/debt/warnings/",
    "/workspace/debt/emergencies/",
    "/workspace/debt/audits/",
    "/workspace/debt/terms/",
    "/workspace/debt/bonds/",
    "/workspace/debt/ratings/",
]


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@pytest.mark.parametrize("path", DEBT_LISTS)
def test_every_debt_list_links_to_its_change_history(path, login, auditor):
    page = login(auditor).get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "export=history-csv" in html and "export=history-xlsx" in html


@pytest.mark.parametrize("path", DEBT_LISTS)
def test_every_debt_list_downloads_its_change_history(path, login, auditor, regions):
    make_profile(regions["320100"], ratio=250)  # orange: a draft warning too
    client = login(auditor)

    csv_response = client.get(path, {"export": "history-csv"})
    xlsx_response = client.get(path, {"export": "history-xlsx"})

    assert csv_response.status_code == 200
    assert csv_rows(csv_response)[0] == [
        str(header) for header in history_exports.history_headers()
    ]
    assert xlsx_response.status_code == 200
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_profiles_history_says_who_changed_which_figure_from_what_to_what(
    login, auditor, nanjing_supervisor, regions
):
    from debt import services

    profile = make_profile(regions["320100"], 2024, actor=nanjing_supervisor)
    profile.overdue_amount = Decimal("3.5000")
    services.profile_save(actor=nanjing_supervisor, profile=profile)
    make_profile(regions["320500"], 2024)  # another region, filtered out below

    response = login(auditor).get(
        "/workspace/debt/profiles/", {"export": "history-csv", "region": regions["320100"].pk}
    )

    _header, *rows = csv_rows(response)
    assert {row[0] for row in rows} == {"南京市 2024"}
    overdue_label = str(profile._meta.get_field("overdue_amount").verbose_name)
    (change,) = [row for row in rows if row[4] == overdue_label]
    assert change[2] == str(nanjing_supervisor)
    assert (change[5], change[6]) == ("0.0000", "3.5000")
    assert change[7] == gettext("Debt profile updated")


def test_the_history_of_another_regions_debt_is_not_downloadable(login, suzhou_supervisor, regions):
    make_profile(regions["320100"], 2024, ratio=250)
    make_profile(regions["320500"], 2024, ratio=250)
    client = login(suzhou_supervisor)

    for path in ("/workspace/debt/profiles/", "/workspace/debt/warnings/"):
        rows = csv_rows(client.get(path, {"export": "history-csv"}))[1:]
        assert rows, path
        assert all("南京" not in row[0] for row in rows), path


@pytest.mark.parametrize("export", ["csv", "history-csv"])
def test_an_invalid_filter_shows_the_list_with_its_error_instead_of_a_file_like_records(
    export, login, auditor, regions
):
    make_profile(regions["320100"], 2024)
    client = login(auditor)

    records = client.get("/workspace/records/", {"decided_from": "not a date", "export": export})
    profiles = client.get("/workspace/debt/profiles/", {"year": "not a year", "export": export})

    for response in (records, profiles):
        assert response.status_code == records.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert 'class="error" role="alert"' in response.content.decode()
    assert gettext("Nothing matches these filters.") in profiles.content.decode()
