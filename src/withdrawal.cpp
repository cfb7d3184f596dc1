#include "withdrawal.h"

#include <algorithm>

#include "cst_time.h"

namespace engine {
namespace {

int64_t PeriodStartMs(WithdrawalPeriod p, int64_t now) {
  switch (p) {
    case WithdrawalPeriod::kWeek:
      return CstWeekStartMs(now);
    case WithdrawalPeriod::kMonth:
      return CstMonthStartMs(now);
    case WithdrawalPeriod::kDay:
      break;
  }
  return CstDayStartMs(CstDay(now));
}

int64_t PeriodEndMs(WithdrawalPeriod p, int64_t now) {
  switch (p) {
    case WithdrawalPeriod::kWeek:
      return CstWeekStartMs(now) + 7 * kDayMs;
    case WithdrawalPeriod::kMonth:
      return CstNextMonthStartMs(now);
    case WithdrawalPeriod::kDay:
      break;
  }
  return CstDayStartMs(CstDay(now) + 1);
}

// The channel's ceiling on what it carries today, for this user (0 when the channel has none).
Fen ChannelMaxNet(PayoutMethod m, Fen transferred_today, bool real_name) {
  if (m == PayoutMethod::kRedPacket) return kRedPacketMaxFen;
  if (m != PayoutMethod::kWechatTransfer) return kMaxAmount;
  Fen left = std::max<Fen>(0, kTransferDailyMaxFen - transferred_today);
  if (!real_name) left = std::min(left, kTransferRealNameFen - 1);
  return left;
}

}  // namespace

bool Offers(const WithdrawalSettings& s, PayoutMethod m) {
  return std::find(s.methods.begin(), s.methods.end(), m) != s.methods.end();
}

Fen WithdrawalFee(const FeeRule& rule, Fen amount) {
  Fen fee = MulDiv(amount, rule.rate_bp, kBpScale, Rounding::kFloor).value_or(0);
  fee = std::max(fee, rule.min_fen);
  if (rule.max_fen) fee = std::min(fee, *rule.max_fen);
  return fee;
}

WithdrawalPreview PreviewWithdrawal(const WithdrawalSettings& s, const WithdrawalAsk& a) {
  WithdrawalPreview v;
  const auto refuse = [&](const char* code, const char* path, std::string message) {
    v.reasons.push_back({code, path, std::move(message)});
  };
  const Fen amount = a.amount_fen;
  v.fee_fen = WithdrawalFee(s.fee, amount);
  v.net_fen = std::max<Fen>(0, amount - v.fee_fen);

  v.period_start_ms = PeriodStartMs(s.period, a.now_ms);
  v.period_resets_ms = PeriodEndMs(s.period, a.now_ms);
  const int64_t today = CstDayStartMs(CstDay(a.now_ms));
  Fen transferred_today = 0;
  for (const auto& h : a.history) {
    if (h.created_ms >= v.period_start_ms && h.created_ms <= a.now_ms) ++v.period_used;
    if (h.method == PayoutMethod::kWechatTransfer && h.created_ms >= today &&
        h.created_ms <= a.now_ms)
      transferred_today = std::min(kMaxAmount, transferred_today + h.net_fen);
  }

  const bool offered = Offers(s, a.method);
  if (!offered)
    refuse("E_METHOD", "method", std::string(PayoutMethodName(a.method)) + " is not offered");
  if (a.available_fen < s.threshold_fen)
    refuse("E_THRESHOLD", "amount_fen",
           "withdrawals start at " + std::to_string(s.threshold_fen) + " fen available; " +
               std::to_string(a.available_fen) + " is available");
  if (amount < s.min_fen)
    refuse("E_MIN", "amount_fen", "at least " + std::to_string(s.min_fen) + " fen per withdrawal");
  if (amount > s.max_fen)
    refuse("E_MAX", "amount_fen", "at most " + std::to_string(s.max_fen) + " fen per withdrawal");
  if (amount > a.available_fen)
    refuse("E_INSUFFICIENT", "amount_fen",
           "only " + std::to_string(a.available_fen) + " fen is available");
  const bool period_full = v.period_used >= s.max_per_period;
  if (period_full) {
    refuse(
        "E_FREQUENCY", "",
        "at most " + std::to_string(s.max_per_period) + " withdrawals per " + PeriodName(s.period));
    v.changes_at_ms = v.period_resets_ms;
  }
  if (amount > 0 && v.fee_fen >= amount)
    refuse("E_FEE_EXCEEDS", "amount_fen",
           "the fee of " + std::to_string(v.fee_fen) + " fen leaves nothing to pay out");

  const Fen net = v.net_fen;
  const Fen channel_max = ChannelMaxNet(a.method, transferred_today, a.real_name);
  switch (a.method) {
    case PayoutMethod::kRedPacket: {
      if (net < kRedPacketMinFen || net > kRedPacketMaxFen)
        refuse("E_METHOD_LIMIT", "amount_fen", "a red packet carries 100 ... 20000 fen");
      const int64_t eight = today + 8 * kHourMs;
      if (a.now_ms < eight) v.queued_until_ms = eight;
      break;
    }
    case PayoutMethod::kWechatTransfer:
      v.user_confirms = true;
      if (net < kTransferMinFen) {
        refuse("E_METHOD_LIMIT", "amount_fen", "a WeChat transfer is at least 10 fen");
      } else if (transferred_today + net > kTransferDailyMaxFen) {
        refuse("E_METHOD_LIMIT", "amount_fen",
               "WeChat transfers are at most 2,000,000 fen per user per day");
        if (!v.changes_at_ms) v.changes_at_ms = today + kDayMs;
      } else if (net >= kTransferRealNameFen && !a.real_name) {
        refuse("E_REAL_NAME", "amount_fen",
               "a transfer of 200,000 fen or more needs the user's real name");
      }
      break;
    case PayoutMethod::kBank:
    case PayoutMethod::kAlipay:
      v.merchant_confirms = true;
      break;
    case PayoutMethod::kShopBalance:
      break;
  }

  // The largest amount that passes every amount-bound rule. What arrives (amount - fee) never
  // falls as the amount grows, so the ceiling on it is found by bisection.
  if (offered && !period_full && a.available_fen >= s.threshold_fen) {
    Fen lo = 0, hi = std::min(a.available_fen, s.max_fen);
    const auto net_of = [&](Fen x) { return std::max<Fen>(0, x - WithdrawalFee(s.fee, x)); };
    while (lo < hi) {
      const Fen mid = lo + (hi - lo + 1) / 2;
      if (net_of(mid) <= channel_max)
        lo = mid;
      else
        hi = mid - 1;
    }
    const Fen n = net_of(lo);
    const Fen channel_min = a.method == PayoutMethod::kRedPacket
                                ? kRedPacketMinFen
                                : (a.method == PayoutMethod::kWechatTransfer ? kTransferMinFen : 1);
    if (lo >= s.min_fen && n >= channel_min && n > 0) v.max_amount_fen = lo;
  }
  return v;
}

const char* PayoutMethodName(PayoutMethod m) {
  switch (m) {
    case PayoutMethod::kRedPacket:
      return "red_packet";
    case PayoutMethod::kWechatTransfer:
      return "wechat_transfer";
    case PayoutMethod::kBank:
      return "bank";
    case PayoutMethod::kAlipay:
      return "alipay";
    case PayoutMethod::kShopBalance:
      return "shop_balance";
  }
  return "red_packet";
}

std::optional<PayoutMethod> ParsePayoutMethod(const std::string& name) {
  for (auto m : {PayoutMethod::kRedPacket, PayoutMethod::kWechatTransfer, PayoutMethod::kBank,
                 PayoutMethod::kAlipay, PayoutMethod::kShopBalance})
    if (name == PayoutMethodName(m)) return m;
  return std::nullopt;
}

const char* PeriodName(WithdrawalPeriod p) {
  switch (p) {
    case WithdrawalPeriod::kWeek:
      return "week";
    case WithdrawalPeriod::kMonth:
      return "month";
    case WithdrawalPeriod::kDay:
      break;
  }
  return "day";
}

}  // namespace engine
