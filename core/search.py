"""Finding rows by any part of a Chinese name: 财政 finds 南京市鼓楼区财政局, and so do 鼓楼区 and
市场监督管理局 the department whose name holds them.

``name_contains(field, term)`` is the one filter every list, search box and API uses for it
(department names on their own lists and through a record, complaint, objection…). It is
``icontains`` (``UPPER(name) LIKE UPPER('%term%')`` on PostgreSQL), which two GIN indexes on
``UPPER(name)`` answer without reading the table (docs/performance.md, "Department name
search", has the figures):

* a trigram index (pg_trgm, ``gin_trgm_ops``) for terms of three characters and more: it reads
  the ``LIKE`` itself;
* a bigram index on ``core_name_bigrams(UPPER(name))``, the array of the name's two-character
  pieces, for two-character terms. A two-character term has no trigram, so pg_trgm cannot
  narrow it down, and reading 40,000 names with ``UPPER`` costs 50-60 ms; most Chinese words
  are two characters (财政, 教育, 审计), so that is the search people type most. The term's
  bigram must be in the name's array (``@>``), which is exactly "the name contains it".

Both are PostgreSQL's: on SQLite (the embedded default, a few departments) the filter is the
plain ``icontains`` and the indexes do not exist (``PostgresOnlyGinIndex``).
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.lookups import DataContains
from django.db import connection, models
from django.db.models import Func, Q, Value
from django.db.models.functions import Upper

BIGRAMS_FUNCTION = "core_name_bigrams"
# IMMUTABLE, so that PostgreSQL may index its result. PL/pgSQL's loop is twice as fast as a
# SQL function over generate_series; still about 20 µs a name, hence COST 1000: the planner
# must read the index rather than call it on every row of a region (30 ms for 中心's page).
# A repeated bigram is kept: GIN stores each key of a row once.
CREATE_BIGRAMS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
DECLARE
    bigrams text[] := '{{}}';
BEGIN
    FOR i IN 1 .. char_length(name) - 1 LOOP
        bigrams := bigrams || substr(name, i, 2);
    END LOOP;
    RETURN bigrams;
END
$$
"""
DROP_BIGRAMS_FUNCTION = f"DROP FUNCTION IF EXISTS {BIGRAMS_FUNCTION}(text)"


class PostgresOnlyGinIndex(GinIndex):
    """A GIN index that exists on PostgreSQL only: on another database its SQL is empty, so
    that a table that SQLite rebuilds (every ``AlterField`` does) comes back without it
    instead of failing on ``USING gin``."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return ""
        return super().remove_sql(model, schema_editor, **kwargs)


def name_bigrams(field: str) -> Func:
    """``core_name_bigrams(UPPER(field))``: the bigram index's expression."""
    return Func(
        Upper(field), function=BIGRAMS_FUNCTION, output_field=ArrayField(models.TextField())
    )


def name_indexes(prefix: str, field: str = "name") -> list[GinIndex]:
    """The two indexes ``name_contains`` reads, for a model's ``Meta.indexes``."""
    from django.contrib.postgres.indexes import OpClass

    return [
        PostgresOnlyGinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"{prefix}_trgm"),
        PostgresOnlyGinIndex(name_bigrams(field), name=f"{prefix}_bigrams"),
    ]


def name_contains(field: str, term: str) -> Q:
    """Rows whose ``field`` (a path like ``department__name``) contains ``term``, in any case."""
    if len(term) == 2 and connection.vendor == "postgresql":
        # The term is one bigram: "the name's bigrams hold it" is exactly "the name holds it",
        # so no LIKE re-checks the rows (UPPER on 15,000 names would cost 25 ms).
        bigram = Value([term.upper()], output_field=ArrayField(models.TextField()))
        return Q(DataContains(name_bigrams(field), bigram))
    return Q(**{f"{field}__icontains": term})
