// Reads one JSON object field by field, validating as it goes and recording every problem with the
// field's path. Fields nobody asked for are reported at Finish(), so a misspelled field is an
// error instead of a silently ignored setting. Never throws: the module is built without
// exceptions.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "errors.h"

namespace engine {

using Json = nlohmann::json;
class JsonWriter;

// Parses text; on failure reports E_JSON_PARSE and returns a discarded value.
Json ParseJson(const std::string& text, Problems& problems);
// Serialises an answer without ever aborting on bad UTF-8 (it is replaced). Answers are ASCII:
// every other character is written as a \uXXXX escape, so the facade can turn them into a JS
// string at memory speed (a batch answer is megabytes; UTF-8 decoding was a sixth of a batch).
std::string DumpJson(const Json& j);
// The same value as UTF-8 text, unescaped: the canonical text rules_version hashes (kept as it
// was when v1 shipped, so configs keep their versions).
std::string CanonicalJson(const Json& j);
// The failure answer every entry point gives: {"ok":false,"errors":[{code,path,message}]}.
std::string Fail(const Problems& problems);
// The array of {code, message, path} objects that failures, refusals and warnings are written as.
void WriteProblems(JsonWriter& w, const Problems& problems);
// The raw text of the member at `path` of a JSON object text: {"program"}, or {"settings",
// "program"} for settings.program. Empty when a member is absent or appears twice, when a key is
// written with an escape, or when an object is not read to its closing brace: then the text alone
// cannot say which member the parser keeps, and callers use the parsed value. On text that is not
// valid JSON the span means nothing by itself; a caller must still parse (ParseProgramRequest
// parses the rest around a span it knows to be a valid program).
std::string_view MemberText(std::string_view text, std::initializer_list<const char*> path);

class Reader {
 public:
  // Reports E_TYPE when `j` is not an object; the accessors then return their defaults.
  Reader(const Json& j, std::string path, Problems& problems);
  // The element `index` of the array `key` of `parent`: the path ("parent.key[index]") is only
  // built if a problem needs it. `parent` must outlive this reader.
  Reader(const Json& j, const Reader& parent, const char* key, size_t index);

  bool Ok() const { return object_ != nullptr; }
  bool Has(const char* key);
  const std::string& Path() const;
  std::string PathOf(const char* key) const;
  Problems& Out() { return problems_; }

  // An integer in [min, max]. Missing: `fallback` when given, else E_REQUIRED.
  std::optional<int64_t> Int(const char* key, int64_t min, int64_t max,
                             std::optional<int64_t> fallback = std::nullopt);
  // An amount of money or points: integer 0 ... 2^53-1.
  std::optional<int64_t> Amount(const char* key, std::optional<int64_t> fallback = std::nullopt);
  std::optional<bool> Bool(const char* key, std::optional<bool> fallback = std::nullopt);
  std::optional<std::string> Str(const char* key,
                                 std::optional<std::string> fallback = std::nullopt,
                                 size_t max_len = 256);
  // One of `allowed`, reported as E_ENUM otherwise.
  std::optional<std::string> Enum(const char* key, std::initializer_list<const char*> allowed,
                                  std::optional<std::string> fallback = std::nullopt);
  // Raw access for nested objects and arrays; marks the key as known. Null when absent.
  const Json* Raw(const char* key);
  // An array of at most `max_len` elements, E_TYPE / E_TOO_MANY otherwise. Null when absent.
  const Json* Array(const char* key, size_t max_len, bool required = false);

  // Reports E_UNKNOWN_FIELD for every key no accessor asked for.
  void Finish();

 private:
  const Json* Field(const char* key);
  const Json* object_ = nullptr;
  mutable std::string path_;
  Problems& problems_;
  // Lazy path: parent_->Path() + "." + key_ + "[" + index_ + "]" once asked for.
  mutable const Reader* parent_ = nullptr;
  const char* key_ = nullptr;
  size_t index_ = 0;
  // The object's own keys that an accessor asked for: pointers into the object, so marking a key
  // allocates nothing (a batch reads millions of fields).
  std::vector<const std::string*> seen_;
};

// Validates a JSON value as an integer amount on its own (array elements, ids).
std::optional<int64_t> ReadInt(const Json& v, const std::string& path, int64_t min, int64_t max,
                               Problems& problems);

}  // namespace engine
