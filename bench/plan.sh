#!/usr/bin/env bash
# Times `keel plan` as a user runs it (process start, load, solve, JSON written), issue 15's targets:
#   a-expected  canada-dib, --budget 3e8, expected loss                 target < 10 s
#   a-cvar      canada-dib, --budget 3e8, --risk cvar:0.95              target < 10 s
#   b-frontier  canada-dib, 10-budget frontier                          target < 60 s
#   c-1700      generated: 1,700 stages, 200 options (20 bets in 5 groups), 100 scenarios, budget about a tenth
#               of the options' total cost, --gap 0.001                 target < 300 s, proven within 0.1%
# Prints a Markdown table of medians over RUNS runs (wall time, peak RSS) with the JSON's method, status, gap,
# iterations and expected loss of the last run.
#
#   bench/plan.sh                      # 3 runs each
#   RUNS=1 ONLY=c-1700 bench/plan.sh   # one case
#
# KEEL (default target/release/keel, build it with `cargo build --release -p keel-cli`); the generated model goes
# to $WORK (default /tmp/keel-bench-plan). Case c is stopped by --time-limit $LIMIT (default 600 s) and by
# `timeout` 60 s later. Needs GNU time (/usr/bin/time), timeout and python3 (to read the JSON). Not part of CI.
set -euo pipefail

KEEL=${KEEL:-target/release/keel}
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-600}
WORK=${WORK:-/tmp/keel-bench-plan}
ONLY=${ONLY:-}
DIB=examples/canada-dib

GEN=$WORK/gen-1700
mkdir -p "$WORK"
if [ ! -f "$GEN/model.toml" ]; then
    # 9 fixed scenarios for this seed + 91 random ones = 100.
    "$KEEL" generate "$GEN" --stages 1700 --options 200 --scenarios 91 --seed 3 >&2
fi
# A tenth of the options' total cost, rounded to 1e7.
BUDGET=$(python3 -c "import csv,sys; c=sum(float(r['cost']) for r in csv.DictReader(open(sys.argv[1]))); print(f'{round(c/10,-7):.0f}')" "$GEN/options.csv")

CASES=(
    "a-expected|$DIB --budget 300000000"
    "a-cvar|$DIB --budget 300000000 --risk cvar:0.95"
    "b-frontier|$DIB --frontier 0,1e7,2.5e7,5e7,1e8,2e8,3e8,5e8,1e9,3e9"
    "c-1700|$GEN --budget $BUDGET --gap 0.001 --time-limit $LIMIT"
)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| case | wall s (median of $RUNS) | max RSS MB | method | status | gap | iterations | expected loss |"
echo "|---|---|---|---|---|---|---|---|"
for case in "${CASES[@]}"; do
    name=${case%%|*}
    args=${case#*|}
    if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then continue; fi
    walls=()
    rss=()
    for _ in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        if ! /usr/bin/time -f "%e %M" -o "$WORK/time" timeout $((LIMIT + 60)) \
            "$KEEL" plan $args --format json -q -o "$WORK/$name.json"; then
            echo "$name: exit status $? (see $WORK/$name.json)" >&2
        fi
        read -r w m < <(tail -1 "$WORK/time")
        walls+=("$w")
        rss+=("$m")
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    mem=$(printf '%s\n' "${rss[@]}" | median)
    summary=$(python3 - "$WORK/$name.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"| no JSON ({e}) | | | | |"); sys.exit()
if "frontier" in d:
    pts = d["frontier"]
    last = pts[-1] if isinstance(pts, list) and pts else {}
    d = {**last, **{k: v for k, v in d.items() if k != "frontier"}}
print(f"| {d.get('method')} | {d.get('status')} | {d.get('gap')} | {d.get('iterations')} | {d.get('expected_loss')} |")
PY
)
    printf '| %s | %s | %.0f %s\n' "$name" "$wall" "$(echo "$mem / 1024" | bc -l)" "$summary"
done
