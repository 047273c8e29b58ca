"""Keyset ("seek") pagination of records, newest decision first: ``(decision_date, id)``
descending.

A page does not say "skip the first 40,000 rows" (OFFSET, which the database must walk
through, so deep pages get slower the deeper they are); it says "the 25 rows after this
one", which an index on ``(decision_date, id)`` answers by seeking straight to that row. Every
page, the first or the 4,000th, costs the same single query.

The price: pages are reached by following links (first, previous, next, last), not by
number. The public list shows the total beside them. A cursor is opaque to the visitor: a
direction and the key of the row it starts from, base64-encoded.
"""

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

NEXT, PREVIOUS, LAST = "n", "p", "l"


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    direction: str
    decision_date: datetime.date | None = None
    pk: int | None = None

    def encode(self) -> str:
        raw = self.direction
        if self.direction != LAST:
            raw += f"|{self.decision_date.isoformat()}|{self.pk}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            direction, *key = raw.split("|")
            if direction == LAST and not key:
                return cls(LAST)
            if direction not in (NEXT, PREVIOUS) or len(key) != 2:
                raise ValueError(raw)
            return cls(direction, datetime.date.fromisoformat(key[0]), int(key[1]))
        except (ValueError, UnicodeDecodeError, binascii.Error) as error:
            raise InvalidCursor(token) from error


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    last_cursor: str | None
    is_first: bool


def paginate(queryset: QuerySet, cursor: str | None, page_size: int) -> KeysetPage:
    """One page of ``queryset`` in ``(decision_date, id)`` descending order, in one query
    (plus the queryset's prefetches). ``cursor`` comes from a previous page's links; None or
    "" is the first page. Raises ``InvalidCursor`` for a cursor that was not made here."""
    position = Cursor.decode(cursor) if cursor else None
    newest_first = queryset.order_by("-decision_date", "-pk")
    oldest_first = queryset.order_by("decision_date", "pk")
    if position is None:
        rows = list(newest_first[: page_size + 1])
        has_more_before, has_more_after = False, len(rows) > page_size
        rows = rows[:page_size]
    elif position.direction == NEXT:
        day, pk = position.decision_date, position.pk
        # The first condition alone is what the index seeks to; the second trims the day.
        rows = list(
            newest_first.filter(decision_date__lte=day).filter(
                Q(decision_date__lt=day) | Q(decision_date=day, pk__lt=pk)
            )[: page_size + 1]
        )
        has_more_before, has_more_after = True, len(rows) > page_size
        rows = rows[:page_size]
    else:
        if position.direction == LAST:
            before = oldest_first
        else:
            day, pk = position.decision_date, position.pk
            before = oldest_first.filter(decision_date__gte=day).filter(
                Q(decision_date__gt=day) | Q(decision_date=day, pk__gt=pk)
            )
        rows = list(before[: page_size + 1])
        has_more_before = len(rows) > page_size
        has_more_after = position.direction == PREVIOUS
        rows = rows[:page_size][::-1]
    next_cursor = previous_cursor = None
    if rows and has_more_after:
        next_cursor = Cursor(NEXT, rows[-1].decision_date, rows[-1].pk).encode()
    if rows and has_more_before:
        previous_cursor = Cursor(PREVIOUS, rows[0].decision_date, rows[0].pk).encode()
    return KeysetPage(
        rows=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        last_cursor=Cursor(LAST).encode() if has_more_after else None,
        is_first=not has_more_before,
    )
