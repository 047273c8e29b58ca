"""The department list shows each department's credit standing (A–D, the rule of the
department profile), filters by standing and by honours eligibility, and sorts by its
columns."""

import re

import pytest

from credit_records import selectors
from credit_records.models import Severity

from ..builders.core import DepartmentFactory
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

LIST = "/workspace/departments/"


@pytest.fixture
def graded(regions, nanjing_supervisor):
    """Four Nanjing departments, one per grade, by the standing rule: an open serious record
    is D, an open general one C, a closed record still disclosed B, nothing A."""
    nanjing = regions["320100"]
    made = {
        "D": DepartmentFactory(name="丁局", region=nanjing),
        "C": DepartmentFactory(name="丙局", region=nanjing),
        "B": DepartmentFactory(name="乙局", region=nanjing),
        "A": DepartmentFactory(name="甲局", region=nanjing),
    }
    make_record(made["D"], actor=nanjing_supervisor, severity=Severity.SERIOUS)
    make_record(made["C"], actor=nanjing_supervisor, severity=Severity.GENERAL)
    make_record(made["B"], actor=nanjing_supervisor, severity=Severity.GENERAL, state="closed")
    return made


def rows(page: str) -> list[tuple[str, str]]:
    """(department name, standing letter) of each row, in order."""
    return re.findall(
        r'<td><a href="/workspace/departments/[^"]+">([^<]+)</a></td>.*?'
        r'class="grade-letter small grade-([ABCD])"',
        page,
        re.S,
    )


def test_each_department_shows_the_standing_of_its_profile(login, nanjing_supervisor, graded):
    page = login(nanjing_supervisor).get(LIST).content.decode()

    shown = dict(rows(page))
    assert {grade: shown[department.name] for grade, department in graded.items()} == {
        "D": "D",
        "C": "C",
        "B": "B",
        "A": "A",
    }
    # The list and the profile apply one rule.
    for department in graded.values():
        assert shown[department.name] == selectors.department_standing(department).grade


def test_the_list_filters_by_standing(login, nanjing_supervisor, graded):
    client = login(nanjing_supervisor)

    names = {
        name for name, _grade in rows(client.get(LIST + "?standing=C&standing=D").content.decode())
    }

    assert names == {"丙局", "丁局"}


def test_the_list_filters_by_honours_eligibility(login, nanjing_supervisor, graded):
    client = login(nanjing_supervisor)
    expected_cancelled = {
        d.name for d in graded.values() if not selectors.honours_status(d).eligible
    }
    assert expected_cancelled  # the open records restrict honours

    cancelled = {n for n, _g in rows(client.get(LIST + "?honours=cancelled").content.decode())}
    eligible = {n for n, _g in rows(client.get(LIST + "?honours=eligible").content.decode())}

    assert cancelled == expected_cancelled
    assert eligible == {d.name for d in graded.values()} - expected_cancelled


def test_the_columns_sort_both_ways(login, nanjing_supervisor, graded):
    client = login(nanjing_supervisor)

    ascending = [g for _n, g in rows(client.get(LIST + "?o=standing").content.decode())]
    descending = [g for _n, g in rows(client.get(LIST + "?o=-standing").content.decode())]

    assert ascending == sorted(ascending) and ascending[0] == "A"
    assert descending == sorted(descending, reverse=True) and descending[0] == "D"
    # The heading of the sorted column turns the order round, keeping the other filters.
    page = client.get(LIST + "?o=standing&kind=organ").content.decode()
    link = re.search(r'<a class="sort-link" href="\?([^"]+)"[^>]*data-sort="ascending"', page)
    assert link and "o=-standing" in link.group(1) and "kind=organ" in link.group(1)


def test_the_export_carries_the_standing(login, nanjing_supervisor, graded):
    response = login(nanjing_supervisor).get(LIST + "?export=csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = {line.split(",")[0]: line for line in text.splitlines()[1:]}
    assert lines["丁局"].endswith(",D")
    assert lines["甲局"].endswith(",A")
