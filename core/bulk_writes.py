"""Inserting thousands of rows at once, with their django-simple-history rows.

``bulk_create`` and ``bulk_create_with_history`` spend most of their time in Python: Django
prepares every value of every row through its field (and, on PostgreSQL, packs them into
arrays in pure Python), and django-simple-history builds a historical model instance a row
before preparing all of those again. On PostgreSQL these functions send the same rows with
``COPY … FROM STDIN`` instead, which psycopg streams from plain tuples, and write the history
rows (``+``, with the user, as ``bulk_history_create`` writes them) straight from the
instances. Elsewhere, and for a field whose values need preparing, they fall back to what
Django and django-simple-history do.

Like ``bulk_create``, neither calls ``save()`` nor sends signals.
"""

from operator import attrgetter

from django.conf import settings
from django.db import connections, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

# Fields whose cleaned Python values psycopg writes as they are (Django's preparation of them
# returns them unchanged on PostgreSQL). A subclass counts only if it prepares values the
# same way.
PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.DateField,
    models.DateTimeField,
)
PREPARATION = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _plain(field) -> bool:
    if field.is_relation:
        return field.many_to_one and _plain(field.target_field)
    for base in PLAIN_FIELDS:
        if type(field) is base:
            return True
    for base in PLAIN_FIELDS:
        if isinstance(field, base) and all(
            getattr(type(field), name) is getattr(base, name) for name in PREPARATION
        ):
            return True
    return False


def _automatic(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _copy(connection, table: str, columns: list[str], rows) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _use_copy(connection) -> bool:
    return connection.vendor == "postgresql"


def _getters(fields):
    """For each field, its attribute and, when its values need Django's preparation, the
    field to prepare them with."""
    return [(field.attname, None if _plain(field) else field) for field in fields]


def _rows(objs, getters, connection, constants=()):
    """Each instance's values for ``getters``, then ``constants``: tuples read in one C call
    when no value needs preparing."""
    if not any(field for _attname, field in getters):
        read = attrgetter(*(attname for attname, _field in getters))
        if len(getters) == 1:
            return ((read(obj), *constants) for obj in objs)
        constants = tuple(constants)
        return (read(obj) + constants for obj in objs)
    return (
        [
            getattr(obj, attname)
            if field is None
            else field.get_db_prep_save(getattr(obj, attname), connection)
            for attname, field in getters
        ]
        + list(constants)
        for obj in objs
    )


def insert(model, objs, *, using="default", batch_size=None, now=None, set_pks=True) -> None:
    """``model.objects.bulk_create(objs)`` for new instances: each gets its primary key
    (unless ``set_pks`` is false: then the table numbers them and the instances do not learn
    how), and auto_now(_add) fields ``now`` (one time for the whole batch)."""
    connection = connections[using]
    if not objs:
        return
    if not _use_copy(connection):
        model._default_manager.using(using).bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    now = now or timezone.now()
    pk = meta.pk
    fields = list(meta.concrete_fields)
    if not set_pks and getattr(objs[0], pk.attname) is None:
        fields.remove(pk)
    elif getattr(objs[0], pk.attname) is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
        for obj, pk_value in zip(objs, ids, strict=True):
            setattr(obj, pk.attname, pk_value)
    automatic = [field.attname for field in fields if _automatic(field)]
    for obj in objs:
        for attname in automatic:
            setattr(obj, attname, now)
    _copy(
        connection,
        meta.db_table,
        [field.column for field in fields],
        _rows(objs, _getters(fields), connection),
    )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


def insert_values(model, attnames, rows, *, using="default", batch_size=None) -> None:
    """New rows of ``model`` given as tuples of values for ``attnames`` (the other columns
    take their model defaults), without building a model instance a row where COPY is at
    hand."""
    connection = connections[using]
    if not rows:
        return
    if not _use_copy(connection):
        model._default_manager.using(using).bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows],
            batch_size=batch_size,
        )
        return
    fields = {field.attname: field for field in model._meta.concrete_fields}
    # Django's defaults live in Python, not in the table (a blank text's too): COPY must
    # send them itself, or a NOT NULL column added later would make every bulk write fail.
    defaulted = [
        field
        for attname, field in fields.items()
        if attname not in attnames
        and not field.primary_key
        and field.db_default is NOT_PROVIDED
        and (field.has_default() or not field.null)
    ]
    constants = [field.get_db_prep_save(field.get_default(), connection) for field in defaulted]
    prepare = [None if _plain(fields[attname]) else fields[attname] for attname in attnames]
    if any(prepare):
        rows = (
            [
                value if field is None else field.get_db_prep_save(value, connection)
                for value, field in zip(row, prepare, strict=True)
            ]
            for row in rows
        )
    if constants:
        rows = ([*row, *constants] for row in rows)
    columns = [fields[name].column for name in attnames] + [field.column for field in defaulted]
    _copy(connection, model._meta.db_table, columns, rows)


def _history_columns(history_model, user_pk, now):
    """The historical table's columns and, for each, how a "+" row gets its value from the
    instance: the tracked field's attribute, or a constant. None when the table has a column
    this does not know (a custom history field): then django-simple-history writes them."""
    tracked = {field.attname for field in history_model.tracked_fields}
    constants = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": "+",
        "history_user": user_pk,
    }
    columns = []
    for field in history_model._meta.concrete_fields:
        if field.primary_key and field.name == "history_id":
            continue  # the table's own sequence
        if field.attname in tracked:
            columns.append((field, field.attname, None))
        elif field.name in constants:
            columns.append((field, None, constants[field.name]))
        else:
            return None
    return columns


def insert_with_history(model, objs, *, user=None, using="default", batch_size=None) -> None:
    """``simple_history.utils.bulk_create_with_history(objs, model, default_user=user)``:
    ``insert`` the new instances, then one "+" history row each, by ``user``."""
    from simple_history.utils import bulk_create_with_history

    connection = connections[using]
    if not objs:
        return
    if not _use_copy(connection):
        bulk_create_with_history(objs, model, batch_size=batch_size, default_user=user)
        return
    now = timezone.now()
    history_model = model.history.model
    user_pk = getattr(user, "pk", user)
    columns = _history_columns(history_model, user_pk, now)
    if columns is None or user_pk is None:
        # Unknown history columns, or no user given: the user may come from the request
        # (HistoryRequestMiddleware), which django-simple-history looks up per row.
        insert(model, objs, using=using, batch_size=batch_size, now=now)
        model.history.bulk_history_create(
            objs, batch_size=batch_size, default_user=user, default_change_reason=None
        )
        return
    insert(model, objs, using=using, batch_size=batch_size, now=now)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    # The tracked fields' columns first, read from each instance, then the constant ones.
    fields = {field.attname: field for field in model._meta.concrete_fields}
    tracked = [(field, attname) for field, attname, _constant in columns if attname is not None]
    constant = [(field, value) for field, attname, value in columns if attname is None]
    _copy(
        connection,
        history_model._meta.db_table,
        [field.column for field, _attname in tracked] + [field.column for field, _v in constant],
        _rows(
            objs,
            _getters([fields[attname] for _field, attname in tracked]),
            connection,
            [value for _field, value in constant],
        ),
    )
