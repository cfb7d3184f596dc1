// The share token: who shared which program, when, and a MAC slot, in at most 32 characters of
// the base64url alphabet, so the same text works as a mini-program scene and as an H5 query value.
// The layout and the bit budget are in docs/share.md. The core never holds a key: it builds the
// exact text the server signs and assembles/splits tokens; the server (bindings/share-node.js)
// computes and checks the MAC.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "errors.h"

namespace engine {

constexpr int kShareTokenVersion = 1;
constexpr int kShareMaxKeyId = 7;           // 3 bits; keys rotate through the slots
constexpr size_t kShareTokenMaxChars = 32;  // WeChat's scene limit
constexpr size_t kShareMacChars = 8;        // 48 bits of HMAC-SHA256
constexpr size_t kShareMacBytes = 6;
constexpr int64_t kShareEpochMs = 1577836800000;  // 2020-01-01T00:00:00Z
constexpr int64_t kShareMinuteMs = 60000;
constexpr int kShareTimeBits = 26;  // minutes since the epoch: until 2147
constexpr int64_t kShareMaxIssuedAtMs =
    kShareEpochMs + ((int64_t{1} << kShareTimeBits) - 1) * kShareMinuteMs;
constexpr const char* kShareSigningPrefix = "share-token:";

struct ShareFields {
  int version = kShareTokenVersion;
  int key_id = 0;
  int64_t program_id = 0;
  int64_t sharer_id = 0;
  int64_t issued_at_ms = 0;  // a whole minute after kShareEpochMs
};

struct DecodedShareToken {
  ShareFields fields;
  std::string payload;  // the token without its MAC characters
  std::string mac_hex;  // 12 lowercase hex digits
};

// True for the 64 characters tokens use (A-Z a-z 0-9 - _).
bool IsShareTokenChar(char c);
// True for WeChat's scene alphabet: 0-9 A-Z a-z and !#$&'()*+,/:;=?@-._~
bool IsSceneChar(char c);

// The payload text for valid fields (ranges are the caller's job: ids 0..2^53-1, key id 0..7,
// issued_at_ms in [kShareEpochMs, kShareMaxIssuedAtMs], floored to the minute here).
std::string EncodeSharePayload(const ShareFields& f);
// The exact text the MAC is computed over (ASCII).
std::string ShareSigningInput(const std::string& payload);
// 12 hex digits -> the 8 MAC characters; empty when `mac_hex` is not 12 hex digits.
std::optional<std::string> ShareMacChars(const std::string& mac_hex);

// Splits and checks a token. On failure reports one E_TOKEN_* problem at `path`.
std::optional<DecodedShareToken> DecodeShareToken(const std::string& token, const std::string& path,
                                                  Problems& problems);

}  // namespace engine
