#!/usr/bin/env bash
# Builds the WASM module (and its Catch2 tests) into build/wasm; the module lands in build/wasm/dist.
# Arguments go to the build step, e.g. `--target share_engine` for the module alone.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
cmake --build build/wasm -j"$JOBS" "$@"
