#!/usr/bin/env bash
# Tests Keel's Python package (crates/keel-py) as a user gets it: a fresh virtual environment, the wheel built
# and pip-installed into it, then the pytest suite (values against the `keel` binary's) and the notebook's script.
# Run by scripts/test.sh after the Rust tests; needs python3 with venv (scripts/install-deps.sh --browser) and
# network access to PyPI. The wheel is built with the dev profile, reusing the debug build of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "python-test: $*" >&2; }
venv=target/pyvenv
py="$venv/bin/python"

say "making a fresh virtual environment in $venv"
rm -rf "$venv"
python3 -m venv "$venv"
say "installing maturin, pyarrow, pandas, pytest, matplotlib and ray into it"
"$py" -m pip install -q maturin pyarrow pandas pytest matplotlib 'ray[default]'

say "building the keel binary the tests compare with (cargo build -p keel-cli)"
cargo build -q -p keel-cli

say "building the wheel (maturin build --profile dev) into target/wheels"
rm -f target/wheels/keel-*.whl
start=$(date +%s)
"$venv/bin/maturin" build --quiet --strip --profile dev -m crates/keel-py/Cargo.toml -o target/wheels
say "wheel built in $(($(date +%s) - start)) s: $(ls target/wheels/keel-*.whl)"
"$py" -m pip install -q target/wheels/keel-*.whl

say "checking that examples/notebook/tour.ipynb is made from tour.py"
"$py" examples/notebook/make_notebook.py --check

say "running pytest on crates/keel-py/tests"
KEEL_BIN="$PWD/target/debug/keel" "$py" -m pytest -q -p no:cacheprovider crates/keel-py/tests

out=target/notebook-out
say "running the notebook as a script: examples/notebook/tour.py (plots in $out)"
rm -rf "$out"
MPLBACKEND=Agg "$py" examples/notebook/tour.py --out "$out"
say "done"
