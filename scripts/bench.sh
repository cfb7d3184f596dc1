#!/usr/bin/env bash
# Benchmark of the commission module (not a test): sizes raw/gzip/brotli, init time in Node, one
# preview call and where its time goes (the JSON boundary), and previewBatch throughput in WASM
# and natively on the same request, side by side with the targets of issue 2.
#   scripts/bench.sh [orders]      (env: ENGINE_DIST = the module, BENCH_BUILD = native build dir)
set -euo pipefail
dist_arg=${ENGINE_DIST:-}  # env.sh sets its own ENGINE_DIST
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
orders=${1:-5000}
dist=${dist_arg:-build/wasm/dist}
build=${BENCH_BUILD:-build/bench}
[ -f "$dist/share_engine.wasm" ] || scripts/build-wasm.sh --target share_engine >/dev/null
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BENCH=ON >/dev/null
cmake --build "$build" -j"$JOBS" --target bench_commission >/dev/null
echo "module: $dist   native: $build (Release)   node $(node --version)"
node scripts/bench-commission.js "$dist" "$build/tests/bench/bench_commission" "$build/commission" "$orders"
