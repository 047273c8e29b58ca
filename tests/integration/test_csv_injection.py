"""No export hands a spreadsheet a formula: text that starts like one (=, +, -, @, a tab or
a carriage return, or =, +, -, @ after leading spaces or line feeds) is prefixed with an
apostrophe in every CSV and XLSX the portal writes.

The demo data is loaded and every free-text field of every domain model gets formula-like
text; then every export is downloaded: each workspace list with ``ExportMixin`` (found in the
URLconf, so a new list is covered without touching this test) with its history exports, the
public open-data CSV, every admin export (django-import-export) and the evaluation results.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from import_export.admin import ExportMixin as AdminExportMixin
from import_export.formats.base_formats import CSV, XLSX

from core.models import User
from core.views import ExportMixin
from evaluations.models import Round

from .poison import poison_text_fields

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    # Whitespace before the sign: the spreadsheet drops it and runs the rest.
    " =2+2",
    "\n=3+3",
    " \t@SUM(A1)",
]
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SIGNS = ("=", "+", "-", "@")


def is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def dangerous(cell: str) -> bool:
    """Read as a formula: a formula sign, tab or carriage return first, or a formula sign
    first after leading whitespace."""
    formula_like = cell.startswith(PREFIXES) or cell.lstrip().startswith(SIGNS)
    return formula_like and not is_number(cell)


def neutralised(cell: str) -> bool:
    return cell.startswith("'") and dangerous(cell[1:])


def after_whitespace(cell: str) -> bool:
    """A neutralised cell whose formula sign came after leading whitespace (" =2+2")."""
    return neutralised(cell) and cell[1:2].isspace() and cell[1:].lstrip().startswith(SIGNS)


def check_csv(content: bytes, name: str) -> list[str]:
    """Asserts no cell is formula-like; returns the neutralised cells."""
    text = content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert [cell for cell in cells if dangerous(cell)] == [], name
    return [cell for cell in cells if neutralised(cell)]


def check_xlsx(content: bytes, name: str) -> list[str]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{name}: formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert not dangerous(cell.value), f"{name}: {cell.coordinate} {cell.value!r}"
                    if neutralised(cell.value):
                        found.append(cell.value)
    return found


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def export_lists():
    """(path, view class) of every workspace list that exports, from the URLconf."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                route = prefix + str(pattern.pattern)
                if view_class and issubclass(view_class, ExportMixin) and "<" not in route:
                    yield "/" + route, view_class

    return sorted(walk(get_resolver().url_patterns, ""), key=lambda item: item[0])


EXPORT_LISTS = export_lists()


@pytest.fixture
def poisoned(require_postgres):
    call_command("seed_demo", stdout=io.StringIO())
    # Taken first: "+1+1" is a valid username, so the demo's usernames are overwritten too.
    admin_pk = User.objects.get(username="admin").pk
    poison_text_fields(FORMULAS)
    return admin_pk


@pytest.fixture
def admin_user(poisoned):
    return User.objects.get(pk=poisoned)


def test_the_exports_are_found_in_the_urlconf():
    paths = [path for path, _view in EXPORT_LISTS]
    assert "/workspace/records/" in paths
    assert any(path.startswith("/workspace/procurement/") for path in paths)
    assert any(path.startswith("/workspace/debt/") for path in paths)
    assert len(paths) >= 10


def test_every_workspace_export_neutralises_formulas(admin_user):
    client = Client()
    client.force_login(admin_user)
    neutralised_in: dict[str, list[str]] = {}

    for path, view_class in EXPORT_LISTS:
        formats = ["csv", "xlsx"]
        if view_class.export_history:
            formats += ["history-csv", "history-xlsx"]
        for fmt in formats:
            response = client.get(path, {"export": fmt})
            name = f"{path}?export={fmt}"
            assert response.status_code == 200, name
            check = check_xlsx if fmt.endswith("xlsx") else check_csv
            neutralised_in[name] = check(body(response), name)

    # The formulas reached the exports (the lists show text the payload was written into),
    # those behind leading whitespace too.
    assert neutralised_in["/workspace/records/?export=csv"]
    assert neutralised_in["/workspace/records/?export=xlsx"]
    assert sum(bool(cells) for cells in neutralised_in.values()) >= len(EXPORT_LISTS)
    for fmt in ("csv", "xlsx"):
        cells = [
            cell for name, found in neutralised_in.items() if name.endswith(fmt) for cell in found
        ]
        assert {" ", "\n"} <= {cell[1] for cell in cells if after_whitespace(cell)}, fmt


def test_one_records_history_export_neutralises_formulas(admin_user):
    from credit_records.models import DishonestyRecord

    client = Client()
    client.force_login(admin_user)
    record = DishonestyRecord.objects.order_by("pk").first()
    record.facts = '=HYPERLINK("http://x","y")'
    record.save()
    record.facts = " =2+2"
    record.save()

    response = client.get(f"/workspace/records/{record.pk}/history/")

    assert response.status_code == 200
    content = body(response)
    check = check_xlsx if content.startswith(b"PK") else check_csv
    cells = check(content, "record history")
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert "' =2+2" in cells


def test_the_public_open_data_csv_neutralises_formulas(poisoned):
    response = Client().get("/public/records.csv")

    assert response.status_code == 200
    cells = check_csv(body(response), "public records.csv")
    assert cells
    assert any(after_whitespace(cell) for cell in cells)


EXPORT_ADMINS = sorted(
    (m for m in admin.site._registry.values() if isinstance(m, AdminExportMixin)),
    key=lambda m: m.opts.label,
)


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
def test_every_admin_export_neutralises_formulas(admin_user, file_format):
    assert EXPORT_ADMINS
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    cells = []

    for model_admin in EXPORT_ADMINS:
        queryset = model_admin.get_export_queryset(request)
        content = model_admin.get_export_data(file_format(), request, queryset)
        name = f"admin {model_admin.opts.label} {file_format.__name__}"
        if isinstance(content, str):
            content = content.encode()
        cells += (check_xlsx if file_format is XLSX else check_csv)(content, name)

    assert cells
    assert {" ", "\n"} <= {cell[1] for cell in cells if after_whitespace(cell)}


def test_the_evaluation_results_workbook_neutralises_formulas(admin_user):
    client = Client()
    client.force_login(admin_user)
    rounds = list(Round.objects.all())
    assert rounds
    cells = []

    for evaluation_round in rounds:
        response = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/export.xlsx")
        if response.status_code == 200:
            cells += check_xlsx(body(response), f"round {evaluation_round.pk}")

    assert cells
    assert any(after_whitespace(cell) for cell in cells)


def test_the_feedback_register_neutralises_formulas(admin_user):
    client = Client()
    client.force_login(admin_user)
    cells = []
    for evaluation_round in Round.objects.filter(feedback__isnull=False).distinct():
        url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/feedback/export/"
        for fmt, check in (("xlsx", check_xlsx), ("csv", check_csv)):
            response = client.get(url, {"format": fmt})
            assert response.status_code == 200, url
            cells += check(body(response), f"{url}?format={fmt}")
    # The demo's feedback explanations and reasons carry the payload.
    assert cells
