#!/usr/bin/env bash
# The quality gate, as CI runs it before the tests (and as a developer runs it before committing):
# formatting, clippy with warnings denied (the workspace lint table in Cargo.toml), rustdoc with warnings denied,
# and no declared-but-unused dependency (cargo-machete, installed on first use; cargo-shear's current release
# needs a newer rustc than this machine's 1.95).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "quality: cargo fmt --check" >&2
cargo fmt --all --check
echo "quality: clippy, warnings denied" >&2
cargo clippy --workspace --all-targets -q -- -D warnings
echo "quality: cargo doc, warnings denied" >&2
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
if ! cargo machete --version >/dev/null 2>&1; then
  echo "quality: installing cargo-machete (once, about 1.5 minutes)" >&2
  cargo install cargo-machete --locked --version 0.9.2 -q
fi
echo "quality: unused dependencies (cargo machete, and workspace entries no crate uses)" >&2
cargo machete
unused=0
for dep in $(sed -n '/^\[workspace.dependencies\]/,/^\[/p' Cargo.toml | grep -oE '^[A-Za-z0-9_-]+ *=' | tr -d ' ='); do
  if ! grep -qE "^${dep}( *=|\.workspace)" crates/*/Cargo.toml; then
    echo "Cargo.toml: [workspace.dependencies] declares ${dep}, which no crate uses" >&2
    unused=1
  fi
done
exit $unused
