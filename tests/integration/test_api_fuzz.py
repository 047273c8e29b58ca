"""The API fuzzed from its own OpenAPI schema: no input, signed in or not, gets a 5xx, and
every response is what the schema documents for it (schemathesis' response-conformance
check: a value outside its enum, a null where the schema says string, a list where it says a
page, a required field left out all fail).

Schemathesis reads ``/api/schema/`` from the Django app (in process, no server) and runs every
operation with a bounded number of generated requests over the demo data, each once
anonymously and once with a provincial supervisor's token. Path parameters are drawn partly
from the objects that exist (read from the collection endpoints), so the requests reach the
object views and the workflow actions, not only the 404 for an unknown id. Generation is
derandomized: CI runs the same requests every time.
"""

import io
import os
import re

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from core.models import User
from tests.builders.core import UserFactory
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.postgres]

# Generated requests per operation (the schema has about 135 operations), each sent twice.
# CHENGXIN_FUZZ_DEEP=1 adds schemathesis' coverage phase (boundary values of every parameter
# and field, unexpected methods): far more requests, for a thorough run by hand.
MAX_EXAMPLES = int(os.environ.get("CHENGXIN_FUZZ_EXAMPLES", "8"))
DEEP = os.environ.get("CHENGXIN_FUZZ_DEEP") == "1"
# A path parameter is an existing object's key this often; otherwise whatever was generated.
EXISTING_KEYS_PER_PATH = 5


def _collection_path(path: str) -> str | None:
    """``/api/v1/records/{id}/confirm/`` -> ``/api/v1/records/``: where the keys are listed."""
    match = re.match(r"^(.*?/)\{[^}]+\}/", path)
    return match.group(1) if match else None


def _existing_keys(client: Client, path: str, parameter: str) -> list:
    response = client.get(path, {"page_size": EXISTING_KEYS_PER_PATH})
    if response.status_code != 200:
        return []
    data = response.json()
    items = data.get("results", []) if isinstance(data, dict) else data
    return [item[parameter] for item in items if parameter in item][:EXISTING_KEYS_PER_PATH]


# Loaded from the app itself at import: the schema view needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.phases.coverage.enabled = DEEP
# Filled once the demo data exists: operation path -> keys of existing objects.
EXISTING_KEYS: dict[str, list] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    existing = EXISTING_KEYS.get(context.operation.path) if context.operation else None
    if not existing or len(path_parameters) != 1:
        return st.just(path_parameters)
    (name,) = path_parameters
    return st.sampled_from([path_parameters, *({name: key} for key in existing)])


@pytest.fixture(scope="module")
def supervisor_token(django_db_setup, django_db_blocker):
    """The demo data, committed once for all operations (each test's own writes are rolled
    back), and the provincial supervisor's token. The database is emptied afterwards, as
    after any transactional test."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://…")
        try:
            # All of it: the core data and the procurement, debt and evaluation demos.
            call_command("seed_demo", stdout=io.StringIO())
            user = User.objects.get(username="province")
            key = Token.objects.create(user=user).key
            _find_existing_keys(Client(HTTP_AUTHORIZATION=f"Token {key}"))
            yield key
        finally:
            EXISTING_KEYS.clear()
            call_command("flush", interactive=False, verbosity=0)


def _find_existing_keys(client: Client) -> None:
    for path in schema.raw_schema["paths"]:
        collection = _collection_path(path)
        names = re.findall(r"\{([^}]+)\}", path)
        if collection and len(names) == 1:
            EXISTING_KEYS[path] = _existing_keys(client, collection, names[0])
    # The purchaser credit profile has no list of its own: purchasers are departments.
    EXISTING_KEYS["/api/v1/procurement/purchasers/{uscc}/"] = _existing_keys(
        client, "/api/v1/departments/", "uscc"
    )


@pytest.fixture
def in_process_requests(db):
    """The app is called through WSGI, not Django's test client, so do what the client does:
    keep the test's database connection (and its transaction) open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error_or_an_undocumented_response(
    case, supervisor_token, in_process_requests
):
    for headers in ({}, {"Authorization": f"Token {supervisor_token}"}):
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance]
        )


# --- What the fuzzing found, pinned down ------------------------------------------------------


@pytest.fixture
def supervisor_client(require_postgres, regions):
    # Not the demo's "province": the demo data may still be loaded for the fuzzing above.
    user = UserFactory(username="fuzz-regression", role="Supervisor", region=regions["320000"])
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        # A region given by a code with a NUL character was looked up as is: 500.
        ("/api/v1/debt/warnings/", {"region": "3201\x0000", "kind": "x", "title": "t"}),
        ("/api/v1/procurement/projects/", {"supplier": "91320100\x00"}),
        ("/api/v1/records/", {"department": "91320100\x00"}),
    ],
)
def test_a_reference_with_a_nul_character_is_invalid_input(supervisor_client, path, body):
    response = supervisor_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    (field,) = (name for name in body if name not in ("kind", "title"))
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        # The credit code in these URLs was looked up as is: 500 for a NUL character.
        "/api/v1/departments/%00/",
        "/api/v1/departments/91320100%0000/",
        "/api/v1/procurement/purchasers/%00/",
    ],
)
def test_a_credit_code_with_a_nul_character_in_the_url_is_not_found(supervisor_client, path):
    assert supervisor_client.get(path).status_code == 404


@pytest.mark.parametrize("year", ["0", "10000", "2024.5", "-1"])
def test_a_year_no_date_can_have_is_a_bad_filter(supervisor_client, year):
    # ``?year=0`` built date(0, 1, 1) for the lookup: 500.
    response = supervisor_client.get("/api/v1/evaluations/rounds/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_real_year_still_filters_the_rounds(supervisor_client):
    assert supervisor_client.get("/api/v1/evaluations/rounds/", {"year": "2025"}).status_code == 200
