# Sourced by the other scripts: the environment the Debian emscripten 3.1.6 needs.
# -O1 and above need acorn, which Debian ships outside node's default path.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
ENGINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ENGINE_ROOT
export ENGINE_DIST="${ENGINE_DIST:-$ENGINE_ROOT/build/wasm/dist}"
# Node 20 rejects emcmake's default emulator flag; without --no-experimental-fetch the 3.1.6 glue
# tries to fetch the .wasm by file path and fails.
ENGINE_EMULATOR="node;--no-experimental-fetch"
JOBS=$(nproc 2>/dev/null || echo 2)
