// Embind registrations for attribution and grades: JSON text in, JSON text out, like the
// commission engine's (see commission_bind.cpp for why). bindings/engine.js wraps them.
#include <emscripten/bind.h>

#include "attribution_api.h"

EMSCRIPTEN_BINDINGS(attribution) {
  emscripten::function("_attributionStep", &engine::api::AttributionStep);
  emscripten::function("_replayEvents", &engine::api::ReplayEvents);
  emscripten::function("_attributeOrder", &engine::api::AttributeOrder);
  emscripten::function("_previewModeSwitch", &engine::api::PreviewModeSwitch);
  emscripten::function("_gradeStatus", &engine::api::GradeStatus);
}
