// The campaign's red-packet budget (SPEC 2): publishing freezes stock x commission from the
// merchant's balance; stock changes freeze or release shares; unused shares return at the end.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "money.h"
#include "program.h"

namespace engine {

enum class BudgetPhase { kDraft, kPublished, kEnded };

struct BudgetState {
  BudgetPhase phase = BudgetPhase::kDraft;
  Fen balance_fen = 0;            // the merchant's free red-packet balance
  Fen frozen_fen = 0;             // held for unsold stock and for unattributed sales
  int64_t stock = 0;              // unsold units
  Fen paid_fen = 0;               // commission paid to sharers
  Fen held_unattributed_fen = 0;  // shares of units sold without a qualifying sharer
  Fen returned_fen = 0;           // released back to the balance so far
};

struct BudgetEvent {
  std::string type;  // publish | add_stock | remove_stock | sale | end
  int64_t units = 0;
  bool qualifying = false;  // sale: a qualifying sharer earns the share
};

struct BudgetStep {
  BudgetState state;
  std::string refused_code;  // non-empty: the event was refused and changed nothing
  std::string refused_message;
};

// Applies one event; a refused event leaves `s` unchanged.
BudgetStep ApplyBudgetEvent(const Program& p, const BudgetState& s, const BudgetEvent& e);

const char* PhaseName(BudgetPhase p);

}  // namespace engine
