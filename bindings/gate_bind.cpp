// Embind registrations for campaign gates, the countdown, display data and regions. Same design
// as commission_bind.cpp: JSON text in, JSON text out, raw names with an underscore that
// bindings/engine.js wraps into facade verbs.
#include <emscripten/bind.h>

#include "gate_api.h"

EMSCRIPTEN_BINDINGS(gate) {
  emscripten::function("_evaluateGate", &engine::api::EvaluateGate);
  emscripten::function("_campaignCountdown", &engine::api::CampaignCountdown);
  emscripten::function("_campaignDisplay", &engine::api::CampaignDisplay);
  emscripten::function("_regionInfo", &engine::api::RegionInfo);
  emscripten::function("_passwordLockState", &engine::api::PasswordLockState);
}
