#include "api.h"

#include <algorithm>
#include <cstring>

#include "budget.h"
#include "commission.h"
#include "json_reader.h"
#include "json_writer.h"
#include "order.h"
#include "program.h"
#include "refund.h"

namespace engine::api {
namespace {

constexpr size_t kMaxBatch = 100000;
constexpr size_t kMaxRefunds = 1000;
constexpr size_t kMaxBudgetEvents = 10000;
constexpr const char* kEngineVersion = "0.1.0";

Name UnitKey(RewardType r, Name fen_key, Name points_key) {
  return r == RewardType::kPoints ? points_key : fen_key;
}

// Keys in sorted order (JsonWriter's contract, the same text nlohmann's map would give).
void WriteLine(JsonWriter& w, const Line& l, bool show_grade) {
  w.Obj().Field(UnitKey(l.reward, "amount_fen", "amount_points"), l.amount);
  if (l.reward != RewardType::kPoints) w.FieldYuan("amount_text", l.amount);
  w.Field("basis", l.basis).Field("beneficiary_id", l.who.id).Key("clipped");
  if (l.clipped)
    w.Str(l.clipped);
  else
    w.Null();
  if (l.who.grade && show_grade) w.Field("grade", l.who.grade->id);
  w.Field("level", l.who.level);
  if (l.basis[0] == 'r')
    w.Field("rate_bp", l.value);
  else
    w.Field(UnitKey(l.reward, "per_unit_fen", "per_unit_points"), l.value);
  w.Field(UnitKey(l.reward, "raw_fen", "raw_points"), l.raw)
      .Field("reward", RewardName(l.reward))
      .Field("role", l.who.role)
      .Field("rule", l.rule)
      .End();
}

// `with_version` is false inside batch and per-grade results, which carry it once at the top.
void WritePreview(JsonWriter& w, const Program& p, const Order& o, const Preview& pv,
                  bool with_version = true) {
  // Per beneficiary (and role), in the order they first appear.
  struct Sum {
    const Beneficiary* who;
    int64_t cash = 0, balance = 0, points = 0;
  };
  std::vector<Sum> sums;
  // SPEC 6: with one grade no grade is shown, so the answer names none (as without grades).
  const bool show_grade = ShowsGrades(p);
  for (const auto& it : pv.items) {
    for (const auto& l : it.lines) {
      Sum* s = nullptr;
      for (auto& x : sums)
        if (x.who->id == l.who.id && std::strcmp(x.who->role, l.who.role) == 0) s = &x;
      if (!s) s = &sums.emplace_back(Sum{&l.who});
      (l.reward == RewardType::kPoints
           ? s->points
           : (l.reward == RewardType::kBalance ? s->balance : s->cash)) += l.amount;
    }
  }
  w.Obj().Key("by_beneficiary").Arr();
  for (const auto& x : sums)
    w.Obj()
        .Field("balance_fen", x.balance)
        .Field("beneficiary_id", x.who->id)
        .Field("cash_fen", x.cash)
        .Field("level", x.who->level)
        .Field("points", x.points)
        .Field("role", x.who->role)
        .End();
  w.End().Key("chain").Arr();
  for (const auto& b : pv.chain) {
    w.Obj().Field("beneficiary_id", b.id);
    if (b.grade && show_grade) w.Field("grade", b.grade->id);
    w.Field("level", b.level).Field("role", b.role).End();
  }
  w.End().Key("items").Arr();
  for (const auto& it : pv.items) {
    w.Obj().Key("cap_fen");
    if (it.cap_fen)
      w.Int(*it.cap_fen);
    else
      w.Null();
    w.Key("excluded_type");
    if (it.excluded_type.empty())
      w.Null();
    else
      w.Str(it.excluded_type);
    w.Field("index", static_cast<int64_t>(it.index)).Key("lines").Arr();
    for (const auto& l : it.lines) WriteLine(w, l, show_grade);
    w.End().Field("paid_fen", it.paid_fen).Field("product_id", it.product_id).End();
  }
  w.End().FieldBool("ok", true).Field("order_id", o.order_id);
  if (with_version) w.Field("rules_version", p.rules_version);
  w.Key("skipped").Arr();
  for (const auto& sk : pv.skips) {
    w.Obj();
    if (sk.id) w.Field("beneficiary_id", *sk.id);
    w.Field("level", sk.level).Field("reason", sk.reason).End();
  }
  w.End()
      .Key("totals")
      .Obj()
      .Field("balance_fen", pv.balance_fen)
      .Field("cash_fen", pv.cash_fen)
      .FieldYuan("cash_text", pv.cash_fen)
      .Key("margin_fen");
  if (pv.margin_fen)
    w.Int(*pv.margin_fen);
  else
    w.Null();
  w.Key("margin_text");
  if (pv.margin_fen)
    w.Yuan(*pv.margin_fen);
  else
    w.Null();
  w.Field("paid_fen", pv.paid_fen).Field("points", pv.points).End().End();
}

// Parses the request object and its "program"; `extra` lists the request's other keys.
struct Request {
  Json root;
  std::shared_ptr<const Program> program;
};

bool ParseRequest(const std::string& text, Request& req, Problems& problems) {
  ProgramRequest pr;
  if (!ParseProgramRequest(text, {"program"}, pr, problems)) return false;
  req.root = std::move(pr.root);
  if (!req.root.is_object()) {
    Report(problems, "E_TYPE", "", "the request must be a JSON object");
    return false;
  }
  auto it = req.root.find("program");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "program", "is required");
    return false;
  }
  req.program = RequestProgram(pr, *it, "program", problems);
  return req.program != nullptr;
}

bool CheckKeys(const Json& root, std::initializer_list<const char*> allowed, Problems& problems) {
  for (auto it = root.begin(); it != root.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) Report(problems, "E_UNKNOWN_FIELD", it.key(), "unknown field");
  }
  return problems.empty();
}

Json Warnings(const Program& p) {
  Json w = Json::array();
  const auto warn = [&](const char* code, const char* path, std::string msg) {
    w.push_back({{"code", code}, {"path", path}, {"message", std::move(msg)}});
  };
  if (p.kind == ProgramKind::kCampaign) {
    if (p.campaign.commission_per_unit_fen < 100)
      warn("W_RED_PACKET_MIN", "program.commission_per_unit_fen",
           "a red packet carries at least 100 fen: a distributor must earn several commissions "
           "before withdrawing");
  } else {
    const Bp worst = p.MaxRateSumBp(nullptr);
    if (p.mode == CommissionMode::kRate && worst > p.profit_sharing_cap_bp)
      warn("W_PROFIT_SHARING_CAP", "program.rates_bp",
           "rates can add up to " + std::to_string(worst) + " bp, above the " +
               std::to_string(p.profit_sharing_cap_bp) +
               " bp profit-sharing ceiling of the payment account");
  }
  // A campaign keeps commissions on refunds by default (seed 000); with proportional refunds
  // it needs a hold as much as a distribution program does.
  if (p.hold_days == 0 && p.refund_policy == RefundPolicy::kProportional)
    warn("W_NO_HOLD", "program.hold_days",
         "with no hold days, commission is withdrawable before a refund can reverse it");
  return w;
}

}  // namespace

std::string Version() {
  return DumpJson({{"ok", true},
                   {"engine", kEngineVersion},
                   {"max_depth", kMaxDepth},
                   {"compliance_cap_bp", kComplianceCapBp}});
}

std::string ValidateProgram(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) || !CheckKeys(req.root, {"program"}, problems))
    return Fail(problems);
  const Program& p = *req.program;
  return DumpJson({{"ok", true},
                   {"rules_version", p.rules_version},
                   {"normalized", NormalizedProgram(p)},
                   {"max_rate_sum_bp", p.MaxRateSumBp(nullptr)},
                   {"warnings", Warnings(p)}});
}

std::string PreviewOrder(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) || !CheckKeys(req.root, {"program", "order"}, problems))
    return Fail(problems);
  auto it = req.root.find("order");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "order", "is required");
    return Fail(problems);
  }
  auto order = ParseOrder(*it, "order", problems);
  if (!order) return Fail(problems);
  auto pv = engine::PreviewOrder(*req.program, *order, "order", problems);
  if (!pv) return Fail(problems);
  JsonWriter w;
  WritePreview(w, *req.program, *order, *pv);
  return std::move(w.Text());
}

std::string PreviewBatch(const std::string& text) {
  std::string answer;
  answer.erase(0, PreviewBatchInto(text, answer));
  return answer;
}

size_t PreviewBatchInto(const std::string& text, std::string& answer) {
  Problems problems;
  const auto fail = [&] {
    answer = Fail(problems);
    return size_t{0};
  };
  Request req;
  if (!ParseRequest(text, req, problems) || !CheckKeys(req.root, {"program", "orders"}, problems))
    return fail();
  auto it = req.root.find("orders");
  if (it == req.root.end() || !it->is_array()) {
    Report(problems, it == req.root.end() ? "E_REQUIRED" : "E_TYPE", "orders",
           "expected an array of orders");
    return fail();
  }
  if (it->size() > kMaxBatch) {
    Report(problems, "E_TOO_MANY", "orders", "at most 100000 orders per batch");
    return fail();
  }
  // The count comes first in the text but is known only at the end: room is left for the head
  // and it is written last.
  JsonWriter w;
  w.LeaveHead(64);  // {"failed":<up to 20 digits>,"ok":true,"results":
  w.Arr();
  size_t failed = 0;
  const size_t n = it->size();
  for (size_t i = 0; i < n; ++i) {
    // Room for the whole answer, guessed from its first orders (and bounded: a guess must not
    // take memory the answer will not use). Growing a batch answer (bench: 17.8 MB, ten times its
    // request) by doubling would copy it over and over.
    if (i == 16) {
      const uint64_t guess = uint64_t{n - i} * (w.Size() / i) / 8 * 9;
      w.Reserve(static_cast<size_t>(std::min<uint64_t>(guess, 16 * uint64_t{text.size()})));
    }
    Problems op;
    const std::string path = IndexPath("orders", i);
    auto order = ParseOrder((*it)[i], path, op);
    std::optional<Preview> pv;
    if (order) pv = engine::PreviewOrder(*req.program, *order, path, op);
    if (pv) {
      WritePreview(w, *req.program, *order, *pv, false);
    } else {
      ++failed;
      w.Obj().Key("errors");
      WriteProblems(w, op);
      w.FieldBool("ok", false).End();
    }
  }
  w.End();
  // The rest of the top object, after its "results" (the array above, written as a top value).
  w.Raw(",\"rules_version\":").Str(req.program->rules_version).Raw("}");
  JsonWriter head;
  head.Obj().Field("failed", static_cast<int64_t>(failed)).FieldBool("ok", true).Key("results");
  w.Head(head.Text());
  size_t from;
  answer = std::move(w.TextFrom(from));
  return from;
}

std::string PreviewGrades(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) || !CheckKeys(req.root, {"program", "order"}, problems))
    return Fail(problems);
  auto it = req.root.find("order");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "order", "is required");
    return Fail(problems);
  }
  auto order = ParseOrder(*it, "order", problems);
  if (!order) return Fail(problems);
  const Program& p = *req.program;
  JsonWriter w;
  w.Obj().Key("grades").Arr();
  const auto write = [&](const Grade* g) {
    auto pv = engine::PreviewOrder(p, *order, "order", problems, g ? &g->id : nullptr);
    if (!pv) return false;
    w.Obj().Key("grade");
    if (g)
      w.Str(g->id);
    else
      w.Null();
    w.Key("name");
    if (g)
      w.Str(g->name);
    else
      w.Null();
    w.Key("preview");
    WritePreview(w, p, *order, *pv, false);
    w.End();
    return true;
  };
  // With at most one grade everyone holds the same one: one preview, naming no grade.
  if (!ShowsGrades(p) && !write(nullptr)) return Fail(problems);
  if (ShowsGrades(p))
    for (const auto& g : p.grades)
      if (!write(&g)) return Fail(problems);
  w.End()
      .FieldBool("ok", true)
      .Field("rules_version", p.rules_version)
      .FieldBool("show_grades", ShowsGrades(p))
      .End();
  return std::move(w.Text());
}

std::string PreviewRefund(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) ||
      !CheckKeys(req.root, {"program", "line", "refunds"}, problems))
    return Fail(problems);
  const Json* line_j = req.root.contains("line") ? &req.root["line"] : nullptr;
  if (!line_j) {
    Report(problems, "E_REQUIRED", "line", "is required");
    return Fail(problems);
  }
  Reader lr(*line_j, "line", problems);
  ClawLine line;
  line.amount = lr.Amount("amount").value_or(0);
  line.item_paid_fen = lr.Amount("item_paid_fen").value_or(0);
  line.rate_basis = lr.Enum("basis", {"rate", "fixed"}).value_or("fixed") == "rate";
  if (line.rate_basis) line.rate_bp = lr.Int("rate_bp", 0, kComplianceCapBp).value_or(0);
  lr.Finish();
  if (problems.empty() && line.amount > 0 && line.item_paid_fen == 0)
    Report(problems, "E_RANGE", "line.item_paid_fen", "a line with an amount needs a paid item");
  std::vector<Fen> refunds;
  std::vector<LineState> states;
  const Json* rs = req.root.contains("refunds") ? &req.root["refunds"] : nullptr;
  if (!rs || !rs->is_array() || rs->size() > kMaxRefunds) {
    Report(problems, rs ? (rs->is_array() ? "E_TOO_MANY" : "E_TYPE") : "E_REQUIRED", "refunds",
           "expected an array of at most 1000 refunds");
  } else {
    for (size_t i = 0; i < rs->size(); ++i) {
      Reader r((*rs)[i], IndexPath("refunds", i), problems);
      refunds.push_back(r.Amount("amount_fen").value_or(0));
      auto st = r.Enum("line_state", {"pending", "frozen", "available", "withdrawing", "withdrawn"},
                       "pending");
      states.push_back(ParseLineState(st.value_or("pending")).value_or(LineState::kPending));
      r.Finish();
    }
  }
  if (!problems.empty()) return Fail(problems);
  auto steps = ApplyRefunds(*req.program, line, refunds, states, "refunds", problems);
  if (!steps) return Fail(problems);
  Json out = Json::array();
  int64_t total = 0, debt = 0, forgiven = 0;
  for (const auto& s : *steps) {
    out.push_back({{"refund_fen", s.refund_fen},
                   {"refunded_so_far_fen", s.refunded_so_far_fen},
                   {"clawed_so_far", s.clawed_so_far},
                   {"clawback", s.clawback},
                   {"from_line", s.from_line},
                   {"debt", s.debt},
                   {"forgiven", s.forgiven}});
    total += s.clawback;
    debt += s.debt;
    forgiven += s.forgiven;
  }
  return DumpJson(
      {{"ok", true},
       {"rules_version", req.program->rules_version},
       {"policy", req.program->refund_policy == RefundPolicy::kKeep ? "keep" : "proportional"},
       {"steps", std::move(out)},
       {"total_clawback", total},
       {"total_debt", debt},
       {"total_forgiven", forgiven},
       {"line_left", line.amount - total}});
}

std::string PreviewBudget(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) ||
      !CheckKeys(req.root, {"program", "balance_fen", "events"}, problems))
    return Fail(problems);
  const Program& p = *req.program;
  if (p.kind != ProgramKind::kCampaign) {
    Report(problems, "E_KIND", "program.kind", "budgets belong to campaigns");
    return Fail(problems);
  }
  Reader r(req.root, "", problems);
  r.Raw("program");
  BudgetState s;
  s.balance_fen = r.Amount("balance_fen").value_or(0);
  s.stock = p.campaign.stock;
  std::vector<BudgetEvent> events;
  if (const Json* es = r.Array("events", kMaxBudgetEvents, true)) {
    for (size_t i = 0; i < es->size(); ++i) {
      Reader er((*es)[i], IndexPath("events", i), problems);
      BudgetEvent e;
      e.type =
          er.Enum("type", {"publish", "add_stock", "remove_stock", "sale", "end"}).value_or("");
      const bool has_units = e.type == "add_stock" || e.type == "remove_stock" || e.type == "sale";
      if (has_units) e.units = er.Int("units", 1, kMaxAmount).value_or(0);
      if (e.type == "sale") e.qualifying = er.Bool("qualifying", false).value_or(false);
      er.Finish();
      events.push_back(e);
    }
  }
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  const auto state_json = [](const BudgetState& st) {
    return Json{
        {"phase", PhaseName(st.phase)},   {"balance_fen", st.balance_fen},
        {"frozen_fen", st.frozen_fen},    {"stock", st.stock},
        {"paid_fen", st.paid_fen},        {"held_unattributed_fen", st.held_unattributed_fen},
        {"returned_fen", st.returned_fen}};
  };
  Json steps = Json::array();
  for (size_t i = 0; i < events.size(); ++i) {
    const BudgetEvent& e = events[i];
    BudgetStep step = ApplyBudgetEvent(p, s, e);
    Json j = {{"type", e.type}, {"state", state_json(step.state)}};
    j["refused"] = step.refused_code.empty() ? Json(nullptr)
                                             : Json{{"code", step.refused_code},
                                                    {"path", IndexPath("events", i)},
                                                    {"message", step.refused_message}};
    steps.push_back(std::move(j));
    s = step.state;
  }
  const auto need = CheckedMul(p.campaign.stock, p.campaign.commission_per_unit_fen);
  return DumpJson({{"ok", true},
                   {"rules_version", p.rules_version},
                   {"freeze_on_publish_fen", need ? Json(*need) : Json(nullptr)},
                   {"steps", std::move(steps)},
                   {"final", state_json(s)}});
}

}  // namespace engine::api
