"""Pulling a source's endpoint over HTTP (a real local server): incremental by cursor and
ETag, a time-out or a bad answer recorded on the source without a crash, and two pulls of the
same source at once staging each item exactly once (on PostgreSQL)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test import override_settings

from credit_records.models import IntakeItem, IntakeKind, IntakeSource
from credit_records.services.intake_pull import pull_due_sources, source_pull

from ..builders.core import DepartmentFactory, valid_uscc
from ..builders.intake import make_source, penalty_item


class Feed:
    """What the fake platform serves: pages by cursor, an ETag per page, a delay."""

    def __init__(self, pages: dict, delay: float = 0.0):
        self.pages = pages  # since -> (items, next_cursor)
        self.delay = delay
        self.requests: list[dict] = []


def serve(feed: Feed):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            since = query.get("since", [""])[0]
            etag = f'"page-{since or "start"}"'
            feed.requests.append({"since": since, "etag": self.headers.get("If-None-Match")})
            time.sleep(feed.delay)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            if since not in feed.pages:
                self.send_response(500)
                self.end_headers()
                return
            items, next_cursor = feed.pages[since]
            body = json.dumps(
                {"items": items, "next_cursor": next_cursor, "has_more": False},
                ensure_ascii=False,
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/penalties"


@pytest.fixture
def feed_server():
    servers = []

    def start(feed):
        server, url = serve(feed)
        servers.append(server)
        return url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_a_pull_is_incremental_by_cursor_and_etag(regions, feed_server):
    department = DepartmentFactory(region=regions["320100"])
    feed = Feed(
        {
            "": ([penalty_item(n, department.uscc) for n in range(3)], "c1"),
            "c1": ([penalty_item(3, department.uscc)], "c2"),
        }
    )
    source = make_source(endpoint_url=feed_server(feed))

    assert source_pull(source=source) == {"staged": 3}
    source.refresh_from_db()
    assert (source.cursor, source.etag, source.last_error) == ("c1", '"page-start"', "")

    assert source_pull(source=source) == {"staged": 1}
    source.refresh_from_db()
    assert source.cursor == "c2"
    assert feed.requests[1] == {"since": "c1", "etag": '"page-start"'}
    assert IntakeItem.objects.count() == 4


@pytest.mark.django_db
def test_an_unchanged_page_answered_304_stages_nothing(regions, feed_server):
    department = DepartmentFactory(region=regions["320100"])
    feed = Feed({"": ([penalty_item(1, department.uscc)], "")})
    source = make_source(endpoint_url=feed_server(feed))
    source_pull(source=source)
    source.refresh_from_db()
    assert source.cursor == "" and source.etag == '"page-start"'

    assert source_pull(source=source) == {}
    assert feed.requests[-1]["etag"] == '"page-start"'
    assert IntakeItem.objects.count() == 1


@pytest.mark.django_db
@override_settings(CHENGXIN_INTAKE_PULL_TIMEOUT=1)
def test_a_source_that_times_out_or_fails_is_recorded_and_tried_again_later(regions, feed_server):
    slow = make_source(code="slow", endpoint_url=feed_server(Feed({"": ([], "")}, delay=3)))
    broken = make_source(code="broken", endpoint_url=feed_server(Feed({})))

    assert pull_due_sources() == 2

    slow.refresh_from_db()
    broken.refresh_from_db()
    assert "timed out" in slow.last_error or "无法连接" in slow.last_error
    assert broken.last_error == "来源返回状态码 500。"
    assert slow.next_pull_at > slow.last_pulled_at
    # Claimed for the next hour: the scan run again at once pulls neither.
    assert pull_due_sources() == 0
    assert IntakeItem.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pulls_of_the_same_source_at_once_stage_each_item_once(
    require_postgres, regions, feed_server
):
    department = DepartmentFactory(region=regions["320100"], uscc=valid_uscc(77))
    items = [penalty_item(n, department.uscc) for n in range(200)]
    # The delay makes both requests be answered before either stores anything.
    url = feed_server(Feed({"": (items, "c1")}, delay=0.5))
    source = make_source(endpoint_url=url)
    start = threading.Barrier(2, timeout=10)
    results = [None, None]

    def pull(index):
        try:
            start.wait()
            results[index] = source_pull(source=IntakeSource.objects.get(pk=source.pk))
        except Exception as error:  # reported by the assertion below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=pull, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(result, dict) for result in results), results
    assert sum(r.get("staged", 0) for r in results) == 200
    assert sum(r.get("duplicate", 0) for r in results) == 200
    assert IntakeItem.objects.filter(source=source).count() == 200
    assert IntakeSource.objects.get(pk=source.pk).cursor == "c1"
    assert IntakeItem.objects.filter(source=source, kind=IntakeKind.PENALTY).count() == 200
