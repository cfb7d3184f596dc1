#include "refund.h"

#include <algorithm>

namespace engine {

std::optional<LineState> ParseLineState(const std::string& s) {
  if (s == "pending") return LineState::kPending;
  if (s == "frozen") return LineState::kFrozen;
  if (s == "available") return LineState::kAvailable;
  if (s == "withdrawing") return LineState::kWithdrawing;
  if (s == "withdrawn") return LineState::kWithdrawn;
  if (s == "reversed") return LineState::kReversed;
  return std::nullopt;
}

int64_t ClawedSoFar(const Program& p, const ClawLine& line, Fen refunded_so_far) {
  if (p.refund_policy == RefundPolicy::kKeep || line.amount == 0) return 0;
  // A full refund takes back exactly the line, whatever rounding or capping made it.
  if (refunded_so_far >= line.item_paid_fen) return line.amount;
  const int64_t by_rule =
      line.rate_basis
          ? MulDiv(refunded_so_far, line.rate_bp, kBpScale, p.rounding).value_or(line.amount)
          : MulDiv(refunded_so_far, line.amount, line.item_paid_fen, p.rounding)
                .value_or(line.amount);
  return std::min(line.amount, by_rule);
}

std::optional<std::vector<RefundStep>> ApplyRefunds(const Program& p, const ClawLine& line,
                                                    const std::vector<Fen>& refunds,
                                                    const std::vector<LineState>& states,
                                                    const std::string& path, Problems& problems) {
  std::vector<RefundStep> steps;
  Fen so_far = 0;
  int64_t clawed = 0;
  for (size_t i = 0; i < refunds.size(); ++i) {
    if (refunds[i] > line.item_paid_fen - so_far) {
      Report(problems, "E_REFUND_EXCEEDS", IndexPath(path, i) + ".amount_fen",
             "refund of " + std::to_string(refunds[i]) + " fen exceeds the " +
                 std::to_string(line.item_paid_fen - so_far) + " fen left to refund");
      return std::nullopt;
    }
    RefundStep s;
    s.refund_fen = refunds[i];
    so_far += refunds[i];
    s.refunded_so_far_fen = so_far;
    s.clawed_so_far = ClawedSoFar(p, line, so_far);
    s.clawback = s.clawed_so_far - clawed;
    clawed = s.clawed_so_far;
    const LineState st = i < states.size() ? states[i] : LineState::kPending;
    if (st == LineState::kWithdrawn || st == LineState::kWithdrawing) {
      // Never silently capped at the wallet: what was paid out is owed or explicitly forgiven.
      (p.after_withdrawal == AfterWithdrawal::kDebt ? s.debt : s.forgiven) = s.clawback;
    } else {
      s.from_line = s.clawback;
    }
    steps.push_back(s);
  }
  return steps;
}

}  // namespace engine
