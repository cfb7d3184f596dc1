// Who may enter a campaign page, buy and earn by sharing, and when that answer may change
// (SPEC 2 and 8). Every blocking reason is reported, not only the first, each with the actions it
// blocks, so the page can show all of them and the server refuses with exactly the same rule.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "countdown.h"
#include "program.h"

namespace engine {

constexpr int64_t kGateMaxTimeMs = 4102444800000;  // 2100-01-01T00:00:00Z, as for program times
// SPEC 8: five wrong passwords within ten minutes lock the user out; the lock lasts ten minutes.
constexpr int kPasswordMaxTries = 5;
constexpr int64_t kPasswordWindowMs = 10 * 60 * 1000;
constexpr int64_t kPasswordLockMs = 10 * 60 * 1000;
constexpr size_t kMaxWrongTries = 1000;

enum GateAction : unsigned { kEnter = 1, kBuy = 2, kDistribute = 4 };

struct PasswordLock {
  bool locked = false;
  std::optional<int64_t> lock_until_ms;
  int tries_left = kPasswordMaxTries;  // before the next lock; 0 while locked
  // When tries_left next grows because an old try leaves the window (informational).
  std::optional<int64_t> window_frees_at_ms;
};

// `wrong_tries_ms` in any order, none after `now_ms`. Tries made while locked are ignored (the
// server does not check a password then), and a lock's end starts the count afresh.
PasswordLock EvaluateLock(std::vector<int64_t> wrong_tries_ms, int64_t now_ms);

// The public part of a password pass: gp1.<program_id>.<user_id>.<expires_ms>.<mac>. The MAC is
// HMAC-SHA256 over "gp1.<program_id>.<user_id>.<expires_ms>", truncated to 16 bytes, base64url
// without padding (22 characters); only the server (bindings/gate-node.js) can check it.
struct PassInfo {
  int64_t program_id = 0, user_id = 0, expires_ms = 0;
};
std::optional<PassInfo> ParsePass(const std::string& pass);

enum class PassSignature { kUnchecked, kValid, kInvalid };

struct GateUser {
  int64_t id = 0;
  bool is_fan = false;
  std::optional<std::string> region;  // GB/T 2260; empty when not known
  int64_t bought_units = 0;           // units this user bought in this campaign so far
  std::optional<std::string> pass;
  PassSignature pass_signature = PassSignature::kUnchecked;
  std::vector<int64_t> wrong_tries_ms;
};

struct GateState {
  int64_t stock_left = 0;
  int64_t buyers = 0;  // distinct users who bought
};

struct GateReason {
  std::string code;
  std::string message;
  unsigned blocks = 0;              // GateAction bits
  std::optional<int64_t> until_ms;  // when this reason ends by itself, if it does
  std::string detail;               // e.g. the region or the limit, for the page's text
};

struct GateVerdict {
  CampaignPhase phase = CampaignPhase::kNotStarted;
  std::vector<GateReason> reasons;
  bool enter = false, buy = false, distribute = false;
  int64_t max_units = 0;                 // how many units this user may buy now
  std::optional<int64_t> changes_at_ms;  // > now, or empty when no time alone changes the answer
  PasswordLock lock;
  std::optional<PassInfo> pass;
  bool pass_accepted = false;
  std::string matched_region;
};

GateVerdict EvaluateGate(const Program& p, const GateState& state, const GateUser& user,
                         int64_t now_ms);

}  // namespace engine
