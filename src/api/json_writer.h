// Writes JSON text straight into a string, for the answers that are hot (previews, batches,
// failures). Building an nlohmann DOM and dumping it cost most of a preview call: one map node and
// string per key, copied through initializer lists. The text is the same as nlohmann's compact dump
// (`DumpJson`), byte for byte: callers write keys in sorted order, as nlohmann's std::map does,
// and strings are escaped the same way, everything outside ASCII as \uXXXX. Debug builds check
// the key order.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace engine {

// A key: one of the engine's own names, with its length known when it is a literal (no strlen
// per key: a batch answer has about 150 keys per order).
struct Name {
  template <size_t N>
  constexpr Name(const char (&literal)[N]) : s(literal), n(N - 1) {}  // NOLINT: implicit on purpose
  explicit Name(const char* name) : s(name), n(std::strlen(name)) {}
  const char* s;
  size_t n;
};

class JsonWriter {
 public:
  JsonWriter& Obj();
  JsonWriter& Arr();
  JsonWriter& End();  // closes the innermost object or array
  JsonWriter& Key(Name key);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& Str(const std::string& s);
  JsonWriter& Str(const char* s);
  // Text that is already JSON (a nested answer written elsewhere).
  JsonWriter& Raw(const std::string& json);

  // Text the engine made itself (valid UTF-8), of a known length.
  JsonWriter& Str(const char* s, size_t n);
  // A money amount as its text, "¥12.30" (FormatYuan), without a std::string in between.
  JsonWriter& Yuan(int64_t fen);

  // Key + value in one call, the common case.
  JsonWriter& Field(Name key, int64_t v) { return Key(key).Int(v); }
  JsonWriter& Field(Name key, const std::string& v) { return Key(key).Str(v); }
  JsonWriter& Field(Name key, const char* v) { return Key(key).Str(v); }
  JsonWriter& FieldBool(Name key, bool v) { return Key(key).Bool(v); }
  JsonWriter& FieldYuan(Name key, int64_t fen) { return Key(key).Yuan(fen); }

  // Room for `n` bytes ahead, when the caller can tell roughly how long the text will be.
  void Reserve(size_t n) { Room(n); }

  // For an answer whose first bytes are known only at the end (a batch's count of failures, which
  // nlohmann's key order puts first): LeaveHead(n), before anything is written, keeps n bytes in
  // front; Head(text), once the rest is written, puts `text` (at most n bytes) right before it.
  // Cheaper than writing the rest apart and copying it in: a batch answer is megabytes.
  void LeaveHead(size_t n);
  void Head(const std::string& text);

  // The text written so far; the writer is done with it.
  std::string& Text() {
    size_t from;
    std::string& text = TextFrom(from);
    text.erase(0, from);
    return text;
  }
  // The same, the text starting at byte `from` (what LeaveHead kept and Head did not fill).
  std::string& TextFrom(size_t& from) {
    out_.resize(len_);
    from = head_;
    head_ = 0;
    return out_;
  }
  size_t Size() const { return len_ - head_; }

 private:
  // The hot steps are forced inline: at -Oz clang would make each a call, and a batch answer is
  // millions of them (docs/commission.md, "Speed").
#define ENGINE_HOT inline __attribute__((always_inline))
  ENGINE_HOT void BeforeValue() {
    if (after_key_) {
      after_key_ = false;
    } else if (depth_ != 0) {
      char& top = stack_[depth_ - 1];
      if (top & kEmpty)
        top = static_cast<char>(top & ~kEmpty);
      else
        Put(',');
    }
  }
  void Open(char open, char close);
  // `s` is valid UTF-8 (checked by the caller, or made by the engine).
  void Escaped(const char* s, size_t n);
  void PutU(uint32_t unit);  // \uXXXX
  ENGINE_HOT void Room(size_t n) {
    if (len_ + n > out_.size()) Grow(n);
  }
  void Grow(size_t n);
  ENGINE_HOT void Put(char c) {
    Room(1);
    buf_[len_++] = c;
  }
  // Short runs byte by byte: a memcpy call costs more than the copy for the few bytes of a key
  // or a number.
  ENGINE_HOT void Put(const char* s, size_t n) {
    Room(n);
    char* d = buf_ + len_;
    len_ += n;
    if (n <= 16) {
      while (n--) *d++ = *s++;
    } else {
      std::memcpy(d, s, n);
    }
  }
#undef ENGINE_HOT
  void Put(const char* s) { Put(s, std::strlen(s)); }

  // Per open container, its closing bracket, with kEmpty set while nothing is written in it.
  static constexpr char kEmpty = 0x02;  // a bit that '}' and ']' both have clear
  std::string out_;                     // sized ahead; the first len_ bytes are the text
  char* buf_ = nullptr;
  size_t len_ = 0;
  size_t head_ = 0;  // bytes in front of the text (LeaveHead)
  std::string stack_;
  size_t depth_ = 0;
  bool after_key_ = false;
#ifndef NDEBUG
  std::vector<std::string> last_key_;
#endif
};

}  // namespace engine
