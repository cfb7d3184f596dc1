// Embind registrations for the commission engine.
//
// Design: every entry point takes one JSON text and returns one JSON text. Measured on this
// machine, one text through the boundary costs far less than many small calls, and plain text
// keeps the boundary free of handles: nothing to delete(), nothing to leak, every failure is data
// ({"ok":false,"errors":[...]}) rather than a C++ exception arriving in JS as a bare number. The
// text crosses as bytes (bytes.h). Raw names start with an underscore; bindings/engine.js wraps
// them in the documented facade.
#include <emscripten/bind.h>

#include "api.h"
#include "bytes.h"

EMSCRIPTEN_BINDINGS(commission) {
  emscripten::function("_version", &engine::api::Version);
  emscripten::function("_validateProgram", &bindings::Bytes<&engine::api::ValidateProgram>);
  emscripten::function("_previewOrder", &bindings::Bytes<&engine::api::PreviewOrder>);
  emscripten::function("_previewBatch", &bindings::BytesFrom<&engine::api::PreviewBatchInto>);
  emscripten::function("_previewGrades", &bindings::Bytes<&engine::api::PreviewGrades>);
  emscripten::function("_previewRefund", &bindings::Bytes<&engine::api::PreviewRefund>);
  emscripten::function("_previewBudget", &bindings::Bytes<&engine::api::PreviewBudget>);
}
