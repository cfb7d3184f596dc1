#include "api.h"

#include "budget.h"
#include "commission.h"
#include "json_reader.h"
#include "order.h"
#include "program.h"
#include "refund.h"

namespace engine::api {
namespace {

constexpr size_t kMaxBatch = 100000;
constexpr size_t kMaxRefunds = 1000;
constexpr size_t kMaxBudgetEvents = 10000;
constexpr const char* kEngineVersion = "0.1.0";

Json ProblemsJson(const Problems& problems) {
  Json errs = Json::array();
  for (const auto& p : problems)
    errs.push_back({{"code", p.code}, {"path", p.path}, {"message", p.message}});
  return errs;
}

const char* UnitKey(RewardType r, const char* fen_key, const char* points_key) {
  return r == RewardType::kPoints ? points_key : fen_key;
}

Json LineJson(const Line& l) {
  Json j = {{"level", l.who.level},
            {"beneficiary_id", l.who.id},
            {"role", l.who.role},
            {"reward", RewardName(l.reward)},
            {"basis", l.basis},
            {"rule", l.rule},
            {"clipped", l.clipped.empty() ? Json(nullptr) : Json(l.clipped)}};
  if (!l.who.grade.empty()) j["grade"] = l.who.grade;
  if (l.basis == "rate") j["rate_bp"] = l.value;
  else j[UnitKey(l.reward, "per_unit_fen", "per_unit_points")] = l.value;
  j[UnitKey(l.reward, "raw_fen", "raw_points")] = l.raw;
  j[UnitKey(l.reward, "amount_fen", "amount_points")] = l.amount;
  if (l.reward != RewardType::kPoints) j["amount_text"] = FormatYuan(l.amount);
  return j;
}

// `with_version` is false inside batch and per-grade results, which carry it once at the top.
Json PreviewJson(const Program& p, const Order& o, const Preview& pv, bool with_version = true) {
  Json chain = Json::array();
  for (const auto& b : pv.chain) {
    Json c = {{"level", b.level}, {"beneficiary_id", b.id}, {"role", b.role}};
    if (!b.grade.empty()) c["grade"] = b.grade;
    chain.push_back(std::move(c));
  }
  Json skips = Json::array();
  for (const auto& s : pv.skips) {
    Json k = {{"level", s.level}, {"reason", s.reason}};
    if (s.id) k["beneficiary_id"] = *s.id;
    skips.push_back(std::move(k));
  }
  Json items = Json::array();
  // Per beneficiary (and role), in the order they first appear. Summed in plain structs: comparing
  // JSON values would link nlohmann's operator== into the module for nothing.
  struct Sum {
    const Beneficiary* who;
    int64_t cash = 0, balance = 0, points = 0;
  };
  std::vector<Sum> sums;
  const auto add_by = [&](const Line& l) {
    Sum* s = nullptr;
    for (auto& x : sums)
      if (x.who->id == l.who.id && x.who->role == l.who.role) s = &x;
    if (!s) s = &sums.emplace_back(Sum{&l.who});
    (l.reward == RewardType::kPoints ? s->points
                                     : (l.reward == RewardType::kBalance ? s->balance : s->cash)) +=
        l.amount;
  };
  for (const auto& it : pv.items) {
    Json lines = Json::array();
    for (const auto& l : it.lines) {
      lines.push_back(LineJson(l));
      add_by(l);
    }
    Json ij = {{"index", it.index}, {"product_id", it.product_id}, {"paid_fen", it.paid_fen},
               {"lines", std::move(lines)}};
    ij["excluded_type"] = it.excluded_type.empty() ? Json(nullptr) : Json(it.excluded_type);
    ij["cap_fen"] = it.cap_fen ? Json(*it.cap_fen) : Json(nullptr);
    items.push_back(std::move(ij));
  }
  Json by = Json::array();
  for (const auto& x : sums)
    by.push_back({{"beneficiary_id", x.who->id}, {"role", x.who->role}, {"level", x.who->level},
                  {"cash_fen", x.cash}, {"balance_fen", x.balance}, {"points", x.points}});
  Json totals = {{"paid_fen", pv.paid_fen},
                 {"cash_fen", pv.cash_fen},
                 {"balance_fen", pv.balance_fen},
                 {"points", pv.points},
                 {"cash_text", FormatYuan(pv.cash_fen)},
                 {"margin_fen", pv.margin_fen ? Json(*pv.margin_fen) : Json(nullptr)},
                 {"margin_text", pv.margin_fen ? Json(FormatYuan(*pv.margin_fen)) : Json(nullptr)}};
  // Moved, not copied: nlohmann copies every lvalue in an initializer list, and a batch's answer
  // is megabytes of nested objects.
  Json out = {{"ok", true},
              {"order_id", o.order_id},
              {"chain", std::move(chain)},
              {"skipped", std::move(skips)},
              {"items", std::move(items)},
              {"totals", std::move(totals)},
              {"by_beneficiary", std::move(by)}};
  if (with_version) out["rules_version"] = p.rules_version;
  return out;
}

// Parses the request object and its "program"; `extra` lists the request's other keys.
struct Request {
  Json root;
  std::optional<Program> program;
};

bool ParseRequest(const std::string& text, Request& req, Problems& problems) {
  req.root = ParseJson(text, problems);
  if (!problems.empty()) return false;
  if (!req.root.is_object()) {
    Report(problems, "E_TYPE", "", "the request must be a JSON object");
    return false;
  }
  auto it = req.root.find("program");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "program", "is required");
    return false;
  }
  req.program = ParseProgram(*it, "program", problems);
  return req.program.has_value();
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
    return w;
  }
  const Bp worst = p.MaxRateSumBp(nullptr);
  if (p.mode == CommissionMode::kRate && worst > p.profit_sharing_cap_bp)
    warn("W_PROFIT_SHARING_CAP", "program.rates_bp",
         "rates can add up to " + std::to_string(worst) + " bp, above the " +
             std::to_string(p.profit_sharing_cap_bp) +
             " bp profit-sharing ceiling of the payment account");
  if (p.hold_days == 0 && p.refund_policy == RefundPolicy::kProportional)
    warn("W_NO_HOLD", "program.hold_days",
         "with no hold days, commission is withdrawable before a refund can reverse it");
  return w;
}

}  // namespace

std::string Version() {
  return DumpJson({{"ok", true}, {"engine", kEngineVersion}, {"max_depth", kMaxDepth},
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
  return DumpJson(PreviewJson(*req.program, *order, *pv));
}

std::string PreviewBatch(const std::string& text) {
  Problems problems;
  Request req;
  if (!ParseRequest(text, req, problems) || !CheckKeys(req.root, {"program", "orders"}, problems))
    return Fail(problems);
  auto it = req.root.find("orders");
  if (it == req.root.end() || !it->is_array()) {
    Report(problems, it == req.root.end() ? "E_REQUIRED" : "E_TYPE", "orders",
           "expected an array of orders");
    return Fail(problems);
  }
  if (it->size() > kMaxBatch) {
    Report(problems, "E_TOO_MANY", "orders", "at most 100000 orders per batch");
    return Fail(problems);
  }
  Json results = Json::array();
  size_t failed = 0;
  for (size_t i = 0; i < it->size(); ++i) {
    Problems op;
    const std::string path = IndexPath("orders", i);
    auto order = ParseOrder((*it)[i], path, op);
    std::optional<Preview> pv;
    if (order) pv = engine::PreviewOrder(*req.program, *order, path, op);
    if (pv) {
      results.push_back(PreviewJson(*req.program, *order, *pv, false));
    } else {
      ++failed;
      results.push_back({{"ok", false}, {"errors", ProblemsJson(op)}});
    }
  }
  return DumpJson({{"ok", true},
                   {"rules_version", req.program->rules_version},
                   {"failed", failed},
                   {"results", std::move(results)}});
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
  Json grades = Json::array();
  if (p.grades.empty()) {
    auto pv = engine::PreviewOrder(p, *order, "order", problems);
    if (!pv) return Fail(problems);
    Json r = PreviewJson(p, *order, *pv, false);
    grades.push_back({{"grade", nullptr}, {"name", nullptr}, {"preview", std::move(r)}});
  }
  for (const auto& g : p.grades) {
    auto pv = engine::PreviewOrder(p, *order, "order", problems, &g.id);
    if (!pv) return Fail(problems);
    Json r = PreviewJson(p, *order, *pv, false);
    grades.push_back({{"grade", g.id}, {"name", g.name}, {"preview", std::move(r)}});
  }
  return DumpJson({{"ok", true}, {"rules_version", p.rules_version},
                   {"show_grades", p.grades.size() > 1}, {"grades", std::move(grades)}});
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
      auto st = r.Enum("line_state",
                       {"pending", "frozen", "available", "withdrawing", "withdrawn"}, "pending");
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
    out.push_back({{"refund_fen", s.refund_fen}, {"refunded_so_far_fen", s.refunded_so_far_fen},
                   {"clawed_so_far", s.clawed_so_far}, {"clawback", s.clawback},
                   {"from_line", s.from_line}, {"debt", s.debt}, {"forgiven", s.forgiven}});
    total += s.clawback;
    debt += s.debt;
    forgiven += s.forgiven;
  }
  return DumpJson({{"ok", true}, {"rules_version", req.program->rules_version},
                   {"policy", req.program->refund_policy == RefundPolicy::kKeep ? "keep" : "proportional"},
                   {"steps", std::move(out)}, {"total_clawback", total}, {"total_debt", debt},
                   {"total_forgiven", forgiven}, {"line_left", line.amount - total}});
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
      e.type = er.Enum("type", {"publish", "add_stock", "remove_stock", "sale", "end"}).value_or("");
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
    return Json{{"phase", PhaseName(st.phase)},       {"balance_fen", st.balance_fen},
                {"frozen_fen", st.frozen_fen},        {"stock", st.stock},
                {"paid_fen", st.paid_fen},            {"held_unattributed_fen", st.held_unattributed_fen},
                {"returned_fen", st.returned_fen}};
  };
  Json steps = Json::array();
  for (size_t i = 0; i < events.size(); ++i) {
    const BudgetEvent& e = events[i];
    BudgetStep step = ApplyBudgetEvent(p, s, e);
    Json j = {{"type", e.type}, {"state", state_json(step.state)}};
    j["refused"] = step.refused_code.empty()
                       ? Json(nullptr)
                       : Json{{"code", step.refused_code},
                              {"path", IndexPath("events", i)},
                              {"message", step.refused_message}};
    steps.push_back(std::move(j));
    s = step.state;
  }
  const auto need = CheckedMul(p.campaign.stock, p.campaign.commission_per_unit_fen);
  return DumpJson({{"ok", true}, {"rules_version", p.rules_version},
                   {"freeze_on_publish_fen", need ? Json(*need) : Json(nullptr)},
                   {"steps", std::move(steps)}, {"final", state_json(s)}});
}

}  // namespace engine::api
