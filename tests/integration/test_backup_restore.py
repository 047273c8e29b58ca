"""scripts/backup.sh and scripts/restore.sh, run as an operator runs them: the demo data and an
evidence file are backed up, restored into a second database and media folder, and found
there intact, row for row and byte for byte."""

import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from credit_records.models import Attachment, DishonestyRecord
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Bytes no text codec would keep: a media file must come back exactly as it went.
EVIDENCE = bytes(range(256)) * 64 + "整改报告".encode()


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )


def connect(name: str, **options) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname=name,
        **options,
    )


def run_script(script: str, *args: str, database: str, media: Path, var: Path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "CHENGXIN_", "PG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=database_url(database),
        DJANGO_MEDIA_ROOT=str(media),
        CHENGXIN_VAR_DIR=str(var),
        CHENGXIN_BACKUP_KEEP_DAYS="0",
    )
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for table in tables
    }


def files_and_digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def target_database(require_postgres):
    """An empty scratch database beside the test database, dropped afterwards."""
    for tool in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool):
            skip_or_fail(f"needs the PostgreSQL client tools: {tool} is not installed")
    name = f"{connection.settings_dict['NAME']}_restored"
    with connect("postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with connect("postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_backup_restores_into_an_empty_database_and_media_folder_intact(
    target_database, media_root, tmp_path
):
    call_command("seed_demo", stdout=io.StringIO())
    record = DishonestyRecord.objects.order_by("pk").first()
    attachment = Attachment(
        record=record,
        department=record.department,
        original_name="整改报告.pdf",
        content_type="application/pdf",
        size=len(EVIDENCE),
    )
    attachment.file.save("report.pdf", ContentFile(EVIDENCE), save=True)
    source = connection.settings_dict["NAME"]
    backups, restored_media, var = tmp_path / "backups", tmp_path / "restored-media", tmp_path

    backup = run_script("backup.sh", str(backups), database=source, media=media_root, var=var)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    (folder,) = backups.iterdir()
    assert folder.name.startswith("chengxin-") and not folder.name.endswith(".partial")
    assert {path.name for path in folder.iterdir()} >= {
        "database.dump",
        "media.tar.gz",
        "media-files.sha256",
        "SHA256SUMS",
    }

    restore = run_script(
        "restore.sh", str(folder), database=target_database, media=restored_media, var=var
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr

    # Every table holds the same number of rows, and the demo data is really there.
    with connect(source) as original, connect(target_database) as copy:
        counts = row_counts(original)
        assert counts["credit_records_dishonestyrecord"] > 0
        assert counts["credit_records_attachment"] == 1
        assert row_counts(copy) == counts
        for query in (
            "SELECT username, password, is_superuser FROM core_user ORDER BY username",
            "SELECT id, department_id, status, severity FROM credit_records_dishonestyrecord"
            " ORDER BY id",
            "SELECT app, name FROM django_migrations ORDER BY id",
        ):
            assert copy.execute(query).fetchall() == original.execute(query).fetchall(), query
        attachment_row = copy.execute(
            "SELECT file, original_name, size, record_id FROM credit_records_attachment"
        ).fetchone()
    assert attachment_row == (attachment.file.name, "整改报告.pdf", len(EVIDENCE), record.pk)
    # The media folder comes back byte for byte, the evidence file at the path its row names.
    assert files_and_digests(restored_media) == files_and_digests(media_root)
    assert (restored_media / attachment.file.name).read_bytes() == EVIDENCE

    # A second restore over the now non-empty database is refused and changes nothing.
    again = run_script(
        "restore.sh", str(folder), database=target_database, media=restored_media, var=var
    )
    assert again.returncode == 1
    assert "not empty" in again.stderr
    assert "--force" in again.stderr
    with connect(target_database) as copy:
        assert row_counts(copy) == counts


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    target_database, media_root, tmp_path
):
    media_root.mkdir(parents=True)
    (media_root / "evidence.txt").write_bytes(EVIDENCE)
    backups, restored_media = tmp_path / "backups", tmp_path / "restored-media"
    source = connection.settings_dict["NAME"]
    backup = run_script("backup.sh", str(backups), database=source, media=media_root, var=tmp_path)
    assert backup.returncode == 0, backup.stdout + backup.stderr
    (folder,) = backups.iterdir()
    dump = folder / "database.dump"
    damaged = bytearray(dump.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    dump.write_bytes(bytes(damaged))

    restore = run_script(
        "restore.sh", str(folder), database=target_database, media=restored_media, var=tmp_path
    )
    assert restore.returncode == 1
    assert "Checksum mismatch" in restore.stderr
    with connect(target_database) as copy:
        assert row_counts(copy) == {}
    assert not restored_media.exists()
