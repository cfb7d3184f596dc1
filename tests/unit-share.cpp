// Share tokens, links and poster layout. The golden answers live in tests/vectors/share.json; this
// file holds the properties: every id/time round-trips in at most 32 scene-safe characters, and
// every damaged token is refused with a reason or decodes to a different signed text.
#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "api/share_api.h"
#include "poster.h"
#include "share_link.h"
#include "share_token.h"

using nlohmann::json;

namespace {

constexpr int64_t kMaxId = (int64_t{1} << 53) - 1;

json Call(std::string (*fn)(const std::string&), const json& req) {
  return json::parse(fn(req.dump()));
}

std::string Code(const json& r) {
  return r.value("ok", true) ? "" : r["errors"][0]["code"].get<std::string>();
}

// Ids spread over every size class: a random bit length first, then a random value of that length.
int64_t RandomId(std::mt19937_64& rng) {
  const int bits = static_cast<int>(rng() % 54);
  if (bits == 0) return 0;
  const int64_t top = int64_t{1} << (bits - 1);
  return top | static_cast<int64_t>(rng() & static_cast<uint64_t>(top - 1));
}

std::string RandomMacHex(std::mt19937_64& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 12; ++i) s.push_back(kHex[rng() % 16]);
  return s;
}

std::string Token(int key_id, int64_t program, int64_t sharer, int64_t at, const std::string& mac) {
  const json r = Call(engine::api::EncodeShareToken, {{"key_id", key_id},
                                                      {"program_id", program},
                                                      {"sharer_id", sharer},
                                                      {"issued_at_ms", at},
                                                      {"mac_hex", mac}});
  REQUIRE(r["ok"] == true);
  return r["token"].get<std::string>();
}

// Packs (value, width) fields MSB-first into base64url characters, zero-padding the last one.
std::string Pack(std::vector<std::pair<uint64_t, int>> fields);

const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Pack(std::vector<std::pair<uint64_t, int>> fields) {
  std::string bits;
  for (const auto& [v, w] : fields)
    for (int i = w - 1; i >= 0; --i) bits.push_back(((v >> i) & 1) ? '1' : '0');
  while (bits.size() % 6) bits.push_back('0');
  std::string out;
  for (size_t i = 0; i < bits.size(); i += 6)
    out.push_back(kAlphabet[std::stoul(bits.substr(i, 6), nullptr, 2)]);
  return out;
}

}  // namespace

TEST_CASE("share tokens round-trip in at most 32 scene-safe characters (property)") {
  std::mt19937_64 rng(20240601);
  for (int i = 0; i < 1500; ++i) {
    const int key_id = static_cast<int>(rng() % 8);
    const int64_t program = RandomId(rng), sharer = RandomId(rng);
    const int64_t at =
        engine::kShareEpochMs +
        static_cast<int64_t>(
            rng() % static_cast<uint64_t>(engine::kShareMaxIssuedAtMs - engine::kShareEpochMs + 1));
    const std::string mac = RandomMacHex(rng);
    const std::string token = Token(key_id, program, sharer, at, mac);
    INFO(token << " program " << program << " sharer " << sharer << " at " << at);
    REQUIRE(token.size() <= engine::kShareTokenMaxChars);
    for (char c : token) {
      REQUIRE(engine::IsSceneChar(c));
      REQUIRE(engine::IsShareTokenChar(c));
    }
    const json d = Call(engine::api::DecodeShareToken, {{"token", token}});
    REQUIRE(d["ok"] == true);
    CHECK(d["key_id"] == key_id);
    CHECK(d["program_id"] == program);
    CHECK(d["sharer_id"] == sharer);
    CHECK(d["issued_at_ms"] == at - (at - engine::kShareEpochMs) % 60000);
    CHECK(d["mac_hex"] == mac);
    CHECK(d["signing_input"] == "share-token:" + d["payload"].get<std::string>());
  }
}

TEST_CASE("the largest ids and the last minute fit exactly 32 characters") {
  const std::string t = Token(7, kMaxId, kMaxId, engine::kShareMaxIssuedAtMs, "ffffffffffff");
  CHECK(t.size() == 32);
  const std::string small = Token(0, 1, 1, engine::kShareEpochMs, "000000000000");
  CHECK(small.size() == 16);
}

TEST_CASE("small ids give shorter tokens, and the length grows with the ids") {
  size_t last = 0;
  for (int64_t id : {int64_t{1}, int64_t{200}, int64_t{5000}, int64_t{70000}, int64_t{1000000},
                     int64_t{20000000}, int64_t{4000000000}, kMaxId}) {
    const size_t n = Token(1, id, id, 1767225600000, "abcdefabcdef").size();
    CHECK(n >= last);
    last = n;
  }
  CHECK(Token(1, 7, 123456, 1767225600000, "abcdefabcdef").size() <= 21);
}

TEST_CASE("every single-character change is refused or changes what the MAC covers") {
  // The codec directly (not through JSON), so the whole neighbourhood of each token stays fast.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20; ++i) {
    const std::string token =
        Token(static_cast<int>(rng() % 8), RandomId(rng), RandomId(rng),
              1700000000000 + static_cast<int64_t>(rng() % 100000000000), RandomMacHex(rng));
    engine::Problems none;
    const auto orig = engine::DecodeShareToken(token, "token", none);
    REQUIRE(orig);
    for (size_t pos = 0; pos < token.size(); ++pos) {
      for (char c : kAlphabet) {
        if (c == token[pos]) continue;
        std::string t = token;
        t[pos] = c;
        engine::Problems problems;
        const auto d = engine::DecodeShareToken(t, "token", problems);
        if (!d) {
          REQUIRE(problems.size() == 1);
          CHECK(problems[0].code.rfind("E_TOKEN_", 0) == 0);
          continue;
        }
        // It decodes: then it must be a different (signed text, MAC) pair, which the server's HMAC
        // check refuses, and re-encoding it must give the same string (one token per content).
        CHECK((d->payload != orig->payload || d->mac_hex != orig->mac_hex));
        CHECK(engine::EncodeSharePayload(d->fields) + *engine::ShareMacChars(d->mac_hex) == t);
      }
    }
  }
}

TEST_CASE("truncated and extended tokens are refused with E_TOKEN_LENGTH") {
  const std::string token = Token(3, 123, 4567890, 1767225600000, "0123456789ab");
  for (size_t n = 0; n < token.size(); ++n) {
    INFO(n);
    CHECK(Code(Call(engine::api::DecodeShareToken, {{"token", token.substr(0, n)}})) ==
          "E_TOKEN_LENGTH");
  }
  CHECK(Code(Call(engine::api::DecodeShareToken, {{"token", token + "A"}})) == "E_TOKEN_LENGTH");
}

TEST_CASE("characters outside base64url are refused even when WeChat's scene allows them") {
  const std::string token = Token(3, 123, 4567890, 1767225600000, "0123456789ab");
  for (char c : std::string("!#$&'()*+,/:;=?@.~% \n")) {
    std::string t = token;
    t[5] = c;
    CHECK(Code(Call(engine::api::DecodeShareToken, {{"token", t}})) == "E_TOKEN_CHAR");
  }
}

TEST_CASE("non-canonical encodings are refused") {
  // Program id 1 stored in the 8-bit class where the 4-bit class fits: valid length, valid chars.
  const std::string wide =
      Pack({{1, 3}, {0, 3}, {1, 3}, {0, 3}, {1, 8}, {1, 4}, {0, 26}}) + "AAAAAAAA";
  CHECK(Code(Call(engine::api::DecodeShareToken, {{"token", wide}})) == "E_TOKEN_NONCANONICAL");
  // The canonical one decodes; the same with a padding bit set does not.
  const std::string canon = Pack({{1, 3}, {0, 3}, {0, 3}, {0, 3}, {1, 4}, {1, 4}, {0, 26}});
  CHECK(Code(Call(engine::api::DecodeShareToken, {{"token", canon + "AAAAAAAA"}})) == "");
  CHECK(
      Code(Call(engine::api::DecodeShareToken,
                {{"token", Pack({{1, 3}, {0, 3}, {0, 3}, {0, 3}, {1, 4}, {1, 4}, {0, 26}, {1, 2}}) +
                               "AAAAAAAA"}})) == "E_TOKEN_NONCANONICAL");
}

TEST_CASE("encoding validates its fields with paths") {
  const json r = Call(engine::api::EncodeShareToken, {{"key_id", 8},
                                                      {"program_id", -1},
                                                      {"sharer_id", 9007199254740992.0},
                                                      {"issued_at_ms", 1500000000000},
                                                      {"mac_hex", "xyz"},
                                                      {"extra", 1}});
  REQUIRE(r["ok"] == false);
  std::set<std::string> paths;
  for (const auto& e : r["errors"])
    paths.insert(e["path"].get<std::string>() + ":" + e["code"].get<std::string>());
  CHECK(paths.count("key_id:E_RANGE"));
  CHECK(paths.count("program_id:E_NEGATIVE"));
  CHECK(paths.count("sharer_id:E_NOT_INTEGER"));
  CHECK(paths.count("issued_at_ms:E_RANGE"));
  CHECK(paths.count("mac_hex:E_TOKEN_MAC"));
  CHECK(paths.count("extra:E_UNKNOWN_FIELD"));
}

TEST_CASE("share links keep the page's parameters and drop WeChat's") {
  const std::string token = Token(1, 7, 1001, 1767225600000, "a1b2c3d4e5f6");
  const json r = Call(engine::api::BuildShareLink,
                      {{"page_url",
                        "https://m.shop.cn/p/9?a=1&st=OLD&b=%E4%B8%AD&from=timeline&"
                        "isappinstalled=0#/detail?x=1"},
                       {"token", token}});
  REQUIRE(r["ok"] == true);
  CHECK(r["url"] == "https://m.shop.cn/p/9?a=1&b=%E4%B8%AD&st=" + token + "#/detail?x=1");
  CHECK(r["sign_url"] ==
        "https://m.shop.cn/p/9?a=1&st=OLD&b=%E4%B8%AD&from=timeline&isappinstalled=0");
  CHECK(r["scene"] == token);

  // What WeChat does to a shared link, and a reader that must not care.
  const std::string shared = r["url"].get<std::string>();
  const std::string base = shared.substr(0, shared.find('#'));
  const json p = Call(engine::api::ParseShareLaunch,
                      {{"url", base + "&from=singlemessage&isappinstalled=0&zz=%ZZ" +
                                   shared.substr(shared.find('#'))}});
  REQUIRE(p["ok"] == true);
  CHECK(p["found"] == true);
  CHECK(p["sharer_id"] == 1001);
  CHECK(p["sign_url"] == base + "&from=singlemessage&isappinstalled=0&zz=%ZZ");
}

TEST_CASE("launch parsing: scene, hash routes, encodings, absent and ambiguous tokens") {
  const std::string token = Token(2, 3, 4, 1767225600000, "a1b2c3d4e5f6");
  CHECK(Call(engine::api::ParseShareLaunch, {{"scene", token}})["sharer_id"] == 4);
  CHECK(Call(engine::api::ParseShareLaunch, {{"url", "https://x.cn/#/a?st=" + token}})["found"] ==
        true);
  CHECK(Call(engine::api::ParseShareLaunch,
             {{"url", "pages/a/index?id=2&st=" + token}})["program_id"] == 3);
  // A percent-encoded key and value still count.
  std::string enc;
  for (char c : token) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
    enc += hex;
  }
  CHECK(Call(engine::api::ParseShareLaunch, {{"url", "https://x.cn/?%73t=" + enc}})["sharer_id"] ==
        4);
  CHECK(Call(engine::api::ParseShareLaunch, {{"scene", enc}})["sharer_id"] == 4);
  const json none =
      Call(engine::api::ParseShareLaunch, {{"url", "https://x.cn/?from=groupmessage"}});
  CHECK(none["ok"] == true);
  CHECK(none["found"] == false);
  CHECK(Code(Call(engine::api::ParseShareLaunch,
                  {{"url", "https://x.cn/?st=" + token + "&st=" + token}})) == "");
  CHECK(Code(Call(engine::api::ParseShareLaunch,
                  {{"url", "https://x.cn/?st=" + token + "&st=" + token.substr(1)}})) ==
        "E_LINK_AMBIGUOUS");
  CHECK(Code(Call(engine::api::ParseShareLaunch,
                  {{"url", "https://x.cn/?st=" + token.substr(2)}})) == "E_TOKEN_LENGTH");
  CHECK(Code(Call(engine::api::ParseShareLaunch, {{"url", "x"}, {"scene", token}})) ==
        "E_LAUNCH_SOURCE");
  CHECK(Code(Call(engine::api::ParseShareLaunch, json::object())) == "E_REQUIRED");
  CHECK(Code(Call(engine::api::ParseShareLaunch, {{"url", "u"}, {"param", "from"}})) ==
        "E_SHARE_PARAM");
}

TEST_CASE("building refuses bad page URLs and bad tokens") {
  const std::string token = Token(2, 3, 4, 1767225600000, "a1b2c3d4e5f6");
  for (const char* bad :
       {"ftp://x/", "https://", "/relative", "https://x/ a", "https://x/\xe4\xb8\xad"}) {
    INFO(bad);
    CHECK(Code(Call(engine::api::BuildShareLink, {{"page_url", bad}, {"token", token}})) != "");
  }
  CHECK(Code(Call(engine::api::BuildShareLink, {{"page_url", "https://x/"}, {"token", "abc"}})) ==
        "E_TOKEN_VERSION");
  CHECK(Call(engine::api::BuildShareLink, {{"page_url", "HTTPS://x"}, {"token", token}})["url"] ==
        "HTTPS://x?st=" + token);
}

TEST_CASE("text wrapping by the width model") {
  using engine::WrapText;
  CHECK(engine::TextHalfEms("ab中¥…") == 1 + 1 + 2 + 1 + 2);
  auto w = WrapText("一二三四五六七八九十", 8, 3);  // 4 CJK per line
  CHECK(w.lines == std::vector<std::string>{"一二三四", "五六七八", "九十"});
  CHECK_FALSE(w.truncated);
  w = WrapText("一二三四五六七八九十", 8, 2);
  CHECK(w.lines == std::vector<std::string>{"一二三四", "五六七…"});
  CHECK(w.truncated);
  w = WrapText("hello world again", 12, 3);  // words are not cut when a space can take the break
  CHECK(w.lines == std::vector<std::string>{"hello world", "again"});
  w = WrapText("abcdefghijklmnop", 6, 3);  // a word longer than a line is cut
  CHECK(w.lines == std::vector<std::string>{"abcdef", "ghijkl", "mnop"});
  w = WrapText("  a\n\tb   c  ", 20, 1);
  CHECK(w.lines == std::vector<std::string>{"a b c"});
  w = WrapText("ab\xff\xfe", 20, 1);  // invalid UTF-8 becomes U+FFFD
  CHECK(w.lines == std::vector<std::string>{"ab\xEF\xBF\xBD\xEF\xBF\xBD"});
  CHECK(WrapText("", 10, 2).lines.empty());
  // Every line fits, whatever the text.
  std::mt19937_64 rng(3);
  const std::vector<std::string> pieces = {"中", "a", " ", "W", "😀", "\n", "¥", "…"};
  for (int i = 0; i < 500; ++i) {
    std::string s;
    for (int k = 0, n = static_cast<int>(rng() % 60); k < n; ++k)
      s += pieces[rng() % pieces.size()];
    const int cap = 2 + static_cast<int>(rng() % 30);
    const int max_lines = 1 + static_cast<int>(rng() % 4);
    const auto r = WrapText(s, cap, max_lines);
    CHECK(static_cast<int>(r.lines.size()) <= max_lines);
    for (const auto& l : r.lines) CHECK(engine::TextHalfEms(l) <= cap);
  }
}

TEST_CASE("poster layout: default template, money texts, degraded data") {
  const json r = Call(engine::api::LayoutPoster, {{"data",
                                                   {{"share_url", "https://x.cn/?st=abc"},
                                                    {"title", "标题"},
                                                    {"nickname", "小明"},
                                                    {"price_fen", 9007199254740991},
                                                    {"commission_fen", 5}}}});
  REQUIRE(r["ok"] == true);
  CHECK(r["width"] == 750);
  std::map<std::string, json> by_role;
  for (const auto& it : r["items"]) by_role[it["role"].get<std::string>()] = it;
  CHECK(by_role["price"]["lines"][0] == "¥90071992547409.91");  // never cut with an ellipsis
  CHECK(by_role["commission"]["lines"][0] == "分享赚 ¥0.05");
  CHECK(by_role["avatar"]["url"].is_null());
  CHECK(by_role["avatar"]["fallback_text"] == "小");
  CHECK(by_role["qr"]["text"] == "https://x.cn/?st=abc");
  for (const auto& it : r["items"]) {  // everything inside the canvas
    CHECK(it["x"].get<int>() + it["w"].get<int>() <= 750);
    CHECK(it["y"].get<int>() + it["h"].get<int>() <= 1240);
  }

  const json zero =
      Call(engine::api::LayoutPoster, {{"data", {{"share_url", "u"}, {"commission_fen", 0}}}});
  for (const auto& it : zero["items"]) CHECK(it["role"] != "commission");
}

TEST_CASE("poster layout refuses broken templates and data with paths") {
  json t = engine::DefaultPosterTemplate();
  t["boxes"]["qr"]["x"] = 700;  // 700 + 210 > 750
  t["boxes"]["title"]["color"] = "red";
  t["boxes"]["banner"] = json::object();
  const json r = Call(
      engine::api::LayoutPoster,
      {{"template", t},
       {"data", {{"share_url", ""}, {"avatar_url", "javascript:alert(1)"}, {"price_fen", 1.5}}}});
  REQUIRE(r["ok"] == false);
  std::set<std::string> got;
  for (const auto& e : r["errors"])
    got.insert(e["path"].get<std::string>() + ":" + e["code"].get<std::string>());
  CHECK(got.count("template.boxes.qr:E_POSTER_BOX"));
  CHECK(got.count("template.boxes.title.color:E_POSTER_COLOR"));
  CHECK(got.count("template.boxes.banner:E_UNKNOWN_FIELD"));
  CHECK(got.count("data.share_url:E_POSTER_QR"));
  CHECK(got.count("data.avatar_url:E_POSTER_URL"));
  CHECK(got.count("data.price_fen:E_NOT_INTEGER"));
}
