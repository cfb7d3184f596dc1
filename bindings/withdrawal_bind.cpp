// Embind registrations for withdrawals (docs/withdrawals.md): JSON text in, JSON text out.
#include <emscripten/bind.h>

#include "bytes.h"
#include "withdrawal_api.h"

EMSCRIPTEN_BINDINGS(withdrawal) {
  emscripten::function("_withdrawalSettings", &bindings::Bytes<&engine::api::WithdrawalSettings>);
  emscripten::function("_previewWithdrawal", &bindings::Bytes<&engine::api::PreviewWithdrawal>);
}
