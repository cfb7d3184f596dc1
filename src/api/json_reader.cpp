#include "json_reader.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "json_writer.h"
#include "money.h"

namespace engine {

Json ParseJson(const std::string& text, Problems& problems) {
  // Json::parse would also compile the callback-driven parser we never use; driving the plain DOM
  // parser directly gives the same strict parse with less code in the module.
  Json j;
  nlohmann::detail::json_sax_dom_parser<Json> dom(j, /*allow_exceptions_=*/false);
  nlohmann::detail::parser<Json, decltype(nlohmann::detail::input_adapter(text))> parser(
      nlohmann::detail::input_adapter(text), nullptr, /*allow_exceptions_=*/false);
  if (!parser.sax_parse(&dom, /*strict=*/true)) {
    j = Json(Json::value_t::discarded);
    Report(problems, "E_JSON_PARSE", "", "input is not valid JSON");
  }
  return j;
}

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
}

std::string CanonicalJson(const Json& j) {
  return j.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

void WriteProblems(JsonWriter& w, const Problems& problems) {
  w.Arr();
  for (const auto& p : problems)
    w.Obj().Field("code", p.code).Field("message", p.message).Field("path", p.path).End();
  w.End();
}

std::string Fail(const Problems& problems) {
  JsonWriter w;
  w.Obj().Key("errors");
  WriteProblems(w, problems);
  w.FieldBool("ok", false).End();
  return std::move(w.Text());
}

namespace {

// The scanner reads raw bytes through a plain pointer: a batch request is megabytes, and at -Oz
// std::string's operator[] is a call per byte.
struct Text {
  const char* p;
  size_t n;
};

size_t SkipSpace(Text t, size_t i) {
  while (i < t.n && (t.p[i] == ' ' || t.p[i] == '\t' || t.p[i] == '\n' || t.p[i] == '\r')) ++i;
  return i;
}

// `i` at the opening quote; returns the index after the closing one, or past the end (t.n + 1)
// when the string never closes.
size_t SkipString(Text t, size_t i, bool* escaped) {
  for (++i; i < t.n; ++i) {
    if (t.p[i] == '\\') {
      if (escaped) *escaped = true;
      ++i;
    } else if (t.p[i] == '"') {
      return i + 1;
    }
  }
  return t.n + 1;
}

// `i` at the first character of a valid JSON value; returns the index after it.
size_t SkipValue(Text t, size_t i) {
  if (i >= t.n) return i;
  if (t.p[i] == '"') return SkipString(t, i, nullptr);
  if (t.p[i] != '{' && t.p[i] != '[') {
    while (i < t.n && t.p[i] != ',' && t.p[i] != '}' && t.p[i] != ']' && t.p[i] != ' ' &&
           t.p[i] != '\t' && t.p[i] != '\n' && t.p[i] != '\r')
      ++i;
    return i;
  }
  size_t depth = 0;
  while (i < t.n) {
    const char c = t.p[i];
    if (c == '"') {
      i = SkipString(t, i, nullptr);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

}  // namespace

namespace {

// One level of MemberText: `t` must be an object text read to its closing brace.
std::string_view MemberOf(Text t, std::string_view want) {
  size_t i = 0;
  if (t.n >= 3 && std::memcmp(t.p, "\xEF\xBB\xBF", 3) == 0) i = 3;  // the parser skips a BOM too
  i = SkipSpace(t, i);
  if (i >= t.n || t.p[i] != '{') return {};
  std::string_view found;
  int hits = 0;
  for (i = SkipSpace(t, i + 1); i < t.n && t.p[i] == '"';) {
    bool escaped = false;
    const size_t key_end = SkipString(t, i, &escaped);
    if (escaped || key_end > t.n) return {};
    const std::string_view k(t.p + i + 1, key_end - i - 2);
    i = SkipSpace(t, key_end);
    if (i >= t.n || t.p[i] != ':') return {};
    const size_t start = SkipSpace(t, i + 1);
    const size_t end = SkipValue(t, start);
    if (end > t.n) return {};
    if (k == want) {
      found = std::string_view(t.p + start, end - start);
      ++hits;
    }
    i = SkipSpace(t, end);
    if (i < t.n && t.p[i] == ',') i = SkipSpace(t, i + 1);
  }
  // Only an object read to its closing brace, with nothing after it, is what the parser sees.
  if (i >= t.n || t.p[i] != '}' || SkipSpace(t, i + 1) != t.n) return {};
  return hits == 1 ? found : std::string_view();
}

}  // namespace

std::string_view MemberText(std::string_view text, std::initializer_list<const char*> path) {
  std::string_view at = text;
  for (const char* key : path) {
    at = MemberOf(Text{at.data(), at.size()}, key);
    if (at.empty()) return {};
  }
  return at;
}

Reader::Reader(const Json& j, std::string path, Problems& problems)
    : path_(std::move(path)), problems_(problems) {
  if (j.is_object()) {
    object_ = &j;
  } else {
    Report(problems_, "E_TYPE", path_, "expected an object");
  }
}

Reader::Reader(const Json& j, const Reader& parent, const char* key, size_t index)
    : problems_(parent.problems_), parent_(&parent), key_(key), index_(index) {
  if (j.is_object()) {
    object_ = &j;
  } else {
    Report(problems_, "E_TYPE", Path(), "expected an object");
  }
}

const std::string& Reader::Path() const {
  if (parent_) {
    path_ = IndexPath(parent_->PathOf(key_), index_);
    parent_ = nullptr;
  }
  return path_;
}

std::string Reader::PathOf(const char* key) const {
  const std::string& path = Path();
  return path.empty() ? std::string(key) : path + "." + key;
}

bool Reader::Has(const char* key) {
  if (!object_) return false;
  auto it = object_->find(std::string_view(key));
  return it != object_->end() && !it->is_null();
}

const Json* Reader::Field(const char* key) {
  if (!object_) return nullptr;
  // A string_view key: a const char* one would be measured (strlen) at every comparison.
  auto it = object_->find(std::string_view(key));
  if (it == object_->end()) return nullptr;
  seen_.push_back(&it.key());
  if (it->is_null()) return nullptr;
  return &*it;
}

namespace {

// An integer in [min, max], or the code and message of why not. The path is left to the caller,
// so a field that is fine never builds its path string.
std::optional<int64_t> CheckInt(const Json& v, int64_t min, int64_t max, const char*& code,
                                std::string& message) {
  if (v.is_number_float()) {
    code = "E_NOT_INTEGER";
    message = "expected a whole number, got a fraction or exponent";
    return std::nullopt;
  }
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) {
      code = "E_RANGE";
      message = "must be at most " + std::to_string(max);
      return std::nullopt;
    }
    const auto s = static_cast<int64_t>(u);
    if (s < min) {
      code = "E_RANGE";
      message = "must be at least " + std::to_string(min);
      return std::nullopt;
    }
    return s;
  }
  if (v.is_number_integer()) {
    const int64_t s = v.get<int64_t>();
    if (s < 0 && min >= 0) {
      code = "E_NEGATIVE";
      message = "must not be negative";
      return std::nullopt;
    }
    if (s < min || s > max) {
      code = "E_RANGE";
      message = "must be between " + std::to_string(min) + " and " + std::to_string(max);
      return std::nullopt;
    }
    return s;
  }
  code = "E_TYPE";
  message = "expected an integer";
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ReadInt(const Json& v, const std::string& path, int64_t min, int64_t max,
                               Problems& problems) {
  const char* code = nullptr;
  std::string message;
  auto r = CheckInt(v, min, max, code, message);
  if (!r) Report(problems, code, path, std::move(message));
  return r;
}

std::optional<int64_t> Reader::Int(const char* key, int64_t min, int64_t max,
                                   std::optional<int64_t> fallback) {
  const Json* v = Field(key);
  if (!v) {
    if (!fallback && object_) Report(problems_, "E_REQUIRED", PathOf(key), "is required");
    return fallback;
  }
  const char* code = nullptr;
  std::string message;
  auto r = CheckInt(*v, min, max, code, message);
  if (!r) Report(problems_, code, PathOf(key), std::move(message));
  return r;
}

std::optional<int64_t> Reader::Amount(const char* key, std::optional<int64_t> fallback) {
  return Int(key, 0, kMaxAmount, fallback);
}

std::optional<bool> Reader::Bool(const char* key, std::optional<bool> fallback) {
  const Json* v = Field(key);
  if (!v) {
    if (!fallback && object_) Report(problems_, "E_REQUIRED", PathOf(key), "is required");
    return fallback;
  }
  if (!v->is_boolean()) {
    Report(problems_, "E_TYPE", PathOf(key), "expected true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> Reader::Str(const char* key, std::optional<std::string> fallback,
                                       size_t max_len) {
  const Json* v = Field(key);
  if (!v) {
    if (!fallback && object_) Report(problems_, "E_REQUIRED", PathOf(key), "is required");
    return fallback;
  }
  if (!v->is_string()) {
    Report(problems_, "E_TYPE", PathOf(key), "expected a string");
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_len) {
    Report(problems_, "E_TOO_LONG", PathOf(key),
           "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Reader::Enum(const char* key, std::initializer_list<const char*> allowed,
                                        std::optional<std::string> fallback) {
  auto s = Str(key, fallback, 64);
  if (!s) return std::nullopt;
  for (const char* a : allowed)
    if (*s == a) return s;
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  Report(problems_, "E_ENUM", PathOf(key), "must be one of: " + list);
  return std::nullopt;
}

const Json* Reader::Raw(const char* key) { return Field(key); }

const Json* Reader::Array(const char* key, size_t max_len, bool required) {
  const Json* v = Field(key);
  if (!v) {
    if (required && object_) Report(problems_, "E_REQUIRED", PathOf(key), "is required");
    return nullptr;
  }
  if (!v->is_array()) {
    Report(problems_, "E_TYPE", PathOf(key), "expected an array");
    return nullptr;
  }
  if (v->size() > max_len) {
    Report(problems_, "E_TOO_MANY", PathOf(key),
           "at most " + std::to_string(max_len) + " elements");
    return nullptr;
  }
  return v;
}

void Reader::Finish() {
  if (!object_) return;
  for (auto it = object_->begin(); it != object_->end(); ++it) {
    if (std::find(seen_.begin(), seen_.end(), &it.key()) == seen_.end())
      Report(problems_, "E_UNKNOWN_FIELD", PathOf(it.key().c_str()), "unknown field");
  }
}

}  // namespace engine
