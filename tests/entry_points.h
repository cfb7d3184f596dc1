// Every JSON entry point of the engine, by the name the JS facade uses. Shared by the fuzz target
// and the regression test, so a new entry point is fuzzed as soon as it is listed here.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "api.h"
#include "application_api.h"
#include "attribution_api.h"
#include "format_api.h"
#include "gate_api.h"
#include "share_api.h"
#include "withdrawal_api.h"

namespace fuzzing {
using EntryPoint = std::string (*)(const std::string&);
inline const std::vector<std::pair<const char*, EntryPoint>>& EntryPoints() {
  static const std::vector<std::pair<const char*, EntryPoint>> all = {
      {"validateProgram", engine::api::ValidateProgram},
      {"previewOrder", engine::api::PreviewOrder},
      {"previewBatch", engine::api::PreviewBatch},
      {"previewGrades", engine::api::PreviewGrades},
      {"previewRefund", engine::api::PreviewRefund},
      {"previewBudget", engine::api::PreviewBudget},
      {"encodeShareToken", engine::api::EncodeShareToken},
      {"decodeShareToken", engine::api::DecodeShareToken},
      {"buildShareLink", engine::api::BuildShareLink},
      {"parseShareLaunch", engine::api::ParseShareLaunch},
      {"layoutPoster", engine::api::LayoutPoster},
      {"evaluateGate", engine::api::EvaluateGate},
      {"campaignCountdown", engine::api::CampaignCountdown},
      {"campaignDisplay", engine::api::CampaignDisplay},
      {"regionInfo", engine::api::RegionInfo},
      {"passwordLockState", engine::api::PasswordLockState},
      {"attributionStep", engine::api::AttributionStep},
      {"replayEvents", engine::api::ReplayEvents},
      {"attributeOrder", engine::api::AttributeOrder},
      {"previewModeSwitch", engine::api::PreviewModeSwitch},
      {"gradeStatus", engine::api::GradeStatus},
      {"formatMoney", engine::api::FormatMoney},
      {"withdrawalSettings", engine::api::WithdrawalSettings},
      {"previewWithdrawal", engine::api::PreviewWithdrawal},
      {"evaluateApplication", engine::api::EvaluateApplication},
  };
  return all;
}
}  // namespace fuzzing
