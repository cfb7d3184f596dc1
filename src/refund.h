// Refund claw-back (SPEC 4). Claw-back is defined on the cumulative refund, so any sequence of
// partial refunds takes back at most the line, and a full refund takes back exactly the line.
#pragma once
#include <optional>
#include <vector>

#include "errors.h"
#include "money.h"
#include "program.h"

namespace engine {

enum class LineState { kPending, kFrozen, kAvailable, kWithdrawing, kWithdrawn, kReversed };

struct ClawLine {
  int64_t amount = 0;       // C: fen, or points
  bool rate_basis = false;  // rate mode: claw by the rate; otherwise by C / P
  Bp rate_bp = 0;
  Fen item_paid_fen = 0;  // P
};

// Clawed back so far after `refunded_so_far` of P was refunded.
int64_t ClawedSoFar(const Program& p, const ClawLine& line, Fen refunded_so_far);

struct RefundStep {
  Fen refund_fen = 0;
  Fen refunded_so_far_fen = 0;
  int64_t clawed_so_far = 0;
  int64_t clawback = 0;   // this refund's share
  int64_t from_line = 0;  // taken off a line not yet paid out
  int64_t debt = 0;       // owed by the distributor (line already withdrawn, policy debt)
  int64_t forgiven = 0;   // written off by the merchant (policy forgive)
};

// One step per refund; `states[i]` is the line's state when refund i happened.
std::optional<std::vector<RefundStep>> ApplyRefunds(const Program& p, const ClawLine& line,
                                                    const std::vector<Fen>& refunds,
                                                    const std::vector<LineState>& states,
                                                    const std::string& path, Problems& problems);

std::optional<LineState> ParseLineState(const std::string& s);

}  // namespace engine
