#!/usr/bin/env bash
# Reproduces every figure of docs/stress-digest.md: the LP sweeps (keel stress), the time-phased simulations
# (keel simulate) and the Monte Carlo run on the two aircraft-engine chains of Willems (2008), chains 26 and 38,
# and on examples/canada-dib. Run from the repository root:
#
#   bash scripts/stress-digest.sh [OUTDIR]        # default OUTDIR: /tmp/keel-stress-digest
#
# The Willems data is read where `keel import willems` looks for it (../shared/data/willems2008); set
# WILLEMS_DATA to use another folder. Imported models and every output go to OUTDIR, never into the repository:
# the per-stage scenarios.csv the simulation needs is written into the imported model folder there.
# OUTDIR/times.txt has the wall and CPU time of each step and the machine load before and after.
# Takes about 2 minutes on 2 shared cores plus the build (the chain-38 stage sweep is most of it). OUTDIR/build.txt
# has the commit the binary was built from and any uncommitted change to its inputs. Needs jq.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v jq >/dev/null || { echo "stress-digest.sh needs jq: apt-get install -y jq" >&2; exit 2; }

OUT=${1:-/tmp/keel-stress-digest}
HORIZON=730   # Willems: long enough for chain 26's deepest pipeline (395 days) plus a 30-day outage
LONG=3650     # canada-dib: the frigate's own lead time is 2,190 days, so late effects need ten years
OUTAGE=30     # single-stage outage length: the LP's default --fallback-ttr (Willems stages have no ttr)
data_opt=()
if [[ -n ${WILLEMS_DATA:-} ]]; then data_opt=(--data "$WILLEMS_DATA"); fi

# The build is of the working tree; record which commit it is and whether any build input differs from it, before
# and after building. GIT_OPTIONAL_LOCKS=0: read only, no index lock.
tree_state() {
    echo "commit $(git rev-parse --short HEAD)"
    GIT_OPTIONAL_LOCKS=0 git status --porcelain -- Cargo.toml Cargo.lock crates
}
rm -rf "$OUT"
mkdir -p "$OUT"
before=$(tree_state)
cargo build --release -q -p keel-cli
# Others build into the same target/: run a private copy so a rebuild during the run cannot swap the binary.
cp target/release/keel "$OUT/keel"
after=$(tree_state)
K=$OUT/keel
{
    echo "before build: $before"
    echo "after build: $after"
} > "$OUT/build.txt"
if [[ $before != "$after" || $(wc -l <<< "$after") -gt 1 ]]; then
    echo "warning: the build is not exactly one commit; see $OUT/build.txt" >&2
fi
TIMES=$OUT/times.txt
echo "start: $(uptime)" > "$TIMES"
echo "cores: $(nproc)" >> "$TIMES"

# run NAME CMD...: stdout to OUT/NAME, wall and user CPU time appended to times.txt.
TIMEFORMAT='%R s wall, %U s user'
run() {
    local name=$1
    shift
    local t
    t=$({ time "$@" > "$OUT/$name"; } 2>&1)
    echo "$name: ${t##*$'\n'}" >> "$TIMES"
}

# ---- Willems (2008) chains 26 and 38: aircraft engines and engine parts (SIC 3724) ----
for n in 26 38; do
    M=$OUT/w$n
    run "w$n-import.txt" "$K" import willems "${data_opt[@]}" "$n" "$M"
    run "w$n-check.txt" "$K" check "$M"
    # What the importer set: lead times (days) from the workbook's stageTime, demand per day with loss 1 per unit.
    {
        awk -F, 'NR > 1 { lt = $6 + 0; if (NR == 2 || lt < lo) lo = lt; if (lt > hi) hi = lt }
                 END { print "lead_time min", lo, "max", hi }' "$M/stages.csv"
        awk -F, 'NR > 1 { d += $2; n++; if ($3 != 1) bad++ }
                 END { print "platforms", n, "total demand/day", d, "loss_per_unit != 1:", bad + 0 }' "$M/demand.csv"
    } > "$OUT/w$n-data.txt"
    # Every stage has its own site and all share one firm and one country, so --each site gives the same rows as
    # --each stage and --each firm/country is the whole chain at once (country shown as the extreme case).
    # JSON, not the CSV format: its PI is rounded to the unit, and many PIs here are exact half units whose last bits
    # (hence the printed unit) vary between runs. The CSV below is the same rows at full precision.
    run "w$n-stress-stage.json" "$K" stress "$M" --each stage --top 0 --format json
    {
        echo "rank,scenario,REI,PI,TTS,t,platforms hit"
        jq -r '.rows | to_entries[] | .value as $r
               | [.key + 1, $r.scenario, $r.rei, $r.pi,
                  ((if $r.tts.at_least then ">=" else "" end) + ($r.tts.value | tostring)), $r.t,
                  ($r.platforms_hit | length)]
               | map(tostring) | join(",")' "$OUT/w$n-stress-stage.json"
    } > "$OUT/w$n-stress-stage.csv"
    run "w$n-stress-country.txt" "$K" stress "$M" --each country --top 0
    # How many stages share each (PI to 0.01 unit, platforms hit) level, largest PI first.
    awk -F, 'NR > 1 { printf "%.2f,%d\n", $4, $7 }' "$OUT/w$n-stress-stage.csv" \
        | sort -t, -k1,1 -rn | uniq -c > "$OUT/w$n-stress-levels.txt"
    # The worst single-stage outages of the sweep: every stage whose REI rounds to 1.000 (all tied at the top),
    # each stopped for OUTAGE days from day 0 (the LP's t), simulated over HORIZON days.
    {
        echo "scenario,target_kind,target,capacity_factor,start,duration,probability"
        awk -F, -v d="$OUTAGE" 'NR > 1 && $3 + 0 >= 0.9995 {
            s = $2; sub(/^stage /, "", s); print "out-" s ",stage," s ",0,0," d ","
        }' "$OUT/w$n-stress-stage.csv"
    } > "$M/scenarios.csv"
    sims=$OUT/w$n-simulate-worst.txt
    : > "$sims"
    simulate_all() {
        local s
        for s in $(awk -F, 'NR > 1 { print $1 }' "$M/scenarios.csv"); do
            "$K" simulate "$M" --scenario "$s" --horizon "$HORIZON" | sed -n 1p >> "$sims"
        done
    }
    run "w$n-simulate-loop.log" simulate_all
    # First shortfall of each of those outages, earliest first, and its spread; then the earliest- and latest-hit
    # outages again, per platform.
    sed -E 's/^Simulation of `([^`]*)`.*first shortfall ([0-9-]+).*/\2,\1/' "$sims" | sort -t, -k1,1 -n \
        > "$OUT/w$n-first-shortfall.csv"
    cut -d, -f1 "$OUT/w$n-first-shortfall.csv" \
        | awk '{ v[NR] = $1 } END { print "outages", NR, "first shortfall min", v[1], "median", v[int((NR + 1) / 2)], "max", v[NR] }' \
        > "$OUT/w$n-first-shortfall-summary.txt"
    early=$(head -n 1 "$OUT/w$n-first-shortfall.csv" | cut -d, -f2)
    late=$(tail -n 1 "$OUT/w$n-first-shortfall.csv" | cut -d, -f2)
    run "w$n-simulate-earliest.txt" "$K" simulate "$M" --scenario "$early" --horizon "$HORIZON"
    run "w$n-simulate-latest.txt" "$K" simulate "$M" --scenario "$late" --horizon "$HORIZON"
done

# ---- examples/canada-dib: every sweep, the named scenarios by LP, simulation (2 and 10 years), Monte Carlo ----
C=examples/canada-dib
run canada-check.txt "$K" check "$C"
# Lead time (days) and inventory of each platform: why some are hit years after an event.
awk -F, 'NR > 1 && $1 ~ /^plt-/ { print $1, "lead_time", $6, "inventory", $7 }' "$C/stages.csv" \
    > "$OUT/canada-platforms.txt"
for kind in stage site firm country lane chokepoint; do
    run "canada-stress-$kind.txt" "$K" stress "$C" --each "$kind" --top 0
done
run canada-stress-scenarios.txt "$K" stress "$C" --scenarios --per-platform --top 0
for s in $(awk -F, 'NR > 1 { print $1 }' "$C/scenarios.csv" | awk '!seen[$0]++'); do
    run "canada-simulate-$s.txt" "$K" simulate "$C" --scenario "$s" --horizon "$HORIZON"
    run "canada-simulate-$s-long.txt" "$K" simulate "$C" --scenario "$s" --horizon "$LONG"
done
run canada-montecarlo.txt "$K" montecarlo "$C" --runs 1000 --seed 1 --horizon 365 --top 10

echo "end: $(uptime)" >> "$TIMES"
echo "outputs in $OUT; times in $TIMES"
