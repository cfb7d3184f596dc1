// Writes JSON text straight into a string, for the answers that are hot (previews, batches,
// failures). Building an nlohmann DOM and dumping it cost most of a preview call: one map node and
// string per key, copied through initializer lists. The text is the same as nlohmann's compact dump
// (`DumpJson`), byte for byte: callers write keys in sorted order, as nlohmann's std::map does,
// and strings are escaped the same way. Debug builds check the key order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace engine {

class JsonWriter {
 public:
  JsonWriter& Obj();
  JsonWriter& Arr();
  JsonWriter& End();  // closes the innermost object or array
  JsonWriter& Key(const char* key);
  JsonWriter& Int(int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& Str(const std::string& s);
  JsonWriter& Str(const char* s);
  // Text that is already JSON (a nested answer written elsewhere).
  JsonWriter& Raw(const std::string& json);

  // Key + value in one call, the common case.
  JsonWriter& Field(const char* key, int64_t v) { return Key(key).Int(v); }
  JsonWriter& Field(const char* key, const std::string& v) { return Key(key).Str(v); }
  JsonWriter& Field(const char* key, const char* v) { return Key(key).Str(v); }
  JsonWriter& FieldBool(const char* key, bool v) { return Key(key).Bool(v); }

  // Room for `n` bytes ahead, when the caller can tell roughly how long the text will be.
  void Reserve(size_t n) { Room(n); }

  // The text written so far; the writer is done with it.
  std::string& Text() {
    out_.resize(len_);
    return out_;
  }

 private:
  void BeforeValue();
  void Escaped(const char* s, size_t n);
  // Bytes go through a plain pointer into out_: at -Oz every std::string member is an
  // out-of-line call, and a batch answer is millions of small appends.
  void Room(size_t n) {
    if (len_ + n > out_.size()) Grow(n);
  }
  void Grow(size_t n);
  void Put(char c) {
    Room(1);
    buf_[len_++] = c;
  }
  void Put(const char* s, size_t n);
  void Put(const char* s);

  std::string out_;  // sized ahead; the first len_ bytes are the text
  char* buf_ = nullptr;
  size_t len_ = 0;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  std::string close_;        // per open container: the bracket that closes it
  bool after_key_ = false;
#ifndef NDEBUG
  std::vector<std::string> last_key_;
#endif
};

}  // namespace engine
