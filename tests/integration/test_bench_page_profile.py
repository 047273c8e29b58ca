"""``python -m bench province --only profile``'s measurement (bench/page_profile.py): a
page's time split by where the code lives, on a real page through the test client."""

import pytest

from bench import page_profile
from tests.builders.core import UserFactory


def test_a_function_is_placed_by_where_its_code_lives():
    assert page_profile.area("/x/.venv/lib/python3.11/site-packages/django/template/base.py") == (
        "Django templates"
    )
    assert page_profile.area("/x/site-packages/rest_framework/fields.py") == "DRF"
    assert page_profile.area("~") == "built-ins"
    assert page_profile.area("/usr/lib/python3.11/json/encoder.py") == "Python standard library"


@pytest.mark.django_db
def test_a_signed_in_page_is_timed_and_its_profile_summed(client, regions):
    user = UserFactory(role="Supervisor", region=regions["320000"])
    client.force_login(user)
    figures = page_profile.measure(client, "/workspace/notifications/", runs=3, top=5)
    assert figures["queries"] >= 1  # at least the notifications themselves
    assert figures["cpu_ms"] > 0 and figures["wall_ms"] >= figures["sql_ms"] >= 0
    assert 90 <= sum(figures["areas"].values()) <= 100  # areas under 1% are left out
    assert "Django templates" in figures["areas"]
    assert len(figures["slowest"]) == 5
    assert all(entry["calls_per_request"] > 0 for entry in figures["slowest"])


@pytest.mark.django_db
def test_a_page_that_does_not_answer_200_is_an_error(client):
    with pytest.raises(RuntimeError, match="answered 302"):
        page_profile.measure(client, "/workspace/notifications/", runs=1)
