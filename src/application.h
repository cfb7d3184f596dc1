// Distributor applications (SPEC 9): whether a user meets the merchant's conditions to apply as a
// distributor — phone bound, spent at least an amount, at least a number of orders, a tag the
// merchant gave him. The server's POST /api/me/apply and the distributor centre's "before you
// apply" list ask the same function; the facts come from the server's records, never the user.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "money.h"

namespace engine {

struct ApplicationConditions {
  bool phone_bound = false;  // a phone number must be bound
  Fen min_spent_fen = 0;     // 0 = no condition
  int64_t min_orders = 0;    // 0 = no condition
  std::string tag;           // "" = no condition
};

struct ApplicantFacts {
  bool phone_bound = false;
  Fen spent_fen = 0;   // paid, less refunds
  int64_t orders = 0;  // paid orders not fully refunded
  std::vector<std::string> tags;
};

// One unmet condition, with what the user has and what it takes.
struct UnmetCondition {
  const char* code;                 // E_APPLY_PHONE | E_APPLY_SPENT | E_APPLY_ORDERS | E_APPLY_TAG
  const char* field;                // the condition's name
  int64_t current = 0, target = 0;  // amounts and counts (phone: 0/1)
};

std::vector<UnmetCondition> UnmetConditions(const ApplicationConditions& c,
                                            const ApplicantFacts& f);

}  // namespace engine
