#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each for N seconds (default
# 60), seeded from the golden vectors' requests. A crash leaves its input in fuzz-out/<target>/;
# copy it into tests/fuzz/regressions/ so it becomes a test.
#   scripts/fuzz.sh [seconds-per-target]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
secs=${1:-60}
CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DENGINE_FUZZ=ON -DENGINE_TESTS=OFF -DENGINE_SANITIZE=ON >/dev/null
cmake --build build/fuzz -j"$JOBS" >/dev/null

for bin in build/fuzz/tests/fuzz/fuzz_*; do
  name=$(basename "$bin")
  corpus=build/fuzz/corpus/$name
  out=fuzz-out/$name
  mkdir -p "$corpus" "$out"
  # Seeds: each vector request, prefixed with the byte that selects its entry point.
  node scripts/fuzz-seeds.js "$name" "$corpus"
  echo "fuzz: $name for ${secs}s"
  "$bin" "$corpus" tests/fuzz/regressions -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -artifact_prefix="$out/" -print_final_stats=1 2>build/fuzz/$name.log \
    || { tail -40 build/fuzz/$name.log; echo "fuzz: $name FAILED, input kept in $out/"; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" build/fuzz/$name.log | tr '\n' ' '; echo
done
