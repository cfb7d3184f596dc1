// Properties of the commission engine over thousands of random programs and orders (fixed seed,
// own generator, so native, ASan and WASM draw the same cases): no negative line, no money total
// above a cap, clipped lines that add up to the cap exactly, claw-backs that never take back more
// than the line and exactly the line after a full refund, and a rules_version that follows the
// config. The vectors pin exact figures; this file pins the rules on inputs nobody wrote by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "api/order_json.h"
#include "api/program_json.h"
#include "commission.h"
#include "cst_time.h"
#include "refund.h"
#include "withdrawal.h"

using nlohmann::json;

namespace {

// splitmix64: tiny and the same on every platform, unlike std:: distributions.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Range(1, 100) <= percent; }
  // Mostly everyday amounts, sometimes large ones, sometimes tiny ones and zero.
  int64_t Amount() {
    switch (Range(0, 9)) {
      case 0:
        return Range(0, 3);
      case 1:
        return Range(0, int64_t{1} << 40);
      case 2:
        return Range(0, 99);
      default:
        return Range(100, 2000000);
    }
  }
};

const char* kRegions[] = {"440305", "440300", "440000", "110101", "310000"};
const char* kTypes[] = {"seckill", "group_buy", "balance_paid", "normal"};

// A level table whose entries never exceed `ceiling` (nulls allowed in overrides).
json Levels(Rng& r, int depth, const std::vector<int64_t>& ceiling, bool allow_null) {
  json a = json::array();
  for (int i = 0; i < depth; ++i) {
    if (allow_null && r.Chance(40))
      a.push_back(nullptr);
    else
      a.push_back(ceiling[i] == 0 ? 0 : r.Range(0, ceiling[i]));
  }
  return a;
}

// A valid distribution program: rate tables are drawn under a per-level ceiling whose sum with the
// agents' rates is at most 50 %, often exactly 50 % so half_up rounding meets the cap.
json RandomDistribution(Rng& r) {
  json p = {{"kind", "distribution"}};
  const int depth = static_cast<int>(r.Range(1, 3));
  p["depth"] = depth;
  if (r.Chance(50)) p["self_purchase"] = r.Chance(50) ? "none" : "self_as_level1";
  if (r.Chance(50)) p["rounding"] = r.Chance(50) ? "floor" : "half_up";
  const int reward = static_cast<int>(r.Range(0, 3));  // cash rate, cash fixed, points, balance
  const bool rate = reward == 0;
  const char* key = rate ? "rates_bp" : (reward == 2 ? "per_unit_points" : "per_unit_fen");
  if (reward == 1) p["mode"] = "fixed";
  if (reward >= 2) {
    p["reward"] = reward == 2 ? "points" : "balance";
    p["mode"] = "fixed";
  }
  // Slots: one per level, plus three agent tiers when agents are on.
  const bool agents = rate ? r.Chance(30) : r.Chance(15);
  const int slots = depth + (agents ? 3 : 0);
  const int64_t budget = r.Chance(40) ? 5000 : r.Range(0, 5000);
  std::vector<int64_t> share(slots, 0);
  int64_t left = budget;
  for (int i = 0; i < slots; ++i) {
    share[i] = i == slots - 1 ? left : r.Range(0, left);
    left -= share[i];
  }
  std::vector<int64_t> ceiling(depth);
  for (int i = 0; i < depth; ++i)
    ceiling[i] = rate ? share[i] : (r.Chance(20) ? r.Range(0, 1000000) : r.Range(0, 3000));
  p[key] = json::array();
  for (int i = 0; i < depth; ++i) p[key].push_back(ceiling[i]);
  // Grades and product overrides never raise a level above its ceiling.
  const int grades = static_cast<int>(r.Range(0, 3));
  if (grades > 0) {
    p["grades"] = json::array();
    for (int g = 0; g < grades; ++g) {
      json gj = {{"id", "g" + std::to_string(g)}};
      if (r.Chance(70)) gj[key] = Levels(r, depth, ceiling, true);
      if (g > 0) gj["thresholds"] = {{"paid_orders", g * 10}};
      p["grades"].push_back(gj);
    }
  }
  if (r.Chance(60)) {
    p["products"] = json::array();
    for (int k = 0; k < 2; ++k) {
      json pr = {{"product_id", "p" + std::to_string(k)}};
      if (r.Chance(70)) pr[key] = Levels(r, depth, ceiling, true);
      if (grades > 0 && r.Chance(60))
        pr["grades"] = {
            {"g" + std::to_string(r.Range(0, grades - 1)), Levels(r, depth, ceiling, true)}};
      p["products"].push_back(pr);
    }
  }
  if (agents) {
    p["regional_agents"] = {{"province_bp", share[depth]},
                            {"city_bp", share[depth + 1]},
                            {"district_bp", share[depth + 2]},
                            {"agents",
                             {{{"region", "440000"}, {"agent_id", 901}},
                              {{"region", "440300"}, {"agent_id", 902}},
                              {{"region", "440305"}, {"agent_id", 903}},
                              {{"region", "110101"}, {"agent_id", 904}}}}};
  }
  if (r.Chance(50)) p["cost_protection"] = true;
  if (r.Chance(30)) p["excluded_order_types"] = {kTypes[r.Range(0, 2)]};
  if (r.Chance(50)) p["refund_policy"] = r.Chance(70) ? "proportional" : "keep";
  return p;
}

json RandomCampaign(Rng& r) {
  const int64_t per_unit = r.Range(30, 20000);
  return {{"kind", "campaign"},
          {"start_ms", 1700000000000},
          {"end_ms", 1700000000000 + r.Range(1, 1000000000)},
          {"commission_per_unit_fen", per_unit},
          {"buy_before_distributing", r.Chance(30)},
          {"refund_policy", r.Chance(50) ? "keep" : "proportional"},
          {"product",
           {{"name", "tea"},
            {"price_fen", per_unit * 2 + r.Range(0, 100000)},
            {"stock", r.Range(0, 1000)}}}};
}

// Distributors 1..6 form a forest (an inviter always has a smaller id: no cycle); 7 and 8 are
// plain customers. Grades are drawn from the program's ids, or left empty.
json RandomOrder(Rng& r, const json& program) {
  const int grades = program.contains("grades") ? static_cast<int>(program["grades"].size()) : 0;
  json o = {{"order_id", "o"}, {"buyer_id", r.Range(1, 8)}};
  json ds = json::array();
  for (int id = 1; id <= 6; ++id) {
    json d = {{"id", id}};
    if (id > 1 && r.Chance(80)) d["inviter_id"] = r.Range(1, id - 1);
    if (grades > 0 && r.Chance(70)) d["grade"] = "g" + std::to_string(r.Range(0, grades - 1));
    ds.push_back(d);
  }
  o["distributors"] = ds;
  if (r.Chance(85)) o["bound_distributor_id"] = r.Range(1, 6);
  if (r.Chance(80)) o["sharer_id"] = r.Range(1, 8);
  if (r.Chance(50)) o["sharer_has_bought"] = r.Chance(50);
  if (r.Chance(60)) o["delivery_region"] = kRegions[r.Range(0, 4)];
  if (r.Chance(10)) o["types"] = {kTypes[r.Range(0, 3)]};
  json items = json::array();
  const int n = static_cast<int>(r.Range(1, 4));
  for (int i = 0; i < n; ++i) {
    json it = {{"product_id", "p" + std::to_string(r.Range(0, 2))},
               {"units", r.Chance(10) ? r.Range(1, 1000000) : r.Range(1, 5)},
               {"paid_fen", r.Amount()}};
    if (r.Chance(60)) it["unit_cost_fen"] = r.Chance(20) ? r.Amount() : r.Range(0, 50000);
    if (r.Chance(15)) it["types"] = {kTypes[r.Range(0, 3)]};
    items.push_back(it);
  }
  o["items"] = items;
  return o;
}

engine::Program MustParseProgram(const json& j) {
  engine::Problems problems;
  auto p = engine::ParseProgram(j, "program", problems);
  if (!p) FAIL(j.dump() << "\n" << problems[0].code << " at " << problems[0].path);
  return *p;
}

// Properties are checked in plain C++ and reported once per case: a Catch2 assertion per number
// would cost more than the engine itself (under WASM every CHECK is a JS exception landing pad).
#define PROPERTY(cond)                                                                   \
  do {                                                                                   \
    if (!(cond)) return std::string(#cond) + " (line " + std::to_string(__LINE__) + ")"; \
  } while (0)

// Every money line and total of one preview against SPEC 1 and 3; empty when all hold.
std::string CheckPreview(const engine::Program& p, const engine::Order& o,
                         const engine::Preview& pv) {
  using engine::RewardType;
  // Each level appears once: paid, or skipped with a reason; never the buyer under "none".
  const int depth = p.kind == engine::ProgramKind::kCampaign ? 1 : p.depth;
  std::vector<int> seen(depth + 1, 0);
  for (const auto& b : pv.chain) {
    PROPERTY(b.level >= 1 && b.level <= depth);
    ++seen[b.level];
    if (p.self_purchase == engine::SelfPurchase::kNone || p.kind == engine::ProgramKind::kCampaign)
      PROPERTY(b.id != o.buyer_id);
  }
  for (const auto& s : pv.skips) {
    PROPERTY(s.level >= 1 && s.level <= depth);
    ++seen[s.level];
  }
  for (int lv = 1; lv <= depth; ++lv) PROPERTY(seen[lv] == 1);

  PROPERTY(pv.items.size() == o.items.size());
  int64_t cash = 0, balance = 0, points = 0;
  for (size_t i = 0; i < pv.items.size(); ++i) {
    const auto& item = o.items[i];
    const auto& r = pv.items[i];
    if (!r.excluded_type.empty()) {
      PROPERTY(r.lines.empty());
      continue;
    }
    int64_t money = 0, money_raw = 0;
    for (const auto& l : r.lines) {
      PROPERTY(l.amount >= 0);
      PROPERTY(l.raw >= 0);
      PROPERTY(l.amount <= l.raw);
      if (std::string(l.basis) == "rate") {
        PROPERTY(l.value <= engine::kComplianceCapBp);
        PROPERTY(l.raw == *engine::MulDiv(item.paid_fen, l.value, engine::kBpScale, p.rounding));
      } else {
        PROPERTY(l.raw == item.units * l.value);
      }
      if (l.reward == RewardType::kPoints) {
        PROPERTY(l.amount == l.raw);  // points are not money: never capped
        PROPERTY(l.clipped == nullptr);
        points += l.amount;
        continue;
      }
      (l.reward == RewardType::kBalance ? balance : cash) += l.amount;
      money += l.amount;
      money_raw += l.raw;
    }
    // SPEC 1: at most 50 % of what was paid for the item, after rounding.
    PROPERTY(money <= item.paid_fen / 2);
    int64_t cap = item.paid_fen / 2;
    if (p.cost_protection && item.unit_cost_fen) {
      const __int128 room = static_cast<__int128>(item.paid_fen) -
                            static_cast<__int128>(*item.unit_cost_fen) * item.units;
      const int64_t cost_cap = room <= 0 ? 0 : static_cast<int64_t>(room);
      PROPERTY(money <= cost_cap);
      cap = std::min(cap, cost_cap);
    }
    if (money_raw > cap) {
      // Clipped: the scaled lines add up to the cap exactly, and the item says which cap.
      PROPERTY(money == cap);
      PROPERTY(r.cap_fen.has_value() && *r.cap_fen == cap);
    } else {
      PROPERTY(money == money_raw);
      PROPERTY(!r.cap_fen.has_value());
      for (const auto& l : r.lines) PROPERTY(l.clipped == nullptr);
    }
  }
  PROPERTY(pv.cash_fen == cash);
  PROPERTY(pv.balance_fen == balance);
  PROPERTY(pv.points == points);
  return "";
}

}  // namespace

TEST_CASE("random programs and orders: no negative line, no money above a cap, clips add up") {
  Rng rng{20240601};
  int previews = 0, clipped = 0, cost_clipped = 0;
  for (int n = 0; n < 1200; ++n) {
    const json pj = rng.Chance(85) ? RandomDistribution(rng) : RandomCampaign(rng);
    const engine::Program p = MustParseProgram(pj);
    for (int k = 0; k < 4; ++k) {
      const json oj = RandomOrder(rng, pj);
      engine::Problems problems;
      const auto order = engine::ParseOrder(oj, "order", problems);
      if (!order) FAIL(oj.dump() << "\n" << problems[0].code << " at " << problems[0].path);
      const auto pv = engine::PreviewOrder(p, *order, "order", problems);
      if (!pv) {
        // The only refusal a valid program and order may meet: an amount past 2^53-1.
        if (problems.empty() || problems[0].code != "E_OVERFLOW")
          FAIL(pj.dump() << "\n" << oj.dump());
        continue;
      }
      const std::string why = CheckPreview(p, *order, *pv);
      if (!why.empty()) FAIL(why << "\nprogram " << pj.dump() << "\norder " << oj.dump());
      ++previews;
      for (const auto& it : pv->items) {
        for (const auto& l : it.lines) {
          clipped += l.clipped && std::string(l.clipped) == "compliance_cap";
          cost_clipped += l.clipped && std::string(l.clipped) == "cost_protection";
        }
      }
    }
  }
  // The generator must actually reach the interesting cases.
  CHECK(previews > 4700);
  CHECK(clipped > 800);
  CHECK(cost_clipped > 350);
}

TEST_CASE(
    "ScaleToCap: parts add up to the cap, none above its amount, none below its floor share") {
  Rng rng{7};
  for (int n = 0; n < 5000; ++n) {
    std::vector<int64_t> amounts(static_cast<size_t>(rng.Range(1, 7)));
    __int128 total = 0;
    for (auto& a : amounts) {
      a = rng.Chance(10) ? 0 : rng.Amount();
      total += a;
    }
    const int64_t cap =
        total == 0 ? 0 : static_cast<int64_t>(rng.Range(0, static_cast<int64_t>(total)));
    const auto out = engine::ScaleToCap(amounts, cap);
    const auto why = [&]() -> std::string {
      PROPERTY(out.size() == amounts.size());
      __int128 sum = 0;
      for (size_t i = 0; i < out.size(); ++i) {
        PROPERTY(out[i] >= 0);
        PROPERTY(out[i] <= amounts[i]);
        if (total > 0)
          PROPERTY(out[i] >= static_cast<int64_t>(static_cast<__int128>(amounts[i]) * cap / total));
        sum += out[i];
      }
      PROPERTY(sum == (total <= cap ? total : cap));
      return "";
    }();
    if (!why.empty()) FAIL(why << " for case " << n);
  }
}

TEST_CASE("claw-back over random refund sequences: at most the line, exactly the line when full") {
  Rng rng{424242};
  int full = 0;
  for (int n = 0; n < 4000; ++n) {
    // Claw-back reads only these settings of a program.
    engine::Program p;
    p.refund_policy =
        rng.Range(0, 2) == 0 ? engine::RefundPolicy::kKeep : engine::RefundPolicy::kProportional;
    p.after_withdrawal =
        rng.Chance(50) ? engine::AfterWithdrawal::kDebt : engine::AfterWithdrawal::kForgive;
    p.rounding = rng.Chance(50) ? engine::Rounding::kFloor : engine::Rounding::kHalfUp;
    engine::ClawLine line;
    line.item_paid_fen = rng.Range(1, 10) == 1 ? rng.Range(1, 10) : rng.Amount() + 1;
    line.rate_basis = rng.Chance(50);
    if (line.rate_basis) {
      line.rate_bp = rng.Range(0, 5000);
      // A line as the preview makes it, sometimes clipped below the rate's amount.
      const int64_t by_rate =
          *engine::MulDiv(line.item_paid_fen, line.rate_bp, engine::kBpScale, p.rounding);
      line.amount = rng.Chance(30) ? rng.Range(0, by_rate) : by_rate;
    } else {
      line.amount = rng.Range(0, line.item_paid_fen / 2);
    }
    // Refunds: random parts of what is left, sometimes up to the full payment.
    std::vector<engine::Fen> refunds;
    std::vector<engine::LineState> states;
    int64_t left = line.item_paid_fen;
    const bool to_full = rng.Chance(50);
    const int steps = static_cast<int>(rng.Range(1, 6));
    for (int s = 0; s < steps && left > 0; ++s) {
      const int64_t part = (to_full && s == steps - 1) ? left : rng.Range(0, left);
      refunds.push_back(part);
      left -= part;
      states.push_back(static_cast<engine::LineState>(rng.Range(0, 4)));
    }
    engine::Problems problems;
    const auto out = engine::ApplyRefunds(p, line, refunds, states, "refunds", problems);
    const auto why = [&]() -> std::string {
      PROPERTY(out.has_value() && out->size() == refunds.size());
      int64_t total = 0, prev = 0;
      for (const auto& s : *out) {
        PROPERTY(s.clawback >= 0);
        PROPERTY(s.clawed_so_far >= prev);
        PROPERTY(s.clawed_so_far <= line.amount);
        PROPERTY(s.from_line + s.debt + s.forgiven == s.clawback);
        total += s.clawback;
        prev = s.clawed_so_far;
        PROPERTY(total == s.clawed_so_far);
      }
      PROPERTY(total <= line.amount);
      if (p.refund_policy == engine::RefundPolicy::kKeep)
        PROPERTY(total == 0);
      else if (left == 0)
        PROPERTY(total == line.amount);
      return "";
    }();
    if (!why.empty())
      FAIL(why << " for case " << n << ", line " << line.amount << " of " << line.item_paid_fen);
    full += p.refund_policy == engine::RefundPolicy::kProportional && left == 0;
  }
  CHECK(full > 500);
}

TEST_CASE("claw-back of previewed lines: a full refund of every item takes back every line") {
  Rng rng{99};
  int previews = 0, overflowed = 0;
  for (int n = 0; n < 300; ++n) {
    json pj = RandomDistribution(rng);
    pj["refund_policy"] = "proportional";
    const engine::Program p = MustParseProgram(pj);
    engine::Problems problems;
    const auto order = engine::ParseOrder(RandomOrder(rng, pj), "order", problems);
    if (!order) FAIL(problems[0].code);
    const auto pv = engine::PreviewOrder(p, *order, "order", problems);
    if (!pv) {
      // The only refusal a valid program and order may meet: an amount past 2^53-1.
      if (problems.empty() || problems[0].code != "E_OVERFLOW")
        FAIL(pj.dump() << "\n" << problems[0].code);
      ++overflowed;
      continue;
    }
    ++previews;
    for (const auto& it : pv->items) {
      if (it.paid_fen == 0) continue;
      for (const auto& l : it.lines) {
        const bool rate = std::string(l.basis) == "rate";
        engine::ClawLine c{l.amount, rate, rate ? l.value : 0, it.paid_fen};
        // Two halves, then the rest: the sum is the line exactly.
        const std::vector<engine::Fen> refunds = {it.paid_fen / 2, it.paid_fen - it.paid_fen / 2};
        const auto out = engine::ApplyRefunds(p, c, refunds, {}, "refunds", problems);
        if (!out || (*out)[0].clawback > l.amount ||
            (*out)[0].clawback + (*out)[1].clawback != l.amount)
          FAIL("line " << l.amount << " of " << it.paid_fen << " not taken back exactly");
      }
    }
  }
  // Every order was previewed or refused for overflow, and the refusals are the rare exception.
  CHECK(previews + overflowed == 300);
  CHECK(previews > 250);
}

TEST_CASE("rules_version: equal configs hash equal, a changed rate changes it") {
  Rng rng{31337};
  int changed = 0;
  for (int n = 0; n < 500; ++n) {
    const json pj = RandomDistribution(rng);
    const engine::Program a = MustParseProgram(pj);
    // The same config with every default spelled out hashes the same.
    json explicit_j = pj;
    if (!explicit_j.contains("rounding")) explicit_j["rounding"] = "floor";
    if (!explicit_j.contains("self_purchase")) explicit_j["self_purchase"] = "none";
    if (!explicit_j.contains("refund_policy")) explicit_j["refund_policy"] = "proportional";
    if (!explicit_j.contains("cost_protection")) explicit_j["cost_protection"] = false;
    explicit_j["hold_days"] = 7;
    explicit_j["after_withdrawal"] = "debt";
    explicit_j["profit_sharing_cap_bp"] = 3000;
    explicit_j["program_id"] = 0;
    const engine::Program b = MustParseProgram(explicit_j);
    if (a.rules_version != b.rules_version || a.rules_version.size() != 20 ||
        a.rules_version.rfind("rv1-", 0) != 0)
      FAIL(a.rules_version << " vs " << b.rules_version << " for " << pj.dump());
    // Lower one program default rate or amount by one: a different version.
    const char* key = pj.contains("rates_bp")
                          ? "rates_bp"
                          : (pj.contains("per_unit_points") ? "per_unit_points" : "per_unit_fen");
    json lower = pj;
    const size_t lv = static_cast<size_t>(rng.Range(0, static_cast<int64_t>(pj[key].size()) - 1));
    const int64_t v = pj[key][lv].get<int64_t>();
    lower[key][lv] = v > 0 ? v - 1 : v + 1;
    engine::Problems problems;
    const auto c = engine::ParseProgram(lower, "program", problems);
    if (!c) continue;  // raising a zero rate may break the 50 % sum: not this test's business
    if (c->rules_version == a.rules_version) FAIL("same version after a change: " << lower.dump());
    ++changed;
  }
  CHECK(changed > 300);
}

TEST_CASE(
    "withdrawals over random settings and asks: fee + net = amount, the maximum is accepted") {
  using namespace engine;
  Rng r{20261201};
  const PayoutMethod all[] = {PayoutMethod::kRedPacket, PayoutMethod::kWechatTransfer,
                              PayoutMethod::kBank, PayoutMethod::kAlipay,
                              PayoutMethod::kShopBalance};
  int allowed = 0, at_max = 0;
  for (int i = 0; i < 5000; ++i) {
    WithdrawalSettings s;
    s.min_fen = r.Range(1, 500);
    s.max_fen = r.Range(s.min_fen, 3000000);
    s.threshold_fen = r.Range(0, 300);
    s.max_per_period = r.Range(1, 5);
    s.period = static_cast<WithdrawalPeriod>(r.Range(0, 2));
    if (r.Chance(50)) s.fee = {r.Range(0, 5000), r.Range(0, 300), std::nullopt};
    if (r.Chance(30)) s.fee.max_fen = s.fee.min_fen + r.Range(0, 1000);
    WithdrawalAsk a;
    a.available_fen = r.Amount();
    a.method = all[r.Range(0, 4)];
    a.now_ms = 1764547200000 + r.Range(0, 90) * kDayMs + r.Range(0, kDayMs - 1);
    a.real_name = r.Chance(50);
    for (int h = r.Range(0, 6); h > 0; --h)
      a.history.push_back(
          PastWithdrawal{std::max<int64_t>(0, a.now_ms - r.Range(0, 40) * kDayMs / 4),
                         all[r.Range(0, 4)], r.Range(0, 1500000)});
    a.amount_fen = r.Chance(50) ? r.Range(0, a.available_fen + 10) : r.Amount();
    const WithdrawalPreview v = PreviewWithdrawal(s, a);
    INFO("case " << i);
    CHECK(v.fee_fen >= 0);
    CHECK(v.net_fen >= 0);
    if (v.reasons.empty()) {
      ++allowed;
      CHECK(v.fee_fen + v.net_fen == a.amount_fen);
      CHECK(a.amount_fen <= a.available_fen);
      CHECK(v.net_fen > 0);
      CHECK(a.amount_fen <= v.max_amount_fen);  // anything allowed is within the reported maximum
    }
    if (v.max_amount_fen > 0) {
      // Asking for the maximum is allowed; one fen more is not (or exceeds what there is).
      WithdrawalAsk m = a;
      m.amount_fen = v.max_amount_fen;
      CHECK(PreviewWithdrawal(s, m).reasons.empty());
      m.amount_fen = v.max_amount_fen + 1;
      CHECK_FALSE(PreviewWithdrawal(s, m).reasons.empty());
      ++at_max;
    }
  }
  CHECK(allowed > 500);  // the generator reaches both sides
  CHECK(at_max > 500);
}
