#!/usr/bin/env bash
# Runs keel-server's test suite, and the `keel serve` process tests, against a real PostgreSQL server started by
# scripts/with-postgres.sh (the tests create one database per test; see docs/server.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if cargo nextest --version >/dev/null 2>&1; then
  exec bash scripts/with-postgres.sh cargo nextest run -p keel-server -p keel-cli --no-fail-fast \
    -E 'package(keel-server) or binary(serve_durability) or binary(serve_jobs)' "$@"
fi
bash scripts/with-postgres.sh cargo test -p keel-server --no-fail-fast "$@"
bash scripts/with-postgres.sh cargo test -p keel-cli --test serve_durability --test serve_jobs --no-fail-fast "$@"
