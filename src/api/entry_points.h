// Every JSON entry point of the engine, once. X(area, verb, Function): `verb` is the name in JS
// (the facade's verb, the binding's `_verb`, the CLI's and the vectors' `fn`), `Function` the C++
// entry point in engine::api (std::string(const std::string&)), `area` its bindings/<area>_bind.cpp
// group. The bindings, tests/engine-cli.cpp, the fuzz target and the vector tests all expand
// this list, and the facade defines a verb for each name the module lists (`_entryPoints`), so
// adding a verb is one line here (and its request builder in engine.js, when it takes arguments
// other than one request object). New verbs go last: the fuzz target picks one by its index.
#pragma once

#include "application_api.h"
#include "attribution_api.h"
#include "commission_api.h"
#include "format_api.h"
#include "gate_api.h"
#include "share_api.h"
#include "withdrawal_api.h"

#define ENGINE_ENTRY_POINTS(X)                             \
  X(commission, validateProgram, ValidateProgram)          \
  X(commission, previewOrder, PreviewOrder)                \
  X(commission, previewBatch, PreviewBatch)                \
  X(commission, previewGrades, PreviewGrades)              \
  X(commission, previewRefund, PreviewRefund)              \
  X(commission, previewBudget, PreviewBudget)              \
  X(share, encodeShareToken, EncodeShareToken)             \
  X(share, decodeShareToken, DecodeShareToken)             \
  X(share, buildShareLink, BuildShareLink)                 \
  X(share, parseShareLaunch, ParseShareLaunch)             \
  X(share, layoutPoster, LayoutPoster)                     \
  X(gate, evaluateGate, EvaluateGate)                      \
  X(gate, campaignCountdown, CampaignCountdown)            \
  X(gate, campaignDisplay, CampaignDisplay)                \
  X(gate, regionInfo, RegionInfo)                          \
  X(gate, passwordLockState, PasswordLockState)            \
  X(attribution, attributionStep, AttributionStep)         \
  X(attribution, replayEvents, ReplayEvents)               \
  X(attribution, attributeOrder, AttributeOrder)           \
  X(attribution, previewModeSwitch, PreviewModeSwitch)     \
  X(attribution, gradeStatus, GradeStatus)                 \
  X(format, formatMoney, FormatMoney)                      \
  X(withdrawal, withdrawalSettings, WithdrawalSettings)    \
  X(withdrawal, previewWithdrawal, PreviewWithdrawal)      \
  X(application, evaluateApplication, EvaluateApplication) \
  X(commission, limits, Limits)                            \
  X(attribution, attributionReasons, AttributionReasonCodes)
