#!/usr/bin/env bash
# Share-token and poster figures (issue 4): token encode+decode per second natively and in WASM
# under Node, side by side, both for the bare codec and through the JSON entry points; then the
# poster's layout and render time in headless Chromium.
#   scripts/bench-share.sh            (module from $ENGINE_DIST, default build/wasm/dist)
# Builds its native half in build/share-bench.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
DIST=${ENGINE_DIST:-$ENGINE_ROOT/build/wasm/dist}
OUT=build/share-bench
N=${N:-200000}

cmake -S . -B "$OUT" -DCMAKE_BUILD_TYPE=Release -DENGINE_TESTS=OFF >/dev/null
cmake --build "$OUT" -j2 --target engine >/dev/null
cat >"$OUT/bench_share.cpp" <<'CPP'
// Native half of scripts/bench-share.sh (generated; the source of truth is the script).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "share_api.h"
#include "share_token.h"

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 200000;
  using clock = std::chrono::steady_clock;
  engine::ShareFields f;
  f.key_id = 2;
  f.issued_at_ms = 1767225600000;
  size_t sink = 0;
  auto t0 = clock::now();
  for (long i = 0; i < n; ++i) {
    f.program_id = 88 + (i & 1023);
    f.sharer_id = 1234567 + i;
    const std::string token = engine::EncodeSharePayload(f) + "FQIWx76L";
    engine::Problems p;
    const auto d = engine::DecodeShareToken(token, "token", p);
    sink += d ? static_cast<size_t>(d->fields.sharer_id) : 0;
  }
  const double codec = n / std::chrono::duration<double>(clock::now() - t0).count();
  t0 = clock::now();
  for (long i = 0; i < n; ++i) {
    const std::string enc = engine::api::EncodeShareToken(
        "{\"key_id\":2,\"program_id\":88,\"sharer_id\":" + std::to_string(1234567 + i) +
        ",\"issued_at_ms\":1767225600000,\"mac_hex\":\"150216c7be8b\"}");
    const size_t at = enc.find("\"token\":\"") + 9;
    sink += engine::api::DecodeShareToken("{\"token\":\"" + enc.substr(at, enc.find('"', at) - at) + "\"}").size();
  }
  const double api = n / std::chrono::duration<double>(clock::now() - t0).count();
  std::printf("%.0f %.0f %zu\n", codec, api, sink);
}
CPP
g++ -std=c++17 -O2 -Isrc -I"$OUT/sysinc" "$OUT/bench_share.cpp" "$OUT/libengine.a" -o "$OUT/bench_share"
read -r native_codec native_api _ < <("$OUT/bench_share" "$N")

ENGINE_DIST="$DIST" N="$N" NATIVE_CODEC="$native_codec" NATIVE_API="$native_api" node - <<'JS'
'use strict';
const path = require('path');
const { loadEngine } = require(path.join(process.env.ENGINE_DIST, 'engine.js'));
const { startServers, launchBrowser } = require(path.join(process.cwd(), 'tests/js/poster-fixture.js'));
const n = Number(process.env.N);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const e = await loadEngine();
  // Bare: text in, text out, as the native JSON entry points (no JSON.stringify/parse in JS).
  let t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const enc = e.rawText('encodeShareToken', `{"key_id":2,"program_id":88,"sharer_id":${1234567 + i},"issued_at_ms":1767225600000,"mac_hex":"150216c7be8b"}`);
    const at = enc.indexOf('"token":"') + 9;
    sink += e.rawText('decodeShareToken', `{"token":"${enc.slice(at, enc.indexOf('"', at))}"}`).length;
  }
  const wasmApi = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  // The facade (objects in and out), what a page or the server actually calls.
  const m = Math.floor(n / 4);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < m; i++) {
    const { token } = e.encodeShareToken({ key_id: 2, program_id: 88, sharer_id: 1234567 + i,
      issued_at_ms: 1767225600000, mac_hex: '150216c7be8b' });
    sink += e.decodeShareToken(token).sharer_id;
  }
  const wasmFacade = m / (Number(process.hrtime.bigint() - t0) / 1e9);
  const fmt = (x) => Math.round(Number(x)).toLocaleString('en-US').padStart(12);
  console.log('share token encode+decode pairs per second');
  console.log(`  ${'path'.padEnd(44)}${'native'.padStart(12)}${'WASM/Node'.padStart(12)}`);
  console.log(`  ${'codec only (C++ structs)'.padEnd(44)}${fmt(process.env.NATIVE_CODEC)}${'-'.padStart(12)}`);
  console.log(`  ${'JSON entry points (text in/out)'.padEnd(44)}${fmt(process.env.NATIVE_API)}${fmt(wasmApi)}`);
  console.log(`  ${'JS facade (objects in/out)'.padEnd(44)}${'-'.padStart(12)}${fmt(wasmFacade)}`);

  const servers = await startServers(process.env.ENGINE_DIST);
  const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    const page = browser.context.pages()[0] || await browser.context.newPage();
    await page.goto(`${servers.page}/poster.html?manual=1`);
    const runs = await page.evaluate(async () => {
      const out = [];
      for (let i = 0; i < 21; i++) {
        const eng = await engine();
        const t = performance.now();
        eng.layoutPoster({ share_url: 'https://shop.example.cn/act/88?st=KNWBLWhwwKgAFQIWx76L', title: '云南普洱古树熟茶 357克 饼茶', price_fen: 19900, commission_fen: 1990 });
        const layoutMs = performance.now() - t;
        const r = await posterDemo();
        out.push({ layoutMs, renderMs: r.ms });
      }
      return out.slice(1); // the first run warms fonts and the QR library
    });
    console.log('poster in headless Chromium (default template, 750x1240, data: product image), median of 20');
    console.log(`  layoutPoster (WASM)          ${median(runs.map((r) => r.layoutMs)).toFixed(2)} ms`);
    console.log(`  renderPoster (canvas + QR + PNG data URL) ${median(runs.map((r) => r.renderMs)).toFixed(1)} ms`);
  } finally {
    await browser.close();
    await servers.close();
  }
  if (sink === -1) console.log(sink);
})().catch((err) => { console.error(err); process.exit(1); });
JS
