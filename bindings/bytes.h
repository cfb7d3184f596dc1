// How every entry point crosses the boundary: the request as UTF-8 bytes the facade placed in WASM
// memory (pointer, length), the answer as a Uint8Array view of WASM memory that the facade decodes
// at once with TextDecoder.
//
// Why not std::string both ways, as embind offers: its converters walk every byte in JS (length,
// encoding, a NUL scan, decoding) and copy the answer once more, which was a fifth of a large
// previewBatch. TextEncoder / TextDecoder do the same natively; engine.js keeps a plain-JS
// fallback for hosts without them (older WeChat mini-program base libraries).
#pragma once
#include <cstdint>
#include <string>

#include <emscripten/val.h>

namespace bindings {

using Entry = std::string (*)(const std::string&);
// An entry that writes its answer from an offset of the string on (engine::api::PreviewBatchInto).
using EntryFrom = size_t (*)(const std::string&, std::string&);

// The last answer, alive until the next call; the facade decodes it before calling again.
std::string& Answer();
// One body for every entry point (each Bytes<F> only forwards to it), so the module stays small.
emscripten::val Invoke(Entry entry, uintptr_t request, size_t length);
emscripten::val InvokeFrom(EntryFrom entry, uintptr_t request, size_t length);

template <Entry F>
emscripten::val Bytes(uintptr_t request, size_t length) {
  return Invoke(F, request, length);
}

template <EntryFrom F>
emscripten::val BytesFrom(uintptr_t request, size_t length) {
  return InvokeFrom(F, request, length);
}

}  // namespace bindings
