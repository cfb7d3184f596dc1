// How every entry point crosses the boundary: the request as UTF-8 bytes the facade placed in WASM
// memory (pointer, length), the answer as a Uint8Array view of WASM memory that the facade turns
// into a JS string at once, before anything else can run. Answers are ASCII (src/json_reader.h),
// so Node reads them as Latin-1 (Buffer.toString('latin1')); a page uses TextDecoder, and hosts
// without it (older WeChat mini-program base libraries) a plain-JS decoder in engine.js.
//
// Why not std::string both ways, as embind offers: its converters walk every byte in JS and copy
// the answer once more (docs/commission.md, "Speed").
#pragma once
#include <emscripten/val.h>

#include <cstdint>
#include <string>

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
