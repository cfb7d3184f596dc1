// Withdrawals (SPEC 9, seed 000 for red packets): whether a distributor may withdraw an amount
// now, by which channel, what the fee is and what actually arrives. The distributor's page and
// the server's withdrawal request ask the same function, so the "you will receive ¥x" a page shows
// is what the server pays.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "money.h"

namespace engine {

enum class PayoutMethod { kRedPacket, kWechatTransfer, kBank, kAlipay, kShopBalance };
enum class WithdrawalPeriod { kDay, kWeek, kMonth };

// Platform limits (TOOLCHAIN / SPEC 2, 9).
constexpr Fen kRedPacketMinFen = 100;
constexpr Fen kRedPacketMaxFen = 20000;
constexpr Fen kTransferMinFen = 10;
constexpr Fen kTransferDailyMaxFen = 2000000;
constexpr Fen kTransferRealNameFen = 200000;
constexpr Bp kMaxFeeBp = 5000;

// fee = clamp(floor(amount × rate_bp / 10000), min_fen, max_fen); no rule = no fee. Rounded down,
// the one rounding of the engine that favours the distributor (SPEC 11: never round a fee up in a
// flow that rounds commissions down).
struct FeeRule {
  Bp rate_bp = 0;
  Fen min_fen = 0;
  std::optional<Fen> max_fen;
};

struct WithdrawalSettings {
  std::vector<PayoutMethod> methods = {PayoutMethod::kRedPacket, PayoutMethod::kWechatTransfer,
                                       PayoutMethod::kBank, PayoutMethod::kAlipay,
                                       PayoutMethod::kShopBalance};
  Fen threshold_fen = 100;  // below this available balance, it waits
  Fen min_fen = 100;        // per withdrawal
  Fen max_fen = 2000000;
  WithdrawalPeriod period = WithdrawalPeriod::kDay;
  int64_t max_per_period = 5;
  FeeRule fee;
};

// A withdrawal already made (any state but rejected), for the frequency and daily limits.
struct PastWithdrawal {
  int64_t created_ms = 0;
  PayoutMethod method = PayoutMethod::kRedPacket;
  Fen net_fen = 0;  // what the channel carried
};

struct WithdrawalAsk {
  Fen available_fen = 0;
  Fen amount_fen = 0;  // leaves the wallet; the fee comes out of it
  PayoutMethod method = PayoutMethod::kRedPacket;
  int64_t now_ms = 0;
  bool real_name = false;
  std::vector<PastWithdrawal> history;
};

struct WithdrawalPreview {
  std::vector<Problem> reasons;  // every refusal; empty = allowed
  Fen fee_fen = 0, net_fen = 0;
  Fen max_amount_fen = 0;  // the most this method would accept now (0: none)
  int64_t period_start_ms = 0, period_resets_ms = 0, period_used = 0;
  std::optional<int64_t> queued_until_ms;  // a red packet asked for at night waits until 08:00
  std::optional<int64_t> changes_at_ms;    // when a time-bound refusal lifts
  bool user_confirms = false;              // WeChat transfer: the user accepts it in WeChat
  bool merchant_confirms = false;          // bank card, Alipay: paid by hand
};

bool Offers(const WithdrawalSettings& s, PayoutMethod m);
Fen WithdrawalFee(const FeeRule& rule, Fen amount);
WithdrawalPreview PreviewWithdrawal(const WithdrawalSettings& s, const WithdrawalAsk& ask);

const char* PayoutMethodName(PayoutMethod m);
std::optional<PayoutMethod> ParsePayoutMethod(const std::string& name);
const char* PeriodName(WithdrawalPeriod p);

}  // namespace engine
