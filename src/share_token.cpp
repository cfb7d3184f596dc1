#include "share_token.h"

#include <cstring>

namespace engine {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Width of an id for each 3-bit size class. An id uses the narrowest class it fits (anything else
// is refused as non-canonical, so one set of fields has exactly one token per key).
constexpr int kClassBits[8] = {4, 8, 12, 16, 20, 24, 32, 53};
constexpr int kHeaderBits = 3 + 3 + 3 + 3;  // version, key id, program class, sharer class

int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int ClassOf(int64_t id) {
  for (int k = 0; k < 7; ++k)
    if (id < (int64_t{1} << kClassBits[k])) return k;
  return 7;
}

size_t PayloadChars(int program_class, int sharer_class) {
  const int bits =
      kHeaderBits + kClassBits[program_class] + kClassBits[sharer_class] + kShareTimeBits;
  return static_cast<size_t>((bits + 5) / 6);
}

class SextetWriter {
 public:
  void Put(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      acc_ = (acc_ << 1) | static_cast<unsigned>((v >> i) & 1u);
      if (++n_ == 6) Flush();
    }
  }
  std::string Finish() {
    if (n_ > 0) {
      acc_ <<= (6 - n_);
      Flush();
    }
    return std::move(out_);
  }

 private:
  void Flush() {
    out_.push_back(kAlphabet[acc_ & 63u]);
    acc_ = 0;
    n_ = 0;
  }
  std::string out_;
  unsigned acc_ = 0;
  int n_ = 0;
};

// Reads bits MSB-first from already validated token characters.
class SextetReader {
 public:
  explicit SextetReader(const std::string& s) : s_(s) {}
  uint64_t Get(int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      const size_t ch = pos_ / 6;
      const int bit = 5 - static_cast<int>(pos_ % 6);
      const int sextet = ch < s_.size() ? SextetOf(s_[ch]) : 0;
      v = (v << 1) | static_cast<uint64_t>((sextet >> bit) & 1);
      ++pos_;
    }
    return v;
  }
  // The bits left in the current character (zero padding in a canonical token).
  uint64_t Rest() { return pos_ % 6 == 0 ? 0 : Get(6 - static_cast<int>(pos_ % 6)); }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

std::string Hex(const uint8_t* b, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 15]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

bool IsShareTokenChar(char c) { return SextetOf(c) >= 0; }

bool IsSceneChar(char c) {
  if (SextetOf(c) >= 0) return true;
  return c != '\0' && std::strchr("!#$&'()*+,/:;=?@.~", c) != nullptr;
}

std::string EncodeSharePayload(const ShareFields& f) {
  const int pc = ClassOf(f.program_id);
  const int sc = ClassOf(f.sharer_id);
  SextetWriter w;
  w.Put(static_cast<uint64_t>(f.version), 3);
  w.Put(static_cast<uint64_t>(f.key_id), 3);
  w.Put(static_cast<uint64_t>(pc), 3);
  w.Put(static_cast<uint64_t>(sc), 3);
  w.Put(static_cast<uint64_t>(f.program_id), kClassBits[pc]);
  w.Put(static_cast<uint64_t>(f.sharer_id), kClassBits[sc]);
  w.Put(static_cast<uint64_t>((f.issued_at_ms - kShareEpochMs) / kShareMinuteMs), kShareTimeBits);
  return w.Finish();
}

std::string ShareSigningInput(const std::string& payload) { return kShareSigningPrefix + payload; }

std::optional<std::string> ShareMacChars(const std::string& mac_hex) {
  if (mac_hex.size() != 2 * kShareMacBytes) return std::nullopt;
  SextetWriter w;
  for (char c : mac_hex) {
    const int d = HexDigit(c);
    if (d < 0) return std::nullopt;
    w.Put(static_cast<uint64_t>(d), 4);
  }
  return w.Finish();
}

std::optional<DecodedShareToken> DecodeShareToken(const std::string& token, const std::string& path,
                                                  Problems& problems) {
  const auto fail = [&](const char* code, std::string message) {
    Report(problems, code, path, std::move(message));
    return std::nullopt;
  };
  if (token.empty()) return fail("E_TOKEN_LENGTH", "the share token is empty");
  if (token.size() > kShareTokenMaxChars)
    return fail("E_TOKEN_LENGTH",
                "a share token has at most 32 characters, got " + std::to_string(token.size()));
  for (size_t i = 0; i < token.size(); ++i) {
    if (!IsShareTokenChar(token[i]))
      return fail("E_TOKEN_CHAR", "character " + std::to_string(i) + " (" + Printable(token[i]) +
                                      ") is not one of A-Z a-z 0-9 - _");
  }
  const int first = SextetOf(token[0]);
  const int version = first >> 3;
  if (version != kShareTokenVersion)
    return fail("E_TOKEN_VERSION", "unknown token format version " + std::to_string(version));
  if (token.size() < 2) return fail("E_TOKEN_LENGTH", "the share token is cut short");
  const int second = SextetOf(token[1]);
  const int pc = second >> 3;
  const int sc = second & 7;
  const size_t want = PayloadChars(pc, sc) + kShareMacChars;
  if (token.size() != want)
    return fail("E_TOKEN_LENGTH", "this token's header needs " + std::to_string(want) +
                                      " characters, got " + std::to_string(token.size()));

  DecodedShareToken out;
  out.payload = token.substr(0, want - kShareMacChars);
  SextetReader r(out.payload);
  ShareFields& f = out.fields;
  f.version = static_cast<int>(r.Get(3));
  f.key_id = static_cast<int>(r.Get(3));
  r.Get(6);  // the classes, read above
  f.program_id = static_cast<int64_t>(r.Get(kClassBits[pc]));
  f.sharer_id = static_cast<int64_t>(r.Get(kClassBits[sc]));
  f.issued_at_ms = kShareEpochMs + static_cast<int64_t>(r.Get(kShareTimeBits)) * kShareMinuteMs;
  if (r.Rest() != 0) return fail("E_TOKEN_NONCANONICAL", "the token's padding bits are not zero");
  if (ClassOf(f.program_id) != pc || ClassOf(f.sharer_id) != sc)
    return fail("E_TOKEN_NONCANONICAL", "an id is stored wider than it needs");

  SextetReader m(token);
  m.Get(static_cast<int>(out.payload.size() * 6));
  uint8_t mac[kShareMacBytes];
  for (auto& b : mac) b = static_cast<uint8_t>(m.Get(8));
  out.mac_hex = Hex(mac, kShareMacBytes);
  return out;
}

}  // namespace engine
