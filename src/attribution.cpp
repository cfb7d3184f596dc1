#include "attribution.h"

#include <limits>

namespace engine {
namespace {

// Expiries and effective times may lie a little past 2100 when the event itself is just before it.
constexpr int64_t kLateLimitMs = kTimeLimitMs + 3700 * kDayMs;
constexpr int64_t kMaxBindingDays = 3650;
constexpr int64_t kMaxWindowHours = 8760;

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

AttrMode ModeOf(const std::string& s) {
  return s == "sharer_first" ? AttrMode::kSharerFirst : AttrMode::kRelationFirst;
}
AutoUnbind AutoOf(const std::string& s) {
  return s == "on_expiry" ? AutoUnbind::kOnExpiry : AutoUnbind::kNever;
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

std::optional<int64_t> ExpiryFrom(const AttributionSettings& s, const AttributionState& st,
                                  int64_t t) {
  if (st.auto_unbind == AutoUnbind::kNever) return std::nullopt;
  return t + s.binding_days * kDayMs;
}

// Applies the switches this record has not seen yet, in the order they happened.
void Sync(const AttributionSettings& s, const AttributionState& st, CustomerRec& c) {
  for (size_t k = c.synced; k < st.history.size(); ++k) {
    if (!c.binding) break;
    const SettingChange& h = st.history[k];
    Binding& b = *c.binding;
    if (b.expires_ms && *b.expires_ms <= h.at_ms) {
      c.ended = Ended{b.distributor_id, *b.expires_ms, "expired"};
      c.binding.reset();
    } else if (h.mode) {
      if (static_cast<AttrMode>(h.to) == AttrMode::kSharerFirst) {
        c.ended = Ended{b.distributor_id, h.at_ms, "voided"};
        c.binding.reset();
      }
    } else if (static_cast<AutoUnbind>(h.to) == AutoUnbind::kNever) {
      b.expires_ms.reset();
    } else {
      b.expires_ms = h.at_ms + s.binding_days * kDayMs;
    }
  }
  c.synced = st.history.size();
}

CustomerRec& Touch(const AttributionSettings& s, AttributionState& st, int64_t id, int64_t t) {
  auto [it, fresh] = st.customers.try_emplace(id);
  CustomerRec& c = it->second;
  if (fresh) {
    c.id = id;
    c.synced = st.history.size();
  }
  Sync(s, st, c);
  if (c.binding && c.binding->expires_ms && t >= *c.binding->expires_ms) {
    c.ended = Ended{c.binding->distributor_id, *c.binding->expires_ms, "expired"};
    c.binding.reset();
  }
  // A binding only counts under relation_first; Sync voids it when the mode changes, this covers
  // a state whose starting mode was sharer_first.
  if (c.binding && st.mode == AttrMode::kSharerFirst) {
    c.ended = Ended{c.binding->distributor_id, t, "voided"};
    c.binding.reset();
  }
  return c;
}

bool ShareValid(const CustomerRec& c, int64_t t) { return c.share && t < c.share->expires_ms; }

void Bind(const AttributionSettings& s, const AttributionState& st, CustomerRec& c, int64_t d,
          int64_t t, const char* via) {
  Binding b;
  b.distributor_id = d;
  b.since_ms = b.renewed_ms = t;
  b.expires_ms = ExpiryFrom(s, st, t);
  b.via = via;
  c.binding = b;
}

// Why a customer has nobody now: the most recent of the ended binding and the lapsed share.
void ExplainNobody(const CustomerRec& c, Json& facts) {
  std::string why = "no_visit";
  int64_t when = -1;
  if (c.ended) {
    facts["last_binding"] = EndedFacts(*c.ended);
    why = "binding_" + c.ended->why;
    when = c.ended->at_ms;
  }
  if (c.share) {
    facts["last_share"] = ShareFacts(*c.share);
    if (c.share->expires_ms >= when) why = "share_expired";
  }
  facts["why"] = why;
}

void Visit(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts["customer_id"] = e.customer_id;
  d.facts["sharer_id"] = e.sharer_id;
  if (e.customer_id == e.sharer_id) {
    d.reason = "visit_self_ignored";
    return;
  }
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  // Only the sharer is kept: GCC -O2 warns (falsely) on a copied std::optional<Share>.
  const bool had_share = ShareValid(c, e.at_ms);
  const int64_t before_sharer = had_share ? c.share->sharer_id : 0;
  const Share now{e.sharer_id, e.at_ms, e.at_ms + s.share_window_ms};
  if (!s.Campaign() && st.mode == AttrMode::kRelationFirst) {
    if (c.binding) {
      if (c.binding->distributor_id == e.sharer_id) {
        c.binding->renewed_ms = e.at_ms;
        if (c.binding->expires_ms) c.binding->expires_ms = ExpiryFrom(s, st, e.at_ms);
        d.reason = "visit_renewed";
      } else {
        d.reason = "visit_kept_binding";
      }
      d.facts["binding"] = BindingFacts(*c.binding);
      c.share = now;
      return;
    }
    if (s.bind_on == BindOn::kVisit) {
      if (c.ended) d.facts["previous"] = EndedFacts(*c.ended);
      Bind(s, st, c, e.sharer_id, e.at_ms, "visit");
      d.reason = "visit_bound";
      d.facts["binding"] = BindingFacts(*c.binding);
      c.share = now;
      return;
    }
    d.facts["bind_on"] = "order";
  }
  if (!had_share)
    d.reason = "visit_cached";
  else if (before_sharer == e.sharer_id)
    d.reason = "visit_cache_refreshed";
  else
    d.reason = "visit_cache_overwritten";
  if (had_share && before_sharer != e.sharer_id) d.facts["previous_sharer_id"] = before_sharer;
  c.share = now;
  d.facts["share"] = ShareFacts(now);
}

void Register(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts["customer_id"] = e.customer_id;
  if (auto it = st.distributors.find(e.customer_id); it != st.distributors.end()) {
    d.reason = "register_already_distributor";
    d.refused = true;
    d.facts["inviter_id"] = it->second.inviter_id ? Json(*it->second.inviter_id) : Json(nullptr);
    return;
  }
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  std::optional<int64_t> inviter;
  if (c.binding) {
    inviter = c.binding->distributor_id;
    d.reason = "register_inviter_bound";
    d.facts["binding"] = BindingFacts(*c.binding);
  } else if (ShareValid(c, e.at_ms)) {
    inviter = c.share->sharer_id;
    d.reason = "register_inviter_shared";
    d.facts["share"] = ShareFacts(*c.share);
  } else {
    d.reason = "register_no_inviter";
    ExplainNobody(c, d.facts);
  }
  d.facts["inviter_id"] = inviter ? Json(*inviter) : Json(nullptr);
  DistributorRec rec;
  rec.id = e.customer_id;
  rec.inviter_id = inviter;
  rec.since_ms = e.at_ms;
  st.distributors[rec.id] = rec;
}

void Order(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts["customer_id"] = e.customer_id;
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  if (s.Campaign()) {
    if (ShareValid(c, e.at_ms)) {
      const auto it = st.customers.find(c.share->sharer_id);
      const bool bought = it != st.customers.end() && it->second.has_bought;
      d.level1 = c.share->sharer_id;
      d.facts["share"] = ShareFacts(*c.share);
      d.facts["sharer_has_bought"] = bought;
      d.reason = s.program->campaign.buy_before_distributing && !bought
                     ? "order_campaign_sharer_not_bought"
                     : "order_campaign_sharer";
    } else {
      d.reason = "order_unattributed";
      ExplainNobody(c, d.facts);
    }
    d.facts["distributor_id"] = d.level1 ? Json(*d.level1) : Json(nullptr);
    c.has_bought = true;
    return;
  }
  if (c.binding) {
    d.level1 = c.binding->distributor_id;
    d.reason = "order_bound";
    d.facts["binding"] = BindingFacts(*c.binding);
  } else if (ShareValid(c, e.at_ms)) {
    d.level1 = c.share->sharer_id;
    d.facts["share"] = ShareFacts(*c.share);
    if (st.mode == AttrMode::kRelationFirst && s.bind_on == BindOn::kOrder) {
      if (c.ended) d.facts["previous"] = EndedFacts(*c.ended);
      Bind(s, st, c, c.share->sharer_id, e.at_ms, "order");
      d.reason = "order_bound_now";
      d.facts["binding"] = BindingFacts(*c.binding);
    } else {
      d.reason = "order_shared";
    }
  } else {
    d.reason = "order_unattributed";
    ExplainNobody(c, d.facts);
  }
  d.facts["distributor_id"] = d.level1 ? Json(*d.level1) : Json(nullptr);
  if (st.distributors.count(e.customer_id)) {
    if (s.program->self_purchase == SelfPurchase::kSelfAsLevel1) {
      d.reason = "order_self_as_level1";
      d.facts["self_purchase"] = "self_as_level1";
    } else {
      d.facts["self_purchase"] = "excluded";
    }
  }
  c.has_bought = true;
}

void Rebind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts["customer_id"] = e.customer_id;
  d.facts["distributor_id"] = e.distributor_id;
  d.refused = true;
  if (e.customer_id == e.distributor_id) {
    d.reason = "rebind_refused_self";
    return;
  }
  if (st.mode == AttrMode::kSharerFirst) {
    d.reason = "rebind_refused_sharer_first";
    return;
  }
  d.refused = false;
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  if (c.binding) {
    d.facts["previous_distributor_id"] = c.binding->distributor_id;
    c.ended = Ended{c.binding->distributor_id, e.at_ms, "replaced"};
  }
  Bind(s, st, c, e.distributor_id, e.at_ms, "merchant");
  d.reason = "rebind_done";
  d.facts["binding"] = BindingFacts(*c.binding);
}

void Unbind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts["customer_id"] = e.customer_id;
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  d.reason = "unbind_done";
  if (c.binding) {
    d.facts["previous_distributor_id"] = c.binding->distributor_id;
    c.ended = Ended{c.binding->distributor_id, e.at_ms, "unbound"};
    c.binding.reset();
  } else if (ShareValid(c, e.at_ms)) {
    d.facts["previous_sharer_id"] = c.share->sharer_id;
  } else {
    d.reason = "unbind_nothing";
  }
  // The share goes too: otherwise the same distributor would keep the customer for a day.
  c.share.reset();
}

void SwitchMode(AttributionState& st, const AttrEvent& e, Decision& d) {
  const AttrMode to = ModeOf(e.to);
  d.facts["from"] = AttrModeName(st.mode);
  d.facts["to"] = e.to;
  d.facts["requested_ms"] = e.at_ms;
  d.refused = true;
  if (st.last_switch_ms && e.at_ms - *st.last_switch_ms <= kSwitchGuardMs) {
    d.reason = "switch_refused_too_soon";
    d.facts["previous_request_ms"] = *st.last_switch_ms;
    d.facts["next_allowed_ms"] = *st.last_switch_ms + kSwitchGuardMs + 1;
    return;
  }
  if (to == st.mode) {
    d.reason = "switch_refused_same_mode";
    return;
  }
  d.refused = false;
  d.reason = "switch_scheduled";
  st.pending = PendingSwitch{to, e.at_ms, SwitchEffectiveMs(e.at_ms)};
  st.last_switch_ms = e.at_ms;
  d.facts["effective_ms"] = st.pending->effective_ms;
  d.facts["next_allowed_ms"] = e.at_ms + kSwitchGuardMs + 1;
  d.facts["effect"] = to == AttrMode::kSharerFirst ? "bindings_voided" : "new_relations_only";
}

void SwitchAutoUnbind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e,
                      Decision& d) {
  const AutoUnbind to = AutoOf(e.to);
  d.facts["from"] = AutoUnbindName(st.auto_unbind);
  d.facts["to"] = e.to;
  d.facts["binding_days"] = s.binding_days;
  if (to == st.auto_unbind) {
    d.reason = "auto_unbind_refused_same";
    d.refused = true;
    return;
  }
  st.history.push_back({false, static_cast<int>(to), e.at_ms});
  st.auto_unbind = to;
  d.reason = "auto_unbind_switched";
  if (to == AutoUnbind::kOnExpiry) {
    d.facts["effect"] = "expiry_recalculated";
    d.facts["expires_ms"] = e.at_ms + s.binding_days * kDayMs;
  } else {
    d.facts["effect"] = "bindings_permanent";
  }
}

size_t GradeIndex(const Program& p, const std::string& id) {
  for (size_t i = 0; i < p.grades.size(); ++i)
    if (p.grades[i].id == id) return i;
  return 0;
}

void SetGrade(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  DistributorRec& rec = st.distributors[e.distributor_id];
  const std::string from = rec.grade.empty()
                               ? (s.program->grades.empty() ? "" : s.program->grades.front().id)
                               : rec.grade;
  d.facts["distributor_id"] = e.distributor_id;
  d.facts["from"] = from;
  d.facts["to"] = e.grade;
  d.facts["manual"] = e.manual;
  if (!e.manual && rec.grade_manual) {
    d.reason = "grade_refused_manual";
    d.refused = true;
    return;
  }
  if (!e.manual && GradeIndex(*s.program, e.grade) <= GradeIndex(*s.program, from)) {
    d.reason = "grade_refused_downgrade";
    d.refused = true;
    return;
  }
  rec.grade = e.grade;
  rec.grade_manual = e.manual;
  d.reason = "grade_set";
}

void SetInviter(AttributionState& st, const AttrEvent& e, Decision& d) {
  DistributorRec& rec = st.distributors[e.distributor_id];
  d.facts["distributor_id"] = e.distributor_id;
  d.facts["inviter_id"] = e.inviter_id;
  d.refused = true;
  if (e.distributor_id == e.inviter_id) {
    d.reason = "inviter_refused_self";
    return;
  }
  if (rec.inviter_id) {
    d.reason = "inviter_refused_fixed";
    d.facts["current_inviter_id"] = *rec.inviter_id;
    return;
  }
  // The tree is acyclic, so this walk ends within the number of distributors.
  for (std::optional<int64_t> cur = e.inviter_id; cur;) {
    if (*cur == e.distributor_id) {
      d.reason = "inviter_refused_cycle";
      return;
    }
    const auto it = st.distributors.find(*cur);
    cur = it == st.distributors.end() ? std::nullopt : it->second.inviter_id;
  }
  d.refused = false;
  rec.inviter_id = e.inviter_id;
  d.reason = "inviter_set";
}

}  // namespace

const char* AttrModeName(AttrMode m) {
  return m == AttrMode::kSharerFirst ? "sharer_first" : "relation_first";
}
const char* AutoUnbindName(AutoUnbind a) {
  return a == AutoUnbind::kOnExpiry ? "on_expiry" : "never";
}

const std::vector<const char*>& AttributionReasons() {
  static const std::vector<const char*> all = {"visit_self_ignored",
                                               "visit_bound",
                                               "visit_renewed",
                                               "visit_kept_binding",
                                               "visit_cached",
                                               "visit_cache_refreshed",
                                               "visit_cache_overwritten",
                                               "register_inviter_bound",
                                               "register_inviter_shared",
                                               "register_no_inviter",
                                               "register_already_distributor",
                                               "order_bound",
                                               "order_bound_now",
                                               "order_shared",
                                               "order_self_as_level1",
                                               "order_unattributed",
                                               "order_campaign_sharer",
                                               "order_campaign_sharer_not_bought",
                                               "rebind_done",
                                               "rebind_refused_self",
                                               "rebind_refused_sharer_first",
                                               "unbind_done",
                                               "unbind_nothing",
                                               "switch_scheduled",
                                               "switch_refused_too_soon",
                                               "switch_refused_same_mode",
                                               "switch_effective",
                                               "auto_unbind_switched",
                                               "auto_unbind_refused_same",
                                               "grade_set",
                                               "grade_refused_downgrade",
                                               "grade_refused_manual",
                                               "inviter_set",
                                               "inviter_refused_self",
                                               "inviter_refused_fixed",
                                               "inviter_refused_cycle",
                                               "tick"};
  return all;
}

int64_t SwitchEffectiveMs(int64_t request_ms) {
  return CstDayStartMs(CstDay(request_ms) + 1) + 5 * kHourMs;  // times are >= 0
}

std::optional<int64_t> ReadTimeMs(const Json& v, const std::string& path, Problems& problems) {
  return ReadTimeIn(v, path, kTimeLimitMs, problems);
}

std::optional<AttributionSettings> ParseAttributionSettings(const Json& j, const std::string& path,
                                                            Problems& problems,
                                                            const ProgramRequest* request) {
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

void SettleSwitches(AttributionState& st, int64_t t, std::vector<Decision>& out) {
  if (!st.pending || t < st.pending->effective_ms) return;
  const PendingSwitch p = *st.pending;
  Decision d;
  d.event = "switch_effective";
  d.at_ms = p.effective_ms;
  d.reason = "switch_effective";
  d.facts = {{"from", AttrModeName(st.mode)},
             {"to", AttrModeName(p.to)},
             {"requested_ms", p.requested_ms},
             {"effective_ms", p.effective_ms},
             {"effect", p.to == AttrMode::kSharerFirst ? "bindings_voided" : "new_relations_only"}};
  st.history.push_back({true, static_cast<int>(p.to), p.effective_ms});
  st.mode = p.to;
  st.pending.reset();
  out.push_back(std::move(d));
}

bool ApplyAttrEvent(const AttributionSettings& s, AttributionState& st, const AttrEvent& e,
                    const std::string& path, std::vector<Decision>& out, Problems& problems) {
  const size_t before = problems.size();
  const auto at = [&](const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  };
  if (st.last_event_ms && e.at_ms < *st.last_event_ms)
    Report(
        problems, "E_EVENT_ORDER", at("at_ms"),
        "events must come in time order: this one is before " + std::to_string(*st.last_event_ms));
  const auto known = [&](int64_t id, const char* key) {
    if (!st.distributors.count(id))
      Report(problems, "E_UNKNOWN_DISTRIBUTOR", at(key),
             std::to_string(id) + " is not a known distributor");
  };
  if (e.type == "visit" && !s.Campaign()) known(e.sharer_id, "sharer_id");
  if (e.type == "rebind" || e.type == "set_grade" || e.type == "set_inviter")
    known(e.distributor_id, "distributor_id");
  if (e.type == "set_inviter") known(e.inviter_id, "inviter_id");
  if (e.type == "set_grade" && !s.program->FindGrade(e.grade))
    Report(problems, "E_UNKNOWN_GRADE", at("grade"), "no grade with this id in the program");
  const bool grows =
      e.type == "switch_auto_unbind" || (st.pending && e.at_ms >= st.pending->effective_ms);
  if (grows && st.history.size() + 2 > kMaxHistory)
    Report(problems, "E_TOO_MANY", at("type"), "a state remembers at most 1000 setting switches");
  if (problems.size() != before) return false;

  st.last_event_ms = e.at_ms;
  SettleSwitches(st, e.at_ms, out);
  Decision d;
  d.event = e.type;
  d.at_ms = e.at_ms;
  const std::string& t = e.type;
  if (t == "visit")
    Visit(s, st, e, d);
  else if (t == "register")
    Register(s, st, e, d);
  else if (t == "order")
    Order(s, st, e, d);
  else if (t == "rebind")
    Rebind(s, st, e, d);
  else if (t == "unbind")
    Unbind(s, st, e, d);
  else if (t == "switch_mode")
    SwitchMode(st, e, d);
  else if (t == "switch_auto_unbind")
    SwitchAutoUnbind(s, st, e, d);
  else if (t == "set_grade")
    SetGrade(s, st, e, d);
  else if (t == "set_inviter")
    SetInviter(st, e, d);
  else
    d.reason = "tick";
  out.push_back(std::move(d));
  return true;
}

Json BeneficiaryInput(const AttributionSettings& s, const AttributionState& st, int64_t buyer,
                      const Decision& order_decision) {
  const std::optional<int64_t>& level1 = order_decision.level1;
  Json o = {{"buyer_id", buyer}};
  if (s.Campaign()) {
    o["sharer_id"] = level1 ? Json(*level1) : Json(nullptr);
    bool bought = false;
    if (level1) {
      const auto it = st.customers.find(*level1);
      bought = it != st.customers.end() && it->second.has_bought;
    }
    o["sharer_has_bought"] = bought;
    return o;
  }
  o["bound_distributor_id"] = level1 ? Json(*level1) : Json(nullptr);
  const bool self_first =
      s.program->self_purchase == SelfPurchase::kSelfAsLevel1 && st.distributors.count(buyer);
  std::optional<int64_t> cur = self_first ? std::optional<int64_t>(buyer) : level1;
  Json slice = Json::array();
  for (int level = 1; level <= s.program->depth && cur; ++level) {
    const auto it = st.distributors.find(*cur);
    if (it == st.distributors.end()) break;  // cannot happen: bindings point at distributors
    const DistributorRec& d = it->second;
    Json j = {{"id", d.id}, {"inviter_id", d.inviter_id ? Json(*d.inviter_id) : Json(nullptr)}};
    if (!d.grade.empty()) j["grade"] = d.grade;
    slice.push_back(std::move(j));
    cur = d.inviter_id;
  }
  o["distributors"] = std::move(slice);
  return o;
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
          {"facts", d.facts}};
}

}  // namespace engine
