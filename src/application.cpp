#include "application.h"

#include <algorithm>

namespace engine {

std::vector<UnmetCondition> UnmetConditions(const ApplicationConditions& c,
                                            const ApplicantFacts& f) {
  std::vector<UnmetCondition> out;
  if (c.phone_bound && !f.phone_bound) out.push_back({"E_APPLY_PHONE", "phone_bound", 0, 1});
  if (c.min_spent_fen > 0 && f.spent_fen < c.min_spent_fen)
    out.push_back({"E_APPLY_SPENT", "min_spent_fen", f.spent_fen, c.min_spent_fen});
  if (c.min_orders > 0 && f.orders < c.min_orders)
    out.push_back({"E_APPLY_ORDERS", "min_orders", f.orders, c.min_orders});
  if (!c.tag.empty() && std::find(f.tags.begin(), f.tags.end(), c.tag) == f.tags.end())
    out.push_back({"E_APPLY_TAG", "tag", 0, 1});
  return out;
}

}  // namespace engine
