#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database and media folder that the
# Django settings name (DATABASE_URL, DJANGO_MEDIA_ROOT, ...), after verifying its checksums.
#
#   scripts/restore.sh [--force] BACKUP_FOLDER
#
# The target database must exist (createdb -O chengxin chengxin) and be empty, and the media
# folder must be empty or missing, unless --force is given: then every table, view and
# sequence in the database's public schema and every file in the media folder is deleted
# first. Nothing is changed before the checksums of the archive and of every media file have
# been verified. Run it as the portal's service user, with the portal's environment, while
# the web, worker and beat services are stopped.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[[ -x $PY ]] || PY=python3
# shellcheck source=scripts/pg-common.sh
source "$ROOT/scripts/pg-common.sh"

usage() {
  echo "usage: $0 [--force] BACKUP_FOLDER" >&2
  exit 2
}

force=false
backup=""
for argument in "$@"; do
  case $argument in
    --force) force=true ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) [[ -z $backup ]] || usage; backup=$argument ;;
  esac
done
[[ -n $backup ]] || usage
backup=$(cd "$backup" && pwd)

for file in SHA256SUMS database.dump media.tar.gz media-files.sha256; do
  [[ -f $backup/$file ]] || { echo "$backup is not a complete backup: $file is missing" >&2; exit 1; }
done
echo "Verifying the checksums of $backup"
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) || {
  echo "Checksum mismatch: the backup is damaged; nothing was restored." >&2
  exit 1
}

read_django_settings

psql_target() {
  psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 \
    --dbname="$PGDATABASE" "$@"
}

relations=$(psql_target --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")
media_files=0
if [[ -d $MEDIA_ROOT ]]; then
  media_files=$(find "$MEDIA_ROOT" -mindepth 1 -maxdepth 1 | wc -l)
fi
if ! $force; then
  if [[ $relations -gt 0 ]]; then
    echo "Refusing to restore: database $PGDATABASE is not empty ($relations tables," \
      "views or sequences). Use --force to replace its contents." >&2
    exit 1
  fi
  if [[ $media_files -gt 0 ]]; then
    echo "Refusing to restore: media folder $MEDIA_ROOT is not empty." \
      "Use --force to replace its contents." >&2
    exit 1
  fi
fi

# Unpack and verify the media beside their destination (same file system, so moving them
# into place is cheap) before anything is deleted.
mkdir -p "$MEDIA_ROOT"
unpacked=$(mktemp -d "$MEDIA_ROOT/.restore.XXXXXX")
trap 'rm -rf "$unpacked"' EXIT
tar --extract --gzip --no-same-owner --file="$backup/media.tar.gz" --directory="$unpacked"
(cd "$unpacked" && sha256sum --check --strict --quiet "$backup/media-files.sha256") || {
  echo "A media file does not match its checksum; nothing was restored." >&2
  exit 1
}
expected=$(wc -l <"$backup/media-files.sha256")
found=$(find "$unpacked" -type f | wc -l)
if [[ $expected -ne $found ]]; then
  echo "The media archive holds $found files, the manifest $expected; nothing was restored." >&2
  exit 1
fi

pg_restore_bin=$(pg_tool pg_restore)
if $force && [[ $relations -gt 0 ]]; then
  echo "Emptying database $PGDATABASE (--force)"
  # Tables first: dropping one drops its identity sequences and dependent views, which the
  # later IF EXISTS statements then skip.
  psql_target --single-transaction <<'SQL'
SET client_min_messages = warning;
SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                             WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                             ELSE 'TABLE' END,
              n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
ORDER BY c.relkind NOT IN ('r', 'p'), c.relname
\gexec
SQL
fi

echo "Restoring the database into $PGDATABASE on ${PGHOST:-local socket}"
"$pg_restore_bin" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$PGDATABASE" "$backup/database.dump"

echo "Restoring media into $MEDIA_ROOT"
if $force; then
  find "$MEDIA_ROOT" -mindepth 1 -maxdepth 1 ! -path "$unpacked" -exec rm -rf {} +
fi
find "$unpacked" -mindepth 1 -maxdepth 1 -exec mv -t "$MEDIA_ROOT" {} +

echo "Restore complete from $backup."
echo "Next: run 'manage.py migrate' if this code is newer than the backup, then start the services."
