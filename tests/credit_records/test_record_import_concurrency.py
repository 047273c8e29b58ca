"""A spreadsheet updating a draft while a supervisor confirms it, on PostgreSQL: the import's
confirm step reads the drafts it will update under a row lock, so the confirmation waits for
it, and a confirmed record is never rewritten by a file (``bulk_update`` has no state check of
its own, unlike a ``save()`` through ConcurrentTransitionMixin)."""

import threading
import time

import pytest
from django.db import connection

from credit_records import resources, services
from credit_records.models import DishonestyRecord, RecordStatus
from credit_records.resources import DishonestyRecordResource

from ..builders.records import make_record
from .test_record_import_bulk import as_row, dataset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_draft_confirmed_during_an_import_is_confirmed_after_the_import_updated_it(
    require_postgres, monkeypatch, nanjing_supervisor, nanjing_department
):
    draft = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    read = threading.Event()
    loader = resources.NaturalKeyInstanceLoader.__init__

    def read_then_pause(self, *args, **kwargs):
        loader(self, *args, **kwargs)
        read.set()  # the drafts are read (and locked): let the supervisor try to confirm
        time.sleep(1)

    monkeypatch.setattr(resources.NaturalKeyInstanceLoader, "__init__", read_then_pause)
    finished = {}

    def run_import():
        try:
            result = DishonestyRecordResource(user=nanjing_supervisor).import_data(
                dataset([as_row(draft, facts="导入更正的事实")]),
                dry_run=False,
                use_transactions=True,
                rollback_on_validation_errors=True,
                user=nanjing_supervisor,
            )
            finished["import"] = (time.monotonic(), dict(result.totals))
        finally:
            connection.close()

    def confirm():
        try:
            assert read.wait(10)
            services.record_confirm(record=draft, actor=nanjing_supervisor)
            finished["confirm"] = (time.monotonic(), None)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_import), threading.Thread(target=confirm)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung on the lock"

    assert finished["import"][1]["update"] == 1, finished
    assert finished["confirm"][0] > finished["import"][0]  # it waited for the import
    record = DishonestyRecord.objects.get(pk=draft.pk)
    assert (record.status, record.facts) == (RecordStatus.CONFIRMED, "导入更正的事实")
    # The import changed a draft; the confirmation came after it.
    versions = list(record.history.order_by("history_date").values_list("status", "facts"))
    assert versions[-2:] == [
        (RecordStatus.DRAFT, "导入更正的事实"),
        (RecordStatus.CONFIRMED, "导入更正的事实"),
    ]
