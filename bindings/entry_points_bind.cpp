// Embind registrations: every entry point of src/api/entry_points.h, as `_<verb>`.
//
// Design: every entry point takes one JSON text and returns one JSON text. Measured on this
// machine, one text through the boundary costs far less than many small calls, and plain text
// keeps the boundary free of handles: nothing to delete(), nothing to leak, every failure is data
// ({"ok":false,"errors":[...]}) rather than a C++ exception arriving in JS as a bare number. The
// text crosses as bytes (bytes.h). Raw names start with an underscore; bindings/engine.js wraps
// them in the documented facade, one verb per name `_entryPoints()` lists. Signing keys never
// reach this module: the server signs share tokens and passes with share-node.js / gate-node.js.
//
// A module may bind some areas only (ENGINE_BIND_AREAS in CMake defines ENGINE_AREA_<area>): what
// no binding reaches, link-time optimisation leaves out (scripts/bench.sh measures the commission
// scope alone this way).
#include <emscripten/bind.h>

#include "api/entry_points.h"
#include "bytes.h"

namespace {

template <bindings::Entry F>
emscripten::val Call(uintptr_t request, size_t length) {
  return bindings::Invoke(F, request, length);
}
// A batch answer is written from an offset on and handed over from there (bindings::InvokeFrom):
// cutting its front off would move megabytes.
template <>
emscripten::val Call<&engine::api::PreviewBatch>(uintptr_t request, size_t length) {
  return bindings::InvokeFrom(&engine::api::PreviewBatchInto, request, length);
}

}  // namespace

#define ENGINE_BIND_ONE(verb, Function) \
  emscripten::function("_" #verb, &Call<&engine::api::Function>);
#define ENGINE_NAME_ONE(verb, Function) #verb ","
#define ENGINE_SKIP(verb, Function)

#if ENGINE_AREA_commission
#define ENGINE_IF_commission(M) M
#else
#define ENGINE_IF_commission(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_share
#define ENGINE_IF_share(M) M
#else
#define ENGINE_IF_share(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_gate
#define ENGINE_IF_gate(M) M
#else
#define ENGINE_IF_gate(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_attribution
#define ENGINE_IF_attribution(M) M
#else
#define ENGINE_IF_attribution(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_format
#define ENGINE_IF_format(M) M
#else
#define ENGINE_IF_format(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_withdrawal
#define ENGINE_IF_withdrawal(M) M
#else
#define ENGINE_IF_withdrawal(M) ENGINE_SKIP
#endif
#if ENGINE_AREA_application
#define ENGINE_IF_application(M) M
#else
#define ENGINE_IF_application(M) ENGINE_SKIP
#endif

#define ENGINE_BIND(area, verb, Function) ENGINE_IF_##area(ENGINE_BIND_ONE)(verb, Function)
#define ENGINE_NAME(area, verb, Function) ENGINE_IF_##area(ENGINE_NAME_ONE)(verb, Function)

namespace {
// The verbs this module binds, comma-separated (the facade defines one verb for each).
std::string EntryPoints() { return "" ENGINE_ENTRY_POINTS(ENGINE_NAME); }
}  // namespace

EMSCRIPTEN_BINDINGS(engine) {
  emscripten::function("_version", &engine::api::Version);
  emscripten::function("_entryPoints", &EntryPoints);
  ENGINE_ENTRY_POINTS(ENGINE_BIND)
}
