#include "json_writer.h"

#include <algorithm>
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

void JsonWriter::Grow(size_t n) {
  out_.resize(std::max(2 * out_.size(), len_ + n + 256));
  buf_ = &out_[0];
}

void JsonWriter::Put(const char* s, size_t n) {
  if (n == 0) return;
  Room(n);
  std::memcpy(buf_ + len_, s, n);
  len_ += n;
}

void JsonWriter::Put(const char* s) { Put(s, std::strlen(s)); }

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) Put(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::Obj() {
  BeforeValue();
  Put('{');
  first_.push_back(true);
  close_.push_back('}');
#ifndef NDEBUG
  last_key_.emplace_back();
#endif
  return *this;
}

JsonWriter& JsonWriter::Arr() {
  BeforeValue();
  Put('[');
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
  Put(close_.back());
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
  Put('"');
  Escaped(key, std::strlen(key));
  Put("\":", 2);
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
  Put(p, static_cast<size_t>(buf + sizeof buf - p));
  return *this;
}

JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  Put(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  Put("null", 4);
  return *this;
}

JsonWriter& JsonWriter::Str(const std::string& s) {
  BeforeValue();
  if (!ValidUtf8(reinterpret_cast<const unsigned char*>(s.data()), s.size())) {
    const std::string dumped = DumpJson(Json(s));
    Put(dumped.data(), dumped.size());
    return *this;
  }
  Put('"');
  Escaped(s.data(), s.size());
  Put('"');
  return *this;
}

JsonWriter& JsonWriter::Str(const char* s) {
  // Only the engine's own ASCII names come as C strings.
  BeforeValue();
  Put('"');
  Escaped(s, std::strlen(s));
  Put('"');
  return *this;
}

JsonWriter& JsonWriter::Raw(const std::string& json) {
  BeforeValue();
  Put(json.data(), json.size());
  return *this;
}

// As nlohmann's serializer with ensure_ascii off: the two-character escapes it knows, \u00xx in
// lowercase hex for the other control characters, every other byte as it is.
void JsonWriter::Escaped(const char* s, size_t n) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    Put(s + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': Put("\\\"", 2); break;
      case '\\': Put("\\\\", 2); break;
      case '\b': Put("\\b", 2); break;
      case '\t': Put("\\t", 2); break;
      case '\n': Put("\\n", 2); break;
      case '\f': Put("\\f", 2); break;
      case '\r': Put("\\r", 2); break;
      default: {
        const char* hex = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        Put(u, 6);
      }
    }
  }
  Put(s + run, n - run);
}

}  // namespace engine
