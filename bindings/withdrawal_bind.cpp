// Embind registrations for withdrawals (docs/withdrawals.md): JSON text in, JSON text out.
#include <emscripten/bind.h>

#include "withdrawal_api.h"

EMSCRIPTEN_BINDINGS(withdrawal) {
  emscripten::function("_withdrawalSettings", &engine::api::WithdrawalSettings);
  emscripten::function("_previewWithdrawal", &engine::api::PreviewWithdrawal);
}
