#!/usr/bin/env bash
# Scale-out benchmark (issue 19; figures in bench/RESULTS.md): builds the release `keel` binary and the release
# wheel into a venv (target/pyvenv-bench, with Ray), then runs bench/scale_out.py: the plain CLI, CLI shards in
# parallel processes merged by `keel merge`, and keel.ray with 1 and 2 workers, on generated models.
#
#   bench/scale-out.sh            # 1,700-stage sweep (3 runs each) and 10,000 Monte Carlo runs on 10,000 stages
#   bench/scale-out.sh --cases big   # the 17,000-stage sweep (about 10 minutes per variant on 2 cores)
#
# Heavy; not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/pyvenv-bench
cargo build --release -q -p keel-cli
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q maturin pyarrow pandas 'ray[default]'
fi
rm -rf target/wheels-release
"$venv/bin/maturin" build --quiet --release -m crates/keel-py/Cargo.toml -o target/wheels-release
"$venv/bin/pip" install -q --force-reinstall --no-deps target/wheels-release/keel-*.whl
"$venv/bin/python" bench/scale_out.py --keel target/release/keel "$@"
