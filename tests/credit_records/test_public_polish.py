"""Web basics of the public pages: field errors tied to their inputs for screen readers,
titles that say what the page shows, a sitemap of active departments only, revalidation
answered with 304, and no Vary on a header the portal ignores."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from ..builders.core import DepartmentFactory
from ..builders.records import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def english() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_filter_error_is_the_element_its_input_is_described_by(regions):
    response = english().get("/public/records/", {"severity": "nonsense"})

    assert response.status_code == 400
    page = response.content.decode()
    select = re.search(r'<select name="severity"[^>]*>', page).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', select).group(1).split()
    assert "id_severity_error" in described_by
    error = re.search(r'<p class="pub-error" id="id_severity_error"[^>]*>(.*?)</p>', page, re.S)
    assert error and "nonsense" in error.group(1)


def test_the_list_title_names_the_search(regions):
    assert title(english().get("/public/records/")).startswith("Published dishonesty records")

    searched = title(english().get("/public/records/", {"q": "南京市财政局"}))

    assert searched.startswith("Records matching “南京市财政局”")


def test_a_later_page_of_the_list_says_so_in_its_title(regions):
    department = DepartmentFactory(region=regions["320100"])
    for _ in range(26):
        make_record(department)
    client = english()
    first = client.get("/public/records/")
    next_url = first.context["next_url"]

    assert "Further page" not in title(first)
    assert "Further page" in title(client.get(next_url))


def test_the_sitemap_leaves_out_inactive_departments(regions):
    active = DepartmentFactory(region=regions["320100"])
    inactive = DepartmentFactory(region=regions["320100"], active=False)

    sitemap = Client().get("/public/sitemap.xml")
    text = sitemap.content.decode()

    assert f"/public/departments/{active.uscc}/" in text
    assert f"/public/departments/{inactive.uscc}/" not in text
    # Its page is still there for old links.
    assert Client().get(f"/public/departments/{inactive.uscc}/").status_code == 200


@pytest.mark.parametrize("url", ["/public/", "/public/records/", "/public/sitemap.xml"])
def test_a_revalidated_public_page_is_not_modified(regions, url):
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]

    again = client.get(url, headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert "public" in again["Cache-Control"]


def test_a_changed_public_page_is_sent_again_on_revalidation(regions):
    client = Client()
    etag = client.get("/public/records/")["ETag"]
    make_record(DepartmentFactory(region=regions["320100"]))

    again = client.get("/public/records/", headers={"if-none-match": etag})

    assert again.status_code == 200


def test_pages_do_not_vary_by_accept_language_which_the_portal_ignores(regions):
    chinese = Client().get("/public/", headers={"accept-language": "en"})

    assert "Accept-Language" not in chinese["Vary"]
    assert "Cookie" in chinese["Vary"]
    # The browser's language indeed changes nothing: Chinese unless chosen otherwise.
    assert chinese["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("url", ["/public/records.csv", "/public/records.json"])
def test_open_data_downloads_are_rate_limited_per_client_like_the_api(regions, url):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/minute"}}
    client, other = english(), Client(REMOTE_ADDR="10.0.0.2")
    with override_settings(REST_FRAMEWORK=rest):
        statuses = [client.get(url).status_code for _ in range(3)]
        refused = client.get(url)
        elsewhere = other.get(url)

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert "Too many downloads" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "public" not in refused.get("Cache-Control", "")  # no cache keeps the refusal
    assert elsewhere.status_code == 200  # another address has its own allowance


def test_downloads_and_the_public_api_share_one_allowance(regions):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "2/minute"}}
    client = Client()
    with override_settings(REST_FRAMEWORK=rest):
        assert client.get("/api/v1/public/records/").status_code == 200
        assert client.get("/public/records.csv").status_code == 200
        assert client.get("/public/records.json").status_code == 429
