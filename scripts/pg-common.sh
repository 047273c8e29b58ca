# Shared by backup.sh and restore.sh (sourced, not run).

# Sets PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE) and MEDIA_ROOT from
# the Django settings, so the scripts use exactly the database and folder the portal uses,
# defaults included. libpq reads the PG* variables: no password on a command line.
read_django_settings() {
  local output
  output=$(cd "$ROOT" && "$PY" manage.py shell --no-imports -c '
import shlex
from django.conf import settings
from django.db import connection
db = settings.DATABASES["default"]
if connection.vendor != "postgresql":
    raise SystemExit("The backup scripts need PostgreSQL; DATABASE_URL names " + connection.vendor)
values = {
    "PGHOST": db.get("HOST") or "",
    "PGPORT": str(db.get("PORT") or ""),
    "PGUSER": db.get("USER") or "",
    "PGPASSWORD": db.get("PASSWORD") or "",
    "PGDATABASE": db["NAME"],
    "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode", ""),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
}
for name, value in values.items():
    print("CHENGXIN_SETTING", name, shlex.quote(value))
')
  local marker name value
  while read -r marker name value; do
    [[ $marker == CHENGXIN_SETTING ]] || continue
    eval "value=$value"
    if [[ -n $value ]]; then
      export "$name=$value"
    else
      unset "$name"
    fi
  done <<<"$output"
  [[ -n ${PGDATABASE:-} && -n ${MEDIA_ROOT:-} ]] || {
    echo "Could not read the database and media settings through manage.py" >&2
    return 1
  }
}

server_version_num() {
  psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$PGDATABASE" \
    --command='SHOW server_version_num'
}

# The path of a PostgreSQL client tool (pg_dump, pg_restore) able to talk to the server:
# pg_dump refuses a server newer than itself, so when the one on PATH is older than the
# server, Debian's versioned /usr/lib/postgresql/<major>/bin is tried. CHENGXIN_PG_BIN, a
# folder, overrides both.
pg_tool() {
  local tool=$1 candidate client_major server_major
  if [[ -n ${CHENGXIN_PG_BIN:-} ]]; then
    echo "$CHENGXIN_PG_BIN/$tool"
    return
  fi
  server_major=$(($(server_version_num) / 10000))
  for candidate in "$(command -v "$tool" || true)" "/usr/lib/postgresql/$server_major/bin/$tool"; do
    [[ -n $candidate && -x $candidate ]] || continue
    client_major=$("$candidate" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')
    if [[ $client_major -ge $server_major ]]; then
      echo "$candidate"
      return
    fi
  done
  echo "No $tool of PostgreSQL $server_major or newer found; install postgresql-client-$server_major" \
    "or set CHENGXIN_PG_BIN" >&2
  return 1
}
