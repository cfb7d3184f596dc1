#!/usr/bin/env bash
# Page weight (JS, CSS, wasm: raw and brotli, per page) and time to interactive in headless
# Chromium with the CPU throttled (CDP Emulation.setCPUThrottlingRate), against the real server on
# a fresh PGlite folder. Prints; not a test. ENGINE_DIST (default build/wasm/dist), THROTTLE (4),
# ROUNDS (10: rounds of typing into the editor for the keystroke figures), ONLY=keys (those alone).
set -euo pipefail
cd "$(dirname "$0")/.."
export ENGINE_DIST="${ENGINE_DIST:-$PWD/build/wasm/dist}"
export THROTTLE="${THROTTLE:-4}"
exec node scripts/bench-pages.js
