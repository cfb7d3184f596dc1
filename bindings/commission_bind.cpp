// Embind registrations for the commission engine.
//
// Design: every entry point takes one JSON text and returns one JSON text. Measured on this
// machine, one string through embind costs far less than many small calls, and plain text keeps
// the boundary free of handles: nothing to delete(), nothing to leak, every failure is data
// ({"ok":false,"errors":[...]}) rather than a C++ exception arriving in JS as a bare number.
// Raw names start with an underscore; bindings/engine.js wraps them in the documented facade.
#include <emscripten/bind.h>

#include "api.h"

EMSCRIPTEN_BINDINGS(commission) {
  emscripten::function("_version", &engine::api::Version);
  emscripten::function("_validateProgram", &engine::api::ValidateProgram);
  emscripten::function("_previewOrder", &engine::api::PreviewOrder);
  emscripten::function("_previewBatch", &engine::api::PreviewBatch);
  emscripten::function("_previewGrades", &engine::api::PreviewGrades);
  emscripten::function("_previewRefund", &engine::api::PreviewRefund);
  emscripten::function("_previewBudget", &engine::api::PreviewBudget);
}
