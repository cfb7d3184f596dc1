#include "json_writer.h"

#include <cassert>
#include <cstring>

#include "json_reader.h"

namespace engine {
namespace {

// Valid UTF-8 (what the parser lets through). Anything else is rare and goes through nlohmann's
// own replacing serializer, so the replacement characters come out exactly as DumpJson's.
bool ValidUtf8(const unsigned char* s, size_t n) {
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static const uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::Obj() {
  BeforeValue();
  out_ += '{';
  first_.push_back(true);
  close_.push_back('}');
#ifndef NDEBUG
  last_key_.emplace_back();
#endif
  return *this;
}

JsonWriter& JsonWriter::Arr() {
  BeforeValue();
  out_ += '[';
  first_.push_back(true);
  close_.push_back(']');
#ifndef NDEBUG
  last_key_.emplace_back();
#endif
  return *this;
}

JsonWriter& JsonWriter::End() {
  assert(!first_.empty() && !after_key_);
#ifndef NDEBUG
  last_key_.pop_back();
#endif
  first_.pop_back();
  out_ += close_.back();
  close_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(const char* key) {
  assert(!first_.empty() && !after_key_);
#ifndef NDEBUG
  // nlohmann's objects are std::maps: keys come out sorted, so ours must be written sorted.
  assert(last_key_.back().empty() || last_key_.back() < key);
  last_key_.back() = key;
#endif
  BeforeValue();
  out_ += '"';
  Escaped(key, std::strlen(key));
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  char* p = buf + sizeof buf;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do *--p = static_cast<char>('0' + u % 10);
  while (u /= 10);
  if (v < 0) *--p = '-';
  out_.append(p, buf + sizeof buf - p);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Str(const std::string& s) {
  BeforeValue();
  if (!ValidUtf8(reinterpret_cast<const unsigned char*>(s.data()), s.size())) {
    out_ += DumpJson(Json(s));
    return *this;
  }
  out_ += '"';
  Escaped(s.data(), s.size());
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::Str(const char* s) { return Str(std::string(s)); }

JsonWriter& JsonWriter::Raw(const std::string& json) {
  BeforeValue();
  out_ += json;
  return *this;
}

// As nlohmann's serializer with ensure_ascii off: the two-character escapes it knows, \u00xx in
// lowercase hex for the other control characters, every other byte as it is.
void JsonWriter::Escaped(const char* s, size_t n) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\t': out_ += "\\t"; break;
      case '\n': out_ += "\\n"; break;
      case '\f': out_ += "\\f"; break;
      case '\r': out_ += "\\r"; break;
      default: {
        const char* hex = "0123456789abcdef";
        out_ += "\\u00";
        out_ += hex[c >> 4];
        out_ += hex[c & 15];
      }
    }
  }
  out_.append(s + run, n - run);
}

}  // namespace engine
