#include "attribution_api.h"

#include "attribution_json.h"
#include "commission.h"
#include "commission_json.h"
#include "grades.h"
#include "json_reader.h"
#include "json_writer.h"
#include "money.h"
#include "order_json.h"
#include "request.h"

namespace engine::api {
namespace {

const Json* Field(const Json& root, const char* key) {
  auto it = root.find(key);
  return it == root.end() || it->is_null() ? nullptr : &*it;
}

// The request object, its known keys, the settings and the state, all validated.
struct Ctx {
  Request request;  // settings.program: parsed once per distinct text
  Json root;
  std::optional<AttributionSettings> settings;
  std::optional<AttributionState> state;
};

bool Parse(const std::string& text, std::initializer_list<const char*> keys, Ctx& c,
           Problems& problems) {
  if (!OpenRequest(text, {"settings", "program"}, c.request, problems)) return false;
  c.root = std::move(c.request.root);
  for (auto it = c.root.begin(); it != c.root.end(); ++it) {
    bool ok = false;
    for (const char* k : keys) ok = ok || it.key() == k;
    if (!ok) Report(problems, "E_UNKNOWN_FIELD", it.key(), "unknown field");
  }
  const Json* s = Field(c.root, "settings");
  if (!s) {
    Report(problems, "E_REQUIRED", "settings", "is required");
    return false;
  }
  c.settings = ParseAttributionSettings(*s, "settings", problems, &c.request);
  if (!c.settings) return false;
  c.state = ParseAttributionState(Field(c.root, "state"), "state", *c.settings, problems);
  return c.state && problems.empty();
}

// One event against the context's state; on success the last decision is the event's own.
bool StepOne(Ctx& c, const char* key, std::vector<Decision>& out, Problems& problems,
             std::optional<AttrEvent>* parsed = nullptr) {
  const Json* ej = Field(c.root, key);
  if (!ej) {
    Report(problems, "E_REQUIRED", key, "is required");
    return false;
  }
  auto e = ParseAttrEvent(*ej, key, c.settings->Campaign(), problems);
  if (!e) return false;
  if (parsed) *parsed = e;
  return ApplyAttrEvent(*c.settings, *c.state, *e, key, out, problems);
}

}  // namespace

std::string AttributionStep(const std::string& text) {
  Problems problems;
  Ctx c;
  if (!Parse(text, {"settings", "state", "event"}, c, problems)) return Fail(problems);
  std::vector<Decision> out;
  if (!StepOne(c, "event", out, problems)) return Fail(problems);
  Json applied = Json::array();
  for (size_t i = 0; i + 1 < out.size(); ++i) applied.push_back(DecisionJson(out[i]));
  return DumpJson({{"ok", true},
                   {"state", AttributionStateJson(*c.state)},
                   {"decision", DecisionJson(out.back())},
                   {"applied", applied}});
}

std::string ReplayEvents(const std::string& text) {
  Problems problems;
  Ctx c;
  if (!Parse(text, {"settings", "state", "events"}, c, problems)) return Fail(problems);
  const Json* es = Field(c.root, "events");
  if (!es || !es->is_array()) {
    Report(problems, es ? "E_TYPE" : "E_REQUIRED", "events", "expected an array of events");
    return Fail(problems);
  }
  if (es->size() > kMaxEvents) {
    Report(problems, "E_TOO_MANY", "events", "at most 1000000 events per replay");
    return Fail(problems);
  }
  std::vector<Decision> out;
  Json decisions = Json::array();
  size_t refused = 0;
  for (size_t i = 0; i < es->size(); ++i) {
    const std::string path = IndexPath("events", i);
    auto e = ParseAttrEvent((*es)[i], path, c.settings->Campaign(), problems);
    if (!e || !ApplyAttrEvent(*c.settings, *c.state, *e, path, out, problems))
      return Fail(problems);
    for (auto& d : out) {
      Json j = DecisionJson(d);
      j["event_index"] = i;
      refused += d.refused ? 1 : 0;
      decisions.push_back(std::move(j));
    }
    out.clear();
  }
  return DumpJson({{"ok", true},
                   {"state", AttributionStateJson(*c.state)},
                   {"events", es->size()},
                   {"refused", refused},
                   {"decisions", std::move(decisions)}});
}

std::string AttributeOrder(const std::string& text) {
  Problems problems;
  Ctx c;
  if (!Parse(text, {"settings", "state", "event", "order"}, c, problems)) return Fail(problems);
  const Json* ej = Field(c.root, "event");
  if (ej && ej->is_object()) {
    // The type may be left out: this entry point only takes orders.
    Json e = *ej;
    if (!e.contains("type")) e["type"] = "order";
    if (!e["type"].is_string() || e["type"].get<std::string>() != "order") {
      Report(problems, "E_EVENT_TYPE", "event.type", "attributeOrder takes an order event");
      return Fail(problems);
    }
    c.root["event"] = e;
  }
  const Json* oj = Field(c.root, "order");
  if (oj) {
    if (!oj->is_object()) {
      Report(problems, "E_TYPE", "order", "expected an object");
      return Fail(problems);
    }
    for (const char* k :
         {"buyer_id", "bound_distributor_id", "distributors", "sharer_id", "sharer_has_bought"})
      if (oj->contains(k))
        Report(problems, "E_ATTRIBUTED_FIELD", std::string("order.") + k,
               "filled in by attribution; leave it out");
    if (!problems.empty()) return Fail(problems);
  }
  std::vector<Decision> out;
  std::optional<AttrEvent> e;
  if (!StepOne(c, "event", out, problems, &e)) return Fail(problems);
  const Decision& d = out.back();
  Json order = BeneficiaryInput(*c.settings, PartiesOf(*c.settings, *c.state, e->customer_id, d));
  // With the order's items: the order as the commission engine takes it, and its preview.
  Order parsed;
  std::optional<Preview> preview;
  if (oj) {
    Json merged = *oj;
    for (auto it = order.begin(); it != order.end(); ++it) merged[it.key()] = *it;
    auto o = ParseOrder(merged, "order", problems);
    if (o) preview = engine::PreviewOrder(*c.settings->program, *o, "order", problems);
    if (!preview) return Fail(problems);  // paths under "order"
    parsed = std::move(*o);
    order = std::move(merged);
  }
  Json applied = Json::array();
  for (size_t i = 0; i + 1 < out.size(); ++i) applied.push_back(DecisionJson(out[i]));
  // Keys in sorted order (JsonWriter), the preview written straight into the answer.
  JsonWriter w;
  w.Obj().Key("applied").Raw(DumpJson(applied));
  if (preview) {
    w.Key("commission");
    WritePreview(w, *c.settings->program, parsed, *preview);
  }
  w.Key("decision")
      .Raw(DumpJson(DecisionJson(d)))
      .FieldBool("ok", true)
      .Key("order")
      .Raw(DumpJson(order))
      .Key("state")
      .Raw(DumpJson(AttributionStateJson(*c.state)))
      .End();
  return std::move(w.Text());
}

std::string PreviewModeSwitch(const std::string& text) {
  Problems problems;
  Ctx c;
  if (!Parse(text, {"settings", "state", "at_ms", "to"}, c, problems)) return Fail(problems);
  if (c.settings->Campaign()) {
    Report(problems, "E_KIND", "settings.program.kind", "a campaign has no attribution mode");
    return Fail(problems);
  }
  const Json* at = Field(c.root, "at_ms");
  if (!at) {
    Report(problems, "E_REQUIRED", "at_ms", "is required");
    return Fail(problems);
  }
  auto t = ReadTimeMs(*at, "at_ms", problems);
  if (!t) return Fail(problems);
  AttributionState& st = *c.state;
  AttrEvent e;
  e.type = "switch_mode";
  e.at_ms = *t;
  if (Field(c.root, "to")) {
    Reader r(c.root, "", problems);
    e.to = r.Enum("to", {"relation_first", "sharer_first"}).value_or("");
    if (!problems.empty()) return Fail(problems);
  } else {
    // The question the merchant asks is "may I switch to the other mode?"
    AttrMode now = st.mode;
    if (st.pending && *t >= st.pending->effective_ms) now = st.pending->to;
    e.to = now == AttrMode::kRelationFirst ? "sharer_first" : "relation_first";
  }
  Json pending = nullptr;
  if (st.pending && *t < st.pending->effective_ms)
    pending = {{"to", AttrModeName(st.pending->to)},
               {"requested_ms", st.pending->requested_ms},
               {"effective_ms", st.pending->effective_ms}};
  std::vector<Decision> out;
  if (!ApplyAttrEvent(*c.settings, st, e, "", out, problems)) return Fail(problems);
  const Decision& d = out.back();
  const DecisionFacts& f = d.facts;
  Json r = {{"ok", true},
            {"mode_now", f.from.value_or("")},
            {"to", e.to},
            {"allowed", !d.refused},
            {"decision", DecisionJson(d)},
            {"pending_switch", pending}};
  if (!d.refused) {
    r["effective_ms"] = f.effective_ms.value_or(0);
    r["next_allowed_ms"] = f.next_allowed_ms.value_or(0);
  } else if (d.reason == "switch_refused_too_soon") {
    const int64_t from = f.next_allowed_ms.value_or(0);
    r["allowed_from_ms"] = from;
    r["effective_if_requested_then_ms"] = SwitchEffectiveMs(from);
  }
  return DumpJson(r);
}

std::string AttributionReasonCodes(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader(req.root, "", problems).Finish();
  if (!problems.empty()) return Fail(problems);
  JsonWriter w;
  w.Obj().FieldBool("ok", true).Key("reasons").Arr();
  for (const char* r : AttributionReasons()) w.Str(r);
  w.End().End();
  return std::move(w.Text());
}

std::string GradeStatus(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {"program"}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  std::shared_ptr<const Program> p;
  const Json* pj = r.Raw("program");  // null in its place when the program was cached
  if (req.cached || pj)
    p = req.cached ? req.cached : RequestProgram(req, *pj, "program", problems);
  else
    Report(problems, "E_REQUIRED", "program", "is required");
  const std::string grade = r.Str("grade", "", 64).value_or("");
  const bool manual = r.Bool("manual", false).value_or(false);
  GradeStats s;
  if (const Json* sj = r.Raw("stats")) {
    Reader sr(*sj, "stats", problems);
    s.bound_customers = sr.Amount("bound_customers", 0).value_or(0);
    s.invited_distributors = sr.Amount("invited_distributors", 0).value_or(0);
    s.paid_orders = sr.Amount("paid_orders", 0).value_or(0);
    s.paid_fen = sr.Amount("paid_fen", 0).value_or(0);
    s.deal_fen = sr.Amount("deal_fen", 0).value_or(0);
    s.completed_orders = sr.Amount("completed_orders", 0).value_or(0);
    sr.Finish();
  }
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  if (p->kind != ProgramKind::kDistribution) {
    Report(problems, "E_KIND", "program.kind", "grades belong to distribution programs");
    return Fail(problems);
  }
  if (!grade.empty() && !p->FindGrade(grade)) {
    Report(problems, "E_UNKNOWN_GRADE", "grade", "no grade with this id in the program");
    return Fail(problems);
  }
  const GradeReport g = EvaluateGrade(*p, grade, manual, s);
  const auto name = [&](const std::string& id) -> Json {
    const Grade* gr = p->FindGrade(id);
    return gr ? Json(gr->name) : Json(nullptr);
  };
  Json out = {{"ok", true},
              {"rules_version", p->rules_version},
              {"show_grades", g.show},
              {"reason", g.reason},
              {"grade", g.grade.empty() ? Json(nullptr) : Json(g.grade)},
              {"name", name(g.grade)},
              {"from", g.from.empty() ? Json(nullptr) : Json(g.from)},
              {"manual", manual},
              {"next", nullptr}};
  if (g.show && g.next) {
    Json th = Json::array();
    for (const auto& t : g.progress) {
      Json tj = {{"metric", t.metric},
                 {"current", t.current},
                 {"target", t.target},
                 {"missing", t.missing},
                 {"met", t.met}};
      // Money thresholds also as text, so no page formats fen itself.
      const std::string metric = t.metric;
      if (metric.size() > 4 && metric.compare(metric.size() - 4, 4, "_fen") == 0)
        tj["missing_text"] = FormatYuan(t.missing);
      th.push_back(std::move(tj));
    }
    out["next"] = {{"grade", *g.next},
                   {"name", name(*g.next)},
                   {"rule", p->upgrade == UpgradeRule::kAny ? "any" : "all"},
                   {"met", g.next_met},
                   {"thresholds", th}};
  }
  if (!g.show) {
    // One grade: nothing about grades reaches the page.
    out["grade"] = nullptr;
    out["name"] = nullptr;
    out["from"] = nullptr;
  }
  return DumpJson(out);
}

}  // namespace engine::api
