// The JSON plumbing under every entry point: the streaming writer must give nlohmann's exact text,
// and the program cache (keyed by the program's raw text) must never change an answer.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/commission_api.h"
#include "api/json_reader.h"
#include "api/json_writer.h"
#include "api/program_json.h"
#include "entry_points.h"
#include "vectors.h"

using nlohmann::json;

TEST_CASE("JsonWriter writes nlohmann's compact dump, escapes included") {
  const std::string tricky = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f", 14) + "茶Ünï😀¥";
  engine::JsonWriter w;
  w.Obj()
      .Key("a")
      .Arr()
      .Int(0)
      .Int(-9007199254740991)
      .Int(9007199254740991)
      .Bool(true)
      .Bool(false)
      .Null()
      .End()
      .Field("b", tricky)
      .Key("c")
      .Obj()
      .End()
      .Key("d")
      .Arr()
      .End()
      .Key("e")
      .Raw("[1,{\"x\":2}]")
      .End();
  const json expect = {{"a", {0, -9007199254740991, 9007199254740991, true, false, nullptr}},
                       {"b", tricky},
                       {"c", json::object()},
                       {"d", json::array()},
                       {"e", {1, {{"x", 2}}}}};
  CHECK(w.Text() == engine::DumpJson(expect));
}

TEST_CASE("JsonWriter writes characters outside ASCII as nlohmann's ensure_ascii does") {
  engine::JsonWriter w;
  w.Arr()
      .Str(std::string("\xC2\xA5"
                       "9.90 \xE8\x8C\xB6 \xF0\x9F\x98\x80"))
      .Yuan(-1234)
      .End();
  CHECK(w.Text() == R"(["\u00a59.90 \u8336 \ud83d\ude00","-\u00a512.34"])");
  CHECK(json::parse(R"("\u00a59.90 \u8336 \ud83d\ude00")") ==
        "\xC2\xA5"
        "9.90 \xE8\x8C\xB6 \xF0\x9F\x98\x80");
}

TEST_CASE("JsonWriter replaces invalid UTF-8 as DumpJson does") {
  for (const std::string& bad : {std::string("a\xff"
                                             "b"),
                                 std::string("\xe8\x8c"), std::string("\xc0\xaf"),
                                 std::string("\xed\xa0\x80"), std::string("ok\xf4\x90\x80\x80")}) {
    engine::JsonWriter w;
    w.Str(bad);
    CHECK(w.Text() == engine::DumpJson(json(bad)));
  }
}

TEST_CASE("MemberText finds the raw text of one member, or gives up") {
  const auto TopLevelMemberText = [](const std::string& s, const char* k) {
    return engine::MemberText(s, {k});
  };
  CHECK(TopLevelMemberText(R"({"program":{"a":[1,"}]\"{"]},"order":2})", "program") ==
        R"({"a":[1,"}]\"{"]})");
  CHECK(TopLevelMemberText(" \n{ \"x\" : \"p\\\"\" , \"program\" :\t[ 1 , 2 ] }", "program") ==
        "[ 1 , 2 ]");
  CHECK(TopLevelMemberText("\xEF\xBB\xBF{\"program\":true}", "program") == "true");
  CHECK(TopLevelMemberText(R"({"program":-1.5e3,"y":null})", "program") == "-1.5e3");
  CHECK(TopLevelMemberText(R"({"order":{"program":1}})", "program").empty());
  CHECK(TopLevelMemberText(R"({"program":1,"program":2})", "program").empty());
  CHECK(TopLevelMemberText(R"({"program":1,"progr\u0061m":2})", "program").empty());
  CHECK(TopLevelMemberText(R"([{"program":1}])", "program").empty());
}

namespace {
json Preview(const std::string& text) { return json::parse(engine::api::PreviewOrder(text)); }
const std::string kOrder =
    R"({"buyer_id":10,"bound_distributor_id":7,"distributors":[{"id":7}],"items":[{"paid_fen":10000}]})";
const std::string kTen = R"({"kind":"distribution","rates_bp":[1000]})";
const std::string kTwenty = R"({"kind":"distribution","rates_bp":[2000]})";
int64_t Amount(const json& answer) { return answer["items"][0]["lines"][0]["amount_fen"]; }
}  // namespace

TEST_CASE("the program cache never changes an answer") {
  const auto request = [](const std::string& program) {
    return R"({"program":)" + program + R"(,"order":)" + kOrder + "}";
  };
  // Hits and misses in turn, more programs than the cache holds.
  for (int round = 0; round < 3; ++round) {
    CHECK(Amount(Preview(request(kTen))) == 1000);
    CHECK(Amount(Preview(request(kTwenty))) == 2000);
    for (int r = 1; r <= 6; ++r)
      CHECK(Amount(Preview(request(R"({"kind":"distribution","rates_bp":[)" +
                                   std::to_string(r * 100) + "]}"))) == r * 100);
  }
  // Whatever the text's first "program" is, the parser keeps the last one: the cache must too.
  CHECK(Amount(Preview(request(kTen))) == 1000);
  CHECK(Amount(Preview(R"({"program":)" + kTen + R"(,"program":)" + kTwenty + R"(,"order":)" +
                       kOrder + "}")) == 2000);
  CHECK(Amount(Preview(R"({"program":)" + kTen + R"(,"progr\u0061m":)" + kTwenty + R"(,"order":)" +
                       kOrder + "}")) == 2000);
  // A cached program still answers for the request it comes in: an unknown key is still refused.
  CHECK(Preview(request(kTen).substr(0, request(kTen).size() - 1) + R"(,"x":1})")["ok"] == false);
  // An invalid program is never cached: the same text fails again with the same errors.
  const std::string bad_program = R"({"kind":"distribution","rates_bp":[6000]})";
  const std::string bad = request(bad_program);
  const json first = Preview(bad);
  REQUIRE(first["ok"] == false);
  CHECK(first["errors"][0]["code"] == "E_RATE_CAP");
  CHECK(engine::CachedProgram(bad_program) == nullptr);
  CHECK(Preview(bad) == first);
  // A valid one is, by its exact text: the check above can see a cached program.
  CHECK(engine::CachedProgram(kTen) != nullptr);
}

TEST_CASE("with the program cache off and on, every request gets the same answer") {
  const std::string a = R"({"kind":"distribution","depth":2,"rates_bp":[1000,500]})";
  const std::string b = R"({"kind":"distribution","rates_bp":[700],"rounding":"half_up"})";
  const std::string order =
      R"({"buyer_id":10,"bound_distributor_id":7,"distributors":[{"id":7,"inviter_id":5},{"id":5}],"items":[{"paid_fen":9999}]})";
  std::vector<std::string> texts;
  for (const auto& p : {a, b, std::string(R"({"kind":"distribution","rates_bp":[6000]})")}) {
    const std::string good = R"({"program":)" + p + R"(,"order":)" + order + "}";
    texts.push_back(good);
    texts.push_back(" \n" + good + "\n ");
    texts.push_back("\xEF\xBB\xBF" + good);
    texts.push_back(R"({"order":)" + order + R"(,"program":)" + p + "}");
    texts.push_back(R"({"program":)" + p + R"(,"program":)" + (p == a ? b : a) + R"(,"order":)" +
                    order + "}");
    texts.push_back(R"({"program":)" + p + R"(,"progr\u0061m":)" + b + R"(,"order":)" + order +
                    "}");
    texts.push_back(R"({"program":)" + p + R"(,"order":)" + order + "}x");
    texts.push_back(R"({"program":)" + p + R"(,"order":)" + order + "},{}");
    texts.push_back(R"({"program":)" + p + R"(,"order":)" + order);
    texts.push_back(R"({"program":)" + p + R"(,"order":nul})");
    texts.push_back(R"({"program":)" + p + R"(,"order":)" + order + R"(,"extra":1})");
    texts.push_back(R"({"a":"x,"program":)" + p + R"(,"order":)" + order + "}");
    texts.push_back(R"({"a":tru,"program":)" + p + R"(,"order":)" + order + "}");
    texts.push_back(R"({"a":"\"","program":)" + p + R"(,"order":)" + order + "}");
    texts.push_back(R"({"program":)" + p + R"(})");
    for (size_t cut = 1; cut < good.size(); cut += 7) texts.push_back(good.substr(0, cut));
  }
  std::vector<std::string> expect;
  engine::SetProgramCacheForTesting(false);
  for (const auto& t : texts) expect.push_back(engine::api::PreviewOrder(t));
  engine::SetProgramCacheForTesting(true);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < texts.size(); ++i) {
      // Warm the cache with the request's own program first, so the fast path is taken when it may.
      engine::api::PreviewOrder(R"({"program":)" + (i % 3 ? a : b) + R"(,"order":)" + order + "}");
      INFO(texts[i]);
      CHECK(engine::api::PreviewOrder(texts[i]) == expect[i]);
    }
  }
}

TEST_CASE("MemberText on text cut anywhere never reads past it") {
  const std::string full = R"({"a":"x\"}","program":{"k":["]",{"q":"\\"}]},"b":[1,2]})";
  for (size_t cut = 0; cut <= full.size(); ++cut) {
    const std::string t = full.substr(0, cut);
    const auto span = engine::MemberText(t, {"program"});
    if (cut < full.size()) CHECK(span.empty());
    CHECK(span.size() <= t.size());
  }
  CHECK(engine::MemberText(full, {"program"}) == R"({"k":["]",{"q":"\\"}]})");
}

TEST_CASE("every entry point answers every vector request the same with the cache off and on") {
  // Requests of every golden vector, and each with its program's text repeated in a second,
  // different request, so that hits, misses and nested programs (settings.program) all occur.
  std::vector<std::pair<fuzzing::EntryPoint, std::string>> calls;
  for (const char* file : {"application", "attribution", "budget", "commission", "gates", "grades",
                           "program", "refund", "share", "withdrawal", "format"}) {
    const json doc = testutil::LoadVectors(file);
    for (const auto& c : doc["cases"]) {
      for (const auto& [name, fn] : fuzzing::EntryPoints()) {
        if (c["fn"] != name) continue;
        const std::string req =
            c["request"].is_string() ? c["request"].get<std::string>() : c["request"].dump();
        calls.push_back({fn, req});
        calls.push_back({fn, " " + req});  // the same program text inside another request text
      }
    }
  }
  REQUIRE(calls.size() > 600);
  std::vector<std::string> expect;
  engine::SetProgramCacheForTesting(false);
  for (const auto& [fn, req] : calls) expect.push_back(fn(req));
  // Answers are ASCII (DumpJson): the facade decodes them as such.
  for (size_t i = 0; i < calls.size(); ++i) {
    INFO(calls[i].second);
    CHECK(std::all_of(expect[i].begin(), expect[i].end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
  }
  engine::SetProgramCacheForTesting(true);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < calls.size(); ++i) {
      INFO(calls[i].second);
      CHECK(calls[i].first(calls[i].second) == expect[i]);
    }
}
