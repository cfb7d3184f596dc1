#include "share_link.h"

#include <algorithm>
#include <vector>

namespace engine {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithNoCase(const std::string& s, const char* prefix) {
  size_t i = 0;
  for (; prefix[i]; ++i) {
    if (i >= s.size()) return false;
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Length of "http://" or "https://" at the start, 0 when neither.
size_t SchemeLength(const std::string& url) {
  if (StartsWithNoCase(url, "https://")) return 8;
  if (StartsWithNoCase(url, "http://")) return 7;
  return 0;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

std::string KeyOf(const std::string& pair) {
  return PercentDecode(pair.substr(0, pair.find('=')), true);
}

bool IsWeChatKey(const std::string& key) { return key == "from" || key == "isappinstalled"; }

// Looks for `param` in one query string (no '?' or '#').
void Scan(const std::string& query, const std::string& param, std::vector<std::string>& values) {
  for (const auto& pair : Split(query, '&')) {
    const size_t eq = pair.find('=');
    if (KeyOf(pair) != param) continue;
    values.push_back(eq == std::string::npos ? "" : PercentDecode(pair.substr(eq + 1), true));
  }
}

}  // namespace

std::string PercentDecode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsShareParamName(const std::string& name) {
  if (name.empty() || name.size() > 32 || IsWeChatKey(name)) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string SignUrl(const std::string& url) {
  if (SchemeLength(url) == 0) return "";
  return url.substr(0, url.find('#'));
}

std::optional<ShareLink> BuildShareLink(const std::string& page_url, const std::string& token,
                                        const std::string& param, const std::string& path,
                                        Problems& problems) {
  for (char c : page_url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      Report(problems, "E_URL", path,
             "the page URL must be percent-encoded ASCII without spaces (use location.href)");
      return std::nullopt;
    }
  }
  const size_t scheme = SchemeLength(page_url);
  const size_t host_end = std::min(page_url.find_first_of("/?#", scheme), page_url.size());
  if (scheme == 0 || host_end == scheme) {
    Report(problems, "E_URL", path, "the page URL must be an absolute http:// or https:// URL");
    return std::nullopt;
  }
  const size_t hash = page_url.find('#');
  const std::string base = page_url.substr(0, hash);
  const std::string fragment = hash == std::string::npos ? "" : page_url.substr(hash);
  const size_t q = base.find('?');
  std::string out = base.substr(0, q);
  std::string query;
  if (q != std::string::npos) {
    for (const auto& pair : Split(base.substr(q + 1), '&')) {
      if (pair.empty()) continue;
      const std::string key = KeyOf(pair);
      // An older token would re-attribute to its sharer; WeChat's keys would pile up on reshares.
      if (key == param || IsWeChatKey(key)) continue;
      query += pair + "&";
    }
  }
  // Tokens are base64url: nothing in them needs percent-encoding.
  out += "?" + query + param + "=" + token + fragment;
  if (out.size() > kMaxShareUrlChars) {
    Report(problems, "E_TOO_LONG", path, "the share link would exceed 4096 characters");
    return std::nullopt;
  }
  return ShareLink{out, base};
}

std::optional<FoundToken> FindShareToken(const std::string& url, const std::string& param,
                                         const std::string& path, Problems& problems) {
  const size_t hash = url.find('#');
  const std::string base = url.substr(0, hash);
  std::vector<std::string> values;
  const size_t q = base.find('?');
  if (q != std::string::npos) Scan(base.substr(q + 1), param, values);
  if (values.empty() && hash != std::string::npos) {
    // Hash-routed pages (#/item?st=...) keep their query inside the fragment.
    const std::string fragment = url.substr(hash + 1);
    const size_t fq = fragment.find('?');
    if (fq != std::string::npos) Scan(fragment.substr(fq + 1), param, values);
  }
  FoundToken found;
  if (values.empty()) return found;
  for (const auto& v : values) {
    if (v != values[0]) {
      Report(problems, "E_LINK_AMBIGUOUS", path,
             "the URL carries different values for the share parameter '" + param + "'");
      return std::nullopt;
    }
  }
  found.found = true;
  found.token = values[0];
  return found;
}

}  // namespace engine
