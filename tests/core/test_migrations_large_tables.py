"""Migrations on a province-sized database (issue 25): a new index on a large table is built
CONCURRENTLY, so that the table keeps taking writes while it is built (a plain CREATE INDEX
blocks every insert, update and delete for the whole build), and such a migration is not
atomic (PostgreSQL refuses CREATE INDEX CONCURRENTLY in a transaction).

Every migration after ``BASELINE`` (the last migration of each app before issue 25) is
checked, so a migration written later is held to it too.
"""

import re

import pytest
from django.apps import apps
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.test.utils import CaptureQueriesContext

from core.filters import DepartmentFilter
from core.migration_operations import AddIndexConcurrentlyIfPostgres
from core.models import Department, Region
from core.search import name_contains, name_indexes

# The last migration of each app before issue 25; everything after is checked.
BASELINE = {
    "core": "0009_events_and_transparency",
    "credit_records": "0005_intake",
    "debt": "0002_warning_ground",
    "evaluations": "0004_round_computation_updated_at",
    "procurement": "0005_red_flag_rule_trading_violation",
}

# Tables that reach hundreds of thousands or millions of rows in a province (issue 25: 40,000
# departments, 1M records, 5M history rows), and every django-simple-history table.
LARGE_MODELS = {
    "core": [
        "department", "user", "notification", "outboxevent", "webhookdelivery",
        "webhookattempt", "dataaccess", "usersession", "reminderlog", "transparencyentry",
    ],
    "credit_records": [
        "dishonestyrecord", "publicofficial", "rectification", "rectificationreport",
        "recordevent", "attachment", "accountabilityentry", "commendation", "commitment",
        "complaint", "complaintevent", "intakeitem", "objection",
    ],
    "procurement": [
        "procurementproject", "contract", "acceptance", "payment", "redflag", "obligation",
        "obligationevent", "arrearsitem", "instalment",
    ],
    "evaluations": ["score"],
}  # fmt: skip

BLOCKING_SQL = re.compile(r"\bcreate\s+(unique\s+)?index\s+(?!concurrently\b)", re.IGNORECASE)


def is_large(app_label: str, model_name: str) -> bool:
    model_name = model_name.lower()
    return model_name.startswith("historical") or model_name in LARGE_MODELS.get(app_label, ())


def adds_index(field: models.Field) -> bool:
    return bool(field.db_index or field.unique or field.primary_key)


def field_before(state, app_label: str, model_name: str, name: str):
    model_state = state.models.get((app_label, model_name.lower()))
    return model_state.fields.get(name) if model_state else None


def blocking_operations(
    migration: migrations.Migration, state_before, operations=None
) -> list[str]:
    """Why ``migration`` would lock a large table while it builds an index ([] when it would
    not). ``state_before`` is the project's model state before it."""
    app = migration.app_label
    problems = []
    for operation in migration.operations if operations is None else operations:
        where = f"{app}.{migration.name}: {operation.describe()}"
        model_name = getattr(operation, "model_name", None) or getattr(operation, "name", "")
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            problems += blocking_operations(migration, state_before, operation.database_operations)
        elif isinstance(operation, AddIndexConcurrently):
            if migration.atomic:
                problems.append(f"{where}: a concurrent index needs atomic = False")
        elif isinstance(operation, migrations.AddIndex) and is_large(app, model_name):
            problems.append(f"{where}: use AddIndexConcurrentlyIfPostgres")
        elif isinstance(operation, migrations.AddConstraint) and is_large(app, model_name):
            if isinstance(operation.constraint, models.UniqueConstraint):
                problems.append(
                    f"{where}: build a unique index concurrently, then add the constraint"
                )
        elif isinstance(operation, migrations.AddField) and is_large(app, model_name):
            if adds_index(operation.field):
                problems.append(
                    f"{where}: add the field with db_index=False and its index concurrently"
                )
        elif isinstance(operation, migrations.AlterField) and is_large(app, model_name):
            old = field_before(state_before, app, model_name, operation.name)
            new = operation.field
            if (new.db_index and not (old and old.db_index)) or (
                new.unique and not (old and old.unique)
            ):
                problems.append(f"{where}: index the column concurrently instead")
        elif isinstance(
            operation, (migrations.AlterUniqueTogether, migrations.AlterIndexTogether)
        ) and is_large(app, model_name):
            problems.append(f"{where}: use an index built concurrently")
        elif isinstance(operation, migrations.RunSQL):
            statements = (
                operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql]
            )
            if any(BLOCKING_SQL.search(str(statement)) for statement in statements):
                problems.append(f"{where}: CREATE INDEX without CONCURRENTLY")
    return problems


def new_migrations(loader: MigrationLoader) -> list[migrations.Migration]:
    existing = set()
    for app_label, name in BASELINE.items():
        existing.update(loader.graph.forwards_plan((app_label, name)))
    return [
        loader.graph.nodes[key]
        for key in loader.graph.nodes
        if key[0] in BASELINE and key not in existing
    ]


@pytest.fixture(scope="module")
def loader():
    return MigrationLoader(None, ignore_no_migrations=True)


def test_the_large_tables_named_here_exist(loader):
    """A renamed model must not slip out of the check unnoticed."""
    for app_label, names in LARGE_MODELS.items():
        for name in names:
            assert apps.get_model(app_label, name), (app_label, name)


def test_the_baseline_is_in_the_migration_graph(loader):
    for app_label, name in BASELINE.items():
        assert (app_label, name) in loader.graph.nodes


def test_no_migration_since_the_baseline_locks_a_large_table_to_build_an_index(loader):
    checked = new_migrations(loader)
    assert ("core", "0011_department_name_search") in {(m.app_label, m.name) for m in checked}
    problems = []
    for migration in checked:
        state = loader.project_state((migration.app_label, migration.name), at_end=False)
        problems += blocking_operations(migration, state)
    assert problems == []


def test_the_department_name_indexes_are_built_concurrently_outside_a_transaction(loader):
    migration = loader.graph.nodes[("core", "0011_department_name_search")]
    assert migration.atomic is False
    added = [op for op in migration.operations if isinstance(op, AddIndexConcurrentlyIfPostgres)]
    assert {op.index.name for op in added} == {
        index.name for index in name_indexes("department_name")
    }


def synthetic(operations: list[Operation], *, atomic: bool = True) -> migrations.Migration:
    migration = migrations.Migration("0999_synthetic", "core")
    migration.operations = operations
    migration.atomic = atomic
    return migration


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddIndex("department", models.Index(fields=["name"], name="dept_name_plain")),
        migrations.AddIndex(
            "historicaldepartment", models.Index(fields=["name"], name="hist_dept_name")
        ),
        migrations.AddConstraint(
            "department", models.UniqueConstraint(fields=["name"], name="dept_name_unique")
        ),
        migrations.AddField(
            "department",
            "mentor",
            models.ForeignKey("core.user", null=True, on_delete=models.SET_NULL),
        ),
        migrations.AddField("notification", "code", models.CharField(max_length=9, unique=True)),
        migrations.AlterField(
            "department", "name", models.CharField(max_length=200, db_index=True)
        ),
        migrations.RunSQL("CREATE INDEX dept_upper ON core_department (UPPER(name))"),
    ],
    ids=["AddIndex", "history", "unique", "foreign key", "unique field", "AlterField", "SQL"],
)
def test_the_check_catches_an_index_that_would_lock_a_large_table(loader, operation):
    state = loader.project_state(("core", "0011_department_name_search"))
    assert blocking_operations(synthetic([operation]), state)


def test_the_check_catches_a_concurrent_index_in_an_atomic_migration(loader):
    state = loader.project_state(("core", "0011_department_name_search"))
    index = models.Index(fields=["head_name"], name="dept_head_name")
    operation = AddIndexConcurrentlyIfPostgres("department", index)
    assert blocking_operations(synthetic([operation]), state)
    assert blocking_operations(synthetic([operation], atomic=False), state) == []


def test_the_check_lets_small_tables_and_unindexed_fields_be(loader):
    state = loader.project_state(("core", "0011_department_name_search"))
    operations = [
        migrations.AddIndex("region", models.Index(fields=["name"], name="region_name_plain")),
        migrations.AddField("department", "motto", models.CharField(max_length=50, blank=True)),
        migrations.RunSQL("CREATE INDEX CONCURRENTLY dept_x ON core_department (head_name)"),
    ]
    assert blocking_operations(synthetic(operations), state) == []


# --- the indexes themselves, and the search reading them ---


def make_departments():
    from tests.builders.core import DepartmentFactory

    names = [
        "南京市鼓楼区财政局",
        "苏州市吴江区市场监督管理局",
        "无锡市教育局",
        "南京市ETC服务中心",
    ]
    return {name: DepartmentFactory(name=name) for name in names}


def found(term: str) -> set[str]:
    return set(
        Department.objects.filter(name_contains("name", term)).values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_a_department_is_found_by_any_part_of_its_name_of_two_characters_and_more():
    make_departments()
    assert found("财政") == {"南京市鼓楼区财政局"}
    assert found("鼓楼区") == {"南京市鼓楼区财政局"}
    assert found("市场监督管理局") == {"苏州市吴江区市场监督管理局"}
    assert found("南京") == {"南京市鼓楼区财政局", "南京市ETC服务中心"}
    assert found("tc") == found("ETC服务") == {"南京市ETC服务中心"}
    assert found("飞机") == set()
    assert found("局") == {"南京市鼓楼区财政局", "苏州市吴江区市场监督管理局", "无锡市教育局"}


@pytest.mark.django_db
def test_the_department_list_searches_by_a_two_character_name_part_or_the_credit_code():
    departments = make_departments()
    finance = departments["南京市鼓楼区财政局"]

    def search(term):
        return set(DepartmentFilter(data={"q": term}, queryset=Department.objects.all()).qs)

    assert search("财政") == {finance}
    assert search(finance.uscc.lower()) == {finance}


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test's table is tiny: left alone the planner reads it whole, as it should, or
        # walks another index in the page's order and tests each row (what it picks depends
        # on the statistics earlier tests left). With both off it must say which index
        # answers the condition itself, through a bitmap scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_migration_created_the_name_indexes_on_postgresql(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_department'"
        )
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["department_name_trgm"]
    assert "core_name_bigrams(upper" in indexes["department_name_bigrams"]


def test_the_search_reads_the_trigram_index_for_three_characters_and_more(require_postgres):
    make_departments()
    plan = explain(DepartmentFilter(data={"q": "鼓楼区财政"}, queryset=Department.objects.all()).qs)
    assert "department_name_trgm" in plan


def test_the_search_reads_the_bigram_index_for_two_characters(require_postgres):
    make_departments()
    plan = explain(DepartmentFilter(data={"q": "财政"}, queryset=Department.objects.all()).qs)
    assert "department_name_bigrams" in plan


def test_a_record_search_finds_the_departments_by_name_before_the_records(require_postgres):
    from credit_records.filters import DishonestyRecordFilter
    from credit_records.models import DishonestyRecord

    make_departments()
    with CaptureQueriesContext(connection) as lookups:
        records = DishonestyRecordFilter(
            data={"q": "财政局"}, queryset=DishonestyRecord.objects.all()
        ).qs
        plan = explain(records)
    # The departments are found first, through their name index, then named by id in the
    # records' query, beside the decision number's own index: one bitmap, no table scan.
    department_lookup = next(q["sql"] for q in lookups if "core_department" in q["sql"])
    assert "UPPER" in department_lookup
    assert "record_decision_number_trgm" in plan
    assert "department_id" in plan
    assert "Seq Scan" not in plan


def test_on_sqlite_the_name_indexes_are_not_created(db):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite side")
    editor = connection.schema_editor(collect_sql=True)
    # What SQLite runs when it rebuilds the department table (every AlterField does).
    statements = [str(sql) for sql in editor._model_indexes_sql(Department)]
    assert not any("gin" in sql.lower() for sql in statements)
    assert any("department_region_active" in sql for sql in statements)


@pytest.mark.django_db
def test_the_admin_and_its_autocompletes_find_departments_by_name_part_credit_code_or_region():
    from django.contrib import admin

    departments = make_departments()
    finance = departments["南京市鼓楼区财政局"]
    wujiang = departments["苏州市吴江区市场监督管理局"]
    wujiang.region = Region.objects.get(code="320509")  # 吴江区
    wujiang.save()
    department_admin = admin.site._registry[Department]

    def search(term):
        queryset, _duplicates = department_admin.get_search_results(
            None, Department.objects.all(), term
        )
        return set(queryset)

    assert search("财政") == {finance}
    assert search(finance.uscc[:12].lower()) >= {finance}
    assert search("吴江区") == {wujiang}
    assert search("南京 财政") == {finance}
    assert search("苏州 财政") == set()


def test_the_department_order_index_is_built_on_every_database(db):
    # Concurrently on PostgreSQL (the check above), plainly elsewhere: SQLite has it too.
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "credit_records_dishonestyrecord"
        )
    index = constraints["record_department_order"]
    assert index["index"] and index["columns"] == ["department_id", "decision_date", "id"]
    assert index["orders"] == ["ASC", "DESC", "DESC"]
