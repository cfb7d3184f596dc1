#include "commission.h"

#include <algorithm>
#include <numeric>

namespace engine {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

struct Resolved {
  int64_t value = 0;
  const char* rule = "program";
};

// Precedence (SPEC 3): product+grade -> product -> grade -> program, first that is set wins.
Resolved ResolveLevel(const Program& p, const ProductRule* product, const Grade* grade, int lv) {
  if (product && grade) {
    auto it = product->by_grade.find(grade->id);
    if (it != product->by_grade.end() && it->second[lv]) return {*it->second[lv], "product_grade"};
  }
  if (product && product->levels[lv]) return {*product->levels[lv], "product"};
  if (grade && grade->levels[lv]) return {*grade->levels[lv], "grade"};
  return {p.levels[lv].value_or(0), "program"};
}

// Level 1 from the attribution, then up the inviter tree; never the (changeable) binding above 1.
bool BuildChain(const Program& p, const Order& o, const std::string& path, Problems& problems,
                Preview& out) {
  std::optional<int64_t> cur;
  const bool buyer_is_distributor = o.distributors.count(o.buyer_id) > 0;
  if (p.self_purchase == SelfPurchase::kSelfAsLevel1 && buyer_is_distributor) {
    cur = o.buyer_id;
  } else {
    cur = o.bound_distributor_id;
  }
  // The field that named the current level, for an error: the binding, then an inviter_id.
  const Distributor* named_by = nullptr;
  for (int level = 1; level <= p.depth; ++level) {
    if (!cur) {
      out.skips.push_back(
          {level, std::nullopt, level == 1 ? "no_bound_distributor" : "no_inviter"});
      // Without a level there is nobody to climb from.
      for (int l = level + 1; l <= p.depth; ++l)
        out.skips.push_back({l, std::nullopt, "no_inviter"});
      return true;
    }
    auto it = o.distributors.find(*cur);
    if (it == o.distributors.end()) {
      const std::string ref_path =
          named_by ? IndexPath(path + ".distributors", named_by->index) + ".inviter_id"
                   : path + ".bound_distributor_id";
      Report(problems, "E_UNKNOWN_DISTRIBUTOR", ref_path,
             "distributor " + std::to_string(*cur) + " is not in the order's distributors");
      return false;
    }
    const Distributor& d = it->second;
    const Grade* grade = d.grade.empty() ? nullptr : p.FindGrade(d.grade);
    if (!d.grade.empty() && !grade) {
      Report(problems, "E_UNKNOWN_GRADE", IndexPath(path + ".distributors", d.index) + ".grade",
             "no grade with this id in the program");
      return false;
    }
    if (d.id == o.buyer_id && p.self_purchase == SelfPurchase::kNone) {
      out.skips.push_back({level, d.id, "self_purchase_excluded"});
    } else {
      out.chain.push_back({level, d.id, level == 1 ? "distributor" : "inviter", grade});
    }
    cur = d.inviter_id;
    named_by = &d;
  }
  return true;
}

void BuildCampaignChain(const Program& p, const Order& o, Preview& out) {
  const auto& c = p.campaign;
  if (!o.sharer_id) {
    out.skips.push_back({1, std::nullopt, "no_sharer"});
  } else if (*o.sharer_id == o.buyer_id) {
    out.skips.push_back({1, o.sharer_id, "self_purchase_excluded"});
  } else if (c.buy_before_distributing && !o.sharer_has_bought) {
    out.skips.push_back({1, o.sharer_id, "sharer_has_not_bought"});
  } else {
    out.chain.push_back({1, *o.sharer_id, "sharer", nullptr});
  }
}

void AddAgentLines(const Program& p, const Order& o, const OrderItem& item, ItemResult& r) {
  if (!p.agents.Enabled() || o.delivery_region.size() != 6) return;
  const std::string& d = o.delivery_region;
  struct Tier {
    std::string code;
    Bp bp;
    const char* role;
  };
  Tier tiers[3] = {{d.substr(0, 2) + "0000", p.agents.province_bp, "agent_province"},
                   {d.substr(0, 4) + "00", p.agents.city_bp, "agent_city"},
                   {d, p.agents.district_bp, "agent_district"}};
  const bool present[3] = {true, d.compare(2, 2, "00") != 0, d.compare(4, 2, "00") != 0};
  for (int k = 0; k < 3; ++k) {
    const Tier& t = tiers[k];
    if (!present[k] || t.bp == 0) continue;
    auto it = p.agents.agent_by_region.find(t.code);
    if (it == p.agents.agent_by_region.end()) continue;
    Line l;
    l.who = {0, it->second, t.role, nullptr};
    l.reward = RewardType::kCash;
    l.basis = "rate";
    l.value = t.bp;
    l.rule = "regional_agent";
    l.raw = MulDiv(item.paid_fen, t.bp, kBpScale, p.rounding).value_or(0);
    l.amount = l.raw;
    r.lines.push_back(l);
  }
}

// Caps the money lines of one item: cost-price protection and the 50 % compliance ceiling.
void ApplyCaps(const Program& p, const OrderItem& item, ItemResult& r) {
  std::vector<size_t> money;
  int64_t sum = 0;
  for (size_t i = 0; i < r.lines.size(); ++i) {
    if (r.lines[i].reward == RewardType::kPoints) continue;  // points are not money
    money.push_back(i);
    sum += r.lines[i].amount;  // each line <= 2^53, at most 6 lines: no overflow in int64
  }
  if (money.empty()) return;
  int64_t cap = MulDiv(item.paid_fen, kComplianceCapBp, kBpScale, Rounding::kFloor).value_or(0);
  const char* why = "compliance_cap";
  if (p.cost_protection && item.unit_cost_fen) {
    const __int128 cost = static_cast<__int128>(*item.unit_cost_fen) * item.units;
    const __int128 room = static_cast<__int128>(item.paid_fen) - cost;
    const int64_t cost_cap = room <= 0 ? 0 : static_cast<int64_t>(room);
    if (cost_cap <= cap) {
      cap = cost_cap;
      why = "cost_protection";
    }
  }
  if (sum <= cap) return;
  std::vector<int64_t> amounts;
  for (size_t i : money) amounts.push_back(r.lines[i].amount);
  const auto scaled = ScaleToCap(amounts, cap);
  for (size_t k = 0; k < money.size(); ++k) {
    Line& l = r.lines[money[k]];
    if (scaled[k] != l.amount) l.clipped = why;
    l.amount = scaled[k];
  }
  r.cap_fen = cap;
}

}  // namespace

std::vector<int64_t> ScaleToCap(const std::vector<int64_t>& amounts, int64_t cap) {
  __int128 total = 0;
  for (int64_t a : amounts) total += a;
  if (total <= cap) return amounts;
  std::vector<int64_t> out(amounts.size());
  std::vector<__int128> rem(amounts.size());
  int64_t given = 0;
  for (size_t i = 0; i < amounts.size(); ++i) {
    const __int128 num = static_cast<__int128>(amounts[i]) * cap;
    out[i] = static_cast<int64_t>(num / total);
    given += out[i];
    rem[i] = num % total;
  }
  // Fewer than amounts.size() fen are left over; each goes to the largest remainder not yet served,
  // the earlier part on a tie. A selection loop instead of a stable sort keeps the module smaller.
  for (; given < cap; ++given) {
    size_t best = 0;
    for (size_t i = 1; i < rem.size(); ++i)
      if (rem[i] > rem[best]) best = i;
    out[best] += 1;
    rem[best] = -1;
  }
  return out;
}

std::optional<Preview> PreviewOrder(const Program& p, const Order& o, const std::string& path,
                                    Problems& problems, const std::string* grade_override) {
  const size_t before = problems.size();
  Preview out;
  const bool campaign = p.kind == ProgramKind::kCampaign;
  if (campaign) {
    BuildCampaignChain(p, o, out);
  } else if (!BuildChain(p, o, path, problems, out)) {
    return std::nullopt;
  }
  if (grade_override) {
    const Grade* g = p.FindGrade(*grade_override);
    if (!g) {
      Report(problems, "E_UNKNOWN_GRADE", "grade", "no grade with this id in the program");
      return std::nullopt;
    }
    for (auto& b : out.chain) b.grade = g;
  }
  // A beneficiary with no grade holds the first (entry) grade.
  if (!p.grades.empty())
    for (auto& b : out.chain)
      if (!b.grade) b.grade = &p.grades.front();

  bool all_costs = true;
  __int128 cost_total = 0;
  // Points are not capped, so 1000 items x 3 lines of up to 2^53-1 points can pass int64: sum wide.
  __int128 cash = 0, balance = 0, points = 0;
  for (size_t i = 0; i < o.items.size(); ++i) {
    const OrderItem& item = o.items[i];
    ItemResult r;
    r.index = i;
    r.product_id = item.product_id;
    r.paid_fen = item.paid_fen;
    out.paid_fen += item.paid_fen;  // <= 1000 items of < 2^53 each: fits int64
    if (item.unit_cost_fen)
      cost_total += static_cast<__int128>(*item.unit_cost_fen) * item.units;
    else
      all_costs = false;
    for (const auto& t : p.excluded_order_types) {
      if (Contains(item.types, t) || Contains(o.types, t)) {
        r.excluded_type = t;
        break;
      }
    }
    if (!r.excluded_type.empty()) {
      out.items.push_back(std::move(r));
      continue;
    }
    const ProductRule* product = campaign ? nullptr : p.FindProduct(item.product_id);
    r.lines.reserve(out.chain.size() + 3);  // the chain's lines, and up to 3 agents'
    for (const auto& b : out.chain) {
      Line l;
      l.who = b;
      if (campaign) {
        l.reward = RewardType::kCash;
        l.basis = "fixed";
        l.value = p.campaign.commission_per_unit_fen;
        l.rule = "campaign";
      } else {
        const Resolved v = ResolveLevel(p, product, b.grade, b.level - 1);
        l.reward = p.reward;
        l.basis = ModeName(p.mode);
        l.value = v.value;
        l.rule = v.rule;
      }
      const bool rate = l.basis[0] == 'r';
      std::optional<int64_t> amt = rate ? MulDiv(item.paid_fen, l.value, kBpScale, p.rounding)
                                        : CheckedMul(item.units, l.value);
      if (!amt) {
        Report(problems, "E_OVERFLOW", IndexPath(path + ".items", i) + ".units",
               "units x per-unit amount exceeds the largest amount (2^53-1)");
        return std::nullopt;
      }
      l.raw = l.amount = *amt;
      r.lines.push_back(l);
    }
    if (!campaign) AddAgentLines(p, o, item, r);
    ApplyCaps(p, item, r);
    for (const auto& l : r.lines) {
      if (l.reward == RewardType::kPoints)
        points += l.amount;
      else if (l.reward == RewardType::kBalance)
        balance += l.amount;
      else
        cash += l.amount;
    }
    out.items.push_back(std::move(r));
  }
  if (cash > kMaxAmount || balance > kMaxAmount || points > kMaxAmount ||
      out.paid_fen > kMaxAmount) {
    Report(problems, "E_OVERFLOW", path + ".items", "the order's totals exceed 2^53-1");
    return std::nullopt;
  }
  out.cash_fen = static_cast<Fen>(cash);
  out.balance_fen = static_cast<Fen>(balance);
  out.points = static_cast<int64_t>(points);
  if (all_costs && cost_total <= kMaxAmount) {
    out.margin_fen = static_cast<int64_t>(static_cast<__int128>(out.paid_fen) - cost_total -
                                          out.cash_fen - out.balance_fen);
  }
  if (problems.size() != before) return std::nullopt;
  return out;
}

}  // namespace engine
