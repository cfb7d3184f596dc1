#include "application_api.h"

#include "application.h"
#include "json_reader.h"
#include "json_writer.h"
#include "request.h"

namespace engine::api {
namespace {

constexpr size_t kMaxTags = 100;
constexpr size_t kMaxTagBytes = 64;

}  // namespace

std::string EvaluateApplication(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  ApplicationConditions c;
  if (const Json* cj = r.Raw("conditions")) {
    Reader cr(*cj, "conditions", problems);
    c.phone_bound = cr.Bool("phone_bound", false).value_or(false);
    c.min_spent_fen = cr.Amount("min_spent_fen", 0).value_or(0);
    c.min_orders = cr.Amount("min_orders", 0).value_or(0);
    c.tag = cr.Str("tag", "", kMaxTagBytes).value_or("");
    cr.Finish();
  }
  ApplicantFacts f;
  if (const Json* fj = r.Raw("facts")) {
    Reader fr(*fj, "facts", problems);
    f.phone_bound = fr.Bool("phone_bound", false).value_or(false);
    f.spent_fen = fr.Amount("spent_fen", 0).value_or(0);
    f.orders = fr.Amount("orders", 0).value_or(0);
    if (const Json* tags = fr.Array("tags", kMaxTags)) {
      for (size_t i = 0; i < tags->size(); ++i) {
        const Json& t = (*tags)[i];
        if (!t.is_string() || t.get_ref<const std::string&>().size() > kMaxTagBytes)
          Report(problems, "E_TYPE", IndexPath("facts.tags", i),
                 "expected a tag of at most 64 bytes");
        else
          f.tags.push_back(t.get<std::string>());
      }
    }
    fr.Finish();
  } else {
    Report(problems, "E_REQUIRED", "facts", "is required");
  }
  r.Finish();
  if (!problems.empty()) return Fail(problems);

  const auto unmet = UnmetConditions(c, f);
  JsonWriter w;
  w.Obj().FieldBool("allowed", unmet.empty()).Key("conditions").Obj();
  w.Field("min_orders", c.min_orders).Field("min_spent_fen", c.min_spent_fen);
  w.FieldBool("phone_bound", c.phone_bound).Field("tag", c.tag).End();
  w.FieldBool("ok", true).Key("reasons").Arr();
  for (const auto& u : unmet) {
    const std::string field = u.field;
    w.Obj().Field("code", u.code);
    if (field == "phone_bound") {
      w.FieldBool("current", false).Field("message", "bind a phone number first");
      w.Field("path", "conditions.phone_bound").FieldBool("target", true);
    } else if (field == "tag") {
      w.Key("current").Arr();
      for (const auto& t : f.tags) w.Str(t);
      w.End().Field("message", "only users the merchant tagged \"" + c.tag + "\" can apply");
      w.Field("path", "conditions.tag").Field("target", c.tag);
    } else {
      const bool money = field == "min_spent_fen";
      w.Field("current", u.current);
      if (money) w.FieldYuan("current_text", u.current);
      w.Field("message", money ? "spend at least " + std::to_string(u.target) + " fen first"
                               : "place at least " + std::to_string(u.target) + " orders first");
      w.Field("missing", u.target - u.current);
      if (money) w.FieldYuan("missing_text", u.target - u.current);
      w.Field("path", "conditions." + field).Field("target", u.target);
      if (money) w.FieldYuan("target_text", u.target);
    }
    w.End();
  }
  w.End().End();
  return std::move(w.Text());
}

}  // namespace engine::api
