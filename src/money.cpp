#include "money.h"

namespace engine {

std::optional<int64_t> MulDiv(int64_t a, int64_t b, int64_t d, Rounding mode) {
  if (a < 0 || b < 0 || d <= 0) return std::nullopt;
  const __int128 p = static_cast<__int128>(a) * b;
  __int128 q = p / d;
  const __int128 r = p % d;
  if (mode == Rounding::kHalfUp && 2 * r >= d) q += 1;
  if (q > kMaxAmount) return std::nullopt;
  return static_cast<int64_t>(q);
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  if (a < 0 || b < 0 || a > kMaxAmount || b > kMaxAmount || a > kMaxAmount - b) return std::nullopt;
  return a + b;
}

std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return std::nullopt;
  const __int128 p = static_cast<__int128>(a) * b;
  if (p > kMaxAmount) return std::nullopt;
  return static_cast<int64_t>(p);
}

std::string FormatYuan(Fen fen) {
  std::string sign = fen < 0 ? "-" : "";
  // Negative amounts only appear for debts; kMaxAmount keeps -fen in range.
  const int64_t v = fen < 0 ? -fen : fen;
  const int64_t cents = v % 100;
  std::string out = sign + "¥" + std::to_string(v / 100) + ".";
  if (cents < 10) out += "0";
  return out + std::to_string(cents);
}

const char* RoundingName(Rounding r) { return r == Rounding::kFloor ? "floor" : "half_up"; }

}  // namespace engine
