#!/usr/bin/env bash
# Times every analysis command as a user runs it (process start, model load, analysis, output written) on a
# generated model of about 10^6 input rows, the new binary against the baseline binary, back to back in the
# same run: for each command and each run, old then new. Prints a Markdown table of medians (wall time, peak
# resident memory, output bytes) and the old/new wall-time ratio.
#
#   bench/commands.sh                       # 3 runs each, 10^6 input rows
#   RUNS=5 ROWS=100000 bench/commands.sh
#   ONLY=exposure-country bench/commands.sh # one command (names in COMMANDS below)
#
# NEW (default target/release/keel) and OLD (default /work/baseline/keel-old) are the binaries; the model is
# generated once with NEW into $WORK (default /tmp/keel-bench-commands) and reused. A run longer than TIMEOUT
# seconds (default 120) is stopped and reported as "> TIMEOUT s". Needs GNU time (/usr/bin/time) and timeout.
# Heavy: minutes per command at 10^6 rows with the old binary. Not part of CI.
set -euo pipefail

NEW=${NEW:-target/release/keel}
OLD=${OLD:-/work/baseline/keel-old}
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-120}
WORK=${WORK:-/tmp/keel-bench-commands}
ONLY=${ONLY:-}

MODEL=$WORK/model-$ROWS
mkdir -p "$WORK"
if [ ! -f "$MODEL/model.toml" ]; then
    "$NEW" generate "$MODEL" --input-rows "$ROWS" --seed 1 >&2
fi

# name|arguments after the model (OUT stands for an output file the command writes itself)
COMMANDS=(
    "check|check"
    "exposure-country|exposure --by country --format json"
    "exposure-firm|exposure --by firm --format json"
    "criticality|criticality --format json"
    "controls-itar|controls --regime ITAR --format json"
    "concentration|concentration --format json"
    "report|report -o OUT"
)

# One run: prints "wall_s rss_mib bytes" (wall "-" when stopped by the timeout).
run_once() {
    local bin=$1
    shift
    local out=$WORK/out args=() a
    rm -f "$out" "$WORK/out.html"
    local file=""
    for a in "$@"; do
        if [ "$a" = OUT ]; then
            file=$WORK/out.html
            args+=("$file")
        else
            args+=("$a")
        fi
    done
    local status=0
    /usr/bin/time -f "%e %M" -o "$WORK/time" timeout "$TIMEOUT" "$bin" "${args[@]}" >"$out" 2>"$WORK/err" ||
        status=$?
    local wall rss
    read -r wall rss < <(tail -n 1 "$WORK/time")
    if [ "$status" = 124 ]; then
        wall="-"
    elif [ "$status" != 0 ]; then
        echo "$bin ${args[*]} failed ($status):" >&2
        tail -n 5 "$WORK/err" >&2
        wall="-"
    fi
    local bytes
    bytes=$(stat -c %s "${file:-$out}" 2>/dev/null || echo 0)
    echo "$wall $((rss / 1024)) $bytes"
}

# Median of numbers on stdin ("-" counts as larger than any number).
median() {
    sort -g | awk '{v[NR]=$1} END {m=v[int((NR+1)/2)]; print m}'
}

human() {
    awk -v b="$1" 'BEGIN {
        if (b >= 1e9) printf "%.2f GB", b/1e9; else if (b >= 1e6) printf "%.1f MB", b/1e6;
        else if (b >= 1e3) printf "%.0f KB", b/1e3; else printf "%d B", b }'
}

echo "model: $MODEL ($ROWS input rows requested), $RUNS runs each, old then new back to back, timeout ${TIMEOUT} s"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | old wall (median) | old peak RSS | old output | new wall (median) | new peak RSS | new output | old/new |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in "${COMMANDS[@]}"; do
    name=${c%%|*}
    read -r -a argv <<<"${c#*|}"
    if [ -n "$ONLY" ] && [ "$ONLY" != "$name" ]; then
        continue
    fi
    sub=${argv[0]}
    rest=("${argv[@]:1}")
    : >"$WORK/old.txt"
    : >"$WORK/new.txt"
    for _ in $(seq "$RUNS"); do
        run_once "$OLD" "$sub" "$MODEL" "${rest[@]}" >>"$WORK/old.txt"
        run_once "$NEW" "$sub" "$MODEL" "${rest[@]}" >>"$WORK/new.txt"
    done
    row="| \`keel ${c#*|}\` |"
    walls=()
    for side in old new; do
        f=$WORK/$side.txt
        wall=$(awk '{print ($1 == "-") ? 1e99 : $1}' "$f" | median)
        rss=$(awk '{print $2}' "$f" | median)
        bytes=$(awk '{print $3}' "$f" | median)
        if [ "$wall" = 1e+99 ] || [ "$wall" = 1e99 ]; then
            shown="> ${TIMEOUT} s"
            wall=$TIMEOUT
        else
            shown="$wall s"
        fi
        walls+=("$wall")
        row="$row $shown | $rss MiB | $(human "$bytes") |"
    done
    ratio=$(awk -v o="${walls[0]}" -v n="${walls[1]}" 'BEGIN { if (n > 0) printf "%.1fx", o/n; else print "-" }')
    echo "$row $ratio |"
done
