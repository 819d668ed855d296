#!/usr/bin/env bash
# Runs Keel's whole test suite (installs missing system packages first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser
# The SIPRI peer test (crates/keel-policy/tests/sipri.rs) runs bench/peers/sipri_pandas.py with pandas, from a
# venv in target/pyenv made once (about 20 s); the test finds it there (or KEEL_PYTHON names another python).
if ! target/pyenv/bin/python -c 'import pandas' >/dev/null 2>&1; then
  python3 -m venv target/pyenv
  target/pyenv/bin/pip install -q pandas
fi
# Property tests draw from one fixed seed here, so a run is repeatable and CI does not fail on a case no one
# has seen; run them without PROPTEST_RNG_SEED (or with another seed) to explore new cases.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261204}"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
# The Python package: a fresh venv, the wheel built and installed, pytest (Ray on loopback) and the notebook script.
bash scripts/python-test.sh
# The server's suite once more on a real PostgreSQL server (Debian's package, started and removed by the script).
bash scripts/postgres-test.sh
