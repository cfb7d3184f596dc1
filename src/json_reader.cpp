#include "json_reader.h"

#include <algorithm>

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
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Fail(const Problems& problems) {
  Json errs = Json::array();
  for (const auto& p : problems)
    errs.push_back({{"code", p.code}, {"path", p.path}, {"message", p.message}});
  return DumpJson({{"ok", false}, {"errors", errs}});
}

bool ParseObject(const std::string& text, Json& root, Problems& problems) {
  root = ParseJson(text, problems);
  if (!problems.empty()) return false;
  if (!root.is_object()) {
    Report(problems, "E_TYPE", "", "the request must be a JSON object");
    return false;
  }
  return true;
}

std::string IndexPath(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

Reader::Reader(const Json& j, std::string path, Problems& problems)
    : path_(std::move(path)), problems_(problems) {
  if (j.is_object()) {
    object_ = &j;
  } else {
    Report(problems_, "E_TYPE", path_, "expected an object");
  }
}

std::string Reader::PathOf(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

bool Reader::Has(const char* key) {
  return object_ && object_->contains(key) && !(*object_)[key].is_null();
}

const Json* Reader::Field(const char* key) {
  if (!object_) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end()) return nullptr;
  seen_.push_back(&it.key());
  if (it->is_null()) return nullptr;
  return &*it;
}

std::optional<int64_t> ReadInt(const Json& v, const std::string& path, int64_t min, int64_t max,
                               Problems& problems) {
  if (v.is_number_float()) {
    Report(problems, "E_NOT_INTEGER", path, "expected a whole number, got a fraction or exponent");
    return std::nullopt;
  }
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) {
      Report(problems, "E_RANGE", path, "must be at most " + std::to_string(max));
      return std::nullopt;
    }
    const auto s = static_cast<int64_t>(u);
    if (s < min) {
      Report(problems, "E_RANGE", path, "must be at least " + std::to_string(min));
      return std::nullopt;
    }
    return s;
  }
  if (v.is_number_integer()) {
    const int64_t s = v.get<int64_t>();
    if (s < 0 && min >= 0) {
      Report(problems, "E_NEGATIVE", path, "must not be negative");
      return std::nullopt;
    }
    if (s < min || s > max) {
      Report(problems, "E_RANGE", path,
             "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return std::nullopt;
    }
    return s;
  }
  Report(problems, "E_TYPE", path, "expected an integer");
  return std::nullopt;
}

std::optional<int64_t> Reader::Int(const char* key, int64_t min, int64_t max,
                                   std::optional<int64_t> fallback) {
  const Json* v = Field(key);
  if (!v) {
    if (!fallback && object_) Report(problems_, "E_REQUIRED", PathOf(key), "is required");
    return fallback;
  }
  return ReadInt(*v, PathOf(key), min, max, problems_);
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
