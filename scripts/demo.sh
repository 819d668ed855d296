#!/usr/bin/env bash
# Builds Keel and runs its main job on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build -q --release -p keel-cli
./target/release/keel check --quiet examples/canada-dib
./target/release/keel report examples/canada-dib -o report.html
