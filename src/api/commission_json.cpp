#include "commission_json.h"

#include <cstring>

namespace engine {
namespace {

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

}  // namespace

void WritePreview(JsonWriter& w, const Program& p, const Order& o, const Preview& pv,
                  bool with_version) {
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

}  // namespace engine
