"""Record imports at scale, on PostgreSQL: the bulk road (``BulkImportMixin``: validation
without a query a row, ``COPY`` of the records and their history at the confirm step) keeps
every guarantee of import_export's own road: bad rows reported by row and reason with
nothing saved, history rows naming the importing user, unchanged rows skipped, drafts updated
with their history (officials included), confirmed records refused; and gives the same
results row for row."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override
from simple_history.models import HistoricalRecords
from tablib import Dataset

from core import bulk_writes
from core.models import Department
from credit_records.models import DishonestyRecord, RecordEvent
from credit_records.resources import DishonestyRecordResource

from ..builders.core import DepartmentFactory, valid_uscc
from ..builders.records import OfficialFactory, make_record
from .test_record_import import COLUMNS, confirm, export_csv, row, upload

pytestmark = [pytest.mark.postgres]

REPORT_URL = "/admin/credit_records/dishonestyrecord/import-errors/"


class OwnRoadResource(DishonestyRecordResource):
    """The same resource on import_export's own road (a savepoint, copy and save a row)."""

    def bulk_import_possible(self, dataset, fields):
        return False


def numbered_rows(department, count, **changes):
    return [row(department, f"宁财罚〔2026〕{n}号", **changes) for n in range(1, count + 1)]


def dataset(rows) -> Dataset:
    data = Dataset(headers=list(COLUMNS.values()))
    for values in rows:
        data.append([values[key] for key in COLUMNS])
    return data


def mistyped(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def report(client) -> list[list[str]]:
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def stored() -> dict:
    """Everything an import writes, keyed by natural key, without ids and timestamps."""
    skip = {"id", "created_at", "updated_at"}
    records = {}
    for record in DishonestyRecord.objects.order_by("pk"):
        key = (record.department_id, record.decision_number)
        history = [
            (
                version.history_type,
                version.history_user_id,
                version.history_change_reason,
                {
                    field.attname: getattr(version, field.attname)
                    for field in DishonestyRecord._meta.concrete_fields
                    if field.attname not in skip
                },
                sorted(version.officials.values_list("publicofficial_id", flat=True)),
            )
            for version in record.history.order_by("history_date", "history_id")
        ]
        events = list(
            record.events.order_by("at", "pk").values_list(
                "action", "actor_id", "reason", "from_status", "to_status"
            )
        )
        values = {
            field.attname: getattr(record, field.attname)
            for field in DishonestyRecord._meta.concrete_fields
            if field.attname not in skip
        }
        records[key] = (values, history, events, sorted(record.officials.values_list("pk")))
    return records


def summary(result) -> dict:
    """What the admin shows and keeps of an import's result."""
    return {
        "totals": dict(result.totals),
        "rows": [
            (
                row_result.import_type,
                row_result.object_id,
                row_result.object_repr,
                None if row_result.diff is None else list(row_result.diff),
                [str(error.error) for error in row_result.errors],
            )
            for row_result in result.rows
        ],
        "invalid": [
            (invalid.number, invalid.error_dict, invalid.values) for invalid in result.invalid_rows
        ],
        "base": [str(error.error) for error in result.base_errors],
        "headers": result.diff_headers,
    }


@pytest.fixture
def as_request_user():
    """What HistoryRequestMiddleware does in the admin: the request's user for history rows
    written by ``save()`` (import_export's own road)."""

    def _as(user):
        HistoricalRecords.context.request = SimpleNamespace(user=user)

    yield _as
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


@pytest.fixture
def existing(nanjing_supervisor, nanjing_department):
    """A draft with a responsible official, another draft, a confirmed record."""
    official = OfficialFactory(department=nanjing_department)
    draft = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="draft",
        decision_number="宁财罚〔2025〕1号",
        decision_date=datetime.date(2026, 1, 5),
        officials=[official],
        internal_notes="内部备注",
    )
    unchanged = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="draft",
        decision_number="宁财罚〔2025〕2号",
        decision_date=datetime.date(2026, 1, 6),
    )
    confirmed = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="confirmed",
        decision_number="宁财罚〔2025〕3号",
        decision_date=datetime.date(2026, 1, 7),
    )
    return SimpleNamespace(draft=draft, unchanged=unchanged, confirmed=confirmed, official=official)


def as_row(record, **changes):
    values = {
        "category": str(record.get_category_display()),
        "severity": str(record.get_severity_display()),
        "authority": record.issuing_authority,
        "date": record.decision_date.isoformat(),
        "facts": record.facts,
    }
    return row(record.department, record.decision_number, **{**values, **changes})


# --- Bad rows: reported by row, nothing saved ---------------------------------------------------


def test_a_bad_code_in_one_row_and_an_unknown_department_in_another_are_the_rows_reported(
    require_postgres, login, nanjing_supervisor, nanjing_department
):
    rows = numbered_rows(nanjing_department, 40)
    rows[16]["uscc"] = mistyped(nanjing_department.uscc)  # row 17, spreadsheet row 18
    unknown = valid_uscc(4242, "320100")
    rows[28]["uscc"] = unknown  # row 29, spreadsheet row 30
    client = login(nanjing_supervisor)

    preview = upload(client, rows)

    result = preview.context["result"]
    assert [invalid.number for invalid in result.invalid_rows] == [17, 29]
    assert list(result.invalid_rows[0].error_dict) == ["department"]
    assert "应为" in result.invalid_rows[0].error_dict["department"][0]
    assert unknown in result.invalid_rows[1].error_dict["department"][0]
    assert result.totals["new"] == 38 and not result.has_errors()
    assert preview.context.get("confirm_form") is None
    problems = report(client)
    assert [(line[1], line[2]) for line in problems] == [
        ("18", COLUMNS["uscc"]),
        ("30", COLUMNS["uscc"]),
    ]
    assert unknown in problems[1][3]
    assert not DishonestyRecord.objects.exists()
    assert not DishonestyRecord.history.exists()
    assert not RecordEvent.objects.exists()


def test_a_department_gone_between_preview_and_confirm_saves_nothing(
    require_postgres, login, nanjing_supervisor, nanjing_department, regions
):
    """All or nothing at the confirm step, which validates the file again."""
    gone = DepartmentFactory(name="将撤销的部门", region=regions["320100"])
    rows = [*numbered_rows(nanjing_department, 20), row(gone, "宁财罚〔2026〕99号")]
    client = login(nanjing_supervisor)
    preview = upload(client, rows)
    assert preview.context.get("confirm_form") is not None
    gone.delete()

    response = confirm(client, preview)

    assert response.status_code == 302
    assert response["Location"].endswith("/dishonestyrecord/import/")
    assert [(line[1], line[2]) for line in report(client)] == [("22", COLUMNS["uscc"])]
    assert not DishonestyRecord.objects.exists()
    assert not DishonestyRecord.history.exists()
    assert not RecordEvent.objects.exists()
    assert not LogEntry.objects.exists()


# --- The confirm step: records, history, timeline ---------------------------------------------


def test_a_confirmed_import_writes_each_record_with_its_history_and_timeline_by_the_user(
    require_postgres, login, nanjing_supervisor, nanjing_department
):
    rows = numbered_rows(nanjing_department, 30, facts="'=1+1 元未付")  # as an export writes it
    client = login(nanjing_supervisor)
    preview = upload(client, rows)
    assert preview.context["result"].totals["new"] == 30

    assert confirm(client, preview).status_code == 302

    records = list(DishonestyRecord.objects.order_by("pk"))
    assert [r.decision_number for r in records] == [f"宁财罚〔2026〕{n}号" for n in range(1, 31)]
    for record in records:
        assert (record.status, record.source, record.created_by, record.facts) == (
            "draft",
            "import",
            nanjing_supervisor,
            "=1+1 元未付",
        )
        assert record.disclosure_ends == datetime.date(2027, 3, 2)
        [version] = record.history.all()
        assert (version.history_type, version.history_user) == ("+", nanjing_supervisor)
        assert version.disclosure_ends == record.disclosure_ends
        [event] = record.events.all()
        assert (event.action, event.actor, event.to_status, event.reason) == (
            "created",
            nanjing_supervisor,
            "draft",
            "从表格导入",
        )
    # The admin's log names every record it added.
    logged = LogEntry.objects.filter(action_flag=ADDITION)
    assert sorted(int(entry.object_id) for entry in logged) == [r.pk for r in records]


def test_an_import_updates_drafts_with_their_history_and_leaves_the_workflow_alone(
    require_postgres, login, nanjing_supervisor, existing
):
    draft = existing.draft
    untouched = {
        record.pk: (record.updated_at, record.history.count(), record.events.count())
        for record in (existing.unchanged, existing.confirmed)
    }
    client = login(nanjing_supervisor)
    preview = upload(
        client,
        [
            as_row(draft, severity="严重", facts="更正后的事实"),
            as_row(existing.unchanged),
            as_row(existing.confirmed),
        ],
    )
    assert dict(preview.context["result"].totals) == {
        "new": 0,
        "update": 1,
        "delete": 0,
        "skip": 2,
        "error": 0,
        "invalid": 0,
    }

    assert confirm(client, preview).status_code == 302

    updated = DishonestyRecord.objects.get(pk=draft.pk)
    assert (updated.severity, updated.facts) == ("serious", "更正后的事实")
    assert updated.disclosure_ends == datetime.date(2029, 1, 5)
    assert updated.updated_at > draft.updated_at
    # What the workflow owns is as it was.
    for name in ("status", "source", "created_by_id", "internal_notes", "disclose", "created_at"):
        assert getattr(updated, name) == getattr(draft, name), name
    latest = updated.history.latest()
    assert (latest.history_type, latest.history_user, latest.severity) == (
        "~",
        nanjing_supervisor,
        "serious",
    )
    # The version keeps the officials the record had, as a save records them.
    assert list(latest.officials.values_list("publicofficial_id", flat=True)) == [
        existing.official.pk
    ]
    assert list(updated.events.values_list("action", flat=True)) == ["created", "updated"]
    assert {
        record.pk: (record.updated_at, record.history.count(), record.events.count())
        for record in DishonestyRecord.objects.filter(pk__in=untouched)
    } == untouched


def test_re_importing_an_unchanged_export_of_many_records_changes_nothing(
    require_postgres, login, nanjing_supervisor, nanjing_department, jiangning_department
):
    for n in range(1, 26):
        make_record(
            nanjing_department if n % 2 else jiangning_department,
            actor=nanjing_supervisor,
            state="draft" if n % 3 else "confirmed",
            decision_number=f"宁财罚〔2025〕{n}号",
            facts="-5 元" if n == 7 else "未按合同约定期限支付中小企业账款。",
        )
    client = login(nanjing_supervisor)
    before = stored()

    preview = upload(client, file=SimpleUploadedFile("export.csv", export_csv(client)))

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert dict(result.totals)["skip"] == 25
    assert confirm(client, preview).status_code == 302
    assert stored() == before
    assert not LogEntry.objects.exists()


# --- The same results as import_export's own road ---------------------------------------------


def mixed_rows(existing, department, suzhou_department):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    return [
        as_row(existing.draft, severity="严重"),  # update
        as_row(existing.unchanged),  # skip
        as_row(existing.confirmed),  # skip
        as_row(existing.confirmed, facts="改写"),  # refused: confirmed
        row(department.uscc.lower(), "宁财罚〔2026〕1号"),  # new
        row(department, "宁财罚〔2026〕2号", facts="'+1 元"),  # new, formula restored
        row(mistyped(department.uscc), "宁财罚〔2026〕3号"),
        row(valid_uscc(4242, "320100"), "宁财罚〔2026〕4号"),
        row(suzhou_department, "宁财罚〔2026〕5号"),  # out of scope
        row(department, "宁财罚〔2026〕6号", category="罚款", severity="很严重"),
        row(department, "宁财罚〔2026〕7号", date=future),
        row(department, "宁财罚〔2026〕8号", date="2026/03/02"),
        row(department, "", authority=""),
        {key: "" for key in COLUMNS},  # a blank line
        row(department, "宁财罚〔2026〕9号", severity="轻微"),  # new
    ]


def test_the_preview_is_the_same_row_for_row_as_import_exports_own_road(
    require_postgres, nanjing_supervisor, nanjing_department, suzhou_department, existing
):
    rows = mixed_rows(existing, nanjing_department, suzhou_department)

    results = [
        resource(user=nanjing_supervisor).import_data(
            dataset(rows), dry_run=True, use_transactions=True, user=nanjing_supervisor
        )
        for resource in (OwnRoadResource, DishonestyRecordResource)
    ]

    own, bulk = (summary(result) for result in results)
    for mine, theirs in zip(bulk["rows"], own["rows"], strict=True):
        assert mine == theirs
    assert bulk == own
    assert own["totals"] == {
        "new": 3,
        "update": 1,
        "delete": 0,
        "skip": 3,
        "error": 0,
        "invalid": 8,
    }


@pytest.mark.parametrize("copy", [True, False], ids=["copy", "bulk_create"])
def test_the_confirm_step_stores_the_same_as_import_exports_own_road(
    require_postgres,
    monkeypatch,
    as_request_user,
    copy,
    nanjing_supervisor,
    nanjing_department,
    jiangning_department,
    existing,
):
    """Records, history rows (officials included), timeline entries; with COPY and with the
    bulk_create_with_history fallback used on other databases."""
    monkeypatch.setattr(bulk_writes, "_use_copy", lambda connection: copy)
    as_request_user(nanjing_supervisor)  # as in the admin, for the own road's save()
    rows = [
        as_row(existing.draft, severity="严重", facts="更正"),
        as_row(existing.unchanged),
        as_row(existing.confirmed),
        *numbered_rows(nanjing_department, 12),
        *numbered_rows(jiangning_department, 3, severity="轻微"),
    ]
    stores, summaries = [], []
    for resource in (OwnRoadResource, DishonestyRecordResource):
        with transaction.atomic():
            result = resource(user=nanjing_supervisor).import_data(
                dataset(rows),
                dry_run=False,
                use_transactions=True,
                rollback_on_validation_errors=True,
                user=nanjing_supervisor,
                retain_instance_in_row_result=True,
            )
            assert not result.has_errors() and not result.has_validation_errors()
            stores.append(stored())
            summaries.append({**summary(result), "rows": None})
            transaction.set_rollback(True)

    own, bulk = stores
    assert bulk == own
    assert summaries[1] == summaries[0]
    assert len(own) == 18


def test_the_bulk_road_queries_do_not_grow_with_the_rows(
    require_postgres, nanjing_supervisor, nanjing_department
):
    def queries(count: int, dry_run: bool) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            result = DishonestyRecordResource(user=nanjing_supervisor).import_data(
                dataset(numbered_rows(nanjing_department, count)),
                dry_run=dry_run,
                use_transactions=True,
                user=nanjing_supervisor,
            )
            assert result.totals["new"] == count
            transaction.set_rollback(True)
        return len(captured.captured_queries)

    queries(1, dry_run=True)  # what the first import of a request looks up once (the scope)
    assert queries(10, dry_run=True) == queries(300, dry_run=True) <= 10
    assert queries(10, dry_run=False) == queries(300, dry_run=False) <= 16


def test_a_department_a_file_names_unknown_is_looked_up_once(
    require_postgres, nanjing_supervisor, nanjing_department
):
    unknown = valid_uscc(4242, "320100")
    rows = [row(unknown, f"宁财罚〔2026〕{n}号") for n in range(50)]
    with CaptureQueriesContext(connection) as captured:
        result = DishonestyRecordResource(user=nanjing_supervisor).import_data(
            dataset(rows), dry_run=True, use_transactions=True, user=nanjing_supervisor
        )
    assert result.totals["invalid"] == 50
    assert len(captured.captured_queries) <= 10
    assert not Department.objects.filter(uscc=unknown).exists()


def response_language(response) -> str:
    return response.headers.get("Content-Language") or "zh-hans"


def test_a_large_preview_shows_the_first_rows_and_confirming_imports_them_all(
    require_postgres, login, nanjing_supervisor, nanjing_department
):
    rows = numbered_rows(nanjing_department, 130)
    client = login(nanjing_supervisor)
    preview = upload(client, rows)
    page = preview.content.decode()
    assert page.count('<tr class="new">') == 100
    # The summary: rows checked, and how many are shown.
    with override(response_language(preview)):
        checked = ngettext(
            "%(total)s row checked, without errors.", "%(total)s rows checked, without errors.", 130
        ) % {"total": 130}
        shown = gettext(
            "The first %(shown)s rows are shown below; confirming imports all of them."
        ) % {"shown": 100}
    assert checked in page and shown in page
    assert "宁财罚〔2026〕100号" in page and "宁财罚〔2026〕101号" not in page

    assert confirm(client, preview).status_code == 302

    records = DishonestyRecord.objects.order_by("pk")
    assert records.count() == 130
    # One admin log entry a record, as Django's admin writes them: who, what, which record.
    logged = LogEntry.objects.filter(action_flag=ADDITION).order_by("object_id")
    assert sorted((int(e.object_id), e.object_repr) for e in logged) == [
        (r.pk, str(r)) for r in records
    ]
    assert {(e.user_id, e.content_type.model_class()) for e in logged} == {
        (nanjing_supervisor.pk, DishonestyRecord)
    }
    assert all(e.get_admin_url().endswith(f"/{e.object_id}/change/") for e in logged)
