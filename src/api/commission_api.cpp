#include "commission_api.h"

#include <algorithm>
#include <cstring>

#include "attribution.h"
#include "budget.h"
#include "commission.h"
#include "commission_json.h"
#include "gate.h"
#include "json_reader.h"
#include "json_writer.h"
#include "order_json.h"
#include "program_json.h"
#include "refund.h"
#include "request.h"
#include "share_token.h"

namespace engine::api {
namespace {

constexpr size_t kMaxBatch = 100000;
constexpr size_t kMaxRefunds = 1000;
constexpr size_t kMaxBudgetEvents = 10000;
constexpr const char* kEngineVersion = "0.1.0";

bool CheckKeys(const Json& root, std::initializer_list<const char*> allowed, Problems& problems) {
  for (auto it = root.begin(); it != root.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) Report(problems, "E_UNKNOWN_FIELD", it.key(), "unknown field");
  }
  return problems.empty();
}

// Every commission entry point's request: an object with a valid "program" and no key but `keys`.
bool OpenProgramRequest(const std::string& text, std::initializer_list<const char*> keys,
                        Request& req, std::shared_ptr<const Program>& program, Problems& problems) {
  if (!OpenRequest(text, {"program"}, req, problems)) return false;
  auto it = req.root.find("program");  // null in its place when the program was cached
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "program", "is required");
    return false;
  }
  program = RequestProgram(req, *it, "program", problems);
  return program && CheckKeys(req.root, keys, problems);
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

std::string Limits(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader(req.root, "", problems).Finish();
  if (!problems.empty()) return Fail(problems);
  // Keys in sorted order (JsonWriter).
  JsonWriter w;
  w.Obj()
      .Field("campaign_commission_max_fen", kCampaignMaxPerUnit)
      .Field("campaign_commission_min_fen", kCampaignMinPerUnit)
      .Field("max_amount", kMaxAmount)
      .Field("max_batch_orders", static_cast<int64_t>(kMaxBatch))
      .Field("max_binding_days", kMaxBindingDays)
      .Field("max_budget_events", static_cast<int64_t>(kMaxBudgetEvents))
      .Field("max_depth", kMaxDepth)
      .Field("max_distributors", static_cast<int64_t>(kMaxDistributors))
      .Field("max_footer_button_chars", static_cast<int64_t>(kMaxFooterTextChars))
      .Field("max_footer_buttons", static_cast<int64_t>(kMaxFooterButtons))
      .Field("max_grades", static_cast<int64_t>(kMaxGrades))
      .Field("max_order_items", static_cast<int64_t>(kMaxItems))
      .Field("max_page_url_bytes", static_cast<int64_t>(kMaxPageUrlBytes))
      .Field("max_rate_bp", kComplianceCapBp)
      .Field("max_rate_sum_bp", kComplianceCapBp)
      .Field("max_refunds", static_cast<int64_t>(kMaxRefunds))
      .Field("max_replay_events", static_cast<int64_t>(kMaxEvents))
      .Field("max_share_window_hours", kMaxWindowHours)
      .FieldBool("ok", true)
      .Field("password_lock_ms", kPasswordLockMs)
      .Field("password_max_tries", kPasswordMaxTries)
      .Field("password_window_ms", kPasswordWindowMs)
      .Field("share_token_max_chars", static_cast<int64_t>(kShareTokenMaxChars))
      .End();
  return std::move(w.Text());
}

std::string ValidateProgram(const std::string& text) {
  Problems problems;
  Request req;
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program"}, req, program, problems)) return Fail(problems);
  const Program& p = *program;
  return DumpJson({{"ok", true},
                   {"rules_version", p.rules_version},
                   {"normalized", NormalizedProgram(p)},
                   {"max_rate_sum_bp", p.MaxRateSumBp(nullptr)},
                   {"warnings", Warnings(p)}});
}

std::string PreviewOrder(const std::string& text) {
  Problems problems;
  Request req;
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program", "order"}, req, program, problems))
    return Fail(problems);
  auto it = req.root.find("order");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "order", "is required");
    return Fail(problems);
  }
  auto order = ParseOrder(*it, "order", problems);
  if (!order) return Fail(problems);
  auto pv = engine::PreviewOrder(*program, *order, "order", problems);
  if (!pv) return Fail(problems);
  JsonWriter w;
  WritePreview(w, *program, *order, *pv);
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
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program", "orders"}, req, program, problems)) return fail();
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
    // take memory the answer will not use). Growing a batch answer (megabytes, ten times its
    // request) by doubling would copy it over and over.
    if (i == 16) {
      const uint64_t guess = uint64_t{n - i} * (w.Size() / i) / 8 * 9;
      w.Reserve(static_cast<size_t>(std::min<uint64_t>(guess, 16 * uint64_t{text.size()})));
    }
    Problems op;
    const std::string path = IndexPath("orders", i);
    auto order = ParseOrder((*it)[i], path, op);
    std::optional<Preview> pv;
    if (order) pv = engine::PreviewOrder(*program, *order, path, op);
    if (pv) {
      WritePreview(w, *program, *order, *pv, false);
    } else {
      ++failed;
      w.Obj().Key("errors");
      WriteProblems(w, op);
      w.FieldBool("ok", false).End();
    }
  }
  w.End();
  // The rest of the top object, after its "results" (the array above, written as a top value).
  w.Raw(",\"rules_version\":").Str(program->rules_version).Raw("}");
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
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program", "order"}, req, program, problems))
    return Fail(problems);
  auto it = req.root.find("order");
  if (it == req.root.end()) {
    Report(problems, "E_REQUIRED", "order", "is required");
    return Fail(problems);
  }
  auto order = ParseOrder(*it, "order", problems);
  if (!order) return Fail(problems);
  const Program& p = *program;
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
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program", "line", "refunds"}, req, program, problems))
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
  auto steps = ApplyRefunds(*program, line, refunds, states, "refunds", problems);
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
       {"rules_version", program->rules_version},
       {"policy", program->refund_policy == RefundPolicy::kKeep ? "keep" : "proportional"},
       {"steps", std::move(out)},
       {"total_clawback", total},
       {"total_debt", debt},
       {"total_forgiven", forgiven},
       {"line_left", line.amount - total}});
}

std::string PreviewBudget(const std::string& text) {
  Problems problems;
  Request req;
  std::shared_ptr<const Program> program;
  if (!OpenProgramRequest(text, {"program", "balance_fen", "events"}, req, program, problems))
    return Fail(problems);
  const Program& p = *program;
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
