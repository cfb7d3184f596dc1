// Commission preview: which beneficiaries an order pays, how much each, and by which rule.
// The page, the merchant's editor and the server's settlement all call this one function.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "errors.h"
#include "order.h"
#include "program.h"

namespace engine {

// The fixed vocabularies below (roles, rules, reasons) are string literals: a preview makes many
// lines, and copying std::strings for them was most of the engine's own time in WASM.
struct Beneficiary {
  int level = 1;  // 1..3; agents use 0
  int64_t id = 0;
  const char* role =
      "";  // distributor | inviter | sharer | agent_province | agent_city | agent_district
  const Grade* grade = nullptr;  // the program's grade whose rates applied (none without grades)
};

// A level that pays nobody, and why ("why didn't I get credit").
struct Skip {
  int level = 1;
  std::optional<int64_t> id;
  const char* reason = "";  // no_bound_distributor | self_purchase_excluded | no_inviter |
                            // no_sharer | sharer_has_not_bought
};

struct Line {
  Beneficiary who;
  RewardType reward = RewardType::kCash;
  const char* basis = "fixed";  // rate | fixed
  int64_t value = 0;            // rate in bp, or the per-unit amount
  const char* rule = "";  // product_grade | product | grade | program | campaign | regional_agent
  int64_t raw = 0;        // before any cap
  int64_t amount = 0;     // fen, or points for a points reward
  const char* clipped = nullptr;  // null | cost_protection | compliance_cap
};

struct ItemResult {
  size_t index = 0;
  std::string product_id;
  Fen paid_fen = 0;
  std::string excluded_type;   // non-empty: the excluded order type that voids this item
  std::optional<Fen> cap_fen;  // the binding cap on money lines, when one applied
  std::vector<Line> lines;
};

struct Preview {
  std::vector<Beneficiary> chain;
  std::vector<Skip> skips;
  std::vector<ItemResult> items;
  Fen cash_fen = 0, balance_fen = 0;
  int64_t points = 0;
  Fen paid_fen = 0;
  std::optional<int64_t> margin_fen;  // paid - cost - cash - balance; known when every cost is
};

// `grade_override` sets every beneficiary's grade (the merchant's per-grade preview).
std::optional<Preview> PreviewOrder(const Program& p, const Order& o, const std::string& path,
                                    Problems& problems,
                                    const std::string* grade_override = nullptr);

// Splits `cap` over `amounts` in proportion, by largest remainder: the parts add up to `cap`
// exactly and none exceeds its amount. Ties go to the earlier part.
std::vector<int64_t> ScaleToCap(const std::vector<int64_t>& amounts, int64_t cap);

}  // namespace engine
