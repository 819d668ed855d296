#!/usr/bin/env bash
# Installs the system packages Keel needs on Debian/Ubuntu, if they are missing:
# cmake and libclang (to build the HiGHS LP solver) and, with --browser, Chromium (the report's render test).
set -euo pipefail
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
ls /usr/lib/x86_64-linux-gnu/libclang*.so* /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || need+=(libclang1-14)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if ((${#need[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# One Chromium launch before the tests start, so that any one-off start-up cost of a fresh install is paid
# outside the render test's time limit (once, on a fresh machine, that test's launch stalled past 120 s; it
# could not be reproduced, see .config/nextest.toml).
if [[ "${1:-}" == "--browser" ]] && command -v chromium >/dev/null 2>&1; then
  warm=$(mktemp -d)
  timeout 300 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage \
    --user-data-dir="$warm/profile" --screenshot="$warm/blank.png" --window-size=200,200 about:blank \
    >/dev/null 2>&1 || true
  rm -rf "$warm"
fi
