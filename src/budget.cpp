#include "budget.h"

namespace engine {
namespace {

BudgetStep Refuse(const BudgetState& s, const char* code, std::string message) {
  return {s, code, std::move(message)};
}

}  // namespace

const char* PhaseName(BudgetPhase p) {
  switch (p) {
    case BudgetPhase::kDraft:
      return "draft";
    case BudgetPhase::kPublished:
      return "published";
    case BudgetPhase::kEnded:
      return "ended";
  }
  return "draft";
}

BudgetStep ApplyBudgetEvent(const Program& p, const BudgetState& s, const BudgetEvent& e) {
  const Fen per = p.campaign.commission_per_unit_fen;
  BudgetState n = s;
  const auto shares = [&](int64_t units) { return CheckedMul(units, per); };
  if (e.type == "publish") {
    if (s.phase != BudgetPhase::kDraft) return Refuse(s, "E_STATE", "already published");
    auto need = shares(s.stock);
    if (!need) return Refuse(s, "E_OVERFLOW", "stock x commission exceeds 2^53-1");
    if (*need > s.balance_fen)
      return Refuse(s, "E_BUDGET_SHORT",
                    "publishing needs " + std::to_string(*need) + " fen frozen; the balance is " +
                        std::to_string(s.balance_fen) + " fen");
    n.balance_fen -= *need;
    n.frozen_fen += *need;
    n.phase = BudgetPhase::kPublished;
    return {n, "", ""};
  }
  if (e.type == "end") {
    if (s.phase == BudgetPhase::kEnded) return Refuse(s, "E_STATE", "already ended");
    // Every share still frozen (unsold stock and unattributed sales) returns to the balance.
    n.balance_fen += s.frozen_fen;
    n.returned_fen += s.frozen_fen;
    n.frozen_fen = 0;
    n.held_unattributed_fen = 0;
    n.phase = BudgetPhase::kEnded;
    return {n, "", ""};
  }
  if (s.phase == BudgetPhase::kEnded) return Refuse(s, "E_STATE", "the campaign has ended");
  auto amount = shares(e.units);
  if (!amount) return Refuse(s, "E_OVERFLOW", "units x commission exceeds 2^53-1");
  if (e.type == "add_stock") {
    auto stock = CheckedAdd(s.stock, e.units);
    if (!stock) return Refuse(s, "E_OVERFLOW", "stock exceeds 2^53-1");
    if (s.phase == BudgetPhase::kPublished) {
      if (*amount > s.balance_fen)
        return Refuse(s, "E_BUDGET_SHORT",
                      "adding stock needs " + std::to_string(*amount) +
                          " fen frozen; the balance is " + std::to_string(s.balance_fen) + " fen");
      n.balance_fen -= *amount;
      n.frozen_fen += *amount;
    }
    n.stock = *stock;
    return {n, "", ""};
  }
  if (e.type == "remove_stock") {
    if (e.units > s.stock) return Refuse(s, "E_STOCK", "cannot remove more than the unsold stock");
    if (s.phase == BudgetPhase::kPublished) {
      n.balance_fen += *amount;
      n.frozen_fen -= *amount;
      n.returned_fen += *amount;
    }
    n.stock -= e.units;
    return {n, "", ""};
  }
  if (e.type == "sale") {
    if (s.phase != BudgetPhase::kPublished)
      return Refuse(s, "E_STATE", "the campaign is not running");
    if (e.units > s.stock) return Refuse(s, "E_STOCK", "sold out: not enough stock");
    n.stock -= e.units;
    if (e.qualifying) {
      n.frozen_fen -= *amount;
      n.paid_fen += *amount;
    } else {
      n.held_unattributed_fen += *amount;  // stays frozen until the end (SPEC 2)
    }
    return {n, "", ""};
  }
  return Refuse(s, "E_ENUM", "unknown budget event");
}

}  // namespace engine
