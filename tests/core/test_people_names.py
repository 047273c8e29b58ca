"""People appear by name and office wherever the portal shows who did something: the change
history, the timeline, the rectification block and the history export. The sign-in name is an
account detail, shown only when no name is recorded."""

import csv
import datetime
import io

import pytest
from django.utils import translation

from ..builders.core import UserFactory
from ..builders.records import make_rectifying_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions, nanjing_department):
    supervisor = UserFactory(
        username="nj_sup_7",
        first_name="明",
        last_name="王",
        role="Supervisor",
        region=regions["320100"],
    )
    liaison = UserFactory(
        username="nj_liaison_7",
        first_name="芳",
        last_name="李",
        role="Department liaison",
        department=nanjing_department,
    )
    return supervisor, liaison


def test_a_chinese_name_is_written_family_name_first_without_a_space():
    assert UserFactory.build(first_name="明", last_name="王").get_full_name() == "王明"
    assert UserFactory.build(first_name="Ming", last_name="Wang").get_full_name() == "Ming Wang"


def test_a_person_is_named_with_their_office(people, nanjing_department):
    supervisor, liaison = people
    with translation.override("zh-hans"):
        assert str(supervisor) == "王明（南京市）"
        assert str(liaison) == f"李芳（{nanjing_department.name}）"
    with translation.override("en"):
        assert str(supervisor) == "王明 (南京市)"


def test_without_a_name_the_sign_in_name_stands_in(regions):
    nameless = UserFactory(username="clerk9", role="Supervisor", region=regions["320100"])
    assert str(nameless) == "clerk9（南京市）"


def test_the_record_page_names_people_not_accounts(login, people, nanjing_department):
    supervisor, liaison = people
    record = make_rectifying_record(
        nanjing_department,
        deadline=datetime.date(2030, 1, 1),
        supervisor=supervisor,
        liaison=liaison,
    )

    page = login(supervisor).get(f"/workspace/records/{record.pk}/").content.decode()

    assert "王明（南京市）" in page  # timeline and change history
    assert f"李芳（{nanjing_department.name}）" in page  # the explanation in the rectification
    main = page.split('<main id="main"')[1]
    assert "nj_sup_7" not in main
    assert "nj_liaison_7" not in main


def test_the_history_export_names_people_with_their_office(login, people, nanjing_department):
    supervisor, liaison = people
    record = make_rectifying_record(
        nanjing_department,
        deadline=datetime.date(2030, 1, 1),
        supervisor=supervisor,
        liaison=liaison,
    )

    response = login(supervisor).get(f"/workspace/records/{record.pk}/history/?format=csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    people_column = {row[2] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert "王明（南京市）" in people_column
    assert not {"nj_sup_7", "nj_liaison_7"} & people_column
