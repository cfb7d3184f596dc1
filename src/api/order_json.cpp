#include "order_json.h"

#include <algorithm>
#include <set>

namespace engine {
namespace {

void ReadTypes(Reader& r, std::vector<std::string>& out) {
  const Json* arr = r.Array("types", 32);
  if (!arr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    const Json& v = (*arr)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().size() > 32) {
      Report(r.Out(), "E_TYPE", IndexPath(r.PathOf("types"), i), "expected a short string");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
}

// The inviter relation must be a forest: walking up from anyone must never meet himself.
void CheckCycles(const Order& o, const Reader& order, Problems& problems) {
  std::set<int64_t> cleared;  // known to reach a root
  for (const auto& [id, d] : o.distributors) {
    std::set<int64_t> seen;
    int64_t cur = id;
    while (!cleared.count(cur)) {
      if (!seen.insert(cur).second) {
        Report(problems, "E_CHAIN_CYCLE",
               IndexPath(order.PathOf("distributors"), d.index) + ".inviter_id",
               "distributor " + std::to_string(id) +
                   " is his own ancestor: the inviter relation must be a tree");
        return;
      }
      auto it = o.distributors.find(cur);
      if (it == o.distributors.end() || !it->second.inviter_id) break;
      cur = *it->second.inviter_id;
    }
    cleared.insert(seen.begin(), seen.end());
  }
}

}  // namespace

std::optional<Order> ParseOrder(const Json& j, const std::string& path, Problems& problems) {
  const size_t before = problems.size();
  Order o;
  Reader r(j, path, problems);
  if (!r.Ok()) return std::nullopt;
  o.order_id = r.Str("order_id", "", 64).value_or("");
  o.buyer_id = r.Amount("buyer_id").value_or(0);
  if (r.Has("bound_distributor_id"))
    o.bound_distributor_id = r.Amount("bound_distributor_id");
  else
    r.Raw("bound_distributor_id");
  if (r.Has("sharer_id"))
    o.sharer_id = r.Amount("sharer_id");
  else
    r.Raw("sharer_id");
  o.sharer_has_bought = r.Bool("sharer_has_bought", false).value_or(false);
  o.delivery_region = r.Str("delivery_region", "", 6).value_or("");
  if (!o.delivery_region.empty() &&
      (o.delivery_region.size() != 6 ||
       !std::all_of(o.delivery_region.begin(), o.delivery_region.end(),
                    [](char c) { return c >= '0' && c <= '9'; })))
    Report(problems, "E_REGION", r.PathOf("delivery_region"), "expected a 6-digit GB/T 2260 code");
  ReadTypes(r, o.types);

  if (const Json* ds = r.Array("distributors", kMaxDistributors)) {
    for (size_t i = 0; i < ds->size(); ++i) {
      Reader d((*ds)[i], r, "distributors", i);
      Distributor dist;
      dist.index = i;
      dist.id = d.Amount("id").value_or(0);
      if (d.Has("inviter_id"))
        dist.inviter_id = d.Amount("inviter_id");
      else
        d.Raw("inviter_id");
      dist.grade = d.Str("grade", "", 64).value_or("");
      d.Finish();
      if (!d.Ok()) continue;
      if (dist.inviter_id && *dist.inviter_id == dist.id)
        Report(problems, "E_CHAIN_CYCLE", d.PathOf("inviter_id"),
               "a distributor cannot invite himself");
      if (!o.distributors.emplace(dist.id, dist).second)
        Report(problems, "E_DUPLICATE", d.PathOf("id"), "distributor listed twice");
    }
  }

  const Json* items = r.Array("items", kMaxItems, /*required=*/true);
  if (items && items->empty())
    Report(problems, "E_REQUIRED", r.PathOf("items"), "an order has at least one item");
  if (items) {
    for (size_t i = 0; i < items->size(); ++i) {
      Reader it((*items)[i], r, "items", i);
      OrderItem item;
      item.product_id = it.Str("product_id", "", 64).value_or("");
      item.units = it.Int("units", 1, 1000000, 1).value_or(1);
      item.paid_fen = it.Amount("paid_fen").value_or(0);
      if (it.Has("unit_cost_fen"))
        item.unit_cost_fen = it.Amount("unit_cost_fen");
      else
        it.Raw("unit_cost_fen");
      ReadTypes(it, item.types);
      it.Finish();
      o.items.push_back(std::move(item));
    }
  }
  r.Finish();
  if (problems.size() == before) CheckCycles(o, r, problems);
  if (problems.size() != before) return std::nullopt;
  return o;
}

}  // namespace engine
