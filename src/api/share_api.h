// JSON entry points for sharing: share tokens, H5 links, mini-program launches and posters.
// Same contract as api.h: one JSON text in, {"ok":true,...} or {"ok":false,"errors":[...]} out.
#pragma once
#include <string>

namespace engine::api {

// {key_id, program_id, sharer_id, issued_at_ms, mac_hex?} -> payload and the text to sign; with
// mac_hex (the first 48 bits of HMAC-SHA256 over signing_input, as 12 hex digits) also the token.
std::string EncodeShareToken(const std::string& request);
// {token} -> every field, the MAC and the signed text; or one E_TOKEN_* reason. No key: a decoded
// token is not yet a verified one (bindings/share-node.js verifies).
std::string DecodeShareToken(const std::string& request);
// {page_url, token, param?} -> the share link, the URL the JS-SDK signs, the scene.
std::string BuildShareLink(const std::string& request);
// {url} or {scene}, param? -> the token found in a launch (or none) and its fields.
std::string ParseShareLaunch(const std::string& request);
// {data, template?} -> the poster's draw list.
std::string LayoutPoster(const std::string& request);

}  // namespace engine::api
