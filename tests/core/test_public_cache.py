"""The server-side cache of the anonymous public pages (credit_records/public_cache.py): a
repeated anonymous visit costs no query, and any change to what a page shows is there on the
very next visit."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from core import public_cache
from core.models import Notification
from core.services import department_save
from credit_records import services
from credit_records.models import DishonestyRecord, RecordStatus

from ..builders.core import DepartmentFactory
from ..builders.records import make_record


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS = 120
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def department(regions):
    return DepartmentFactory(name="南京市财政局", region=regions["320100"])


@pytest.fixture
def published(department):
    return make_record(department, decision_number="宁财〔2026〕1号")


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def public_urls(record) -> list[str]:
    return [
        "/public/",
        "/public/records/",
        "/public/records/?severity=general",
        f"/public/records/{record.pk}/",
        f"/public/departments/{record.department.uscc}/",
        "/public/procurement/",
        "/public/debt/",
        "/public/evaluations/",
    ]


def test_a_second_anonymous_visit_costs_no_query(published, django_assert_num_queries):
    client = Client()
    for url in public_urls(published):
        first = client.get(url)
        assert first.status_code == 200, url
        with django_assert_num_queries(0):
            again = client.get(url)
        assert again.content == first.content, url
        assert again["Cache-Control"] == first["Cache-Control"]
        assert "public" in again["Cache-Control"]
        assert not again.cookies


def test_confirming_a_record_publishes_it_on_the_next_visit(department, published):
    client = Client()
    draft = make_record(department, decision_number="宁财〔2026〕2号", state="draft")
    assert "宁财〔2026〕2号" not in text(client.get("/public/records/"))
    assert "宁财〔2026〕2号" not in text(client.get(f"/public/departments/{department.uscc}/"))
    services.record_confirm(record=draft, actor=None)
    assert "宁财〔2026〕2号" in text(client.get("/public/records/"))
    assert "宁财〔2026〕2号" in text(client.get(f"/public/departments/{department.uscc}/"))
    assert client.get(f"/public/records/{draft.pk}/").status_code == 200


def test_withdrawing_a_record_takes_it_off_the_pages_at_once(published):
    client = Client()
    assert "宁财〔2026〕1号" in text(client.get("/public/records/"))
    assert client.get(f"/public/records/{published.pk}/").status_code == 200
    published.disclosure_ended_early_on = timezone.localdate()
    published.save(update_fields=["disclosure_ended_early_on"])
    assert "宁财〔2026〕1号" not in text(client.get("/public/records/"))
    assert client.get(f"/public/records/{published.pk}/").status_code == 404


def test_exempting_a_record_takes_it_off_the_pages_at_once(department):
    client = Client()
    record = make_record(department, decision_number="宁财〔2026〕3号")
    assert "宁财〔2026〕3号" in text(client.get("/public/records/"))
    claim = services.fault_tolerance_claim_file(record=record, actor=None, grounds="先行先试")
    services.fault_tolerance_claim_review(claim=claim, actor=None, approve=True, reason="符合")
    assert DishonestyRecord.objects.get(pk=record.pk).status == RecordStatus.EXEMPTED
    assert "宁财〔2026〕3号" not in text(client.get("/public/records/"))


def test_renaming_a_department_shows_on_every_page_that_names_it(department, published):
    client = Client()
    pages = ["/public/records/", f"/public/records/{published.pk}/"]
    for url in pages:
        assert "南京市财政局" in text(client.get(url))
    department.name = "南京市财政和地方金融局"
    department_save(actor=None, department=department)
    for url in pages:
        assert "南京市财政和地方金融局" in text(client.get(url)), url


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_again_after_commit(published):
    """A page another process rendered between the change and its commit (from the old data,
    under the new generation) must not survive the commit."""
    before = public_cache.generation()
    with transaction.atomic():
        published.facts = "更正后的事实"
        published.save(update_fields=["facts"])
        published.save(update_fields=["facts"])
        during = public_cache.generation()
    assert during > before
    assert public_cache.generation() == during + 1  # one bump at commit, however many writes


def test_writes_no_public_page_reads_keep_the_cache(published, province_supervisor):
    before = public_cache.generation()
    Notification.objects.create(recipient=province_supervisor, kind="reminder", title="提醒")
    province_supervisor.last_login = timezone.now()
    province_supervisor.save(update_fields=["last_login"])
    assert public_cache.generation() == before


def test_a_signed_in_user_is_never_served_the_anonymous_copy(published, province_supervisor, login):
    anonymous = Client()
    cached = anonymous.get("/public/records/")
    signed_in = login(province_supervisor)
    answer = signed_in.get("/public/records/")
    assert answer.status_code == 200
    assert answer.context is not None  # rendered for this request, not read from the cache
    # And what it got is not kept for the anonymous visitors either.
    DishonestyRecord.objects.filter(pk=published.pk).update(facts="不经信号的修改")
    assert anonymous.get("/public/records/").content == cached.content


def test_each_language_has_its_own_copy(published):
    client = Client()
    chinese = text(client.get("/public/records/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = text(client.get("/public/records/"))
    assert english != chinese
    assert 'lang="en"' in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert text(client.get("/public/records/")) == chinese


def test_filters_and_pages_have_their_own_copies(department, regions, published):
    suzhou = DepartmentFactory(name="苏州市财政局", region=regions["320500"])
    make_record(suzhou, decision_number="苏财〔2026〕9号", severity="serious")
    client = Client()
    everything = text(client.get("/public/records/"))
    serious = text(client.get("/public/records/?severity=serious"))
    assert "宁财〔2026〕1号" in everything and "苏财〔2026〕9号" in everything
    assert "宁财〔2026〕1号" not in serious and "苏财〔2026〕9号" in serious
    # The order of the parameters does not matter; their values do.
    both = "/public/records/?severity=serious&region=320500"
    assert text(client.get(both)) == text(
        client.get("/public/records/?region=320500&severity=serious")
    )
    assert "苏财〔2026〕9号" not in text(client.get("/public/records/?region=320100"))


def test_tomorrow_brings_a_new_copy(published):
    """Disclosure windows end by date: a page is kept for the day it was rendered on."""
    client = Client()
    ends = published.disclosure_ends
    assert "宁财〔2026〕1号" in text(client.get("/public/records/"))
    import time_machine

    with time_machine.travel(
        datetime.datetime.combine(ends, datetime.time(9), tzinfo=timezone.get_current_timezone())
    ):
        assert "宁财〔2026〕1号" not in text(client.get("/public/records/"))


def test_errors_and_exports_are_not_kept(published, django_assert_max_num_queries):
    client = Client()
    assert client.get("/public/records/?severity=nonsense").status_code == 400
    assert client.get("/public/records/999999/").status_code == 404
    client.get("/public/records.csv")
    client.get("/public/records/?severity=general")
    kept = public_cache.page_key(RequestFactory().get("/public/records/?severity=general"))
    assert cache.get(kept) is not None
    for url in ("/public/records/?severity=nonsense", "/public/records/999999/"):
        assert cache.get(public_cache.page_key(RequestFactory().get(url))) is None, url
    with django_assert_max_num_queries(10) as captured:
        client.get("/public/records/999999/")
    assert len(captured) > 0
    response = client.get("/public/records.csv")
    assert response.streaming
    assert "宁财〔2026〕1号" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_switched_off_nothing_is_kept(published, settings, django_assert_max_num_queries):
    settings.CHENGXIN_PUBLIC_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/public/records/")
    with django_assert_max_num_queries(10) as captured:
        client.get("/public/records/")
    assert len(captured) > 0
