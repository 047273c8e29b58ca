"""The record list sorts by its columns across pages (ties follow by id, in the same
direction), keeps the order in its exports and saved views, and acts on the ticked rows:
confirms the drafts among them (each refusal named with its reason) and exports exactly
them."""

import csv
import datetime
import io
import re

import pytest
from django.utils import translation

from core.models import SavedView
from credit_records.models import DishonestyRecord, RecordStatus, Severity
from credit_records.views.bulk import MAX_RECORDS

from ..builders.core import DepartmentFactory
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

LIST = "/workspace/records/"
BULK = "/workspace/records/selected/"
DAY = datetime.date(2026, 3, 2)


def numbers(response) -> list[str]:
    """The decision numbers of the page's rows, in order."""
    return re.findall(
        r'<td[^>]*><a href="/workspace/records/\d+/">([^<]+)</a></td>', response.content.decode()
    )


def all_pages(client, query: str) -> list[str]:
    """Every row of the list, following the pages as a person would (25 a page)."""
    shown, page = [], 1
    while True:
        response = client.get(f"{LIST}?{query}&page={page}")
        assert response.status_code == 200
        shown += numbers(response)
        if 'rel="next"' not in response.content.decode():
            return shown
        page += 1


@pytest.fixture
def thirty(regions, nanjing_supervisor):
    """30 Nanjing records, more than one page: severities in a cycle (ten of each: many ties
    on the severity column) and decision dates on three days (ties on the date column)."""
    department = DepartmentFactory(name="测试局", region=regions["320100"])
    cycle = [Severity.SERIOUS, Severity.MINOR, Severity.GENERAL]
    return [
        make_record(
            department,
            actor=nanjing_supervisor,
            state="draft",
            severity=cycle[n % 3],
            decision_date=DAY + datetime.timedelta(days=n % 3),
            decision_number=f"宁信〔2026〕{n:03d}号",
        )
        for n in range(30)
    ]


def test_a_column_sorts_ascending_across_the_page_boundary_ties_following_by_id(
    login, nanjing_supervisor, thirty
):
    client = login(nanjing_supervisor)
    rank = {Severity.MINOR: 0, Severity.GENERAL: 1, Severity.SERIOUS: 2}
    expected = [r.decision_number for r in sorted(thirty, key=lambda r: (rank[r.severity], r.pk))]

    first = numbers(client.get(f"{LIST}?o=severity"))
    shown = all_pages(client, "o=severity")

    assert len(first) == 25
    assert shown == expected  # every record once, none on two pages, minor → serious


def test_a_column_sorts_descending_across_the_page_boundary_ties_following_by_id(
    login, nanjing_supervisor, thirty
):
    client = login(nanjing_supervisor)
    expected = [
        r.decision_number
        for r in sorted(thirty, key=lambda r: (r.decision_date, r.pk), reverse=True)
    ]

    assert all_pages(client, "o=-date") == expected


def test_sorting_keeps_the_filters_and_the_other_way_round_is_one_click(
    login, nanjing_supervisor, thirty
):
    client = login(nanjing_supervisor)
    page = client.get(f"{LIST}?o=number&severity=serious&page=1").content.decode()

    heading = re.search(
        r'<th scope="col" aria-sort="ascending"><a class="sort-link" '
        r'href="\?([^"]+)"',
        page,
    )
    assert heading, "the sorted column says so to screen readers"
    target = heading.group(1).replace("&amp;", "&")
    assert "o=-number" in target and "severity=serious" in target and "page=" not in target
    with translation.override("zh-hans"):
        assert "（升序）" in page  # the state, spelt out for screen readers
    assert numbers(client.get(f"{LIST}?{target}")) == sorted(
        (r.decision_number for r in thirty if r.severity == Severity.SERIOUS), reverse=True
    )


def test_an_unknown_sort_is_a_clear_error_not_a_failure(login, nanjing_supervisor, thirty):
    response = login(nanjing_supervisor).get(f"{LIST}?o=password")

    assert response.status_code == 200
    assert "password" in response.content.decode()  # named in the field's error
    assert 'class="error"' in response.content.decode()


def test_the_export_keeps_the_lists_order(login, nanjing_supervisor, thirty):
    response = login(nanjing_supervisor).get(f"{LIST}?o=-number&export=csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    exported = [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert exported == sorted((r.decision_number for r in thirty), reverse=True)


def test_a_saved_view_keeps_the_order(login, nanjing_supervisor, thirty):
    client = login(nanjing_supervisor)

    client.post(
        "/workspace/views/new/",
        {"path": LIST, "name": "按严重程度", "query": "o=-severity&page=2"},
    )

    view = SavedView.objects.get(owner=nanjing_supervisor, name="按严重程度")
    assert view.query == "o=-severity"


def _bulk(client, records, do, query=""):
    return client.post(
        BULK, {"record": [r.pk for r in records], "do": do, "query": query}, follow=True
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_ticked_drafts_are_confirmed_and_a_non_draft_is_named_with_the_reason(
    login, nanjing_supervisor, nanjing_department
):
    drafts = [
        make_record(nanjing_department, actor=nanjing_supervisor, state="draft") for _n in range(2)
    ]
    confirmed = make_record(nanjing_department, actor=nanjing_supervisor)

    with translation.override("zh-hans"):
        response = _bulk(login(nanjing_supervisor), [*drafts, confirmed], "confirm", "o=date")

    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == RecordStatus.CONFIRMED
    said = _messages(response)
    assert any("已认定 2 条记录" in m and all(d.decision_number in m for d in drafts) for m in said)
    assert any(
        m.startswith(confirmed.decision_number) and "已认定" in m and "不能" in m for m in said
    ), said
    assert any("1 条记录未认定" in m for m in said)
    assert response.redirect_chain[-1][0] == f"{LIST}?o=date"


def test_a_record_outside_the_scope_makes_the_whole_request_a_404_and_nothing_is_done(
    login, nanjing_supervisor, nanjing_department, suzhou_department, suzhou_supervisor
):
    mine = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")
    theirs = make_record(suzhou_department, actor=suzhou_supervisor, state="draft")

    response = login(nanjing_supervisor).post(
        BULK, {"record": [mine.pk, theirs.pk], "do": "confirm"}
    )

    assert response.status_code == 404
    assert DishonestyRecord.objects.get(pk=mine.pk).status == RecordStatus.DRAFT
    assert DishonestyRecord.objects.get(pk=theirs.pk).status == RecordStatus.DRAFT


def test_a_role_that_may_not_confirm_is_refused_and_nothing_is_done(
    login, nanjing_supervisor, nanjing_department, nanjing_liaison, auditor
):
    draft = make_record(nanjing_department, actor=nanjing_supervisor, state="draft")

    for user in (nanjing_liaison, auditor):
        response = login(user).post(BULK, {"record": [draft.pk], "do": "confirm"})
        assert response.status_code == 403
    assert DishonestyRecord.objects.get(pk=draft.pk).status == RecordStatus.DRAFT
    # The list does not offer the button to whom it would refuse.
    page = login(nanjing_liaison).get(LIST).content.decode()
    assert 'value="confirm"' not in page


def test_nothing_ticked_or_too_much_ticked_says_so(login, nanjing_supervisor, nanjing_department):
    client = login(nanjing_supervisor)
    with translation.override("zh-hans"):
        nothing = client.post(BULK, {"do": "confirm"}, follow=True)
        too_many = client.post(
            BULK, {"do": "confirm", "record": list(range(1, MAX_RECORDS + 2))}, follow=True
        )
    assert any("请先勾选" in m for m in _messages(nothing))
    assert any(str(MAX_RECORDS) in m for m in _messages(too_many))


def test_the_selected_rows_export_is_exactly_them_with_the_lists_columns(
    login, nanjing_supervisor, thirty
):
    client = login(nanjing_supervisor)
    ticked = [thirty[4], thirty[17], thirty[2]]

    response = client.post(
        BULK, {"record": [r.pk for r in ticked], "do": "csv", "query": "o=number&page=2"}
    )
    whole = client.get(f"{LIST}?export=csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    list_rows = list(csv.reader(io.StringIO(b"".join(whole.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == list_rows[0]  # the list export's columns
    by_number = {row[0]: row for row in list_rows[1:]}
    assert rows[1:] == [by_number[n] for n in sorted(r.decision_number for r in ticked)]


def test_the_selected_rows_export_needs_the_export_permission(
    login, nanjing_liaison, nanjing_department, nanjing_supervisor
):
    record = make_record(nanjing_department, actor=nanjing_supervisor)

    response = login(nanjing_liaison).post(BULK, {"record": [record.pk], "do": "xlsx"})

    assert response.status_code == 403


def test_the_list_offers_a_checkbox_per_row_and_the_bulk_buttons(login, nanjing_supervisor, thirty):
    page = login(nanjing_supervisor).get(LIST).content.decode()

    assert page.count('name="record"') == 25
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'value="confirm"' in page and 'value="xlsx"' in page
    assert "data-select-all" in page and "js/bulk-select" in page
