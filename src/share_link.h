// H5 share links and mini-program launches: where the share token travels. A link carries the token
// in one query parameter of the activity page; a mini-program code carries the token itself as its
// scene. Parsing must survive anything a chat, a browser or an attacker does to a URL.
#pragma once
#include <optional>
#include <string>

#include "errors.h"

namespace engine {

constexpr const char* kShareParam = "st";
constexpr size_t kMaxShareUrlChars = 4096;

// A query key we may use: 1..32 of [A-Za-z0-9_-], and not one of WeChat's own `from` and
// `isappinstalled`.
bool IsShareParamName(const std::string& name);

struct ShareLink {
  std::string url;       // the page with its other parameters and the token; fragment kept
  std::string sign_url;  // the page URL the JS-SDK signs: everything before '#'
};

// Builds the share link from the page's URL (absolute http/https). Drops an older token and
// WeChat's `from` / `isappinstalled`, keeps every other parameter byte for byte. The token is not
// checked here.
std::optional<ShareLink> BuildShareLink(const std::string& page_url, const std::string& token,
                                        const std::string& param, const std::string& path,
                                        Problems& problems);

struct FoundToken {
  bool found = false;
  std::string token;  // percent-decoded value of the parameter
};

// Finds the token parameter in a launch URL, a mini-program path ("pages/x?st=..."), or a hash
// route's query ("...#/item?st=..."). Two different values: E_LINK_AMBIGUOUS.
std::optional<FoundToken> FindShareToken(const std::string& url, const std::string& param,
                                         const std::string& path, Problems& problems);

// The URL without its fragment, when `url` is an absolute http(s) URL; empty otherwise.
std::string SignUrl(const std::string& url);

// decodeURIComponent for a scene a caller passed still encoded; invalid escapes stay as they are.
std::string PercentDecode(const std::string& s, bool plus_is_space);

}  // namespace engine
