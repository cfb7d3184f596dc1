#include "gate_api.h"

#include <algorithm>

#include "countdown.h"
#include "gate.h"
#include "json_reader.h"
#include "program_json.h"
#include "region.h"
#include "request.h"
#include "ticker.h"

namespace engine::api {
namespace {

constexpr size_t kMaxTickerOrders = 100;

Json OptMs(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

// The request's "program", which must be a campaign: gates, countdowns and tickers are its pages.
std::shared_ptr<const Program> ReadCampaignProgram(Reader& r, const Request& req) {
  const Json* pj = r.Raw("program");  // null in the program's place when it was cached
  if (!pj && !req.cached) {
    Report(r.Out(), "E_REQUIRED", "program", "is required");
    return nullptr;
  }
  auto p = req.cached ? req.cached : RequestProgram(req, *pj, "program", r.Out());
  if (p && p->kind != ProgramKind::kCampaign) {
    Report(r.Out(), "E_KIND", "program.kind", "gates and countdowns belong to campaigns");
    return nullptr;
  }
  return p;
}

// An optional string field that may also be null.
std::optional<std::string> OptionalString(Reader& r, const char* key, size_t max_len) {
  const Json* v = r.Raw(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Report(r.Out(), "E_TYPE", r.PathOf(key), "expected a string or null");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    Report(r.Out(), "E_TOO_LONG", r.PathOf(key),
           "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::vector<int64_t> ReadWrongTries(Reader& r, std::optional<int64_t> now_ms) {
  std::vector<int64_t> out;
  const Json* arr = r.Array("wrong_tries_ms", kMaxWrongTries);
  if (!arr) return out;
  const std::string base = r.PathOf("wrong_tries_ms");
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string at = IndexPath(base, i);
    auto t = ReadInt((*arr)[i], at, 0, kGateMaxTimeMs, r.Out());
    if (!t) continue;
    if (now_ms && *t > *now_ms) {
      Report(r.Out(), "E_TIME_ORDER", at, "a wrong try cannot be later than now_ms");
      continue;
    }
    out.push_back(*t);
  }
  return out;
}

Json CountdownJson(const Program& p, int64_t now_ms) {
  const Countdown c = MakeCountdown(p.campaign.start_ms, p.campaign.end_ms, now_ms);
  return {{"phase", PhaseName(c.phase)},
          {"start_ms", p.campaign.start_ms},
          {"end_ms", p.campaign.end_ms},
          {"target_ms", OptMs(c.target_ms)},
          {"remaining_ms", c.remaining_ms},
          {"days", c.parts.days},
          {"hours", c.parts.hours},
          {"minutes", c.parts.minutes},
          {"seconds", c.parts.seconds},
          {"next_tick_ms", OptMs(c.next_tick_ms)},
          {"phase_changes_at_ms", OptMs(c.phase_changes_at_ms)}};
}

Json LockJson(const PasswordLock& l) {
  return {{"locked", l.locked},
          {"lock_until_ms", OptMs(l.lock_until_ms)},
          {"tries_left", l.tries_left},
          {"window_frees_at_ms", OptMs(l.window_frees_at_ms)}};
}

Json BlocksJson(unsigned b) {
  Json a = Json::array();
  if (b & kEnter) a.push_back("enter");
  if (b & kBuy) a.push_back("buy");
  if (b & kDistribute) a.push_back("distribute");
  return a;
}

Json ReasonsFor(const GateVerdict& v, unsigned action) {
  Json a = Json::array();
  for (const auto& r : v.reasons)
    if (r.blocks & action) a.push_back(r.code);
  return a;
}

}  // namespace

std::string EvaluateGate(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {"program"}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto program = ReadCampaignProgram(r, req);
  auto now = r.Int("now_ms", 0, kGateMaxTimeMs);
  GateState state;
  state.stock_left = program ? program->campaign.stock : 0;
  if (const Json* sj = r.Raw("state")) {
    Reader s(*sj, "state", problems);
    state.stock_left = s.Amount("stock_left", state.stock_left).value_or(0);
    state.buyers = s.Amount("buyers", 0).value_or(0);
    s.Finish();
  }
  GateUser user;
  if (const Json* uj = r.Raw("user")) {
    Reader u(*uj, "user", problems);
    user.id = u.Int("id", 1, kMaxAmount).value_or(0);
    user.is_fan = u.Bool("is_fan", false).value_or(false);
    user.region = OptionalString(u, "region", 16);
    user.bought_units = u.Amount("bought_units", 0).value_or(0);
    user.pass = OptionalString(u, "pass", 256);
    const auto sig = u.Enum("pass_signature", {"unchecked", "valid", "invalid"}, "unchecked");
    user.pass_signature = sig == std::optional<std::string>("valid") ? PassSignature::kValid
                          : sig == std::optional<std::string>("invalid")
                              ? PassSignature::kInvalid
                              : PassSignature::kUnchecked;
    user.wrong_tries_ms = ReadWrongTries(u, now);
    u.Finish();
  } else {
    Report(problems, "E_REQUIRED", "user", "is required");
  }
  r.Finish();
  if (!problems.empty() || !program || !now) return Fail(problems);

  const GateVerdict v = engine::EvaluateGate(*program, state, user, *now);
  Json reasons = Json::array();
  for (const auto& x : v.reasons) {
    Json j = {{"code", x.code}, {"message", x.message}, {"blocks", BlocksJson(x.blocks)}};
    if (x.until_ms) j["until_ms"] = *x.until_ms;
    if (!x.detail.empty()) j["detail"] = x.detail;
    reasons.push_back(std::move(j));
  }
  Json password = nullptr;
  if (program->campaign.password_protected) {
    Json pass = nullptr;
    if (v.pass)
      pass = {{"program_id", v.pass->program_id},
              {"user_id", v.pass->user_id},
              {"expires_ms", v.pass->expires_ms}};
    password = {{"pass_accepted", v.pass_accepted},
                {"pass_signature_checked", user.pass_signature != PassSignature::kUnchecked},
                {"pass", pass},
                {"lock", LockJson(v.lock)}};
  }
  return DumpJson(
      {{"ok", true},
       {"rules_version", program->rules_version},
       {"now_ms", *now},
       {"phase", PhaseName(v.phase)},
       {"allowed", v.enter && v.buy},
       {"enter", {{"allowed", v.enter}, {"reasons", ReasonsFor(v, kEnter)}}},
       {"buy", {{"allowed", v.buy}, {"reasons", ReasonsFor(v, kBuy)}, {"max_units", v.max_units}}},
       {"distribute", {{"allowed", v.distribute}, {"reasons", ReasonsFor(v, kDistribute)}}},
       {"reasons", reasons},
       {"changes_at_ms", OptMs(v.changes_at_ms)},
       {"region",
        program->campaign.allowed_regions.empty()
            ? Json(nullptr)
            : Json{{"matched", v.matched_region.empty() ? Json(nullptr) : Json(v.matched_region)}}},
       {"password", password},
       {"countdown", CountdownJson(*program, *now)}});
}

std::string CampaignCountdown(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {"program"}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto program = ReadCampaignProgram(r, req);
  auto now = r.Int("now_ms", 0, kGateMaxTimeMs);
  r.Finish();
  if (!problems.empty() || !program || !now) return Fail(problems);
  Json out = CountdownJson(*program, *now);
  out["ok"] = true;
  out["now_ms"] = *now;
  return DumpJson(out);
}

std::string CampaignDisplay(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {"program"}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto program = ReadCampaignProgram(r, req);
  auto now = r.Int("now_ms", 0, kGateMaxTimeMs);
  const int64_t participants = r.Amount("participants", 0).value_or(0);
  const auto nav_name =
      r.Enum("navigation", {"navigate", "reload", "back_forward"}, "navigate").value_or("navigate");
  struct Order {
    std::string name;
    int64_t at_ms;
  };
  std::vector<Order> orders;
  if (const Json* arr = r.Array("orders", kMaxTickerOrders)) {
    for (size_t i = 0; i < arr->size(); ++i) {
      Reader o((*arr)[i], IndexPath("orders", i), problems);
      auto name = o.Str("name", "", 256);
      auto at = o.Int("at_ms", 0, kGateMaxTimeMs);
      o.Finish();
      if (name && at) orders.push_back({*name, *at});
    }
  }
  r.Finish();
  if (!problems.empty() || !program || !now) return Fail(problems);

  const auto& c = program->campaign;
  const Navigation nav = nav_name == "reload"         ? Navigation::kReload
                         : nav_name == "back_forward" ? Navigation::kBackForward
                                                      : Navigation::kNavigate;
  // Newest first; equal times keep the order they came in.
  std::stable_sort(orders.begin(), orders.end(),
                   [](const Order& a, const Order& b) { return a.at_ms > b.at_ms; });
  Json entries = Json::array();
  if (c.ticker) {
    for (const auto& o : orders) {
      const Ago ago = AgoFrom(o.at_ms, *now);
      entries.push_back({{"name", MaskName(o.name)},
                         {"at_ms", o.at_ms},
                         {"ago_unit", ago.unit},
                         {"ago_value", ago.value},
                         {"ago_text", ago.text}});
    }
  }
  return DumpJson(
      {{"ok", true},
       {"rules_version", program->rules_version},
       {"participants",
        {{"show", c.show_participants},
         {"count", participants},
         {"text", c.show_participants ? Json(ParticipantsText(participants)) : Json(nullptr)}}},
       {"ticker", {{"show", c.ticker}, {"entries", entries}}},
       {"splash", {{"show", ShowSplash(c.splash_ad, nav)}}}});
}

std::string RegionInfo(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto code = r.Str("code", std::nullopt, 16);
  std::vector<std::string> allowed;
  bool has_allowed = false;
  if (const Json* arr = r.Array("allowed_regions", 4000)) {
    has_allowed = true;
    for (size_t i = 0; i < arr->size(); ++i) {
      const Json& v = (*arr)[i];
      if (!v.is_string() || v.get_ref<const std::string&>().size() > 16) {
        Report(problems, "E_TYPE", IndexPath("allowed_regions", i), "expected a short string");
        continue;
      }
      allowed.push_back(v.get<std::string>());
    }
    if (problems.empty()) ValidateRegionList(allowed, "allowed_regions", problems);
  }
  r.Finish();
  if (code) {
    const RegionCheck check = CheckRegion(*code);
    if (check == RegionCheck::kMalformed)
      Report(problems, "E_REGION", "code", "expected a 6-digit GB/T 2260 code");
    if (check == RegionCheck::kUnknown)
      Report(problems, "E_REGION_UNKNOWN", "code",
             "no GB/T 2260 province starts with these digits");
  }
  if (!problems.empty() || !code) return Fail(problems);
  const RegionCode rc = *ParseRegion(*code);
  Json out = {{"ok", true},
              {"code", rc.code},
              {"level", RegionLevelName(rc.level)},
              {"province", rc.province},
              {"city", rc.city.empty() ? Json(nullptr) : Json(rc.city)},
              {"ancestry", RegionAncestry(rc)}};
  if (has_allowed) {
    const std::string* m = MatchRegion(allowed, rc);
    out["allowed"] = allowed.empty() || m != nullptr;
    out["matched"] = m ? Json(*m) : Json(nullptr);
  }
  return DumpJson(out);
}

std::string PasswordLockState(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto now = r.Int("now_ms", 0, kGateMaxTimeMs);
  auto tries = ReadWrongTries(r, now);
  r.Finish();
  if (!problems.empty() || !now) return Fail(problems);
  Json out = LockJson(EvaluateLock(std::move(tries), *now));
  out["ok"] = true;
  out["max_tries"] = kPasswordMaxTries;
  out["window_ms"] = kPasswordWindowMs;
  out["lock_ms"] = kPasswordLockMs;
  return DumpJson(out);
}

}  // namespace engine::api
