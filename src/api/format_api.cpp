#include "format_api.h"

#include "json_reader.h"
#include "money.h"
#include "request.h"

namespace engine::api {
namespace {

constexpr size_t kMaxAmounts = 1000;

}  // namespace

std::string FormatMoney(const std::string& request) {
  Problems problems;
  Request req;
  if (!OpenRequest(request, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const Json* list = r.Array("amounts_fen", kMaxAmounts, true);
  r.Finish();
  Json texts = Json::array();
  if (list) {
    for (size_t i = 0; i < list->size(); ++i) {
      auto v = ReadInt((*list)[i], IndexPath("amounts_fen", i), 0, kMaxAmount, problems);
      if (v) texts.push_back(FormatYuan(*v));
    }
  }
  if (!problems.empty()) return Fail(problems);
  return DumpJson({{"ok", true}, {"texts", texts}});
}

}  // namespace engine::api
