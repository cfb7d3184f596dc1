#include "gate.h"

#include <algorithm>
#include <deque>

#include "money.h"
#include "region.h"

namespace engine {
namespace {

constexpr size_t kMaxPassChars = 128;
constexpr size_t kMacChars = 22;  // 16 bytes, base64url, no padding

// A canonical decimal (no sign, no leading zero) within 0 ... max.
std::optional<int64_t> Decimal(const std::string& s, int64_t max) {
  if (s.empty() || s.size() > 16 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

bool Base64Url(const std::string& s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

PasswordLock EvaluateLock(std::vector<int64_t> tries, int64_t now_ms) {
  std::sort(tries.begin(), tries.end());
  std::optional<int64_t> lock_until;
  std::deque<int64_t> window;  // tries since the last lock ended, within the last window
  for (int64_t t : tries) {
    if (lock_until && t < *lock_until) continue;
    lock_until.reset();
    while (!window.empty() && window.front() <= t - kPasswordWindowMs) window.pop_front();
    window.push_back(t);
    if (window.size() >= static_cast<size_t>(kPasswordMaxTries)) {
      lock_until = t + kPasswordLockMs;
      window.clear();
    }
  }
  PasswordLock out;
  if (lock_until && now_ms < *lock_until) {
    out.locked = true;
    out.lock_until_ms = lock_until;
    out.tries_left = 0;
    return out;
  }
  while (!window.empty() && window.front() <= now_ms - kPasswordWindowMs) window.pop_front();
  out.tries_left = kPasswordMaxTries - static_cast<int>(window.size());
  if (!window.empty()) out.window_frees_at_ms = window.front() + kPasswordWindowMs;
  return out;
}

std::optional<PassInfo> ParsePass(const std::string& pass) {
  if (pass.size() > kMaxPassChars) return std::nullopt;
  std::vector<std::string> parts;
  size_t from = 0;
  while (parts.size() < 6) {
    const size_t dot = pass.find('.', from);
    parts.push_back(pass.substr(from, dot == std::string::npos ? std::string::npos : dot - from));
    if (dot == std::string::npos) break;
    from = dot + 1;
  }
  if (parts.size() != 5 || parts[0] != "gp1") return std::nullopt;
  const auto program = Decimal(parts[1], kMaxAmount);
  const auto user = Decimal(parts[2], kMaxAmount);
  const auto expires = Decimal(parts[3], kGateMaxTimeMs);
  if (!program || !user || !expires) return std::nullopt;
  if (parts[4].size() != kMacChars || !Base64Url(parts[4])) return std::nullopt;
  return PassInfo{*program, *user, *expires};
}

GateVerdict EvaluateGate(const Program& p, const GateState& state, const GateUser& user,
                         int64_t now_ms) {
  const CampaignSettings& c = p.campaign;
  GateVerdict v;
  std::vector<int64_t> changes;  // every time after now at which some reason appears or ends
  const auto add = [&](const char* code, std::string message, unsigned blocks,
                       std::optional<int64_t> until = std::nullopt, std::string detail = "") {
    v.reasons.push_back({code, std::move(message), blocks, until, std::move(detail)});
  };
  const unsigned kAll = kEnter | kBuy | kDistribute;
  const bool has_bought = user.bought_units > 0;

  v.phase = PhaseAt(c.start_ms, c.end_ms, now_ms);
  if (v.phase == CampaignPhase::kNotStarted) {
    add("G_NOT_STARTED", "the campaign has not started yet", kBuy, c.start_ms);
    changes.push_back(c.start_ms);
  } else if (v.phase == CampaignPhase::kEnded) {
    add("G_ENDED", "the campaign has ended", kBuy | kDistribute);
  } else {
    changes.push_back(c.end_ms);
  }

  if (state.stock_left == 0) add("G_SOLD_OUT", "sold out", kBuy | kDistribute);
  if (c.max_buyers > 0 && state.buyers >= c.max_buyers) {
    // The cap counts people: someone who already bought is not a new buyer (seed 000 限制购买人数).
    add("G_BUYERS_FULL", "the campaign has reached its maximum number of buyers",
        kDistribute | (has_bought ? 0u : unsigned{kBuy}), std::nullopt,
        std::to_string(c.max_buyers));
  }
  if (c.fans_only && !user.is_fan)
    add("G_NOT_FAN", "only followers of the official account can take part", kBuy | kDistribute);

  if (!c.allowed_regions.empty()) {
    const unsigned blocks = kBuy | kDistribute;
    if (!user.region) {
      add("G_REGION_MISSING", "the user's region is not known", blocks);
    } else {
      switch (CheckRegion(*user.region)) {
        case RegionCheck::kMalformed:
          add("G_REGION_MALFORMED", "the user's region is not a 6-digit GB/T 2260 code", blocks,
              std::nullopt, *user.region);
          break;
        case RegionCheck::kUnknown:
          add("G_REGION_UNKNOWN", "the user's region is not a GB/T 2260 code", blocks, std::nullopt,
              *user.region);
          break;
        case RegionCheck::kOk: {
          const auto r = ParseRegion(*user.region);
          const std::string* m = r ? MatchRegion(c.allowed_regions, *r) : nullptr;
          if (m)
            v.matched_region = *m;
          else
            add("G_REGION_NOT_ALLOWED", "the campaign is not open in the user's region", blocks,
                std::nullopt, *user.region);
          break;
        }
      }
    }
  }

  if (c.password_protected) {
    if (!user.pass) {
      add("G_PASSWORD_REQUIRED", "the campaign password is required", kAll);
    } else if (!(v.pass = ParsePass(*user.pass))) {
      add("G_PASS_MALFORMED", "the password pass is not a pass", kAll);
    } else {
      const size_t before = v.reasons.size();
      if (v.pass->program_id != p.program_id)
        add("G_PASS_WRONG_PROGRAM", "the password pass belongs to another campaign", kAll);
      if (v.pass->user_id != user.id)
        add("G_PASS_WRONG_USER", "the password pass belongs to another user", kAll);
      if (v.pass->expires_ms <= now_ms)
        add("G_PASS_EXPIRED", "the password pass has expired", kAll, std::nullopt,
            std::to_string(v.pass->expires_ms));
      if (user.pass_signature == PassSignature::kInvalid)
        add("G_PASS_BAD_SIGNATURE", "the password pass was not signed by this server", kAll);
      v.pass_accepted = v.reasons.size() == before;
      // Even a refused pass changes the answer when it expires: G_PASS_EXPIRED joins the reasons.
      changes.push_back(v.pass->expires_ms);
    }
    if (!v.pass_accepted) {
      // A valid pass outranks the lock: the lock only stops further guessing.
      v.lock = EvaluateLock(user.wrong_tries_ms, now_ms);
      if (v.lock.locked) {
        add("G_LOCKED_OUT", "too many wrong passwords; try again later", kAll,
            v.lock.lock_until_ms);
        changes.push_back(*v.lock.lock_until_ms);
      }
    }
  }

  if (c.per_user_limit > 0 && user.bought_units >= c.per_user_limit)
    add("G_PURCHASE_LIMIT", "this user has bought as many units as one person may", kBuy,
        std::nullopt, std::to_string(c.per_user_limit));
  if (c.buy_before_distributing && !has_bought)
    add("G_MUST_BUY_FIRST", "buy once before sharing to earn commission", kDistribute);

  unsigned blocked = 0;
  for (const auto& r : v.reasons) blocked |= r.blocks;
  v.enter = !(blocked & kEnter);
  v.buy = !(blocked & kBuy);
  v.distribute = !(blocked & kDistribute);
  if (v.buy) {
    v.max_units = state.stock_left;
    if (c.per_user_limit > 0)
      v.max_units = std::min(v.max_units, c.per_user_limit - user.bought_units);
  }
  for (int64_t t : changes)
    if (t > now_ms && (!v.changes_at_ms || t < *v.changes_at_ms)) v.changes_at_ms = t;
  return v;
}

}  // namespace engine
