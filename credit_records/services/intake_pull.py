"""Pulling a source's endpoint (the beat's ``pull_intake_sources``): incremental by the
source's cursor (sent as ``since``) and ETag (``If-None-Match``), with time-outs.

The endpoint answers JSON ``{"items": [...], "next_cursor": "…", "has_more": false}`` (or
CSV with the cursor in an ``X-Next-Cursor`` header); see docs/exchange.md. Two pulls of the
same source at once both stage what they read, and the unique constraint on (source, document
number) lets each item in once; the cursor moves by a conditional update naming the cursor the
pull started from, so the later pull never moves it back.
"""

import csv
import datetime
import io
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import IntakeFormat, IntakeSource
from . import intake

logger = logging.getLogger(__name__)
# At most this many pages per pull: a source far behind catches up over several pulls.
MAX_PAGES = 50


class PullError(Exception):
    pass


def _fetch(source: IntakeSource, cursor: str, etag: str):
    """(status, body, headers) of one page."""
    url = source.endpoint_url
    if cursor:
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}{urllib.parse.urlencode({'since': cursor})}"
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/csv"})
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(
            request, timeout=settings.CHENGXIN_INTAKE_PULL_TIMEOUT
        ) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, b"", error.headers
        raise PullError(_("The source answered %(status)d.") % {"status": error.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise PullError(
            _("The source could not be reached: %(error)s") % {"error": error}
        ) from None


def _page(source: IntakeSource, body: bytes, headers) -> tuple[list, str, bool]:
    """(items, next cursor, more pages?) of a page's body."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PullError(_("The source's answer is not UTF-8 text.")) from None
    if source.data_format == IntakeFormat.CSV:
        from ..intake_formats import column_keys

        keys = column_keys(source.kind)
        rows = [
            {keys.get(name.strip(), name.strip()): value for name, value in row.items() if name}
            for row in csv.DictReader(io.StringIO(text))
        ]
        return rows, headers.get("X-Next-Cursor", ""), headers.get("X-Has-More") == "true"
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise PullError(_("The source's answer is not JSON.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise PullError(_("The source's answer has no list of items."))
    return data["items"], str(data.get("next_cursor") or ""), bool(data.get("has_more"))


def source_pull(*, source: IntakeSource) -> dict:
    """Pull what is new at ``source``; returns the count of each outcome (and ``error``)."""
    counts: dict = {}
    cursor, etag = source.cursor, source.etag
    now = timezone.now()
    error = ""
    try:
        for _page_number in range(MAX_PAGES):
            status, body, headers = _fetch(source, cursor, etag)
            if status == 304:
                break
            items, next_cursor, more = _page(source, body, headers)
            for result in intake.intake_receive(
                source=source, kind=source.kind, items=items, actor=None
            ):
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
            new_etag = headers.get("ETag", "") or ""
            # Only the pull that read from the cursor still stored moves it on.
            IntakeSource.objects.filter(pk=source.pk, cursor=cursor).update(
                cursor=next_cursor or cursor, etag=new_etag[:200]
            )
            if not next_cursor or next_cursor == cursor or not more:
                break
            cursor, etag = next_cursor, ""
    except PullError as problem:
        error = str(problem)
        logger.warning("Pull of intake source %s failed: %s", source.code, error)
    IntakeSource.objects.filter(pk=source.pk).update(
        last_pulled_at=now,
        next_pull_at=now + datetime.timedelta(minutes=source.pull_interval_minutes),
        last_error=error,
    )
    if error:
        counts["error"] = error
    return counts


def pull_due_sources(now: datetime.datetime | None = None) -> int:
    """Pull every active source whose time has come; returns how many were pulled. A source
    is claimed by moving its ``next_pull_at`` with a conditional update, so two workers
    running the scan pull it once."""
    now = now or timezone.now()
    due = IntakeSource.objects.filter(is_active=True).exclude(endpoint_url="")
    due = due.filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
    pulled = 0
    for source in due:
        claimed = IntakeSource.objects.filter(
            pk=source.pk, next_pull_at=source.next_pull_at
        ).update(next_pull_at=now + datetime.timedelta(minutes=source.pull_interval_minutes))
        if not claimed:
            continue
        source_pull(source=source)
        pulled += 1
    return pulled
