// JSON entry points for withdrawals (docs/withdrawals.md). Same contract as api.h: one JSON text
// in, one out, {"ok":true,...} or {"ok":false,"errors":[...]}; refusals are data, not errors.
#pragma once
#include <string>

namespace engine::api {

// {settings} -> the settings with every default filled in, and platform-limit warnings.
std::string WithdrawalSettings(const std::string& request);
// {settings?, available_fen, amount_fen, method, now_ms, real_name?, history?:[{created_ms,
//  method, net_fen}]} -> allowed, every refusal, fee, what arrives, the most allowed now, the
//  period's use, how the channel pays out and when a refusal lifts.
std::string PreviewWithdrawal(const std::string& request);

}  // namespace engine::api
