#!/usr/bin/env bash
# The load benchmark of `keel serve` (issue 17): 200 readers of stored data and 10 uploaders on loopback, on
# SQLite and on PostgreSQL (scripts/with-postgres.sh), in four regimes; prints Markdown tables for
# bench/RESULTS.md. About 4 minutes after the release build. KEEL_LOAD_SECS sets each run's length (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cargo bench -p keel-server --bench load --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "load" and m.get("executable"):
        print(m["executable"])')
run() {
  echo "### $1" >&2
  KEEL_LOAD_READ_EVERY_MS=$2 KEEL_LOAD_UPLOADERS=$3 KEEL_LOAD_UPLOAD_EVERY_MS=$4 "$bin"
  echo
}
regimes() {
  run "200 readers, one read every 100 ms each; no uploads" 100 0 1000
  run "200 readers every 100 ms; 10 uploaders, one upload every 10 s each" 100 10 10000
  run "200 readers every 100 ms; 10 uploaders, one upload every second each" 100 10 1000
  run "closed loop: 200 readers and 10 uploaders, each sending as soon as answered" 0 10 0
}
uptime >&2
regimes
export -f run regimes
export bin
bash scripts/with-postgres.sh bash -c regimes
