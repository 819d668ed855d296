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
