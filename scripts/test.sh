#!/usr/bin/env bash
# Runs Keel's whole test suite (installs missing system packages first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
