#!/usr/bin/env bash
# PostgreSQL for wsisbot on this machine, used by .ci/run and `make run`.
#
#   scripts/postgres.sh install [PACKAGE...]
#       Install the postgresql package (and the given packages) where missing: Debian or
#       Ubuntu, as root, with apt-get. Elsewhere it says what is missing and fails.
#   scripts/postgres.sh start
#       Start the system cluster on 127.0.0.1:5432 when it is installed but stopped, and
#       print the URL the tests connect with (a fresh Debian cluster asks for a password
#       over TCP: the postgres role gets one).
#   scripts/postgres.sh connections URL
#       Make the system cluster accept at least 300 connections (the test suite runs
#       several serve replicas at once, each with a pool of 20), restarting it when it
#       accepted fewer.
#   scripts/postgres.sh demo
#       Before `wsisbot demo`: when DATABASE_URL is unset, nothing answers on
#       127.0.0.1:5432 and PostgreSQL's programs are missing, install them if allowed
#       (the demo then runs a private server of its own). Never fails: the demo says
#       what is missing.
set -euo pipefail

say() { echo "postgres.sh: $*" >&2; }

# have_programs: initdb and pg_ctl are installed (where the demo and the tests look).
have_programs() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}

# answers: something accepts TCP connections on 127.0.0.1:5432.
answers() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

install() {
  local missing=("$@")
  have_programs && command -v pg_ctlcluster >/dev/null 2>&1 || missing=(postgresql "${missing[@]}")
  [ ${#missing[@]} -gt 0 ] || return 0
  if ! can_install; then
    say "missing: ${missing[*]}; install them (this script installs them on Debian or Ubuntu as root)"
    return 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

start() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  pg_isready -h 127.0.0.1 -p 5432 >&2
  local url="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
  if ! psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
    say "setting a password for the postgres role"
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
    url="postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable"
  fi
  echo "$url"
}

connections() {
  local url=$1 have
  have=$(psql "$url" -Atqc 'SHOW max_connections')
  [ "$have" -lt 300 ] || return 0
  say "raising max_connections from $have to 300 for the tests"
  psql "$url" -qc 'ALTER SYSTEM SET max_connections = 300' >/dev/null
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main restart
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  pg_isready -h 127.0.0.1 -p 5432 >&2
}

demo() {
  [ -z "${DATABASE_URL:-}" ] || return 0
  answers && return 0
  have_programs && return 0
  if can_install; then
    say "no PostgreSQL on 127.0.0.1:5432 and none installed: installing the postgresql package for the demo's private server"
    install || say "could not install postgresql; the demo will say what to do"
  else
    say "no PostgreSQL on 127.0.0.1:5432 and none installed: install postgresql (or set DATABASE_URL); the demo will say so too"
  fi
  return 0
}

case "${1:-}" in
  install) shift; install "$@" ;;
  start) start ;;
  connections) shift; connections "$@" ;;
  demo) demo ;;
  *) echo "usage: $0 install [PACKAGE...] | start | connections URL | demo" >&2; exit 2 ;;
esac
