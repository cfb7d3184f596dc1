#!/usr/bin/env bash
# Benchmark of the commission module (not a test): sizes, init time in Node, one preview call
# (every rule, and the typical campaign unit) and where its time goes, and previewBatch throughput
# -- side by side for the shipped module (-Oz), the same sources at -O2 (what the size costs in
# speed) and native, with the targets of issue 2.
#   scripts/bench.sh [orders]      (env: ENGINE_DIST = the module, BENCH_BUILD = native build dir)
set -euo pipefail
dist_arg=${ENGINE_DIST:-}  # env.sh sets its own ENGINE_DIST
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
orders=${1:-5000}
dist=${dist_arg:-build/wasm/dist}
build=${BENCH_BUILD:-build/bench}
[ -f "$dist/share_engine.wasm" ] || scripts/build-wasm.sh --target share_engine >/dev/null
emcmake cmake -S . -B build/wasm-o2 -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_WASM_OPT=-O2 \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
cmake --build build/wasm-o2 -j"$JOBS" --target share_engine >/dev/null
emcmake cmake -S . -B build/wasm-commission -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BIND_AREAS=commission \
  "-DCMAKE_CROSSCOMPILING_EMULATOR=$ENGINE_EMULATOR" >/dev/null
cmake --build build/wasm-commission -j"$JOBS" --target share_engine >/dev/null
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BENCH=ON >/dev/null
cmake --build "$build" -j"$JOBS" --target bench_commission >/dev/null
echo "module: $dist   native: $build (Release)   node $(node --version)"
COMMISSION_DIST=build/wasm-commission/dist node scripts/bench-commission.js "$dist" build/wasm-o2/dist "$build/tests/bench/bench_commission" "$build/commission" "$orders"
