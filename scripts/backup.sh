#!/usr/bin/env bash
# Back up Chengxin: the PostgreSQL database (pg_dump --format=custom) and the media folder
# (evidence files, as a tar), into one timestamped folder with a SHA-256 manifest.
#
#   scripts/backup.sh [DESTINATION]
#
# DESTINATION defaults to $CHENGXIN_BACKUP_DIR or /var/backups/chengxin. The database and
# the media folder are the ones the Django settings name (DATABASE_URL, DJANGO_MEDIA_ROOT,
# ...), read through manage.py, so run it with the same environment as the portal
# (docs/deployment.md: /etc/chengxin/env). The folder is written as NAME.partial and renamed
# once complete, so a folder without the suffix is always a whole backup.
# Backups older than CHENGXIN_BACKUP_KEEP_DAYS days (default 30; 0 keeps all) are removed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[[ -x $PY ]] || PY=python3
# shellcheck source=scripts/pg-common.sh
source "$ROOT/scripts/pg-common.sh"

destination_root=${1:-${CHENGXIN_BACKUP_DIR:-/var/backups/chengxin}}
keep_days=${CHENGXIN_BACKUP_KEEP_DAYS:-30}

read_django_settings

pg_dump_bin=$(pg_tool pg_dump)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$destination_root/chengxin-$stamp"
work="$final.partial"
mkdir -p "$work"
trap 'rm -rf "$work"' ERR

echo "Backing up database $PGDATABASE on ${PGHOST:-local socket} to $final"
"$pg_dump_bin" --format=custom --no-owner --no-privileges --file="$work/database.dump"

echo "Backing up media from $MEDIA_ROOT"
media_source=$MEDIA_ROOT
if [[ ! -d $MEDIA_ROOT ]]; then
  echo "  (no media folder yet: an empty archive)"
  media_source=$(mktemp -d)
fi
# The portal keeps running: a file added or removed while tar reads is a warning (status 1),
# not a failure; the next night's backup has it.
status=0
tar --create --gzip --warning=no-file-changed --warning=no-file-removed \
  --file="$work/media.tar.gz" --directory="$media_source" . || status=$?
[[ $status -le 1 ]] || exit "$status"
[[ $media_source == "$MEDIA_ROOT" ]] || rmdir "$media_source"
# One checksum per archived file, in sha256sum's format, taken from the archive itself so it
# matches exactly what a restore unpacks.
"$PY" - "$work/media.tar.gz" >"$work/media-files.sha256" <<'PYTHON'
import hashlib
import sys
import tarfile

with tarfile.open(sys.argv[1], "r:gz") as archive:
    for member in archive:
        if member.isfile():
            digest = hashlib.sha256()
            with archive.extractfile(member) as content:
                for chunk in iter(lambda: content.read(1 << 20), b""):
                    digest.update(chunk)
            print(f"{digest.hexdigest()}  {member.name}")
PYTHON

{
  echo "created_utc=$stamp"
  echo "database=$PGDATABASE"
  echo "media_root=$MEDIA_ROOT"
  echo "pg_dump=$("$pg_dump_bin" --version)"
  echo "server_version=$(server_version_num)"
  echo "git_revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
} >"$work/backup.info"

(cd "$work" && sha256sum database.dump media.tar.gz media-files.sha256 backup.info >SHA256SUMS)
mv "$work" "$final"
trap - ERR
echo "Backup complete: $final"

if [[ $keep_days -gt 0 ]]; then
  find "$destination_root" -mindepth 1 -maxdepth 1 -type d -name 'chengxin-*' \
    ! -name '*.partial' -mtime "+$keep_days" -print -exec rm -rf {} +
fi
