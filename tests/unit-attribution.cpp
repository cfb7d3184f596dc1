// Attribution (SPEC 5): the mode-switch calendar, and property tests over random event sequences
// with a fixed seed: nobody is ever bound to himself, an inviter never changes once set, every
// decision carries a known reason, a step-by-step run equals a replay, and a state cut down to the
// one customer an event touches gives the same decision as the whole state (lazy switch effects).
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "api/attribution_api.h"
#include "attribution.h"

using nlohmann::json;

namespace {

constexpr int64_t H = engine::kHourMs;
constexpr int64_t D = engine::kDayMs;
// 2024-11-03 00:00 China time.
constexpr int64_t kNov3Cst = 1730563200000;

json Call(std::string (*fn)(const std::string&), const json& req) {
  return json::parse(fn(req.dump()));
}

struct Rng {
  std::mt19937_64 g;
  explicit Rng(uint64_t seed) : g(seed) {}
  // Plain modulo: the same numbers from libstdc++ (native) and libc++ (WASM).
  int64_t Below(int64_t n) { return static_cast<int64_t>(g() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Below(100) < percent; }
};

json RandomSettings(Rng& r) {
  const int depth = 1 + static_cast<int>(r.Below(3));
  json rates = json::array();
  for (int i = 0; i < depth; ++i) rates.push_back(1000);
  json s = {{"program",
             {{"kind", "distribution"},
              {"depth", depth},
              {"rates_bp", rates},
              {"self_purchase", r.Chance(50) ? "none" : "self_as_level1"}}},
            {"mode", r.Chance(50) ? "relation_first" : "sharer_first"},
            {"auto_unbind", r.Chance(50) ? "never" : "on_expiry"},
            {"binding_days", 1 + r.Below(5)},
            {"share_window_hours", 1 + r.Below(48)},
            {"bind_on", r.Chance(70) ? "visit" : "order"}};
  return s;
}

json InitialState() {
  return {{"distributors",
           {{{"id", 1}},
            {{"id", 2}, {"inviter_id", 1}},
            {{"id", 3}, {"inviter_id", 2}},
            {{"id", 4}},
            {{"id", 5}, {"inviter_id", 4}}}}};
}

json RandomEvent(Rng& r, int64_t& t, const std::vector<int64_t>& distributors) {
  t += r.Chance(20) ? 0 : r.Below(3 * D);
  const auto person = [&] {
    return r.Chance(70) ? 100 + r.Below(12) : distributors[r.Below(distributors.size())];
  };
  const auto dist = [&] { return distributors[r.Below(distributors.size())]; };
  switch (r.Below(12)) {
    case 0:
    case 1:
    case 2:
      return {{"type", "visit"}, {"customer_id", person()}, {"sharer_id", dist()}, {"at_ms", t}};
    case 3:
      return {{"type", "register"}, {"customer_id", person()}, {"at_ms", t}};
    case 4:
    case 5:
      return {{"type", "order"}, {"customer_id", person()}, {"at_ms", t}};
    case 6:
      return {
          {"type", "rebind"}, {"customer_id", person()}, {"distributor_id", dist()}, {"at_ms", t}};
    case 7:
      return {{"type", "unbind"}, {"customer_id", person()}, {"at_ms", t}};
    case 8:
      return {{"type", "switch_mode"},
              {"to", r.Chance(50) ? "relation_first" : "sharer_first"},
              {"at_ms", t}};
    case 9:
      return {{"type", "switch_auto_unbind"},
              {"to", r.Chance(50) ? "never" : "on_expiry"},
              {"at_ms", t}};
    case 10:
      return {{"type", "set_inviter"},
              {"distributor_id", dist()},
              {"inviter_id", dist()},
              {"at_ms", t}};
    default:
      return {{"type", "tick"}, {"at_ms", t}};
  }
}

std::vector<int64_t> DistributorIds(const json& state) {
  std::vector<int64_t> ids;
  for (const auto& d : state["distributors"]) ids.push_back(d["id"].get<int64_t>());
  return ids;
}

// The state a server would load for one event: the program's fields, every distributor, and
// only the customer the event is about.
json CutDown(const json& state, const json& event) {
  json s = state;
  json keep = json::array();
  if (event.contains("customer_id"))
    for (const auto& c : state.value("customers", json::array()))
      if (c["id"] == event["customer_id"]) keep.push_back(c);
  s["customers"] = keep;
  return s;
}

}  // namespace

TEST_CASE("a switch takes effect at 05:00 China time on the day after the request") {
  using engine::SwitchEffectiveMs;
  const int64_t nov4_0500 = kNov3Cst + D + 5 * H;
  CHECK(SwitchEffectiveMs(kNov3Cst) == nov4_0500);                       // 00:00
  CHECK(SwitchEffectiveMs(kNov3Cst + 4 * H + 59 * 60000) == nov4_0500);  // 04:59, not the same day
  CHECK(SwitchEffectiveMs(kNov3Cst + 5 * H) == nov4_0500);               // 05:00
  CHECK(SwitchEffectiveMs(kNov3Cst + D - 60000) == nov4_0500);           // 23:59
  CHECK(SwitchEffectiveMs(kNov3Cst + D - 1) == nov4_0500);               // 23:59:59.999
  CHECK(SwitchEffectiveMs(kNov3Cst + D) == nov4_0500 + D);               // 00:00 the next day
  CHECK(SwitchEffectiveMs(0) == 21 * H);  // 1970-01-01 08:00 CST -> 01-02 05:00 CST
}

TEST_CASE("every reason code is distinct") {
  const auto& all = engine::AttributionReasons();
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == all.size());
}

TEST_CASE("a failed step returns only errors, never a state") {
  const json req = {
      {"settings", {{"program", {{"kind", "distribution"}, {"rates_bp", {1000}}}}}},
      {"state", InitialState()},
      {"event", {{"type", "visit"}, {"customer_id", 9}, {"sharer_id", 77}, {"at_ms", 1}}}};
  const json out = Call(engine::api::AttributionStep, req);
  CHECK(out["ok"] == false);
  CHECK_FALSE(out.contains("state"));
  CHECK(out["errors"][0]["code"] == "E_UNKNOWN_DISTRIBUTOR");
}

TEST_CASE("property: random event sequences keep the invariants (fixed seed)") {
  Rng rng(20241103);
  const std::set<std::string> reasons(engine::AttributionReasons().begin(),
                                      engine::AttributionReasons().end());
  std::set<std::string> seen;
  size_t steps = 0;
  for (int seq = 0; seq < 8; ++seq) {
    const json settings = RandomSettings(rng);
    json state = InitialState();
    json events = json::array();
    std::map<int64_t, int64_t> inviters;  // distributor -> inviter, once set
    int64_t t = kNov3Cst + rng.Below(D);
    for (int i = 0; i < 90; ++i) {
      const json event = RandomEvent(rng, t, DistributorIds(state));
      events.push_back(event);
      const json out = Call(engine::api::AttributionStep,
                            {{"settings", settings}, {"state", state}, {"event", event}});
      INFO("sequence " << seq << " event " << i << ": " << event.dump());
      REQUIRE(out["ok"] == true);
      ++steps;

      // Every decision is explained: a known reason and its facts.
      json all = out["applied"];
      all.push_back(out["decision"]);
      for (const auto& d : all) {
        REQUIRE(d["reason"].is_string());
        CHECK(reasons.count(d["reason"].get<std::string>()) == 1);
        CHECK(d["facts"].is_object());
        seen.insert(d["reason"].get<std::string>());
      }

      // The same event against only the customer it touches decides the same.
      const json cut =
          Call(engine::api::AttributionStep,
               {{"settings", settings}, {"state", CutDown(state, event)}, {"event", event}});
      REQUIRE(cut["ok"] == true);
      CHECK(cut["decision"] == out["decision"]);

      state = out["state"];
      for (const auto& c : state["customers"]) {
        if (c["binding"].is_object()) CHECK(c["binding"]["distributor_id"] != c["id"]);
        if (c["share"].is_object()) CHECK(c["share"]["sharer_id"] != c["id"]);
      }
      std::set<int64_t> now;
      for (const auto& d : state["distributors"]) {
        const int64_t id = d["id"].get<int64_t>();
        now.insert(id);
        CHECK(d["inviter_id"] != d["id"]);
        auto it = inviters.find(id);
        if (it != inviters.end())
          CHECK(d["inviter_id"] == it->second);
        else if (d["inviter_id"].is_number())
          inviters[id] = d["inviter_id"].get<int64_t>();
      }
      for (const auto& [id, inv] : inviters) CHECK(now.count(id) == 1);
    }
    // An auditor's replay of the whole log reaches the same state.
    const json replay =
        Call(engine::api::ReplayEvents,
             {{"settings", settings}, {"state", InitialState()}, {"events", events}});
    REQUIRE(replay["ok"] == true);
    CHECK(replay["state"] == state);
  }
  CHECK(steps == 8 * 90);
  // The random walk reaches the everyday decisions (the rest are covered by the vectors).
  for (const char* r : {"visit_bound", "visit_cached", "order_bound", "order_shared",
                        "order_unattributed", "register_inviter_bound", "switch_scheduled",
                        "switch_effective", "switch_refused_too_soon", "auto_unbind_switched"})
    CHECK(seen.count(r) == 1);
}

TEST_CASE("an order's beneficiary input feeds the commission engine unchanged") {
  const json settings = {
      {"program", {{"kind", "distribution"}, {"depth", 3}, {"rates_bp", {1000, 500, 300}}}}};
  json state = InitialState();
  state["customers"] = {{{"id", 100}, {"binding", {{"distributor_id", 3}, {"since_ms", 0}}}}};
  json req = {{"settings", settings}, {"state", state}};
  req["event"] = json::parse(R"({"customer_id": 100, "at_ms": 10})");
  req["order"] = json::parse(R"({"items": [{"paid_fen": 10000}]})");
  const json out = Call(engine::api::AttributeOrder, req);
  REQUIRE(out["ok"] == true);
  CHECK(out["order"]["bound_distributor_id"] == 3);
  CHECK(out["order"]["distributors"].size() == 3);
  CHECK(out["commission"]["totals"]["cash_fen"] == 1800);
  CHECK(out["state"]["customers"][0]["has_bought"] == true);
}

TEST_CASE("a state survives its own round trip") {
  const json settings = {{"program", {{"kind", "distribution"}, {"rates_bp", {1000}}}},
                         {"auto_unbind", "on_expiry"}};
  const json events = {{{"type", "visit"}, {"customer_id", 100}, {"sharer_id", 3}, {"at_ms", 1000}},
                       {{"type", "switch_mode"}, {"to", "sharer_first"}, {"at_ms", 2000}},
                       {{"type", "switch_auto_unbind"}, {"to", "never"}, {"at_ms", 3000}},
                       {{"type", "register"}, {"customer_id", 100}, {"at_ms", 4000}}};
  const json a = Call(engine::api::ReplayEvents,
                      {{"settings", settings}, {"state", InitialState()}, {"events", events}});
  REQUIRE(a["ok"] == true);
  const json b = Call(engine::api::ReplayEvents,
                      {{"settings", settings}, {"state", a["state"]}, {"events", json::array()}});
  REQUIRE(b["ok"] == true);
  CHECK(b["state"] == a["state"]);
  CHECK(a["state"]["pending_switch"]["to"] == "sharer_first");
}
