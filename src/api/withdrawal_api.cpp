#include "withdrawal_api.h"

#include <algorithm>

#include "cst_time.h"
#include "json_reader.h"
#include "json_writer.h"
#include "request.h"
#include "withdrawal.h"

namespace engine::api {
namespace {

constexpr size_t kMaxHistory = 1000;

std::optional<engine::WithdrawalSettings> ReadSettings(const Json* j, const std::string& path,
                                                       Problems& problems) {
  engine::WithdrawalSettings s;
  if (!j) return s;  // every default
  const size_t before = problems.size();
  Reader r(*j, path, problems);
  if (const Json* ms = r.Array("methods", 5)) {
    s.methods.clear();
    for (size_t i = 0; i < ms->size(); ++i) {
      const Json& v = (*ms)[i];
      const auto m = v.is_string() ? ParsePayoutMethod(v.get<std::string>()) : std::nullopt;
      if (!m) {
        Report(problems, "E_ENUM", IndexPath(r.PathOf("methods"), i),
               "must be one of: red_packet, wechat_transfer, bank, alipay, shop_balance");
      } else if (std::find(s.methods.begin(), s.methods.end(), *m) != s.methods.end()) {
        Report(problems, "E_DUPLICATE", IndexPath(r.PathOf("methods"), i), "method listed twice");
      } else {
        s.methods.push_back(*m);
      }
    }
    if (ms->empty())
      Report(problems, "E_REQUIRED", r.PathOf("methods"), "offer at least one method");
  }
  s.threshold_fen = r.Amount("threshold_fen", s.threshold_fen).value_or(s.threshold_fen);
  s.min_fen = r.Int("min_fen", 1, kMaxAmount, s.min_fen).value_or(s.min_fen);
  s.max_fen = r.Int("max_fen", 1, kMaxAmount, s.max_fen).value_or(s.max_fen);
  if (s.min_fen > s.max_fen)
    Report(problems, "E_RANGE", r.PathOf("min_fen"), "the minimum is above the maximum");
  const auto period = r.Enum("period", {"day", "week", "month"}, "day").value_or("day");
  s.period = period == "week"
                 ? WithdrawalPeriod::kWeek
                 : (period == "month" ? WithdrawalPeriod::kMonth : WithdrawalPeriod::kDay);
  s.max_per_period = r.Int("max_per_period", 1, 1000, s.max_per_period).value_or(s.max_per_period);
  if (const Json* fj = r.Raw("fee")) {
    Reader f(*fj, r.PathOf("fee"), problems);
    s.fee.rate_bp = f.Int("rate_bp", 0, kMaxFeeBp, 0).value_or(0);
    s.fee.min_fen = f.Amount("min_fen", 0).value_or(0);
    if (f.Has("max_fen"))
      s.fee.max_fen = f.Amount("max_fen");
    else
      f.Raw("max_fen");
    if (s.fee.max_fen && *s.fee.max_fen < s.fee.min_fen)
      Report(problems, "E_RANGE", f.PathOf("max_fen"), "the fee's maximum is below its minimum");
    f.Finish();
  }
  r.Finish();
  if (problems.size() != before) return std::nullopt;
  return s;
}

void WriteSettings(JsonWriter& w, const engine::WithdrawalSettings& s) {
  w.Obj().Key("fee").Obj().Key("max_fen");
  if (s.fee.max_fen)
    w.Int(*s.fee.max_fen);
  else
    w.Null();
  w.Field("min_fen", s.fee.min_fen).Field("rate_bp", s.fee.rate_bp).End();
  w.Field("max_fen", s.max_fen).Field("max_per_period", s.max_per_period).Key("methods").Arr();
  for (auto m : s.methods) w.Str(PayoutMethodName(m));
  w.End()
      .Field("min_fen", s.min_fen)
      .Field("period", PeriodName(s.period))
      .Field("threshold_fen", s.threshold_fen)
      .End();
}

void OptInt(JsonWriter& w, Name key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v)
    w.Int(*v);
  else
    w.Null();
}

}  // namespace

std::string WithdrawalSettings(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const Json* sj = r.Raw("settings");
  if (!sj) Report(problems, "E_REQUIRED", "settings", "is required");
  r.Finish();
  auto s = ReadSettings(sj, "settings", problems);
  if (!problems.empty() || !s) return Fail(problems);
  JsonWriter w;
  w.Obj().FieldBool("ok", true).Key("settings");
  WriteSettings(w, *s);
  // Platform limits a setting runs into (SPEC 10): warnings, not errors.
  w.Key("warnings").Arr();
  const auto warn = [&](const char* code, const char* path, const char* message) {
    w.Obj().Field("code", code).Field("message", message).Field("path", path).End();
  };
  if (Offers(*s, PayoutMethod::kRedPacket) && s->min_fen < kRedPacketMinFen)
    warn("W_RED_PACKET_MIN", "settings.min_fen",
         "a red packet carries at least 100 fen: smaller withdrawals need another method");
  if (Offers(*s, PayoutMethod::kRedPacket) && s->max_fen > kRedPacketMaxFen)
    warn("W_RED_PACKET_MAX", "settings.max_fen",
         "a red packet carries at most 20000 fen: larger withdrawals need another method");
  if (Offers(*s, PayoutMethod::kWechatTransfer) && s->max_fen > kTransferDailyMaxFen)
    warn("W_TRANSFER_DAILY", "settings.max_fen",
         "WeChat transfers carry at most 2,000,000 fen per user per day");
  w.End().End();
  return std::move(w.Text());
}

std::string PreviewWithdrawal(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  auto s = ReadSettings(r.Raw("settings"), "settings", problems);
  WithdrawalAsk a;
  a.available_fen = r.Amount("available_fen").value_or(0);
  a.amount_fen = r.Amount("amount_fen").value_or(0);
  if (auto m = r.Str("method", std::nullopt, 32)) {
    if (auto pm = ParsePayoutMethod(*m))
      a.method = *pm;
    else
      Report(problems, "E_ENUM", "method",
             "must be one of: red_packet, wechat_transfer, bank, alipay, shop_balance");
  }
  a.now_ms = r.Int("now_ms", 0, kTimeLimitMs - 1).value_or(0);
  a.real_name = r.Bool("real_name", false).value_or(false);
  if (const Json* hs = r.Array("history", kMaxHistory)) {
    for (size_t i = 0; i < hs->size(); ++i) {
      Reader h((*hs)[i], IndexPath("history", i), problems);
      PastWithdrawal p;
      p.created_ms = h.Int("created_ms", 0, kTimeLimitMs - 1).value_or(0);
      const auto m = h.Str("method", std::nullopt, 32);
      if (m && !ParsePayoutMethod(*m))
        Report(problems, "E_ENUM", h.PathOf("method"), "unknown method");
      p.method =
          m ? ParsePayoutMethod(*m).value_or(PayoutMethod::kRedPacket) : PayoutMethod::kRedPacket;
      p.net_fen = h.Amount("net_fen").value_or(0);
      h.Finish();
      a.history.push_back(p);
    }
  }
  r.Finish();
  if (!problems.empty() || !s) return Fail(problems);

  const WithdrawalPreview v = engine::PreviewWithdrawal(*s, a);
  JsonWriter w;
  w.Obj()
      .FieldBool("allowed", v.reasons.empty())
      .Field("amount_fen", a.amount_fen)
      .Field("amount_text", FormatYuan(a.amount_fen));
  OptInt(w, "changes_at_ms", v.changes_at_ms);
  w.Field("fee_fen", v.fee_fen)
      .Field("fee_text", FormatYuan(v.fee_fen))
      .Field("max_amount_fen", v.max_amount_fen)
      .Field("max_amount_text", FormatYuan(v.max_amount_fen))
      .Field("net_fen", v.net_fen)
      .Field("net_text", FormatYuan(v.net_fen))
      .FieldBool("ok", true)
      .Key("payout")
      .Obj()
      .Field("channel", PayoutMethodName(a.method))
      .FieldBool("merchant_confirms", v.merchant_confirms);
  OptInt(w, "queued_until_ms", v.queued_until_ms);
  w.FieldBool("user_confirms", v.user_confirms)
      .End()
      .Key("period")
      .Obj()
      .Field("limit", s->max_per_period)
      .Field("resets_ms", v.period_resets_ms)
      .Field("start_ms", v.period_start_ms)
      .Field("used", v.period_used)
      .End()
      .Key("reasons");
  WriteProblems(w, v.reasons);
  w.Key("settings");
  WriteSettings(w, *s);
  w.End();
  return std::move(w.Text());
}

}  // namespace engine::api
