// Embind registration for distributor applications (docs/applications.md).
#include <emscripten/bind.h>

#include "application_api.h"
#include "bytes.h"

EMSCRIPTEN_BINDINGS(application) {
  emscripten::function("_evaluateApplication", &bindings::Bytes<&engine::api::EvaluateApplication>);
}
