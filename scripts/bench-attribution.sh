#!/usr/bin/env bash
# Replays 100,000 attribution events (one replayEvents call) natively and through the WASM module
# under Node, and prints events/s for both and their ratio. Same request, same entry point, each
# timed as the best of 3 runs (JSON parse + replay + JSON dump included on both sides).
#   scripts/bench-attribution.sh [events]        (env: ENGINE_DIST, BENCH_BUILD)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
n=${1:-100000}
build=${BENCH_BUILD:-build/bench}
dist=${ENGINE_DIST:-build/wasm/dist}
[ -f "$dist/share_engine.wasm" ] || { echo "no WASM module in $dist: run scripts/build-wasm.sh first"; exit 1; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF -DENGINE_BENCH=ON >/dev/null
cmake --build "$build" -j"$JOBS" --target bench_attribution >/dev/null
req="$build/attribution-request.json"
node scripts/bench-attribution-events.js "$n" >"$req"
read -r native_us native_eps _ < <("$build/tests/bench/bench_attribution" "$req" "$n" 3)
wasm_line=$(ENGINE_DIST="$dist" node -e '
  const fs = require("fs"), path = require("path");
  const { loadEngine } = require(path.resolve(process.env.ENGINE_DIST, "engine.js"));
  loadEngine().then((e) => {
    const text = fs.readFileSync(process.argv[1], "utf8");
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      const out = e.rawText("replayEvents", text);
      const us = Number((process.hrtime.bigint() - t0) / 1000n);
      if (!out.includes("\"ok\":true")) { console.error(out.slice(0, 300)); process.exit(1); }
      best = Math.min(best, us);
    }
    console.log(best, Math.floor(Number(process.argv[2]) * 1e6 / best));
  });' "$req" "$n")
read -r wasm_us wasm_eps <<<"$wasm_line"
printf '%-8s %12s %14s\n' build ms events/s
printf '%-8s %12s %14s\n' native $((native_us / 1000)) "$native_eps"
printf '%-8s %12s %14s\n' wasm $((wasm_us / 1000)) "$wasm_eps"
printf 'native/wasm speed ratio: %s\n' "$(awk -v a="$native_eps" -v b="$wasm_eps" 'BEGIN { printf "%.2f", a / b }')"
