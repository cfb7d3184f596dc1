// Attribution as JSON: the settings, the state and the events read (and validated) from a
// request, and the state, the decisions and the commission engine's input written back.
#include "attribution_json.h"

#include <limits>

#include "program_json.h"

namespace engine {
namespace {

// Expiries and effective times may lie a little past 2100 when the event itself is just before it.
constexpr int64_t kLateLimitMs = kTimeLimitMs + 3700 * kDayMs;

const char* const kEventTypes[] = {
    "visit",       "register",           "order",     "rebind",      "unbind",
    "switch_mode", "switch_auto_unbind", "set_grade", "set_inviter", "tick"};

std::optional<int64_t> ReadTimeIn(const Json& v, const std::string& path, int64_t limit,
                                  Problems& problems) {
  if (v.is_number_unsigned() && v.get<uint64_t>() >= static_cast<uint64_t>(limit)) {
    Report(problems, "E_TIME_RANGE", path, "a time must lie between 1970 and 2100");
    return std::nullopt;
  }
  auto t = ReadInt(v, path, std::numeric_limits<int64_t>::min(),
                   std::numeric_limits<int64_t>::max(), problems);
  if (!t) return std::nullopt;
  if (*t < 0 || *t >= limit) {
    Report(problems, "E_TIME_RANGE", path, "a time must lie between 1970 and 2100");
    return std::nullopt;
  }
  return t;
}

std::optional<int64_t> Time(Reader& r, const char* key, bool required,
                            int64_t limit = kTimeLimitMs) {
  const Json* v = r.Raw(key);
  if (!v) {
    if (required && r.Ok()) Report(r.Out(), "E_REQUIRED", r.PathOf(key), "is required");
    return std::nullopt;
  }
  return ReadTimeIn(*v, r.PathOf(key), limit, r.Out());
}

// A duration setting: negative has its own code, zero or too long is out of range.
int64_t Window(Reader& r, const char* key, int64_t fallback, int64_t max) {
  const Json* v = r.Raw(key);
  if (!v) return fallback;
  auto n = ReadInt(*v, r.PathOf(key), std::numeric_limits<int64_t>::min(),
                   std::numeric_limits<int64_t>::max(), r.Out());
  if (!n) return fallback;
  if (*n < 0) {
    Report(r.Out(), "E_NEGATIVE_WINDOW", r.PathOf(key), "a window cannot be negative");
    return fallback;
  }
  if (*n == 0 || *n > max) {
    Report(r.Out(), "E_RANGE", r.PathOf(key), "must be between 1 and " + std::to_string(max));
    return fallback;
  }
  return *n;
}

std::optional<int64_t> OptId(Reader& r, const char* key) {
  if (r.Has(key)) return r.Amount(key);
  r.Raw(key);
  return std::nullopt;
}

void ReadDistributors(Reader& r, const AttributionSettings& s, AttributionState& st) {
  const Json* arr = r.Array("distributors", kMaxStateRecords);
  if (!arr) return;
  const std::string base = r.PathOf("distributors");
  for (size_t i = 0; i < arr->size(); ++i) {
    Reader d((*arr)[i], IndexPath(base, i), r.Out());
    DistributorRec rec;
    rec.id = d.Amount("id").value_or(0);
    rec.inviter_id = OptId(d, "inviter_id");
    rec.grade = d.Str("grade", "", 64).value_or("");
    rec.grade_manual = d.Bool("grade_manual", false).value_or(false);
    rec.since_ms = Time(d, "since_ms", false).value_or(0);
    d.Finish();
    if (!d.Ok()) continue;
    if (!rec.grade.empty() && !s.program->FindGrade(rec.grade))
      Report(r.Out(), "E_UNKNOWN_GRADE", d.PathOf("grade"), "no grade with this id in the program");
    if (rec.inviter_id && *rec.inviter_id == rec.id)
      Report(r.Out(), "E_CHAIN_CYCLE", d.PathOf("inviter_id"),
             "a distributor cannot invite himself");
    if (!st.distributors.emplace(rec.id, rec).second)
      Report(r.Out(), "E_DUPLICATE", d.PathOf("id"), "distributor listed twice");
  }
}

// Every inviter is a known distributor and walking up never meets the walker again.
void CheckTree(const AttributionState& st, const std::string& base, Problems& problems) {
  std::map<int64_t, int> mark;  // 1 = on the current walk, 2 = reaches a root
  size_t index = 0;
  for (const auto& [id, d] : st.distributors) {
    const std::string at = IndexPath(base, index++) + ".inviter_id";
    if (d.inviter_id && !st.distributors.count(*d.inviter_id)) {
      Report(problems, "E_UNKNOWN_DISTRIBUTOR", at,
             "inviter " + std::to_string(*d.inviter_id) + " is not a known distributor");
      return;
    }
    std::vector<int64_t> walk;
    int64_t cur = id;
    while (true) {
      int& m = mark[cur];
      if (m == 2) break;
      if (m == 1) {
        Report(problems, "E_CHAIN_CYCLE", at,
               "distributor " + std::to_string(id) + " would be his own ancestor");
        return;
      }
      m = 1;
      walk.push_back(cur);
      const auto it = st.distributors.find(cur);
      if (it == st.distributors.end() || !it->second.inviter_id) break;
      cur = *it->second.inviter_id;
    }
    for (int64_t w : walk) mark[w] = 2;
  }
}

void ReadCustomers(Reader& r, const AttributionSettings& s, AttributionState& st) {
  const Json* arr = r.Array("customers", kMaxStateRecords);
  if (!arr) return;
  const std::string base = r.PathOf("customers");
  Problems& out = r.Out();
  for (size_t i = 0; i < arr->size(); ++i) {
    Reader c((*arr)[i], IndexPath(base, i), out);
    CustomerRec rec;
    rec.id = c.Amount("id").value_or(0);
    if (const Json* b = c.Raw("binding")) {
      Reader br(*b, c.PathOf("binding"), out);
      Binding bind;
      bind.distributor_id = br.Amount("distributor_id").value_or(0);
      bind.since_ms = Time(br, "since_ms", true).value_or(0);
      bind.renewed_ms = Time(br, "renewed_ms", false).value_or(bind.since_ms);
      bind.expires_ms = Time(br, "expires_ms", false, kLateLimitMs);
      bind.via = br.Enum("via", {"visit", "order", "merchant"}, "visit").value_or("visit");
      br.Finish();
      if (br.Ok()) {
        if (bind.distributor_id == rec.id)
          Report(out, "E_SELF_BIND", br.PathOf("distributor_id"),
                 "a customer cannot be bound to himself");
        else if (!st.distributors.count(bind.distributor_id))
          Report(out, "E_UNKNOWN_DISTRIBUTOR", br.PathOf("distributor_id"),
                 "not a known distributor");
        rec.binding = bind;
      }
    }
    if (const Json* sh = c.Raw("share")) {
      Reader sr(*sh, c.PathOf("share"), out);
      Share share;
      share.sharer_id = sr.Amount("sharer_id").value_or(0);
      share.at_ms = Time(sr, "at_ms", true).value_or(0);
      share.expires_ms = Time(sr, "expires_ms", true, kLateLimitMs).value_or(0);
      sr.Finish();
      if (sr.Ok()) {
        if (share.sharer_id == rec.id)
          Report(out, "E_SELF_BIND", sr.PathOf("sharer_id"), "a customer cannot be his own sharer");
        else if (!s.Campaign() && !st.distributors.count(share.sharer_id))
          Report(out, "E_UNKNOWN_DISTRIBUTOR", sr.PathOf("sharer_id"), "not a known distributor");
        rec.share = share;
      }
    }
    if (const Json* en = c.Raw("ended")) {
      Reader er(*en, c.PathOf("ended"), out);
      Ended e;
      e.distributor_id = er.Amount("distributor_id").value_or(0);
      e.at_ms = Time(er, "at_ms", true, kLateLimitMs).value_or(0);
      e.why = er.Enum("why", {"expired", "voided", "unbound", "replaced"}).value_or("expired");
      er.Finish();
      if (er.Ok()) rec.ended = e;
    }
    rec.synced = static_cast<size_t>(c.Int("synced", 0, static_cast<int64_t>(st.history.size()),
                                           static_cast<int64_t>(st.history.size()))
                                         .value_or(0));
    rec.has_bought = c.Bool("has_bought", false).value_or(false);
    c.Finish();
    if (!c.Ok()) continue;
    if (!st.customers.emplace(rec.id, rec).second)
      Report(out, "E_DUPLICATE", c.PathOf("id"), "customer listed twice");
  }
}

Json BindingFacts(const Binding& b) {
  return {{"distributor_id", b.distributor_id},
          {"since_ms", b.since_ms},
          {"renewed_ms", b.renewed_ms},
          {"expires_ms", b.expires_ms ? Json(*b.expires_ms) : Json(nullptr)},
          {"via", b.via}};
}

Json ShareFacts(const Share& s) {
  return {{"sharer_id", s.sharer_id}, {"at_ms", s.at_ms}, {"expires_ms", s.expires_ms}};
}

Json EndedFacts(const Ended& e) {
  return {{"distributor_id", e.distributor_id}, {"at_ms", e.at_ms}, {"why", e.why}};
}

Json FactsJson(const DecisionFacts& f) {
  Json j = Json::object();
  const auto put = [&](const char* key, const auto& v) {
    if (v) j[key] = *v;
  };
  const auto nullable = [&](const char* key, const std::optional<std::optional<int64_t>>& v) {
    if (v) j[key] = *v ? Json(**v) : Json(nullptr);
  };
  put("customer_id", f.customer_id);
  put("sharer_id", f.sharer_id);
  nullable("distributor_id", f.distributor_id);
  nullable("inviter_id", f.inviter_id);
  put("previous_sharer_id", f.previous_sharer_id);
  put("previous_distributor_id", f.previous_distributor_id);
  put("current_inviter_id", f.current_inviter_id);
  if (f.binding) j["binding"] = BindingFacts(*f.binding);
  if (f.share) j["share"] = ShareFacts(*f.share);
  if (f.last_share) j["last_share"] = ShareFacts(*f.last_share);
  if (f.previous) j["previous"] = EndedFacts(*f.previous);
  if (f.last_binding) j["last_binding"] = EndedFacts(*f.last_binding);
  put("why", f.why);
  put("bind_on", f.bind_on);
  put("sharer_has_bought", f.sharer_has_bought);
  put("self_purchase", f.self_purchase);
  put("from", f.from);
  put("to", f.to);
  put("requested_ms", f.requested_ms);
  put("previous_request_ms", f.previous_request_ms);
  put("effective_ms", f.effective_ms);
  put("next_allowed_ms", f.next_allowed_ms);
  put("effect", f.effect);
  put("binding_days", f.binding_days);
  put("expires_ms", f.expires_ms);
  put("manual", f.manual);
  return j;
}

}  // namespace

std::optional<int64_t> ReadTimeMs(const Json& v, const std::string& path, Problems& problems) {
  return ReadTimeIn(v, path, kTimeLimitMs, problems);
}

std::optional<AttributionSettings> ParseAttributionSettings(const Json& j, const std::string& path,
                                                            Problems& problems,
                                                            const Request* request) {
  const size_t before = problems.size();
  AttributionSettings s;
  Reader r(j, path, problems);
  if (!r.Ok()) return std::nullopt;
  // `request` (when the settings are a request's) knows the program's text: a program seen
  // before is not parsed again, and a new one is remembered.
  const Json* pj = r.Raw("program");
  if (request && request->cached) {
    s.program = request->cached;
  } else if (pj) {
    if (request) {
      s.program = RequestProgram(*request, *pj, r.PathOf("program"), problems);
    } else if (auto p = ParseProgram(*pj, r.PathOf("program"), problems)) {
      s.program = std::make_shared<const Program>(std::move(*p));
    }
  } else {
    Report(problems, "E_REQUIRED", r.PathOf("program"), "is required");
  }
  s.mode = ModeOf(r.Enum("mode", {"relation_first", "sharer_first"}, "relation_first")
                      .value_or("relation_first"));
  s.auto_unbind = AutoOf(r.Enum("auto_unbind", {"never", "on_expiry"}, "never").value_or("never"));
  s.bind_on = r.Enum("bind_on", {"visit", "order"}, "visit").value_or("visit") == "order"
                  ? BindOn::kOrder
                  : BindOn::kVisit;
  s.binding_days = Window(r, "binding_days", 30, kMaxBindingDays);
  s.share_window_ms = Window(r, "share_window_hours", 24, kMaxWindowHours) * kHourMs;
  r.Finish();
  if (problems.size() != before) return std::nullopt;
  return s;
}

std::optional<AttributionState> ParseAttributionState(const Json* j, const std::string& path,
                                                      const AttributionSettings& s,
                                                      Problems& problems) {
  AttributionState st;
  st.mode = s.mode;
  st.auto_unbind = s.auto_unbind;
  if (!j || j->is_null()) return st;
  const size_t before = problems.size();
  Reader r(*j, path, problems);
  if (!r.Ok()) return std::nullopt;
  st.mode = ModeOf(r.Enum("mode", {"relation_first", "sharer_first"}, AttrModeName(s.mode))
                       .value_or("relation_first"));
  st.auto_unbind =
      AutoOf(r.Enum("auto_unbind", {"never", "on_expiry"}, AutoUnbindName(s.auto_unbind))
                 .value_or("never"));
  if (const Json* p = r.Raw("pending_switch")) {
    Reader pr(*p, r.PathOf("pending_switch"), problems);
    PendingSwitch ps;
    ps.to = ModeOf(pr.Enum("to", {"relation_first", "sharer_first"}).value_or(""));
    ps.requested_ms = Time(pr, "requested_ms", true).value_or(0);
    ps.effective_ms = Time(pr, "effective_ms", true, kLateLimitMs).value_or(0);
    pr.Finish();
    if (pr.Ok()) st.pending = ps;
  }
  st.last_switch_ms = Time(r, "last_switch_ms", false);
  st.last_event_ms = Time(r, "last_event_ms", false);
  if (const Json* h = r.Array("history", kMaxHistory)) {
    for (size_t i = 0; i < h->size(); ++i) {
      Reader hr((*h)[i], IndexPath(r.PathOf("history"), i), problems);
      SettingChange c;
      c.mode = hr.Enum("setting", {"mode", "auto_unbind"}).value_or("mode") == "mode";
      const auto to = c.mode ? hr.Enum("to", {"relation_first", "sharer_first"})
                             : hr.Enum("to", {"never", "on_expiry"});
      c.to = c.mode ? static_cast<int>(ModeOf(to.value_or("")))
                    : static_cast<int>(AutoOf(to.value_or("")));
      c.at_ms = Time(hr, "at_ms", true, kLateLimitMs).value_or(0);
      hr.Finish();
      st.history.push_back(c);
    }
  }
  ReadDistributors(r, s, st);
  ReadCustomers(r, s, st);
  r.Finish();
  if (problems.size() == before) CheckTree(st, r.PathOf("distributors"), problems);
  if (problems.size() != before) return std::nullopt;
  return st;
}

std::optional<AttrEvent> ParseAttrEvent(const Json& j, const std::string& path, bool campaign,
                                        Problems& problems) {
  const size_t before = problems.size();
  Reader r(j, path, problems);
  if (!r.Ok()) return std::nullopt;
  AttrEvent e;
  e.type = r.Str("type", std::nullopt, 64).value_or("");
  bool known = false;
  for (const char* t : kEventTypes) known = known || e.type == t;
  if (!known) {
    if (problems.size() == before)
      Report(problems, "E_EVENT_TYPE", r.PathOf("type"), "unknown event type");
    return std::nullopt;  // its fields mean nothing to us, so they are not reported one by one
  }
  e.at_ms = Time(r, "at_ms", true).value_or(0);
  const std::string& t = e.type;
  if (t == "visit" || t == "register" || t == "order" || t == "rebind" || t == "unbind")
    e.customer_id = r.Amount("customer_id").value_or(0);
  if (t == "visit") e.sharer_id = r.Amount("sharer_id").value_or(0);
  if (t == "rebind" || t == "set_grade" || t == "set_inviter")
    e.distributor_id = r.Amount("distributor_id").value_or(0);
  if (t == "set_inviter") e.inviter_id = r.Amount("inviter_id").value_or(0);
  if (t == "switch_mode") e.to = r.Enum("to", {"relation_first", "sharer_first"}).value_or("");
  if (t == "switch_auto_unbind") e.to = r.Enum("to", {"never", "on_expiry"}).value_or("");
  if (t == "set_grade") {
    e.grade = r.Str("grade", std::nullopt, 64).value_or("");
    e.manual = r.Bool("manual", true).value_or(true);
  }
  r.Finish();
  if (campaign && t != "visit" && t != "order" && t != "tick")
    Report(problems, "E_KIND", r.PathOf("type"), "a campaign knows only visits and orders");
  if (problems.size() != before) return std::nullopt;
  return e;
}

Json BeneficiaryInput(const AttributionSettings& s, const OrderParties& o) {
  Json j = {{"buyer_id", o.buyer_id}};
  if (s.Campaign()) {
    j["sharer_id"] = o.level1 ? Json(*o.level1) : Json(nullptr);
    j["sharer_has_bought"] = o.sharer_has_bought;
    return j;
  }
  j["bound_distributor_id"] = o.level1 ? Json(*o.level1) : Json(nullptr);
  Json slice = Json::array();
  for (const DistributorRec* d : o.chain) {
    Json dj = {{"id", d->id}, {"inviter_id", d->inviter_id ? Json(*d->inviter_id) : Json(nullptr)}};
    if (!d->grade.empty()) dj["grade"] = d->grade;
    slice.push_back(std::move(dj));
  }
  j["distributors"] = std::move(slice);
  return j;
}

Json AttributionStateJson(const AttributionState& st) {
  Json j = Json::object();
  j["mode"] = AttrModeName(st.mode);
  j["auto_unbind"] = AutoUnbindName(st.auto_unbind);
  j["pending_switch"] = st.pending ? Json{{"to", AttrModeName(st.pending->to)},
                                          {"requested_ms", st.pending->requested_ms},
                                          {"effective_ms", st.pending->effective_ms}}
                                   : Json(nullptr);
  j["last_switch_ms"] = st.last_switch_ms ? Json(*st.last_switch_ms) : Json(nullptr);
  j["last_event_ms"] = st.last_event_ms ? Json(*st.last_event_ms) : Json(nullptr);
  Json h = Json::array();
  for (const auto& c : st.history)
    h.push_back({{"setting", c.mode ? "mode" : "auto_unbind"},
                 {"to", c.mode ? AttrModeName(static_cast<AttrMode>(c.to))
                               : AutoUnbindName(static_cast<AutoUnbind>(c.to))},
                 {"at_ms", c.at_ms}});
  j["history"] = std::move(h);
  Json ds = Json::array();
  for (const auto& [id, d] : st.distributors) {
    ds.push_back({{"id", id},
                  {"inviter_id", d.inviter_id ? Json(*d.inviter_id) : Json(nullptr)},
                  {"grade", d.grade.empty() ? Json(nullptr) : Json(d.grade)},
                  {"grade_manual", d.grade_manual},
                  {"since_ms", d.since_ms}});
  }
  j["distributors"] = std::move(ds);
  Json cs = Json::array();
  for (const auto& [id, c] : st.customers) {
    cs.push_back({{"id", id},
                  {"binding", c.binding ? BindingFacts(*c.binding) : Json(nullptr)},
                  {"share", c.share ? ShareFacts(*c.share) : Json(nullptr)},
                  {"ended", c.ended ? EndedFacts(*c.ended) : Json(nullptr)},
                  {"synced", c.synced},
                  {"has_bought", c.has_bought}});
  }
  j["customers"] = std::move(cs);
  return j;
}

Json DecisionJson(const Decision& d) {
  return {{"event", d.event},
          {"at_ms", d.at_ms},
          {"reason", d.reason},
          {"refused", d.refused},
          {"facts", FactsJson(d.facts)}};
}

}  // namespace engine
