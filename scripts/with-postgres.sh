#!/usr/bin/env bash
# Runs a command beside a real PostgreSQL server: Debian's package (installed when missing), a throw-away
# cluster initialised in a temporary folder, listening on loopback only, stopped and deleted on exit.
# KEEL_TEST_POSTGRES names it to the command (the server's tests and load bench create their own databases).
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "installing: postgresql" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi
data=$(mktemp -d /tmp/keel-pg.XXXXXX)
chmod 755 "$data"
[[ ${#as_pg[@]} -gt 0 ]] && chown postgres "$data"
# A free loopback port, chosen by the kernel.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap stop EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$data/db" -U keel --auth=trust -E UTF8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$data/db" -l "$data/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=on" start >/dev/null
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
export KEEL_TEST_POSTGRES="postgres://keel@127.0.0.1:$port/postgres"
"$@"
