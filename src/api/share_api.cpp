#include "share_api.h"

#include "json_reader.h"
#include "money.h"
#include "poster.h"
#include "request.h"
#include "share_link.h"
#include "share_token.h"

namespace engine::api {
namespace {

constexpr size_t kMaxLaunchUrlChars = 8192;
constexpr size_t kMaxSceneChars = 1024;
constexpr size_t kMaxTokenInputChars = 1024;  // longer is still E_TOKEN_LENGTH, not E_TOO_LONG

void PutFields(Json& j, const ShareFields& f) {
  j["version"] = f.version;
  j["key_id"] = f.key_id;
  j["program_id"] = f.program_id;
  j["sharer_id"] = f.sharer_id;
  j["issued_at_ms"] = f.issued_at_ms;
}

Json DecodedJson(const DecodedShareToken& d, const std::string& token) {
  Json j = {{"ok", true}, {"token", token}};
  PutFields(j, d.fields);
  j["payload"] = d.payload;
  j["mac_hex"] = d.mac_hex;
  j["signing_input"] = ShareSigningInput(d.payload);
  j["length"] = token.size();
  return j;
}

std::string ParamOf(Reader& r) {
  auto p = r.Str("param", std::string(kShareParam), 64);
  if (p && !IsShareParamName(*p)) {
    Report(
        r.Out(), "E_SHARE_PARAM", r.PathOf("param"),
        "the token parameter must be 1-32 of A-Z a-z 0-9 _ - and not WeChat's from/isappinstalled");
  }
  return p.value_or(kShareParam);
}

}  // namespace

std::string EncodeShareToken(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  ShareFields f;
  const auto version = r.Int("version", 0, 7, kShareTokenVersion);
  if (version && *version != kShareTokenVersion)
    Report(problems, "E_TOKEN_VERSION", "version", "this engine writes token version 1 only");
  f.key_id = static_cast<int>(r.Int("key_id", 0, kShareMaxKeyId).value_or(0));
  f.program_id = r.Amount("program_id").value_or(0);
  f.sharer_id = r.Amount("sharer_id").value_or(0);
  const auto issued = r.Int("issued_at_ms", kShareEpochMs, kShareMaxIssuedAtMs);
  std::optional<std::string> mac;
  if (r.Raw("mac_hex")) {
    const auto hex = r.Str("mac_hex", std::nullopt, 64);
    if (hex) {
      mac = ShareMacChars(*hex);
      if (!mac)
        Report(problems, "E_TOKEN_MAC", "mac_hex",
               "expected 12 hex digits: the first 48 bits of HMAC-SHA256 over signing_input");
    }
  }
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  f.issued_at_ms = *issued - (*issued - kShareEpochMs) % kShareMinuteMs;
  const std::string payload = EncodeSharePayload(f);
  Json out = {{"ok", true}};
  PutFields(out, f);
  out["payload"] = payload;
  out["signing_input"] = ShareSigningInput(payload);
  if (mac) {
    out["token"] = payload + *mac;
    out["length"] = payload.size() + mac->size();
  }
  return DumpJson(out);
}

std::string DecodeShareToken(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const auto token = r.Str("token", std::nullopt, kMaxTokenInputChars);
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  const auto d = engine::DecodeShareToken(*token, "token", problems);
  if (!d) return Fail(problems);
  return DumpJson(DecodedJson(*d, *token));
}

std::string BuildShareLink(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const auto page_url = r.Str("page_url", std::nullopt, kMaxShareUrlChars);
  const auto token = r.Str("token", std::nullopt, kMaxTokenInputChars);
  const std::string param = ParamOf(r);
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  // Only a well-formed token goes into a link: a typo would be shared a thousand times.
  if (!engine::DecodeShareToken(*token, "token", problems)) return Fail(problems);
  const auto link = engine::BuildShareLink(*page_url, *token, param, "page_url", problems);
  if (!link) return Fail(problems);
  return DumpJson({{"ok", true},
                   {"url", link->url},
                   {"sign_url", link->sign_url},
                   {"scene", *token},
                   {"param", param}});
}

std::string ParseShareLaunch(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const bool has_url = r.Raw("url") != nullptr;  // Raw(): a null counts as absent, not unknown
  const bool has_scene = r.Raw("scene") != nullptr;
  std::optional<std::string> url, scene;
  if (has_url) url = r.Str("url", std::nullopt, kMaxLaunchUrlChars);
  if (has_scene) scene = r.Str("scene", std::nullopt, kMaxSceneChars);
  const std::string param = ParamOf(r);
  r.Finish();
  if (!has_url && !has_scene)
    Report(problems, "E_REQUIRED", "url", "give the launch url or the mini-program scene");
  if (has_url && has_scene)
    Report(problems, "E_LAUNCH_SOURCE", "scene", "give either url or scene, not both");
  if (!problems.empty()) return Fail(problems);

  std::string token;
  Json out = {{"ok", true}, {"source", has_url ? "url" : "scene"}};
  if (has_url) {
    const auto found = FindShareToken(*url, param, "url", problems);
    if (!found) return Fail(problems);
    const std::string sign = SignUrl(*url);
    out["sign_url"] = sign.empty() ? Json(nullptr) : Json(sign);
    if (!found->found) {
      out["found"] = false;
      out["token"] = nullptr;
      return DumpJson(out);
    }
    token = found->token;
  } else {
    // The page should pass decodeURIComponent(query.scene); a still-encoded scene decodes the same.
    token = scene->find('%') == std::string::npos ? *scene : PercentDecode(*scene, false);
  }
  const std::string path = has_url ? "url" : "scene";
  const auto d = engine::DecodeShareToken(token, path, problems);
  if (!d) return Fail(problems);
  Json fields = DecodedJson(*d, token);
  for (auto it = fields.begin(); it != fields.end(); ++it) out[it.key()] = it.value();
  out["found"] = true;
  return DumpJson(out);
}

std::string LayoutPoster(const std::string& text) {
  Problems problems;
  Request req;
  if (!OpenRequest(text, {}, req, problems)) return Fail(problems);
  Reader r(req.root, "", problems);
  const Json* tmpl = r.Raw("template");
  const Json* data = r.Raw("data");
  r.Finish();
  if (!problems.empty()) return Fail(problems);
  auto layout = engine::LayoutPoster(tmpl, data, problems);
  if (!layout) return Fail(problems);
  Json out = {{"ok", true}};
  for (auto it = layout->begin(); it != layout->end(); ++it) out[it.key()] = it.value();
  return DumpJson(out);
}

}  // namespace engine::api
