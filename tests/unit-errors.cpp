// One test per error code of the commission engine (docs/errors.md lists them): each bad input
// must come back as {"ok":false} with its own stable code at the offending field's JSON path,
// through the same JSON entry points the module exports.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "api/commission_api.h"

using nlohmann::json;

namespace {

const json kProgram = {{"kind", "distribution"}, {"depth", 3}, {"rates_bp", {1000, 500, 300}}};
const json kOrder = {{"buyer_id", 10},
                     {"bound_distributor_id", 7},
                     {"distributors", {{{"id", 7}, {"inviter_id", 5}}, {{"id", 5}}}},
                     {"items", {{{"product_id", "tea"}, {"units", 1}, {"paid_fen", 9900}}}}};
const json kCampaign = {{"kind", "campaign"},
                        {"start_ms", 1700000000000},
                        {"end_ms", 1800000000000},
                        {"commission_per_unit_fen", 500},
                        {"product", {{"name", "tea"}, {"price_fen", 9900}, {"stock", 100}}}};

json Preview(const json& program, const json& order) {
  return json::parse(
      engine::api::PreviewOrder(json{{"program", program}, {"order", order}}.dump()));
}
json Validate(const json& program) {
  return json::parse(engine::api::ValidateProgram(json{{"program", program}}.dump()));
}

// The answer failed, and one of its errors carries `code` at `path`.
void ExpectError(const json& got, const std::string& code, const std::string& path) {
  INFO(got.dump());
  REQUIRE(got["ok"] == false);
  bool found = false;
  for (const auto& e : got["errors"]) {
    CHECK(e["message"].is_string());
    CHECK_FALSE(e["message"].get<std::string>().empty());
    found = found || (e["code"] == code && e["path"] == path);
  }
  CHECK(found);
}

// Budget refusals are data inside a successful answer: step `i` was refused with `code`.
void ExpectRefused(const json& got, size_t i, const std::string& code) {
  INFO(got.dump());
  REQUIRE(got["ok"] == true);
  const json& refused = got["steps"][i]["refused"];
  REQUIRE(refused.is_object());
  CHECK(refused["code"] == code);
  CHECK(refused["path"] == "events[" + std::to_string(i) + "]");
}

json Budget(const json& program, int64_t balance, const json& events) {
  return json::parse(engine::api::PreviewBudget(
      json{{"program", program}, {"balance_fen", balance}, {"events", events}}.dump()));
}

}  // namespace

TEST_CASE("E_JSON_PARSE: malformed JSON, at the request") {
  for (const char* text : {"{\"program\":", "", "{'a':1}", "[1,]", "{\"a\":1} x", "1e999"})
    for (auto fn :
         {engine::api::ValidateProgram, engine::api::PreviewOrder, engine::api::PreviewBatch,
          engine::api::PreviewGrades, engine::api::PreviewRefund, engine::api::PreviewBudget})
      ExpectError(json::parse(fn(text)), "E_JSON_PARSE", "");
}

TEST_CASE("E_TYPE: wrong types, at the field") {
  ExpectError(json::parse(engine::api::PreviewOrder("[1,2]")), "E_TYPE", "");
  json p = kProgram;
  p["depth"] = "3";
  ExpectError(Validate(p), "E_TYPE", "program.depth");
  p = kProgram;
  p["cost_protection"] = 1;
  ExpectError(Validate(p), "E_TYPE", "program.cost_protection");
  json o = kOrder;
  o["items"][0]["paid_fen"] = "9900";
  ExpectError(Preview(kProgram, o), "E_TYPE", "order.items[0].paid_fen");
  o = kOrder;
  o["distributors"][1] = 5;
  ExpectError(Preview(kProgram, o), "E_TYPE", "order.distributors[1]");
  ExpectError(Preview(kProgram, json::array()), "E_TYPE", "order");
  ExpectError(
      json::parse(engine::api::PreviewBatch(json{{"program", kProgram}, {"orders", 1}}.dump())),
      "E_TYPE", "orders");
}

TEST_CASE("E_REQUIRED: a missing field, at its path") {
  ExpectError(json::parse(engine::api::PreviewOrder("{}")), "E_REQUIRED", "program");
  ExpectError(json::parse(engine::api::PreviewOrder(json{{"program", kProgram}}.dump())),
              "E_REQUIRED", "order");
  json o = kOrder;
  o.erase("items");
  ExpectError(Preview(kProgram, o), "E_REQUIRED", "order.items");
  o["items"] = json::array();
  ExpectError(Preview(kProgram, o), "E_REQUIRED", "order.items");
  json p = kProgram;
  p.erase("rates_bp");
  ExpectError(Validate(p), "E_REQUIRED", "program.rates_bp");
  p = kProgram;
  p["rates_bp"] = {1000, nullptr, 300};
  ExpectError(Validate(p), "E_REQUIRED", "program.rates_bp[1]");
}

TEST_CASE("E_NOT_INTEGER: a fractional amount is refused, never rounded") {
  json o = kOrder;
  o["items"][0]["paid_fen"] = 99.5;
  ExpectError(Preview(kProgram, o), "E_NOT_INTEGER", "order.items[0].paid_fen");
  o["items"][0]["paid_fen"] = 1e3;  // an exponent is a float in JSON, even when whole
  ExpectError(Preview(kProgram, o), "E_NOT_INTEGER", "order.items[0].paid_fen");
}

TEST_CASE("E_NEGATIVE: a negative amount") {
  json o = kOrder;
  o["items"][0]["paid_fen"] = -1;
  ExpectError(Preview(kProgram, o), "E_NEGATIVE", "order.items[0].paid_fen");
  json p = kProgram;
  p["rates_bp"][2] = -300;
  ExpectError(Validate(p), "E_NEGATIVE", "program.rates_bp[2]");
}

TEST_CASE("E_RANGE: 2^60 and other out-of-range numbers") {
  json o = kOrder;
  o["items"][0]["paid_fen"] = int64_t{1} << 60;
  ExpectError(Preview(kProgram, o), "E_RANGE", "order.items[0].paid_fen");
  o["items"][0]["paid_fen"] = int64_t{1} << 53;  // one past 2^53-1
  ExpectError(Preview(kProgram, o), "E_RANGE", "order.items[0].paid_fen");
  o = kOrder;
  o["items"][0]["units"] = 0;
  ExpectError(Preview(kProgram, o), "E_RANGE", "order.items[0].units");
  json p = kProgram;
  p["hold_days"] = 366;
  ExpectError(Validate(p), "E_RANGE", "program.hold_days");
  const json refund = {{"program", kProgram},
                       {"line", {{"amount", 10}, {"item_paid_fen", 0}, {"basis", "fixed"}}},
                       {"refunds", json::array()}};
  ExpectError(json::parse(engine::api::PreviewRefund(refund.dump())), "E_RANGE",
              "line.item_paid_fen");
}

TEST_CASE("E_ENUM: a value outside its list") {
  json p = kProgram;
  p["rounding"] = "ceil";
  ExpectError(Validate(p), "E_ENUM", "program.rounding");
  p = kProgram;
  p["kind"] = "pyramid";
  ExpectError(Validate(p), "E_ENUM", "program.kind");
  ExpectError(Budget(kCampaign, 100000, {{{"type", "explode"}}}), "E_ENUM", "events[0].type");
}

TEST_CASE("E_TOO_LONG and E_TOO_MANY: bounded strings and arrays") {
  json o = kOrder;
  o["order_id"] = std::string(65, 'x');
  ExpectError(Preview(kProgram, o), "E_TOO_LONG", "order.order_id");
  o = kOrder;
  o["items"] = json::array();
  for (int i = 0; i < 1001; ++i) o["items"].push_back({{"paid_fen", 1}});
  ExpectError(Preview(kProgram, o), "E_TOO_MANY", "order.items");
  std::string orders = "[";
  for (int i = 0; i <= 100000; ++i) orders += i ? ",0" : "0";
  orders += "]";
  ExpectError(json::parse(engine::api::PreviewBatch("{\"program\":" + kProgram.dump() +
                                                    ",\"orders\":" + orders + "}")),
              "E_TOO_MANY", "orders");
}

TEST_CASE("E_UNKNOWN_FIELD: a misspelled field is an error, not an ignored setting") {
  json p = kProgram;
  p["rate_bp"] = {1000};
  ExpectError(Validate(p), "E_UNKNOWN_FIELD", "program.rate_bp");
  json o = kOrder;
  o["items"][0]["paid"] = 1;
  ExpectError(Preview(kProgram, o), "E_UNKNOWN_FIELD", "order.items[0].paid");
  ExpectError(json::parse(engine::api::PreviewOrder(
                  json{{"program", kProgram}, {"order", kOrder}, {"ordr", 1}}.dump())),
              "E_UNKNOWN_FIELD", "ordr");
}

TEST_CASE("E_DEPTH: four levels are refused") {
  json p = kProgram;
  p["depth"] = 4;
  ExpectError(Validate(p), "E_DEPTH", "program.depth");
  p = kProgram;
  p["rates_bp"] = {1000, 500, 300, 100};
  ExpectError(Validate(p), "E_DEPTH", "program.rates_bp");
  p = kProgram;
  p["rates_bp"] = {1000};  // the program default needs one entry per level
  ExpectError(Validate(p), "E_DEPTH", "program.rates_bp");
  p = kProgram;
  p["depth"] = 2;  // three rates for two levels
  ExpectError(Validate(p), "E_DEPTH", "program.rates_bp");
}

TEST_CASE("E_RATE_CAP: one rate above 50 %") {
  json p = kProgram;
  p["rates_bp"][0] = 5001;
  ExpectError(Validate(p), "E_RATE_CAP", "program.rates_bp[0]");
  p = kProgram;
  p["regional_agents"] = {{"city_bp", 6000}};
  ExpectError(Validate(p), "E_RATE_CAP", "program.regional_agents.city_bp");
  json c = kCampaign;
  c["commission_per_unit_fen"] = 5000;  // above half of the 99-yuan price
  ExpectError(Validate(c), "E_RATE_CAP", "program.commission_per_unit_fen");
}

TEST_CASE("E_RATE_SUM_CAP: rates that can add up to more than 50 % on one item") {
  json p = kProgram;
  p["rates_bp"] = {3000, 1500, 600};
  ExpectError(Validate(p), "E_RATE_SUM_CAP", "program.rates_bp");
  // The worst case takes each level's highest rate over every grade.
  p = {{"kind", "distribution"},
       {"depth", 2},
       {"rates_bp", {1000, 1000}},
       {"grades",
        {{{"id", "a"}, {"rates_bp", {4000, nullptr}}},
         {{"id", "b"}, {"rates_bp", {nullptr, 1500}}, {"thresholds", {{"paid_orders", 1}}}}}}};
  ExpectError(Validate(p), "E_RATE_SUM_CAP", "program.rates_bp");
  p = kProgram;
  p["products"] = {{{"product_id", "tea"}, {"rates_bp", {4300, nullptr, nullptr}}}};
  ExpectError(Validate(p), "E_RATE_SUM_CAP", "program.products[0]");
  p = kProgram;
  p["regional_agents"] = {{"province_bp", 2000}, {"city_bp", 1500}};
  ExpectError(Validate(p), "E_RATE_SUM_CAP", "program.rates_bp");
}

TEST_CASE("E_REWARD_MODE: points and balance are fixed per unit only") {
  json p = {
      {"kind", "distribution"}, {"reward", "points"}, {"mode", "rate"}, {"per_unit_points", {10}}};
  ExpectError(Validate(p), "E_REWARD_MODE", "program.mode");
  p["reward"] = "balance";
  p.erase("per_unit_points");
  p["per_unit_fen"] = {10};
  ExpectError(Validate(p), "E_REWARD_MODE", "program.mode");
}

TEST_CASE("E_CAMPAIGN_COMMISSION_RANGE: 30 ... 20000 fen per unit") {
  json c = kCampaign;
  c["commission_per_unit_fen"] = 29;
  ExpectError(Validate(c), "E_CAMPAIGN_COMMISSION_RANGE", "program.commission_per_unit_fen");
  c["commission_per_unit_fen"] = 20001;
  c["product"]["price_fen"] = 100000;
  ExpectError(Validate(c), "E_CAMPAIGN_COMMISSION_RANGE", "program.commission_per_unit_fen");
  c["commission_per_unit_fen"] = 20000;
  CHECK(Validate(c)["ok"] == true);
}

TEST_CASE("E_GRADE_COUNT and E_GRADE_THRESHOLD") {
  json p = kProgram;
  p["grades"] = json::array();
  for (int i = 0; i < 6; ++i) {
    json g = {{"id", "g" + std::to_string(i)}};
    if (i) g["thresholds"] = {{"paid_orders", i}};
    p["grades"].push_back(g);
  }
  ExpectError(Validate(p), "E_GRADE_COUNT", "program.grades");
  p["grades"] = {{{"id", "a"}, {"thresholds", {{"paid_orders", 1}}}}};
  ExpectError(Validate(p), "E_GRADE_THRESHOLD", "program.grades[0].thresholds");
  p["grades"] = {{{"id", "a"}}, {{"id", "b"}}};
  ExpectError(Validate(p), "E_GRADE_THRESHOLD", "program.grades[1].thresholds");
}

TEST_CASE("E_UNKNOWN_GRADE: in a product override and on a distributor") {
  json p = kProgram;
  p["grades"] = {{{"id", "basic"}}};
  p["products"] = {{{"product_id", "tea"}, {"grades", {{"gold", {500}}}}}};
  ExpectError(Validate(p), "E_UNKNOWN_GRADE", "program.products[0].grades.gold");
  p.erase("products");
  json o = kOrder;
  o["distributors"][0]["grade"] = "gold";
  ExpectError(Preview(p, o), "E_UNKNOWN_GRADE", "order.distributors[0].grade");
}

TEST_CASE("E_DUPLICATE: ids listed twice") {
  json p = kProgram;
  p["grades"] = {{{"id", "a"}}, {{"id", "a"}, {"thresholds", {{"paid_orders", 1}}}}};
  ExpectError(Validate(p), "E_DUPLICATE", "program.grades[1].id");
  p = kProgram;
  p["products"] = {{{"product_id", "tea"}}, {{"product_id", "tea"}}};
  ExpectError(Validate(p), "E_DUPLICATE", "program.products[1].product_id");
  json o = kOrder;
  o["distributors"].push_back({{"id", 7}});
  ExpectError(Preview(kProgram, o), "E_DUPLICATE", "order.distributors[2].id");
}

TEST_CASE("E_REGION: region codes are six digits") {
  json o = kOrder;
  o["delivery_region"] = "44030x";
  ExpectError(Preview(kProgram, o), "E_REGION", "order.delivery_region");
  json p = kProgram;
  p["regional_agents"] = {{"city_bp", 100}, {"agents", {{{"region", "4403"}, {"agent_id", 1}}}}};
  ExpectError(Validate(p), "E_REGION", "program.regional_agents.agents[0].region");
}

TEST_CASE("E_TIME_ORDER: a campaign ends after it starts") {
  json c = kCampaign;
  c["end_ms"] = c["start_ms"];
  ExpectError(Validate(c), "E_TIME_ORDER", "program.end_ms");
}

TEST_CASE("E_CHAIN_CYCLE: the inviter relation must be a tree") {
  json o = kOrder;
  o["distributors"] = {{{"id", 7}, {"inviter_id", 5}},
                       {{"id", 5}, {"inviter_id", 3}},
                       {{"id", 3}, {"inviter_id", 7}}};
  ExpectError(Preview(kProgram, o), "E_CHAIN_CYCLE", "order.distributors[2].inviter_id");
  o["distributors"] = {{{"id", 7}, {"inviter_id", 7}}};
  ExpectError(Preview(kProgram, o), "E_CHAIN_CYCLE", "order.distributors[0].inviter_id");
}

TEST_CASE("E_UNKNOWN_DISTRIBUTOR: the chain names someone the order does not list") {
  json o = kOrder;
  o["bound_distributor_id"] = 99;
  ExpectError(Preview(kProgram, o), "E_UNKNOWN_DISTRIBUTOR", "order.bound_distributor_id");
  o = kOrder;
  o["distributors"][1]["inviter_id"] = 42;
  ExpectError(Preview(kProgram, o), "E_UNKNOWN_DISTRIBUTOR", "order.distributors[1].inviter_id");
}

TEST_CASE("E_OVERFLOW: a commission past 2^53-1") {
  const json p = {
      {"kind", "distribution"}, {"mode", "fixed"}, {"per_unit_fen", {int64_t{1} << 40}}};
  json o = kOrder;
  o["items"][0]["units"] = 1000000;
  ExpectError(Preview(p, o), "E_OVERFLOW", "order.items[0].units");
  // Uncapped points over many items: the order's total overflows, reported on the items.
  const json pts = {{"kind", "distribution"},
                    {"depth", 3},
                    {"reward", "points"},
                    {"mode", "fixed"},
                    {"per_unit_points",
                     {(int64_t{1} << 53) - 1, (int64_t{1} << 53) - 1, (int64_t{1} << 53) - 1}}};
  o = kOrder;
  o["distributors"][1]["inviter_id"] = 3;
  o["distributors"].push_back({{"id", 3}});
  o["items"] = json::array();
  for (int i = 0; i < 400; ++i) o["items"].push_back({{"paid_fen", 0}});
  ExpectError(Preview(pts, o), "E_OVERFLOW", "order.items");
}

TEST_CASE("E_REFUND_EXCEEDS: refunds past what was paid") {
  const json req = {
      {"program", kProgram},
      {"line", {{"amount", 990}, {"item_paid_fen", 9900}, {"basis", "rate"}, {"rate_bp", 1000}}},
      {"refunds", {{{"amount_fen", 5000}}, {{"amount_fen", 5000}}}}};
  ExpectError(json::parse(engine::api::PreviewRefund(req.dump())), "E_REFUND_EXCEEDS",
              "refunds[1].amount_fen");
}

TEST_CASE("E_KIND: a budget belongs to a campaign") {
  ExpectError(Budget(kProgram, 0, json::array()), "E_KIND", "program.kind");
}

TEST_CASE("budget refusals: E_BUDGET_SHORT, E_STATE, E_STOCK, E_OVERFLOW per event") {
  // 100 units x 500 fen = 50000 fen to freeze.
  ExpectRefused(Budget(kCampaign, 49999, {{{"type", "publish"}}}), 0, "E_BUDGET_SHORT");
  ExpectRefused(
      Budget(kCampaign, 50000, {{{"type", "publish"}}, {{"type", "add_stock"}, {"units", 1}}}), 1,
      "E_BUDGET_SHORT");
  ExpectRefused(Budget(kCampaign, 50000, {{{"type", "publish"}}, {{"type", "publish"}}}), 1,
                "E_STATE");
  ExpectRefused(Budget(kCampaign, 50000, {{{"type", "sale"}, {"units", 1}}}), 0, "E_STATE");
  ExpectRefused(Budget(kCampaign, 50000, {{{"type", "remove_stock"}, {"units", 101}}}), 0,
                "E_STOCK");
  ExpectRefused(Budget(kCampaign, 0, {{{"type", "add_stock"}, {"units", (int64_t{1} << 53) - 1}}}),
                0, "E_OVERFLOW");
  // A refused event changes nothing.
  const json got = Budget(kCampaign, 49999, {{{"type", "publish"}}});
  CHECK(got["final"]["balance_fen"] == 49999);
  CHECK(got["final"]["phase"] == "draft");
}

TEST_CASE("warnings: W_PROFIT_SHARING_CAP, W_NO_HOLD, W_RED_PACKET_MIN") {
  const auto has = [](const json& got, const char* code, const char* path) {
    INFO(got.dump());
    REQUIRE(got["ok"] == true);
    bool found = false;
    for (const auto& w : got["warnings"]) found = found || (w["code"] == code && w["path"] == path);
    return found;
  };
  json p = kProgram;
  p["rates_bp"] = {2000, 1000, 500};
  CHECK(has(Validate(p), "W_PROFIT_SHARING_CAP", "program.rates_bp"));
  p["profit_sharing_cap_bp"] = 3500;
  CHECK_FALSE(has(Validate(p), "W_PROFIT_SHARING_CAP", "program.rates_bp"));
  p = kProgram;
  p["hold_days"] = 0;
  CHECK(has(Validate(p), "W_NO_HOLD", "program.hold_days"));
  json c = kCampaign;
  c["commission_per_unit_fen"] = 99;
  CHECK(has(Validate(c), "W_RED_PACKET_MIN", "program.commission_per_unit_fen"));
}

TEST_CASE("E_URL: a campaign's logo and footer buttons take https or a site path only") {
  json c = kCampaign;
  c["logo_url"] = "javascript:alert(1)";
  ExpectError(Validate(c), "E_URL", "program.logo_url");
  c = kCampaign;
  c["footer_buttons"] = {{{"text", "官网"}, {"url", "https://a.example/\"x"}}};
  ExpectError(Validate(c), "E_URL", "program.footer_buttons[0].url");
  c["footer_buttons"] = {{{"text", "官网"}, {"url", "https://a.example/"}}};
  CHECK(Validate(c)["ok"] == true);
}
