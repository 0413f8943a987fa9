#!/usr/bin/env bash
# Creates the PostgreSQL role and database of WeGoAssembly for production; safe to run again (it then
# only sets the password and the settings again). The app applies its own schema at start
# (deploy/sql/postgres, recorded in schema_version), so this script creates no tables.
#
#   WEGO_DB_PASSWORD='…' deploy/postgres/setup.sh     # or run it on a terminal and type the password
#
# Environment:
#   WEGO_DB_PASSWORD  the role's password; asked for on the terminal when unset, never stored here
#   WEGO_DB_NAME      database name (default wegoassembly)
#   WEGO_DB_USER      role name (default wegoassembly)
#   PGHOST, PGPORT, PGUSER, ...  which server to reach as which superuser (libpq's own variables);
#                     when PGUSER is unset and this runs as root, psql runs as the postgres system user.
# Put the same database, role and password in WEGO__ConnectionStrings__Postgres (see
# deploy/wegoassembly.env.example).
set -euo pipefail

db_name="${WEGO_DB_NAME:-wegoassembly}"
db_user="${WEGO_DB_USER:-wegoassembly}"

if [ -z "${WEGO_DB_PASSWORD:-}" ]; then
  if [ ! -t 0 ]; then
    echo "setup.sh: set WEGO_DB_PASSWORD (or run on a terminal to be asked for it); nothing was changed." >&2
    exit 2
  fi
  read -r -s -p "Password for role ${db_user}: " WEGO_DB_PASSWORD; echo
  read -r -s -p "Again: " again; echo
  if [ "$WEGO_DB_PASSWORD" != "$again" ]; then
    echo "setup.sh: the passwords differ; nothing was changed." >&2
    exit 2
  fi
fi
if [ ${#WEGO_DB_PASSWORD} -lt 16 ]; then
  echo "setup.sh: the password must have at least 16 characters (for example: openssl rand -base64 24); nothing was changed." >&2
  exit 2
fi
export WEGO_DB_PASSWORD

psql=(psql)
if [ -z "${PGUSER:-}" ] && [ "$(id -u)" -eq 0 ]; then
  psql=(runuser -u postgres -- psql)
fi

# The names and the password reach psql as variables (the password through the environment, so it is
# never on a command line) and are quoted by format(%I, %L): any character in them is safe.
"${psql[@]}" --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname postgres \
  --set db_name="$db_name" --set db_user="$db_user" <<'SQL'
\getenv db_password WEGO_DB_PASSWORD
-- The app needs to log in and to own its database (it creates its tables, indexes and advisory
-- locks there); nothing more: not a superuser, no other databases, no roles.
SELECT format('CREATE ROLE %I', :'db_user')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db_user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
              :'db_user', :'db_password') \gexec
-- UTF8 for the names of people and cities in every script; template0 so the encoding can be chosen.
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db_name', :'db_user', 'UTF8')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db_name', :'db_user') \gexec
-- Only the app's role (and superusers) may connect.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db_name') \gexec
-- The stored times are timestamptz: psql then shows them in UTC, whatever the server's own time zone.
SELECT format('ALTER DATABASE %I SET timezone TO %L', :'db_name', 'UTC') \gexec
SQL

echo "Role ${db_user} and database ${db_name} are ready; the app creates its tables at its first start."
