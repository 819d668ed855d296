#!/usr/bin/env bash
# Times `keel policy arms --all-recipients` (SIPRI's full trade register read, every recipient summarised by
# supplier, year and 5-year period, with HHI, effective number, US and bloc shares) against the pandas peer
# (bench/peers/sipri_pandas.py all: the same register read and every recipient summarised overall, by period and
# by year), back to back in the same run: for each run, keel (table), keel (full JSON), then pandas. Wall time of
# the whole process, as a user runs it (the peer's time includes starting Python and importing pandas, which is
# also reported alone). Prints a Markdown table of medians and the pandas/keel ratio of medians.
#
#   bench/policy.sh                 # 7 runs each
#   RUNS=11 bench/policy.sh
#
# KEEL (default target/release/keel; build it with `nice cargo build --release -p keel-cli`), PYTHON (default
# target/pyenv/bin/python, made by scripts/test.sh), REGISTER (default: shared/data/sipri/trade-register.csv
# beside the repository or a folder above it). Needs GNU date (nanoseconds). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEL=${KEEL:-target/release/keel}
PYTHON=${PYTHON:-target/pyenv/bin/python}
RUNS=${RUNS:-7}
if [ -z "${REGISTER:-}" ]; then
    d=$(pwd)
    while [ "$d" != / ] && [ ! -f "$d/shared/data/sipri/trade-register.csv" ]; do d=$(dirname "$d"); done
    REGISTER=$d/shared/data/sipri/trade-register.csv
fi
[ -x "$KEEL" ] || { echo "no $KEEL: build it with nice cargo build --release -p keel-cli" >&2; exit 1; }
[ -f "$REGISTER" ] || { echo "no SIPRI register at $REGISTER" >&2; exit 1; }
"$PYTHON" -c 'import pandas' 2>/dev/null || { echo "$PYTHON has no pandas (see scripts/test.sh)" >&2; exit 1; }

# Seconds taken by "$@", output discarded.
secs() {
    local a b
    a=$(date +%s%N)
    "$@" >/dev/null
    b=$(date +%s%N)
    echo "scale=4; ($b - $a) / 1000000000" | bc
}

median() { sort -g | awk '{a[NR]=$1} END {printf "%.3f\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Warm the page cache and check that both run.
"$KEEL" -q policy arms --all-recipients --data "$REGISTER" >/dev/null
"$PYTHON" bench/peers/sipri_pandas.py all "$REGISTER" >/dev/null

kt=(); kj=(); pd=(); pi=()
for _ in $(seq "$RUNS"); do
    kt+=("$(secs "$KEEL" -q policy arms --all-recipients --data "$REGISTER")")
    kj+=("$(secs "$KEEL" -q policy arms --all-recipients --data "$REGISTER" --format json)")
    pd+=("$(secs "$PYTHON" bench/peers/sipri_pandas.py all "$REGISTER")")
    pi+=("$(secs "$PYTHON" -c 'import pandas')")
done
m_kt=$(printf '%s\n' "${kt[@]}" | median)
m_kj=$(printf '%s\n' "${kj[@]}" | median)
m_pd=$(printf '%s\n' "${pd[@]}" | median)
m_pi=$(printf '%s\n' "${pi[@]}" | median)
json_bytes=$("$KEEL" -q policy arms --all-recipients --data "$REGISTER" --format json | wc -c)

echo "| what | median wall time (s), $RUNS runs |"
echo "| --- | ---: |"
echo "| keel policy arms --all-recipients (table, 20 rows) | $m_kt |"
echo "| keel policy arms --all-recipients --format json ($json_bytes bytes) | $m_kj |"
echo "| pandas peer (sipri_pandas.py all) | $m_pd |"
echo "| of which Python start and import pandas | $m_pi |"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
echo "pandas / keel (table): $(ratio "$m_pd" "$m_kt")x; pandas / keel (JSON): $(ratio "$m_pd" "$m_kj")x;" \
    "pandas without Python's start and import / keel (table): $(ratio "$(echo "$m_pd - $m_pi" | bc)" "$m_kt")x"
