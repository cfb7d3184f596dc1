// Gates, the password lock and pass, the countdown and the ticker texts, through the C++ functions
// and the JSON entry points. The golden vectors (tests/vectors/gates.json) hold the examples; here
// are the properties over many random contexts (fixed seed) and the edges that need loops.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "api/gate_api.h"
#include "countdown.h"
#include "gate.h"
#include "ticker.h"

using engine::CampaignPhase;
using engine::GateState;
using engine::GateUser;
using engine::GateVerdict;
using engine::Program;
using nlohmann::json;

namespace {

constexpr int64_t S = 1767196800000;  // 2026-01-01 00:00 CST
constexpr int64_t kMin = 60000;

// Unlike std::uniform_int_distribution, the same numbers on every standard library.
struct Rng {
  std::mt19937_64 g{20260101};
  int64_t In(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(g() % uint64_t(hi - lo + 1));
  }
  bool Coin() { return g() & 1; }
};

std::set<std::string> Codes(const GateVerdict& v) {
  std::set<std::string> s;
  for (const auto& r : v.reasons) s.insert(r.code);
  return s;
}

bool Blocks(const GateVerdict& v, unsigned action) {
  for (const auto& r : v.reasons)
    if (r.blocks & action) return true;
  return false;
}

const char* kRegions[] = {"440305", "440300", "440000", "110105", "429004", "810001",
                          "990101", "44030",  "abcdef", "440106", "350203"};

std::string MakePass(int64_t program, int64_t user, int64_t expires) {
  return "gp1." + std::to_string(program) + "." + std::to_string(user) + "." +
         std::to_string(expires) + ".AAAAAAAAAAAAAAAAAAAAAA";
}

struct Context {
  Program p;
  GateState state;
  GateUser user;
  int64_t now;
};

Context RandomContext(Rng& rng) {
  Context c;
  c.p.kind = engine::ProgramKind::kCampaign;
  c.p.program_id = rng.In(1, 3);
  auto& s = c.p.campaign;
  s.start_ms = S + rng.In(-2, 2) * 3600000;
  s.end_ms = s.start_ms + rng.In(1, 48) * 3600000;
  s.stock = rng.In(0, 5);
  s.max_buyers = rng.In(0, 4);
  s.per_user_limit = rng.In(0, 3);
  s.fans_only = rng.Coin();
  s.password_protected = rng.Coin();
  s.buy_before_distributing = rng.Coin();
  if (rng.Coin()) s.allowed_regions = {kRegions[rng.In(0, 2)], "110000"};
  c.now = S + rng.In(-4 * 3600, 60 * 3600) * 1000 + rng.In(0, 999);
  c.state.stock_left = rng.In(0, 5);
  c.state.buyers = rng.In(0, 5);
  c.user.id = rng.In(1, 3);
  c.user.is_fan = rng.Coin();
  if (rng.Coin()) c.user.region = kRegions[rng.In(0, 10)];
  c.user.bought_units = rng.In(0, 3);
  if (rng.In(0, 2) > 0)
    c.user.pass = MakePass(rng.In(1, 3), rng.In(1, 3), c.now + rng.In(-3600, 7200) * 1000);
  c.user.pass_signature = static_cast<engine::PassSignature>(rng.In(0, 2));
  const int tries = static_cast<int>(rng.In(0, 7));
  for (int i = 0; i < tries; ++i) c.user.wrong_tries_ms.push_back(c.now - rng.In(0, 1800) * 1000);
  return c;
}

}  // namespace

TEST_CASE("property: a gate never allows while a reason blocks, and changes only in the future") {
  Rng rng;
  int allowed = 0, changing = 0;
  for (int i = 0; i < 20000; ++i) {
    const Context c = RandomContext(rng);
    const GateVerdict v = engine::EvaluateGate(c.p, c.state, c.user, c.now);
    INFO("case " << i);
    CHECK(v.enter == !Blocks(v, engine::kEnter));
    CHECK(v.buy == !Blocks(v, engine::kBuy));
    CHECK(v.distribute == !Blocks(v, engine::kDistribute));
    if (v.buy) ++allowed;
    // Independent checks of single gates.
    const auto& s = c.p.campaign;
    if (c.now < s.start_ms || c.now >= s.end_ms || c.state.stock_left == 0) CHECK_FALSE(v.buy);
    if (s.fans_only && !c.user.is_fan) CHECK_FALSE(v.buy);
    if (s.password_protected && !c.user.pass) CHECK_FALSE(v.enter);
    if (s.per_user_limit > 0 && c.user.bought_units >= s.per_user_limit) CHECK_FALSE(v.buy);
    if (s.buy_before_distributing && c.user.bought_units == 0) CHECK_FALSE(v.distribute);
    CHECK((v.max_units > 0) == v.buy);
    // Never in the past; and nothing changes before that moment, while something does at it.
    if (v.changes_at_ms) {
      ++changing;
      REQUIRE(*v.changes_at_ms > c.now);
      const auto just_before = engine::EvaluateGate(c.p, c.state, c.user, *v.changes_at_ms - 1);
      CHECK(Codes(just_before) == Codes(v));
      const auto at = engine::EvaluateGate(c.p, c.state, c.user, *v.changes_at_ms);
      CHECK(Codes(at) != Codes(v));
    } else {
      const auto much_later = engine::EvaluateGate(c.p, c.state, c.user, engine::kGateMaxTimeMs);
      CHECK(Codes(much_later) == Codes(v));
    }
  }
  // The generator must reach both answers often, or the property says little.
  CHECK(allowed > 200);
  CHECK(changing > 2000);
}

TEST_CASE("property: the JSON answer agrees with itself for random requests") {
  Rng rng;
  for (int i = 0; i < 300; ++i) {
    const Context c = RandomContext(rng);
    json req = {{"program",
                 {{"kind", "campaign"},
                  {"program_id", c.p.program_id},
                  {"start_ms", c.p.campaign.start_ms},
                  {"end_ms", c.p.campaign.end_ms},
                  {"commission_per_unit_fen", 100},
                  {"product", {{"price_fen", 1000}, {"stock", c.p.campaign.stock}}},
                  {"max_buyers", c.p.campaign.max_buyers},
                  {"per_user_limit", c.p.campaign.per_user_limit},
                  {"fans_only", c.p.campaign.fans_only},
                  {"password_protected", c.p.campaign.password_protected},
                  {"buy_before_distributing", c.p.campaign.buy_before_distributing},
                  {"allowed_regions", c.p.campaign.allowed_regions}}},
                {"now_ms", c.now},
                {"state", {{"stock_left", c.state.stock_left}, {"buyers", c.state.buyers}}},
                {"user",
                 {{"id", c.user.id},
                  {"is_fan", c.user.is_fan},
                  {"bought_units", c.user.bought_units},
                  {"wrong_tries_ms", c.user.wrong_tries_ms}}}};
    if (c.user.region) req["user"]["region"] = *c.user.region;
    if (c.user.pass) req["user"]["pass"] = *c.user.pass;
    const json out = json::parse(engine::api::EvaluateGate(req.dump()));
    INFO(req.dump());
    INFO(out.dump());
    REQUIRE(out["ok"] == true);
    bool blocks_buy = false;
    for (const auto& r : out["reasons"])
      for (const auto& b : r["blocks"]) blocks_buy = blocks_buy || b == "buy";
    CHECK(out["buy"]["allowed"] == !blocks_buy);
    CHECK(out["allowed"] == (out["buy"]["allowed"] == true && out["enter"]["allowed"] == true));
    if (!out["changes_at_ms"].is_null()) CHECK(out["changes_at_ms"].get<int64_t>() > c.now);
  }
}

TEST_CASE("lock: exactly the fifth wrong try inside ten minutes locks") {
  for (int64_t spread = 0; spread <= 700000; spread += 25000) {
    // Five tries evenly spread over `spread` ms.
    std::vector<int64_t> t;
    for (int i = 0; i < 5; ++i) t.push_back(S + spread * i / 4);
    const auto l = engine::EvaluateLock(t, t.back());
    INFO("spread " << spread);
    CHECK(l.locked == (spread < engine::kPasswordWindowMs));
    if (l.locked) CHECK(*l.lock_until_ms == t.back() + engine::kPasswordLockMs);
  }
  CHECK(engine::EvaluateLock({}, S).tries_left == 5);
}

TEST_CASE("pass: parse round trip and rejects") {
  const auto p = engine::ParsePass(MakePass(9007199254740991, 1, 4102444800000));
  REQUIRE(p);
  CHECK(p->program_id == 9007199254740991);
  CHECK(p->expires_ms == 4102444800000);
  CHECK_FALSE(engine::ParsePass(MakePass(9007199254740992, 1, 5)));
  CHECK_FALSE(engine::ParsePass(MakePass(1, 1, 4102444800001)));
  CHECK_FALSE(engine::ParsePass("gp1.1.1.1.AAAAAAAAAAAAAAAAAAAAA+"));
  CHECK_FALSE(engine::ParsePass(std::string(200, '.')));
  CHECK_FALSE(engine::ParsePass("gp1..1.1.AAAAAAAAAAAAAAAAAAAAAA"));
}

TEST_CASE("countdown: the shown seconds change exactly at next_tick_ms") {
  const int64_t start = S, end = S + 3 * 86400000;
  Rng rng;
  for (int i = 0; i < 5000; ++i) {
    const int64_t now = start - 90000000 + rng.In(0, 400000000);
    const auto c = engine::MakeCountdown(start, end, now);
    INFO("now " << now);
    if (c.phase == CampaignPhase::kEnded) {
      CHECK_FALSE(c.next_tick_ms);
      continue;
    }
    REQUIRE(c.next_tick_ms);
    CHECK(*c.next_tick_ms > now);
    CHECK(*c.next_tick_ms <= *c.phase_changes_at_ms);
    CHECK(*c.next_tick_ms - now <= 1000);
    const auto same = engine::MakeCountdown(start, end, *c.next_tick_ms - 1);
    CHECK(same.phase == c.phase);
    CHECK(same.parts.seconds == c.parts.seconds);
    const auto next = engine::MakeCountdown(start, end, *c.next_tick_ms);
    const bool changed = next.phase != c.phase || next.parts.seconds != c.parts.seconds ||
                         next.parts.minutes != c.parts.minutes;
    CHECK(changed);
    // Never zero while the phase has not flipped.
    const auto& p = c.parts;
    CHECK(p.days + p.hours + p.minutes + p.seconds > 0);
    CHECK((p.hours < 24 && p.minutes < 60 && p.seconds < 60));
  }
}

TEST_CASE("ticker: masking never reveals more than the first character") {
  CHECK(engine::MaskName("张三") == "张**");
  CHECK(engine::MaskName("张") == "张**");
  CHECK(engine::MaskName("\xE3\x80\x80王五") == "王**");
  CHECK(engine::MaskName("   ") == "匿名用户");
  CHECK(engine::MaskName("\xFF\xFE"
                         "ab") == "匿名用户");        // not UTF-8
  CHECK(engine::MaskName("\xE5\xBC") == "匿名用户");  // cut in the middle of 张
  CHECK(engine::MaskName("\xF0\x9F\x90\xB1") == "\xF0\x9F\x90\xB1**");
  CHECK(engine::AgoFrom(S, S + 3 * kMin + 59999).text == "3分钟前");
  CHECK(engine::ParticipantsText(99999) == "9.9万人参与");
  CHECK(engine::ParticipantsText(9007199254740991) == "900719925474万人参与");
}
