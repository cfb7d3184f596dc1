#!/usr/bin/env bash
# Builds everything and runs every test: native (warnings as errors), native with ASan+UBSan,
# the same Catch2 tests compiled to WASM under Node, a short fuzz run, then the Node tests: the
# module against the golden vectors, the reference server on PGlite and on a throwaway PostgreSQL
# on 127.0.0.1, and the browser tests in headless Chromium. Fails on the first failure.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
scripts/setup.sh

step() { printf '\n== %s\n' "$*"; }

step "clang-format (.clang-format) over the C++ of src/ bindings/ tests/"
git ls-files -z 'src/*.cpp' 'src/*.h' 'bindings/*.cpp' 'bindings/*.h' 'tests/*.cpp' 'tests/*.h' |
  xargs -0 clang-format-14 --dry-run -Werror

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

step "WASM mini-program build (no eval, WXWebAssembly; tests/js/miniprogram.test.js loads it)"
emcmake cmake -S . -B build/wasm-mp -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_MINIPROGRAM=ON \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
cmake --build build/wasm-mp -j"$JOBS" --target share_engine

step "fuzz smoke (every JSON entry point, a few seconds each)"
scripts/fuzz.sh 5

step "Node tests: the WASM module, the server on PGlite and on PostgreSQL, the browser tests"
pg_port=${TEST_PG_PORT:-55432}
PG_TEST_URL=$(scripts/pg-start.sh "$pg_port")
export PG_TEST_URL
trap 'scripts/pg-stop.sh "$pg_port"' EXIT
export ENGINE_NATIVE_BIN="$ENGINE_ROOT/build/native/tests/engine-cli"
node --test --test-concurrency=2 tests/js/
