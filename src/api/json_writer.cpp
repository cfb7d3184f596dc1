#include "json_writer.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "json_reader.h"
#include "money.h"

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
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07;
    else
      return false;
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
  // A preview's answer is a few KB: starting there spares the first doublings' copies.
  const size_t size = std::max(std::max(2 * out_.size(), len_ + n), size_t{2048});
#ifdef _LIBCPP_VERSION
  // Grown without clearing what is about to be written over (as abseil's
  // STLStringResizeUninitialized does): clearing a batch answer cost as much as copying it.
  out_.__resize_default_init(size);
#else
  out_.resize(size);
#endif
  buf_ = &out_[0];
}

void JsonWriter::LeaveHead(size_t n) {
  assert(len_ == 0 && depth_ == 0);
  Room(n);
  len_ = head_ = n;
}

void JsonWriter::Head(const std::string& text) {
  assert(text.size() <= head_);
  head_ -= text.size();
  std::memcpy(buf_ + head_, text.data(), text.size());
}

void JsonWriter::Open(char open, char close) {
  BeforeValue();
  Put(open);
  if (depth_ == stack_.size()) stack_.resize(2 * depth_ + 8);
  stack_[depth_++] = static_cast<char>(close | kEmpty);
#ifndef NDEBUG
  last_key_.emplace_back();
#endif
}

JsonWriter& JsonWriter::Obj() {
  Open('{', '}');
  return *this;
}

JsonWriter& JsonWriter::Arr() {
  Open('[', ']');
  return *this;
}

JsonWriter& JsonWriter::End() {
  assert(depth_ != 0 && !after_key_);
#ifndef NDEBUG
  last_key_.pop_back();
#endif
  Put(static_cast<char>(stack_[--depth_] & ~kEmpty));
  return *this;
}

JsonWriter& JsonWriter::Key(Name key) {
  assert(depth_ != 0 && !after_key_);
#ifndef NDEBUG
  // nlohmann's objects are std::maps: keys come out sorted, so ours must be written sorted.
  const std::string k(key.s, key.n);
  assert(last_key_.back().empty() || last_key_.back() < k);
  last_key_.back() = k;
  // Keys are the engine's own ASCII names: nothing in them needs escaping.
  assert(
      std::none_of(key.s, key.s + key.n, [](char c) { return c == '"' || c == '\\' || c < 0x20; }));
#endif
  // One room check for the separator, the quoted key and its colon.
  Room(key.n + 4);
  BeforeValue();
  char* d = buf_ + len_;
  *d++ = '"';
  for (size_t i = 0; i < key.n; ++i) *d++ = key.s[i];
  *d++ = '"';
  *d++ = ':';
  len_ = static_cast<size_t>(d - buf_);
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
  // Only the engine's own ASCII names come as C strings: nothing in them needs escaping.
  const size_t n = std::strlen(s);
  assert(
      std::all_of(s, s + n, [](char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }));
  BeforeValue();
  Put('"');
  Put(s, n);
  Put('"');
  return *this;
}

JsonWriter& JsonWriter::Str(const char* s, size_t n) {
  BeforeValue();
  Put('"');
  Escaped(s, n);
  Put('"');
  return *this;
}

JsonWriter& JsonWriter::Yuan(int64_t fen) {
  char buf[kYuanChars];
  return Str(buf, FormatYuan(fen, buf));
}

JsonWriter& JsonWriter::Raw(const std::string& json) {
  BeforeValue();
  Put(json.data(), json.size());
  return *this;
}

void JsonWriter::PutU(uint32_t unit) {
  static const char kHex[] = "0123456789abcdef";
  const char u[6] = {
      '\\',           'u', kHex[unit >> 12 & 15], kHex[unit >> 8 & 15], kHex[unit >> 4 & 15],
      kHex[unit & 15]};
  Put(u, 6);
}

// As nlohmann's serializer with ensure_ascii on: the two-character escapes it knows, \u00xx in
// lowercase hex for the other control characters, \uXXXX (a surrogate pair above U+FFFF) for
// DEL and every character outside ASCII.
void JsonWriter::Escaped(const char* s, size_t n) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') continue;
    Put(s + run, i - run);
    if (c >= 0x80) {
      const size_t len = c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2);
      uint32_t cp = c & (0x3Fu >> (len - 1));
      for (size_t k = 1; k < len && i + k < n; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        PutU(0xD800 + (cp >> 10));
        PutU(0xDC00 + (cp & 0x3FF));
      } else {
        PutU(cp);
      }
      i += len - 1;
      run = i + 1;
      continue;
    }
    run = i + 1;
    switch (c) {
      case '"':
        Put("\\\"", 2);
        break;
      case '\\':
        Put("\\\\", 2);
        break;
      case '\b':
        Put("\\b", 2);
        break;
      case '\t':
        Put("\\t", 2);
        break;
      case '\n':
        Put("\\n", 2);
        break;
      case '\f':
        Put("\\f", 2);
        break;
      case '\r':
        Put("\\r", 2);
        break;
      default:
        PutU(c);
    }
  }
  if (run < n) Put(s + run, n - run);  // run passes n only on a cut-off sequence, never valid UTF-8
}

}  // namespace engine
