#!/usr/bin/env bash
# Installs the system packages Keel needs on Debian/Ubuntu, if they are missing:
# cmake and libclang (to build the HiGHS LP solver) and, with --browser (the test suite), Chromium (the report's
# render test) and Python's venv (the pandas peer test).
set -euo pipefail
need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
# libclang itself (libclang.so / libclang-N.so), not libclang-cpp, which some images carry without it.
# compgen succeeds if any of the patterns matches (ls would fail on whichever one does not).
compgen -G '/usr/lib/x86_64-linux-gnu/libclang.so*' >/dev/null || compgen -G '/usr/lib/x86_64-linux-gnu/libclang-[0-9]*.so*' >/dev/null \
  || compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || compgen -G '/usr/lib/llvm-*/lib/libclang-[0-9]*.so*' >/dev/null \
  || need+=(libclang1-14)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # The test suite's pandas peer (bench/peers/sipri_pandas.py) runs in a venv; Debian splits venv out of python3.
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
fi
if ((${#need[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
