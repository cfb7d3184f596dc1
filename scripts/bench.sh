#!/usr/bin/env bash
# Benchmark of the commission module (not a test): sizes, init time in Node, one preview call
# (every rule, and the typical campaign unit) and where its time goes, and previewBatch throughput
# -- side by side for the shipped module (-Oz), the same sources at -O2 (what the size costs in
# speed) and native, with the targets of issue 2.
#   scripts/bench.sh [orders]      (env: ENGINE_DIST = the module, BENCH_BUILD = native build dir)
#   BENCH_PROGRAM_CACHE=off scripts/bench.sh   the second column is the same module built without
#                                               the program cache (-DENGINE_PROGRAM_CACHE=OFF)
set -euo pipefail
dist_arg=${ENGINE_DIST:-}  # env.sh sets its own ENGINE_DIST
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
orders=${1:-5000}
dist=${dist_arg:-build/wasm/dist}
build=${BENCH_BUILD:-build/bench}
[ -f "$dist/share_engine.wasm" ] || scripts/build-wasm.sh --target share_engine >/dev/null
second=build/wasm-o2
if [ "${BENCH_PROGRAM_CACHE:-on}" = off ]; then
  second=build/wasm-nocache
  emcmake cmake -S . -B "$second" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_PROGRAM_CACHE=OFF \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
else
  emcmake cmake -S . -B "$second" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_WASM_OPT=-O2 \
    "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
fi
cmake --build "$second" -j"$JOBS" --target share_engine >/dev/null
emcmake cmake -S . -B build/wasm-commission -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BIND_AREAS=commission \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
cmake --build build/wasm-commission -j"$JOBS" --target share_engine >/dev/null
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BENCH=ON >/dev/null
cmake --build "$build" -j"$JOBS" --target bench_commission >/dev/null
echo "module: $dist   native: $build (Release)   node $(node --version)"
COMMISSION_DIST=build/wasm-commission/dist node scripts/bench-commission.js "$dist" "$second/dist" "$build/tests/bench/bench_commission" "$build/commission" "$orders"
