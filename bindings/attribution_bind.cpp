// Embind registrations for attribution and grades: JSON text in, JSON text out, like the
// commission engine's (see commission_bind.cpp for why). bindings/engine.js wraps them.
#include <emscripten/bind.h>

#include "attribution_api.h"
#include "bytes.h"

EMSCRIPTEN_BINDINGS(attribution) {
  emscripten::function("_attributionStep", &bindings::Bytes<&engine::api::AttributionStep>);
  emscripten::function("_replayEvents", &bindings::Bytes<&engine::api::ReplayEvents>);
  emscripten::function("_attributeOrder", &bindings::Bytes<&engine::api::AttributeOrder>);
  emscripten::function("_previewModeSwitch", &bindings::Bytes<&engine::api::PreviewModeSwitch>);
  emscripten::function("_gradeStatus", &bindings::Bytes<&engine::api::GradeStatus>);
}
