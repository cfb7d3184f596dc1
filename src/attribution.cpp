// The attribution rules (SPEC 5, seed 001): each event against the state, and why. Reading and
// writing them as JSON is src/api/attribution_json.cpp.
#include "attribution.h"

namespace engine {
namespace {

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
void ExplainNobody(const CustomerRec& c, DecisionFacts& facts) {
  std::string why = "no_visit";
  int64_t when = -1;
  if (c.ended) {
    facts.last_binding = *c.ended;
    why = "binding_" + c.ended->why;
    when = c.ended->at_ms;
  }
  if (c.share) {
    facts.last_share = *c.share;
    if (c.share->expires_ms >= when) why = "share_expired";
  }
  facts.why = why;
}

void Visit(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts.customer_id = e.customer_id;
  d.facts.sharer_id = e.sharer_id;
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
      d.facts.binding = *c.binding;
      c.share = now;
      return;
    }
    if (s.bind_on == BindOn::kVisit) {
      if (c.ended) d.facts.previous = *c.ended;
      Bind(s, st, c, e.sharer_id, e.at_ms, "visit");
      d.reason = "visit_bound";
      d.facts.binding = *c.binding;
      c.share = now;
      return;
    }
    d.facts.bind_on = "order";
  }
  if (!had_share)
    d.reason = "visit_cached";
  else if (before_sharer == e.sharer_id)
    d.reason = "visit_cache_refreshed";
  else
    d.reason = "visit_cache_overwritten";
  if (had_share && before_sharer != e.sharer_id) d.facts.previous_sharer_id = before_sharer;
  c.share = now;
  d.facts.share = now;
}

void Register(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts.customer_id = e.customer_id;
  if (auto it = st.distributors.find(e.customer_id); it != st.distributors.end()) {
    d.reason = "register_already_distributor";
    d.refused = true;
    d.facts.inviter_id.emplace(it->second.inviter_id);
    return;
  }
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  std::optional<int64_t> inviter;
  if (c.binding) {
    inviter = c.binding->distributor_id;
    d.reason = "register_inviter_bound";
    d.facts.binding = *c.binding;
  } else if (ShareValid(c, e.at_ms)) {
    inviter = c.share->sharer_id;
    d.reason = "register_inviter_shared";
    d.facts.share = *c.share;
  } else {
    d.reason = "register_no_inviter";
    ExplainNobody(c, d.facts);
  }
  d.facts.inviter_id.emplace(inviter);
  DistributorRec rec;
  rec.id = e.customer_id;
  rec.inviter_id = inviter;
  rec.since_ms = e.at_ms;
  st.distributors[rec.id] = rec;
}

void Order(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts.customer_id = e.customer_id;
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  if (s.Campaign()) {
    if (ShareValid(c, e.at_ms)) {
      const auto it = st.customers.find(c.share->sharer_id);
      const bool bought = it != st.customers.end() && it->second.has_bought;
      d.level1 = c.share->sharer_id;
      d.facts.share = *c.share;
      d.facts.sharer_has_bought = bought;
      d.reason = s.program->campaign.buy_before_distributing && !bought
                     ? "order_campaign_sharer_not_bought"
                     : "order_campaign_sharer";
    } else {
      d.reason = "order_unattributed";
      ExplainNobody(c, d.facts);
    }
    d.facts.distributor_id.emplace(d.level1);
    c.has_bought = true;
    return;
  }
  if (c.binding) {
    d.level1 = c.binding->distributor_id;
    d.reason = "order_bound";
    d.facts.binding = *c.binding;
  } else if (ShareValid(c, e.at_ms)) {
    d.level1 = c.share->sharer_id;
    d.facts.share = *c.share;
    if (st.mode == AttrMode::kRelationFirst && s.bind_on == BindOn::kOrder) {
      if (c.ended) d.facts.previous = *c.ended;
      Bind(s, st, c, c.share->sharer_id, e.at_ms, "order");
      d.reason = "order_bound_now";
      d.facts.binding = *c.binding;
    } else {
      d.reason = "order_shared";
    }
  } else {
    d.reason = "order_unattributed";
    ExplainNobody(c, d.facts);
  }
  d.facts.distributor_id.emplace(d.level1);
  if (st.distributors.count(e.customer_id)) {
    if (s.program->self_purchase == SelfPurchase::kSelfAsLevel1) {
      d.reason = "order_self_as_level1";
      d.facts.self_purchase = "self_as_level1";
    } else {
      d.facts.self_purchase = "excluded";
    }
  }
  c.has_bought = true;
}

void Rebind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts.customer_id = e.customer_id;
  d.facts.distributor_id.emplace(e.distributor_id);
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
    d.facts.previous_distributor_id = c.binding->distributor_id;
    c.ended = Ended{c.binding->distributor_id, e.at_ms, "replaced"};
  }
  Bind(s, st, c, e.distributor_id, e.at_ms, "merchant");
  d.reason = "rebind_done";
  d.facts.binding = *c.binding;
}

void Unbind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e, Decision& d) {
  d.facts.customer_id = e.customer_id;
  CustomerRec& c = Touch(s, st, e.customer_id, e.at_ms);
  d.reason = "unbind_done";
  if (c.binding) {
    d.facts.previous_distributor_id = c.binding->distributor_id;
    c.ended = Ended{c.binding->distributor_id, e.at_ms, "unbound"};
    c.binding.reset();
  } else if (ShareValid(c, e.at_ms)) {
    d.facts.previous_sharer_id = c.share->sharer_id;
  } else {
    d.reason = "unbind_nothing";
  }
  // The share goes too: otherwise the same distributor would keep the customer for a day.
  c.share.reset();
}

void SwitchMode(AttributionState& st, const AttrEvent& e, Decision& d) {
  const AttrMode to = ModeOf(e.to);
  d.facts.from = AttrModeName(st.mode);
  d.facts.to = e.to;
  d.facts.requested_ms = e.at_ms;
  d.refused = true;
  if (st.last_switch_ms && e.at_ms - *st.last_switch_ms <= kSwitchGuardMs) {
    d.reason = "switch_refused_too_soon";
    d.facts.previous_request_ms = *st.last_switch_ms;
    d.facts.next_allowed_ms = *st.last_switch_ms + kSwitchGuardMs + 1;
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
  d.facts.effective_ms = st.pending->effective_ms;
  d.facts.next_allowed_ms = e.at_ms + kSwitchGuardMs + 1;
  d.facts.effect = to == AttrMode::kSharerFirst ? "bindings_voided" : "new_relations_only";
}

void SwitchAutoUnbind(const AttributionSettings& s, AttributionState& st, const AttrEvent& e,
                      Decision& d) {
  const AutoUnbind to = AutoOf(e.to);
  d.facts.from = AutoUnbindName(st.auto_unbind);
  d.facts.to = e.to;
  d.facts.binding_days = s.binding_days;
  if (to == st.auto_unbind) {
    d.reason = "auto_unbind_refused_same";
    d.refused = true;
    return;
  }
  st.history.push_back({false, static_cast<int>(to), e.at_ms});
  st.auto_unbind = to;
  d.reason = "auto_unbind_switched";
  if (to == AutoUnbind::kOnExpiry) {
    d.facts.effect = "expiry_recalculated";
    d.facts.expires_ms = e.at_ms + s.binding_days * kDayMs;
  } else {
    d.facts.effect = "bindings_permanent";
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
  d.facts.distributor_id.emplace(e.distributor_id);
  d.facts.from = from;
  d.facts.to = e.grade;
  d.facts.manual = e.manual;
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
  d.facts.distributor_id.emplace(e.distributor_id);
  d.facts.inviter_id.emplace(e.inviter_id);
  d.refused = true;
  if (e.distributor_id == e.inviter_id) {
    d.reason = "inviter_refused_self";
    return;
  }
  if (rec.inviter_id) {
    d.reason = "inviter_refused_fixed";
    d.facts.current_inviter_id = *rec.inviter_id;
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

AttrMode ModeOf(const std::string& s) {
  return s == "sharer_first" ? AttrMode::kSharerFirst : AttrMode::kRelationFirst;
}
AutoUnbind AutoOf(const std::string& s) {
  return s == "on_expiry" ? AutoUnbind::kOnExpiry : AutoUnbind::kNever;
}

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

void SettleSwitches(AttributionState& st, int64_t t, std::vector<Decision>& out) {
  if (!st.pending || t < st.pending->effective_ms) return;
  const PendingSwitch p = *st.pending;
  Decision d;
  d.event = "switch_effective";
  d.at_ms = p.effective_ms;
  d.reason = "switch_effective";
  d.facts.from = AttrModeName(st.mode);
  d.facts.to = AttrModeName(p.to);
  d.facts.requested_ms = p.requested_ms;
  d.facts.effective_ms = p.effective_ms;
  d.facts.effect = p.to == AttrMode::kSharerFirst ? "bindings_voided" : "new_relations_only";
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

OrderParties PartiesOf(const AttributionSettings& s, const AttributionState& st, int64_t buyer,
                       const Decision& order_decision) {
  OrderParties o;
  o.buyer_id = buyer;
  o.level1 = order_decision.level1;
  if (s.Campaign()) {
    if (o.level1) {
      const auto it = st.customers.find(*o.level1);
      o.sharer_has_bought = it != st.customers.end() && it->second.has_bought;
    }
    return o;
  }
  const bool self_first =
      s.program->self_purchase == SelfPurchase::kSelfAsLevel1 && st.distributors.count(buyer);
  std::optional<int64_t> cur = self_first ? std::optional<int64_t>(buyer) : o.level1;
  for (int level = 1; level <= s.program->depth && cur; ++level) {
    const auto it = st.distributors.find(*cur);
    if (it == st.distributors.end()) break;  // cannot happen: bindings point at distributors
    o.chain.push_back(&it->second);
    cur = it->second.inviter_id;
  }
  return o;
}

}  // namespace engine
