#!/usr/bin/env bash
# Installs every system and npm dependency on a fresh Debian 12 machine, as root. Idempotent:
# packages already present are not fetched again, so scripts/test.sh and scripts/run.sh call it
# every time.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  cmake g++ make pkg-config
  emscripten                     # brings clang-14, lld and binaryen (3.1.6)
  nlohmann-json3-dev catch2
  clang-14 libclang-rt-14-dev    # libFuzzer + sanitizers for scripts/fuzz.sh
  clang-format-14                # the C++ format check in scripts/test.sh
  brotli                         # size figures in scripts/bench.sh
  chromium                       # headless browser tests (driven by playwright-core from npm)
  fonts-wqy-microhei             # a CJK font, so posters in headless Chromium show Chinese text
  postgresql                     # the real-server half of the storage tests
  openssl                        # the WeChat stand-in makes its CA, TLS and merchant certificates (standin/wechat)
  nodejs npm
)

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian (the machine image ships its own): skip them then.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}")
  missing=("${missing[@]/npm}")
fi
todo=()
for p in "${missing[@]}"; do [ -n "$p" ] && todo+=("$p"); done
if ((${#todo[@]})); then
  echo "setup: installing ${todo[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${todo[@]}" >/dev/null
fi

# npm packages, pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
