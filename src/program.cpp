#include "program.h"

#include <algorithm>

namespace engine {

const Grade* Program::FindGrade(const std::string& id) const {
  for (const auto& g : grades)
    if (g.id == id) return &g;
  return nullptr;
}

const ProductRule* Program::FindProduct(const std::string& id) const {
  for (const auto& pr : products)
    if (pr.product_id == id) return &pr;
  return nullptr;
}

Bp Program::MaxRateSumBp(const ProductRule* product) const {
  Bp sum = agents.province_bp + agents.city_bp + agents.district_bp;
  if (mode != CommissionMode::kRate) return sum;
  for (int lv = 0; lv < depth; ++lv) {
    // Beneficiaries at different levels may hold different grades, so the worst case takes the
    // highest rate any grade can resolve to at each level independently.
    Bp best = 0;
    const auto resolve = [&](const Grade* g) -> Bp {
      if (product && g) {
        auto it = product->by_grade.find(g->id);
        if (it != product->by_grade.end() && it->second[lv]) return *it->second[lv];
      }
      if (product && product->levels[lv]) return *product->levels[lv];
      if (g && g->levels[lv]) return *g->levels[lv];
      return levels[lv].value_or(0);
    };
    if (grades.empty()) best = resolve(nullptr);
    for (const auto& g : grades) best = std::max(best, resolve(&g));
    sum += best;
  }
  return sum;
}

const char* RewardName(RewardType r) {
  switch (r) {
    case RewardType::kCash:
      return "cash";
    case RewardType::kPoints:
      return "points";
    case RewardType::kBalance:
      return "balance";
  }
  return "cash";
}

const char* ModeName(CommissionMode m) { return m == CommissionMode::kRate ? "rate" : "fixed"; }

}  // namespace engine
