// Embind registrations for campaign gates, the countdown, display data and regions. Same design
// as commission_bind.cpp: JSON text in, JSON text out, raw names with an underscore that
// bindings/engine.js wraps into facade verbs.
#include <emscripten/bind.h>

#include "bytes.h"
#include "gate_api.h"

EMSCRIPTEN_BINDINGS(gate) {
  emscripten::function("_evaluateGate", &bindings::Bytes<&engine::api::EvaluateGate>);
  emscripten::function("_campaignCountdown", &bindings::Bytes<&engine::api::CampaignCountdown>);
  emscripten::function("_campaignDisplay", &bindings::Bytes<&engine::api::CampaignDisplay>);
  emscripten::function("_regionInfo", &bindings::Bytes<&engine::api::RegionInfo>);
  emscripten::function("_passwordLockState", &bindings::Bytes<&engine::api::PasswordLockState>);
}
