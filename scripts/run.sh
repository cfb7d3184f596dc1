#!/usr/bin/env bash
# The main job: builds the module and starts the demo server (http://127.0.0.1:8080 by default).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
scripts/setup.sh
scripts/build-wasm.sh --target share_engine
echo "merchant console: http://${HOST:-127.0.0.1}:${PORT:-8080}/console/  (sign in as demo / demo-owner-2026)"
exec node web/server.js "$@"
