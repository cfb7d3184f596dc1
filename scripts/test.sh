#!/usr/bin/env bash
# Builds everything and runs every test: native (warnings as errors), native with ASan+UBSan,
# the same Catch2 tests compiled to WASM under Node, then the Node tests against the module.
# Fails on the first failure.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "native build + Catch2"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/native -j"$JOBS"
ctest --test-dir build/native --output-on-failure -j"$JOBS"

step "native with AddressSanitizer + UBSan"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DENGINE_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$JOBS"
ctest --test-dir build/asan --output-on-failure -j"$JOBS"

step "WASM build + the same Catch2 tests under Node"
scripts/build-wasm.sh
ctest --test-dir build/wasm --output-on-failure -j"$JOBS"

step "fuzz smoke (every JSON entry point, a few seconds each)"
scripts/fuzz.sh 5

step "Node tests against the WASM module"
node --test tests/js/
