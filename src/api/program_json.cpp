#include "program_json.h"

#include <algorithm>

#include "cst_time.h"
#include "region.h"

namespace engine {
namespace {

constexpr size_t kMaxProducts = 10000;
constexpr size_t kMaxAgents = 10000;
constexpr size_t kMaxTypes = 32;
constexpr size_t kMaxRegions = 4000;

// 64-bit FNV-1a: tiny, endian-free and identical in native and WASM builds.
uint64_t Fnv1a64(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Reads a level table: `depth_limit` entries at most; null entries allowed only when `allow_unset`.
LevelTable ReadLevels(const Json& arr, const std::string& path, const Program& p, bool allow_unset,
                      Problems& problems) {
  LevelTable t{};
  if (!arr.is_array()) {
    Report(problems, "E_TYPE", path, "expected an array with one entry per level");
    return t;
  }
  if (arr.size() > static_cast<size_t>(kMaxDepth)) {
    Report(problems, "E_DEPTH", path, "at most 3 commission levels are allowed");
    return t;
  }
  if (arr.size() > static_cast<size_t>(p.depth)) {
    Report(problems, "E_DEPTH", path,
           "has " + std::to_string(arr.size()) + " levels but depth is " + std::to_string(p.depth));
    return t;
  }
  if (!allow_unset && arr.size() != static_cast<size_t>(p.depth)) {
    Report(problems, "E_DEPTH", path,
           "needs exactly one entry per level (depth " + std::to_string(p.depth) + ")");
  }
  const bool rate = p.mode == CommissionMode::kRate;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ip = IndexPath(path, i);
    if (arr[i].is_null()) {
      if (!allow_unset) Report(problems, "E_REQUIRED", ip, "the program default must be set");
      continue;
    }
    // Read wide first so a rate of 6000 says "over the cap", not "out of range".
    auto v = ReadInt(arr[i], ip, 0, kMaxAmount, problems);
    if (!v) continue;
    if (rate && *v > kComplianceCapBp) {
      Report(problems, "E_RATE_CAP", ip, "a commission rate may not exceed 50 % (5000 bp)");
      continue;
    }
    t[i] = v;
  }
  return t;
}

const char* LevelsKey(const Program& p) {
  if (p.mode == CommissionMode::kRate) return "rates_bp";
  return p.reward == RewardType::kPoints ? "per_unit_points" : "per_unit_fen";
}

void ReadThresholds(Reader& g, Grade& grade) {
  const Json* t = g.Raw("thresholds");
  if (!t) return;
  Reader r(*t, g.PathOf("thresholds"), g.Out());
  auto& th = grade.thresholds;
  const auto one = [&](const char* k) -> std::optional<int64_t> {
    auto v = r.Amount(k, -1);
    if (v && *v < 0) return std::nullopt;
    return v;
  };
  th.bound_customers = one("bound_customers");
  th.invited_distributors = one("invited_distributors");
  th.paid_orders = one("paid_orders");
  th.paid_fen = one("paid_fen");
  th.deal_fen = one("deal_fen");
  th.completed_orders = one("completed_orders");
  r.Finish();
}

void ReadGrades(Reader& r, Program& p) {
  const Json* arr = r.Array("grades", 64);
  if (!arr) return;
  const std::string base = r.PathOf("grades");
  if (arr->size() > kMaxGrades) {
    Report(r.Out(), "E_GRADE_COUNT", base, "at most 5 grades are allowed");
    return;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    Reader g((*arr)[i], IndexPath(base, i), r.Out());
    Grade grade;
    grade.id = g.Str("id", std::nullopt, 64).value_or("");
    grade.name = g.Str("name", grade.id, 64).value_or("");
    if (const Json* lv = g.Raw(LevelsKey(p)))
      grade.levels = ReadLevels(*lv, g.PathOf(LevelsKey(p)), p, true, r.Out());
    ReadThresholds(g, grade);
    g.Finish();
    if (!g.Ok()) continue;
    if (p.FindGrade(grade.id))
      Report(r.Out(), "E_DUPLICATE", g.PathOf("id"), "grade id used twice");
    if (i == 0 && grade.thresholds.Any())
      Report(r.Out(), "E_GRADE_THRESHOLD", g.PathOf("thresholds"),
             "the first grade is where everyone starts: it has no thresholds");
    if (i > 0 && !grade.thresholds.Any())
      Report(r.Out(), "E_GRADE_THRESHOLD", g.PathOf("thresholds"),
             "a higher grade needs at least one threshold");
    p.grades.push_back(std::move(grade));
  }
}

void ReadProducts(Reader& r, Program& p) {
  const Json* arr = r.Array("products", kMaxProducts);
  if (!arr) return;
  const std::string base = r.PathOf("products");
  for (size_t i = 0; i < arr->size(); ++i) {
    Reader pr((*arr)[i], IndexPath(base, i), r.Out());
    ProductRule rule;
    rule.product_id = pr.Str("product_id", std::nullopt, 64).value_or("");
    if (const Json* lv = pr.Raw(LevelsKey(p)))
      rule.levels = ReadLevels(*lv, pr.PathOf(LevelsKey(p)), p, true, r.Out());
    if (const Json* bg = pr.Raw("grades")) {
      const std::string gp = pr.PathOf("grades");
      if (!bg->is_object()) {
        Report(r.Out(), "E_TYPE", gp, "expected an object of grade id -> levels");
      } else {
        for (auto it = bg->begin(); it != bg->end(); ++it) {
          const std::string kp = gp + "." + it.key();
          if (!p.FindGrade(it.key())) {
            Report(r.Out(), "E_UNKNOWN_GRADE", kp, "no grade with this id");
            continue;
          }
          rule.by_grade[it.key()] = ReadLevels(*it, kp, p, true, r.Out());
        }
      }
    }
    pr.Finish();
    if (!pr.Ok()) continue;
    if (p.FindProduct(rule.product_id))
      Report(r.Out(), "E_DUPLICATE", pr.PathOf("product_id"), "product listed twice");
    p.products.push_back(std::move(rule));
  }
}

void ReadAgents(Reader& r, Program& p) {
  const Json* a = r.Raw("regional_agents");
  if (!a) return;
  Reader ar(*a, r.PathOf("regional_agents"), r.Out());
  p.agents.province_bp = ar.Int("province_bp", 0, kMaxAmount, 0).value_or(0);
  p.agents.city_bp = ar.Int("city_bp", 0, kMaxAmount, 0).value_or(0);
  p.agents.district_bp = ar.Int("district_bp", 0, kMaxAmount, 0).value_or(0);
  for (const char* k : {"province_bp", "city_bp", "district_bp"}) {
    const Bp v = k[0] == 'p' ? p.agents.province_bp
                             : (k[0] == 'c' ? p.agents.city_bp : p.agents.district_bp);
    if (v > kComplianceCapBp)
      Report(r.Out(), "E_RATE_CAP", ar.PathOf(k),
             "a commission rate may not exceed 50 % (5000 bp)");
  }
  if (const Json* list = ar.Array("agents", kMaxAgents)) {
    const std::string base = ar.PathOf("agents");
    for (size_t i = 0; i < list->size(); ++i) {
      Reader e((*list)[i], IndexPath(base, i), r.Out());
      auto region = e.Str("region", std::nullopt, 6);
      auto id = e.Amount("agent_id");
      e.Finish();
      if (!region || !id) continue;
      const bool six_digits =
          region->size() == 6 &&
          std::all_of(region->begin(), region->end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!six_digits) {
        Report(r.Out(), "E_REGION", e.PathOf("region"), "expected a 6-digit GB/T 2260 code");
        continue;
      }
      if (p.agents.agent_by_region.count(*region))
        Report(r.Out(), "E_DUPLICATE", e.PathOf("region"), "region has two agents");
      p.agents.agent_by_region[*region] = *id;
    }
  }
  ar.Finish();
}

void ReadStringList(Reader& r, const char* key, size_t max, size_t max_len,
                    std::vector<std::string>& out) {
  const Json* arr = r.Array(key, max);
  if (!arr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto& v = (*arr)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().size() > max_len) {
      Report(r.Out(), "E_TYPE", IndexPath(r.PathOf(key), i), "expected a short string");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
}

void ReadDistribution(Reader& r, Program& p) {
  p.depth = static_cast<int>(r.Int("depth", 1, kMaxAmount, 1).value_or(1));
  if (p.depth > kMaxDepth) {
    Report(r.Out(), "E_DEPTH", r.PathOf("depth"),
           "at most 3 commission levels are allowed (deeper chains are pyramid selling)");
    p.depth = kMaxDepth;
  }
  p.self_purchase =
      r.Enum("self_purchase", {"none", "self_as_level1"}, "none").value_or("none") == "none"
          ? SelfPurchase::kNone
          : SelfPurchase::kSelfAsLevel1;
  const auto reward = r.Enum("reward", {"cash", "points", "balance"}, "cash").value_or("cash");
  p.reward = reward == "cash" ? RewardType::kCash
                              : (reward == "points" ? RewardType::kPoints : RewardType::kBalance);
  p.mode = r.Enum("mode", {"rate", "fixed"}, "rate").value_or("rate") == "rate"
               ? CommissionMode::kRate
               : CommissionMode::kFixed;
  if (p.reward != RewardType::kCash && p.mode == CommissionMode::kRate) {
    Report(r.Out(), "E_REWARD_MODE", r.PathOf("mode"),
           "points and balance rewards are a fixed amount per unit only");
    p.mode = CommissionMode::kFixed;  // keep reading the rest with the only valid mode
  }
  p.refund_policy =
      r.Enum("refund_policy", {"keep", "proportional"}, "proportional").value_or("proportional") ==
              "keep"
          ? RefundPolicy::kKeep
          : RefundPolicy::kProportional;
  if (const Json* lv = r.Raw(LevelsKey(p))) {
    p.levels = ReadLevels(*lv, r.PathOf(LevelsKey(p)), p, false, r.Out());
  } else {
    Report(r.Out(), "E_REQUIRED", r.PathOf(LevelsKey(p)),
           "the program default per level is required");
  }
  ReadGrades(r, p);
  p.upgrade = r.Enum("grade_upgrade", {"any", "all"}, "any").value_or("any") == "any"
                  ? UpgradeRule::kAny
                  : UpgradeRule::kAll;
  ReadProducts(r, p);
  p.cost_protection = r.Bool("cost_protection", false).value_or(false);
  ReadAgents(r, p);
  ReadStringList(r, "excluded_order_types", kMaxTypes, 32, p.excluded_order_types);
}

// A URL the activity page may put into src/href: https or a site path, nothing a browser would run
// (javascript:, data:) or could break out of an attribute with.
std::string PageUrl(Reader& r, const char* key, bool required) {
  auto u = r.Str(key, required ? std::nullopt : std::optional<std::string>(""), kMaxPageUrlBytes);
  if (!u || (u->empty() && !required)) return "";
  bool ok = u->rfind("https://", 0) == 0
                ? u->size() > 8
                : (!u->empty() && (*u)[0] == '/' && u->rfind("//", 0) != 0);
  for (char c : *u) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\')
      ok = false;
  }
  if (!ok) {
    Report(r.Out(), "E_URL", r.PathOf(key),
           "must be an https:// URL or a path starting with one /, without spaces, quotes or <>");
    return "";
  }
  return *u;
}

size_t CodePointCount(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void ReadFooterButtons(Reader& r, CampaignSettings& c) {
  const Json* arr = r.Array("footer_buttons", kMaxFooterButtons);
  if (!arr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    Reader b((*arr)[i], IndexPath(r.PathOf("footer_buttons"), i), r.Out());
    CampaignSettings::FooterButton button;
    const auto text = b.Str("text", std::nullopt, 4 * kMaxFooterTextChars);
    if (text && text->empty())
      Report(r.Out(), "E_REQUIRED", b.PathOf("text"), "a button needs a label");
    else if (text && CodePointCount(*text) > kMaxFooterTextChars)
      Report(r.Out(), "E_TOO_LONG", b.PathOf("text"), "at most 8 characters");
    button.text = text.value_or("");
    button.url = PageUrl(b, "url", true);
    b.Finish();
    c.footer_buttons.push_back(std::move(button));
  }
}

void ReadCampaign(Reader& r, Program& p) {
  auto& c = p.campaign;
  p.refund_policy =
      r.Enum("refund_policy", {"keep", "proportional"}, "keep").value_or("keep") == "keep"
          ? RefundPolicy::kKeep
          : RefundPolicy::kProportional;
  c.title = r.Str("title", "", 128).value_or("");
  auto start = r.Int("start_ms", 0, kTimeLimitMs);
  auto end = r.Int("end_ms", 0, kTimeLimitMs);
  if (start && end && *start >= *end)
    Report(r.Out(), "E_TIME_ORDER", r.PathOf("end_ms"), "the campaign must end after it starts");
  c.start_ms = start.value_or(0);
  c.end_ms = end.value_or(0);
  // Read wide so that 20001 reports the campaign range rather than a generic one.
  auto per_unit = r.Amount("commission_per_unit_fen");
  if (per_unit && (*per_unit < kCampaignMinPerUnit || *per_unit > kCampaignMaxPerUnit))
    Report(r.Out(), "E_CAMPAIGN_COMMISSION_RANGE", r.PathOf("commission_per_unit_fen"),
           "a campaign pays 30 ... 20000 fen (0.30 ... 200 yuan) per unit");
  c.commission_per_unit_fen = per_unit.value_or(0);
  c.buy_before_distributing = r.Bool("buy_before_distributing", false).value_or(false);
  if (const Json* prod = r.Raw("product")) {
    Reader pr(*prod, r.PathOf("product"), r.Out());
    c.product_name = pr.Str("name", "", 128).value_or("");
    c.price_fen = pr.Amount("price_fen").value_or(0);
    c.stock = pr.Amount("stock").value_or(0);
    pr.Finish();
  } else {
    Report(r.Out(), "E_REQUIRED", r.PathOf("product"), "a campaign sells exactly one product");
  }
  if (c.price_fen > 0 && c.commission_per_unit_fen > c.price_fen / 2)
    Report(r.Out(), "E_RATE_CAP", r.PathOf("commission_per_unit_fen"),
           "the commission may not exceed 50 % of the price");
  c.max_buyers = r.Amount("max_buyers", 0).value_or(0);
  c.per_user_limit = r.Amount("per_user_limit", 0).value_or(0);
  c.show_participants = r.Bool("show_participants", false).value_or(false);
  c.fans_only = r.Bool("fans_only", false).value_or(false);
  c.splash_ad = r.Bool("splash_ad", false).value_or(false);
  c.ticker = r.Bool("ticker", false).value_or(false);
  c.poster_sharing = r.Bool("poster_sharing", true).value_or(true);
  c.password_protected = r.Bool("password_protected", false).value_or(false);
  // Read up to 16 bytes so a 7-digit code reports E_REGION rather than a generic type error.
  ReadStringList(r, "allowed_regions", kMaxRegions, 16, c.allowed_regions);
  ValidateRegionList(c.allowed_regions, r.PathOf("allowed_regions"), r.Out());
  c.logo_url = PageUrl(r, "logo_url", false);
  ReadFooterButtons(r, c);
}

Json LevelsJson(const LevelTable& t, int depth) {
  Json a = Json::array();
  for (int i = 0; i < depth; ++i) a.push_back(t[i] ? Json(*t[i]) : Json(nullptr));
  return a;
}

}  // namespace

std::optional<Program> ParseProgram(const Json& j, const std::string& path, Problems& problems) {
  const size_t before = problems.size();
  Program p;
  Reader r(j, path, problems);
  if (!r.Ok()) return std::nullopt;
  const auto kind = r.Enum("kind", {"campaign", "distribution"});
  p.program_id = r.Amount("program_id", 0).value_or(0);
  p.rounding = r.Enum("rounding", {"floor", "half_up"}, "floor").value_or("floor") == "floor"
                   ? Rounding::kFloor
                   : Rounding::kHalfUp;
  p.after_withdrawal =
      r.Enum("after_withdrawal", {"debt", "forgive"}, "debt").value_or("debt") == "debt"
          ? AfterWithdrawal::kDebt
          : AfterWithdrawal::kForgive;
  p.hold_days = r.Int("hold_days", 0, 365, 7).value_or(7);
  p.profit_sharing_cap_bp = r.Int("profit_sharing_cap_bp", 0, kBpScale, 3000).value_or(3000);
  if (kind && *kind == "campaign") {
    p.kind = ProgramKind::kCampaign;
    ReadCampaign(r, p);
  } else if (kind) {
    p.kind = ProgramKind::kDistribution;
    ReadDistribution(r, p);
  }
  r.Finish();
  if (problems.size() != before) return std::nullopt;

  if (p.kind == ProgramKind::kDistribution && p.mode == CommissionMode::kRate) {
    if (p.MaxRateSumBp(nullptr) > kComplianceCapBp)
      Report(problems, "E_RATE_SUM_CAP", r.PathOf("rates_bp"),
             "the rates paid on one item can add up to " + std::to_string(p.MaxRateSumBp(nullptr)) +
                 " bp; at most 5000 bp (50 %) is allowed");
    for (size_t i = 0; i < p.products.size(); ++i) {
      const Bp s = p.MaxRateSumBp(&p.products[i]);
      if (s > kComplianceCapBp)
        Report(problems, "E_RATE_SUM_CAP", IndexPath(r.PathOf("products"), i),
               "the rates paid on one item of this product can add up to " + std::to_string(s) +
                   " bp; at most 5000 bp (50 %) is allowed");
    }
  }
  if (problems.size() != before) return std::nullopt;

  // Hex by hand: snprintf would link printf with its floating-point half into the module.
  uint64_t h = Fnv1a64(CanonicalJson(NormalizedProgram(p)));
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) hex[i] = "0123456789abcdef"[h & 15];
  p.rules_version = "rv1-" + hex;
  return p;
}

namespace {
// Most recent first. Four entries: the editor alternates between a draft and a few saved programs;
// anything more is a miss that costs one parse, as without the cache.
std::vector<std::pair<std::string, std::shared_ptr<const Program>>>& Cache() {
  static std::vector<std::pair<std::string, std::shared_ptr<const Program>>> cache;
  return cache;
}
#ifdef ENGINE_NO_PROGRAM_CACHE
bool cache_on = false;  // -DENGINE_PROGRAM_CACHE=OFF: every request parses its program
#else
bool cache_on = true;
#endif
}  // namespace

bool ProgramCacheOn() { return cache_on; }

std::shared_ptr<const Program> CachedProgram(std::string_view text) {
  auto& cache = Cache();
  if (!cache_on || text.empty()) return nullptr;
  for (size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].first != text) continue;
    std::rotate(cache.begin(), cache.begin() + i, cache.begin() + i + 1);
    return cache.front().second;
  }
  return nullptr;
}

void CacheProgram(std::string_view text, std::shared_ptr<const Program> program) {
  auto& cache = Cache();
  if (!cache_on || text.empty() || !program) return;
  constexpr size_t kEntries = 4;
  if (cache.size() == kEntries) cache.pop_back();
  cache.insert(cache.begin(), {std::string(text), std::move(program)});
}

void SetProgramCacheForTesting(bool on) {
  cache_on = on;
  Cache().clear();
}

Json NormalizedProgram(const Program& p) {
  Json j;  // nlohmann's default object keeps keys sorted, which makes the dump canonical
  j["program_id"] = p.program_id;
  j["rounding"] = RoundingName(p.rounding);
  j["refund_policy"] = p.refund_policy == RefundPolicy::kKeep ? "keep" : "proportional";
  j["after_withdrawal"] = p.after_withdrawal == AfterWithdrawal::kDebt ? "debt" : "forgive";
  j["hold_days"] = p.hold_days;
  j["profit_sharing_cap_bp"] = p.profit_sharing_cap_bp;
  if (p.kind == ProgramKind::kCampaign) {
    const auto& c = p.campaign;
    j["kind"] = "campaign";
    j["title"] = c.title;
    j["start_ms"] = c.start_ms;
    j["end_ms"] = c.end_ms;
    j["commission_per_unit_fen"] = c.commission_per_unit_fen;
    j["buy_before_distributing"] = c.buy_before_distributing;
    j["product"] = {{"name", c.product_name}, {"price_fen", c.price_fen}, {"stock", c.stock}};
    j["max_buyers"] = c.max_buyers;
    j["per_user_limit"] = c.per_user_limit;
    j["show_participants"] = c.show_participants;
    j["fans_only"] = c.fans_only;
    j["splash_ad"] = c.splash_ad;
    j["ticker"] = c.ticker;
    j["poster_sharing"] = c.poster_sharing;
    j["password_protected"] = c.password_protected;
    j["allowed_regions"] = c.allowed_regions;
    // Added after rules_version v1 shipped: listed only when set, so every config from before
    // keeps its version.
    if (!c.logo_url.empty()) j["logo_url"] = c.logo_url;
    if (!c.footer_buttons.empty()) {
      Json buttons = Json::array();
      for (const auto& b : c.footer_buttons) buttons.push_back({{"text", b.text}, {"url", b.url}});
      j["footer_buttons"] = std::move(buttons);
    }
    return j;
  }
  j["kind"] = "distribution";
  j["depth"] = p.depth;
  j["self_purchase"] = p.self_purchase == SelfPurchase::kNone ? "none" : "self_as_level1";
  j["reward"] = RewardName(p.reward);
  j["mode"] = ModeName(p.mode);
  j["levels"] = LevelsJson(p.levels, p.depth);
  Json grades = Json::array();
  for (const auto& g : p.grades) {
    Json th;
    const auto put = [&](const char* k, const std::optional<int64_t>& v) {
      if (v) th[k] = *v;
    };
    put("bound_customers", g.thresholds.bound_customers);
    put("invited_distributors", g.thresholds.invited_distributors);
    put("paid_orders", g.thresholds.paid_orders);
    put("paid_fen", g.thresholds.paid_fen);
    put("deal_fen", g.thresholds.deal_fen);
    put("completed_orders", g.thresholds.completed_orders);
    grades.push_back({{"id", g.id},
                      {"name", g.name},
                      {"levels", LevelsJson(g.levels, p.depth)},
                      {"thresholds", th.is_null() ? Json::object() : th}});
  }
  j["grades"] = grades;
  j["grade_upgrade"] = p.upgrade == UpgradeRule::kAny ? "any" : "all";
  Json products = Json::array();
  for (const auto& pr : p.products) {
    Json bg = Json::object();
    for (const auto& [gid, t] : pr.by_grade) bg[gid] = LevelsJson(t, p.depth);
    products.push_back({{"product_id", pr.product_id},
                        {"levels", LevelsJson(pr.levels, p.depth)},
                        {"grades", bg}});
  }
  j["products"] = products;
  j["cost_protection"] = p.cost_protection;
  Json agents = Json::object();
  for (const auto& [region, id] : p.agents.agent_by_region) agents[region] = id;
  j["regional_agents"] = {{"province_bp", p.agents.province_bp},
                          {"city_bp", p.agents.city_bp},
                          {"district_bp", p.agents.district_bp},
                          {"agents", agents}};
  j["excluded_order_types"] = p.excluded_order_types;
  return j;
}

}  // namespace engine
