"""Error pages: a NUL character anywhere in a request is a clear 400, not a database error;
the disclosure pages under /public/ have their own 404 and 500 in the public layout, with a
way back to the published records, while the workspace keeps its own."""

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils.translation import gettext, override

from config import urls as site_urls
from credit_records.models import PublicOfficial
from tests.builders.records import make_record

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "The address or the form contains a NUL character"


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def zh(message: str) -> str:
    with override("zh-hans"):
        return gettext(message)


# --- NUL characters --------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_nul_character_in_a_workspace_path_is_a_bad_request(
    require_postgres, login, nanjing_supervisor
):
    client = english(login(nanjing_supervisor))
    client.raise_request_exception = False

    response = client.get("/workspace/departments/ab%00c/")

    assert response.status_code == 400
    page = response.content.decode()
    assert NUL_MESSAGE in page
    # The workspace layout: the signed-in user's navigation, not the public one.
    assert 'class="main-nav"' in page
    assert "pub-header" not in page


@pytest.mark.postgres
def test_a_nul_character_in_a_public_path_is_a_bad_request_in_the_public_layout(
    require_postgres, regions
):
    client = english(Client())
    client.raise_request_exception = False

    response = client.get("/public/departments/%00/")

    assert response.status_code == 400
    page = response.content.decode()
    assert NUL_MESSAGE in page
    assert "pub-header" in page
    assert 'href="/public/records/"' in page


@pytest.mark.postgres
def test_a_nul_character_in_an_admin_autocomplete_term_is_a_bad_request(
    require_postgres, login, administrator
):
    client = english(login(administrator))
    client.raise_request_exception = False

    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "\x00",
            "app_label": "credit_records",
            "model_name": "dishonestyrecord",
            "field_name": "department",
        },
    )

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.postgres
def test_a_nul_character_in_a_posted_form_changes_nothing(
    require_postgres, login, nanjing_supervisor, nanjing_department
):
    client = english(login(nanjing_supervisor))
    client.raise_request_exception = False

    response = client.post(
        "/workspace/officials/new/",
        {"name": "张\x00三", "department": nanjing_department.pk, "active": "on"},
    )

    assert response.status_code == 400
    assert NUL_MESSAGE in response.content.decode()
    assert not PublicOfficial.objects.exists()


def test_the_nul_answer_is_in_chinese_by_default(regions):
    response = Client().get("/public/records/", {"q": "\x00"})

    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert zh("Back to the published records") in page


def test_the_api_keeps_answering_which_field_has_the_nul_character(login, nanjing_supervisor):
    response = login(nanjing_supervisor).post(
        "/api/v1/records/", {"department": "91320100\x00"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "department" in response.json()


# --- 404 and 500 -----------------------------------------------------------------------------


@override_settings(DEBUG=False)
def test_a_public_link_to_a_record_no_longer_published_is_a_public_not_found_page(regions):
    record = make_record(state="draft")

    response = english(Client()).get(f"/public/records/{record.pk}/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "no longer published" in page
    assert 'href="/public/records/"' in page  # the way back to the list
    assert "pub-header" in page
    # Nothing of the workspace: no talk of scope, no sign-in link.
    assert "outside your scope" not in page
    assert "/accounts/login/" not in page


@override_settings(DEBUG=False)
def test_the_public_not_found_page_is_in_chinese_by_default(regions):
    response = Client().get("/public/departments/91320100MB0000000X/")

    assert response.status_code == 404
    page = response.content.decode()
    assert zh("Not found") in page
    assert '<html lang="zh-hans">' in page
    assert "pub-header" in page


@override_settings(DEBUG=False)
def test_the_workspace_keeps_its_own_not_found_page(login, nanjing_supervisor):
    response = english(login(nanjing_supervisor)).get("/workspace/records/999999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "outside your scope" in page
    assert "pub-header" not in page


def fail(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("public/boom/", fail),
    path("workspace/boom/", fail),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_under_public_is_shown_in_the_public_layout(regions):
    client = english(Client(raise_request_exception=False))

    response = client.get("/public/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "pub-header" in page
    assert 'href="/public/records/"' in page


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_in_the_workspace_is_shown_in_the_workspace_layout(
    login, nanjing_supervisor
):
    client = english(login(nanjing_supervisor))
    client.raise_request_exception = False

    response = client.get("/workspace/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "pub-header" not in page
